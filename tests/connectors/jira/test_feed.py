"""JiraChangeFeed against the fake Jira's enhanced JQL search, over real HTTP."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.http import ApiAccess
from connectors.jira.feed import JiraChangeFeed
from devstack.fake_jira import SEARCH_PATH, FakeJira
from plaint.model.events import Channel, SourceSystem, TicketEventKind
from plaint.policy.intake import JiraFieldMapping
from plaint.vocabulary.errors import PermanentDeliveryError
from tests.factories import EVENTS

CREDENTIALS = ("complaints@example.com", "api-token-123")
NOW = datetime.now(UTC).replace(second=30, microsecond=0)


@pytest.fixture
def fake():
    with FakeJira(auth=CREDENTIALS) as server:
        yield server


def feed(fake, credentials=CREDENTIALS, time_left=None, **kwargs):
    kwargs.setdefault("page_size", 2)
    access = ApiAccess(fake.url, credentials, time_left=time_left, requests_per_minute=6000)
    return JiraChangeFeed(access, **kwargs)


def stamp(minutes_ago):
    moment = NOW - timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def create(fake, key, minutes_ago, updated_minutes_ago=None, **fields):
    created = stamp(minutes_ago)
    body = {
        "key": key,
        "labels": fields.pop("labels", []),
        "status": fields.pop("status", "Waiting for support"),
        "fields": {
            "summary": f"Complaint {key}",
            "description": {
                "type": "doc",
                "version": 1,
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": f"About {key}."}]}
                ],
            },
            "created": created,
            "updated": created if updated_minutes_ago is None else stamp(updated_minutes_ago),
            "reporter": {"accountId": f"acc-{key}", "accountType": "customer"},
            **fields,
        },
    }
    requests.post(f"{fake.url}/__fake/issues", json=body, timeout=5).raise_for_status()


def searches(fake):
    seen = requests.get(f"{fake.url}/__fake/requests", timeout=5).json()["requests"]
    return [r["json"] for r in seen if r["path"] == SEARCH_PATH]


def add_fault(fake, status, count, retry_after=None):
    fault = {"status": status, "count": count, "retry_after": retry_after}
    requests.post(f"{fake.url}/__fake/faults", json=fault, timeout=5).raise_for_status()


def walk(jira, cursor, now=NOW):
    events, pages = [], 0
    while True:
        page = jira.changed_since(cursor, now)
        events.extend(page.events)
        cursor, pages = page.cursor, pages + 1
        if not page.more:
            return events, cursor, pages


def test_pages_are_walked_to_the_end_of_the_result_set(fake):
    create(fake, "SUP-1", 50)
    create(fake, "SUP-2", 40)
    create(fake, "SUP-10", 30)
    create(fake, "SUP-3", 30)  # same minute: ordered by key, SUP-3 before SUP-10
    create(fake, "SUP-4", 300, 10, labels=["vip"], status="In progress")
    jira = feed(fake)

    events, cursor, pages = walk(jira, None)

    assert pages == 3
    assert [e.ticket_id for e in events] == ["SUP-1", "SUP-2", "SUP-3", "SUP-10", "SUP-4"]
    first, updated = events[0], events[-1]
    assert first.source is SourceSystem.JIRA
    assert first.kind is TicketEventKind.CREATED
    assert first.recovered is True
    assert first.subject == "Complaint SUP-1"
    assert first.description == "About SUP-1."
    assert first.complainant_ref == "jira-user:acc-SUP-1"
    assert first.helpdesk_status == "waiting for support"
    assert first.delivery_id == f"reconcile:SUP-1:{first.occurred_at.isoformat()}"
    assert updated.kind is TicketEventKind.UPDATED
    assert updated.created_at < updated.occurred_at
    assert updated.tags == ("vip",)
    assert updated.helpdesk_status == "in progress"
    # Exhausted: start again a minute before the latest change seen, with no token.
    state = json.loads(cursor)
    assert state["token"] is None
    assert datetime.fromisoformat(state["since"]) == updated.occurred_at - timedelta(minutes=1)
    asked = searches(fake)
    assert [("nextPageToken" in body) for body in asked] == [False, True, True]
    window_start = (NOW - timedelta(days=1)).strftime("%Y/%m/%d %H:%M")
    assert asked[0]["jql"] == f'updated >= "{window_start}" ORDER BY updated ASC, key ASC'
    assert asked[0]["maxResults"] == 2
    assert {"summary", "description", "created", "updated", "status"} <= set(asked[0]["fields"])


def test_a_second_run_from_the_cursor_yields_only_later_changes(fake):
    create(fake, "SUP-1", 30)
    create(fake, "SUP-2", 20)
    create(fake, "SUP-3", 10)
    jira = feed(fake)
    first_run, cursor, _ = walk(jira, None)

    create(fake, "SUP-4", 5)
    create(fake, "SUP-1", 30, 3, status="Resolved")
    second_run, _, _ = walk(jira, cursor)

    assert [e.ticket_id for e in first_run] == ["SUP-1", "SUP-2", "SUP-3"]
    # SUP-3 again, from the minute of overlap, under the same delivery id.
    assert [e.ticket_id for e in second_run] == ["SUP-3", "SUP-4", "SUP-1"]
    assert second_run[0].delivery_id == first_run[2].delivery_id
    assert second_run[2].kind is TicketEventKind.UPDATED
    assert second_run[2].helpdesk_status == "resolved"


def test_a_run_cut_short_resumes_mid_result_set(fake):
    for number, minutes_ago in ((1, 30), (2, 20), (3, 10)):
        create(fake, f"SUP-{number}", minutes_ago)
    jira = feed(fake)

    first = jira.changed_since(None, NOW)
    rest = feed(fake).changed_since(first.cursor, NOW)  # another run, another container

    assert first.more is True
    assert json.loads(first.cursor)["token"]
    assert [e.ticket_id for e in (*first.events, *rest.events)] == ["SUP-1", "SUP-2", "SUP-3"]
    assert rest.more is False
    since = datetime.fromisoformat(json.loads(rest.cursor)["since"])
    assert since == rest.events[-1].occurred_at - timedelta(minutes=1)


def test_nothing_changed_keeps_the_cursor_where_it_was(fake):
    jira = feed(fake)
    page = jira.changed_since(None, NOW)
    assert (page.events, page.more) == ((), False)
    assert datetime.fromisoformat(json.loads(page.cursor)["since"]) == NOW - timedelta(days=1)


def test_the_scope_and_the_zone_shape_the_query(fake):
    with FakeJira(auth=CREDENTIALS, zone="Asia/Baku") as baku:
        create(baku, "SUP-1", 30)
        create(baku, "OPS-1", 20)
        jira = feed(baku, jql_scope="project = SUP", zone="Asia/Baku")

        events, _, _ = walk(jira, None)

        assert [e.ticket_id for e in events] == ["SUP-1"]
        local = (NOW - timedelta(days=1)).astimezone(jira.zone).strftime("%Y/%m/%d %H:%M")
        assert searches(baku)[0]["jql"] == (
            f'(project = SUP) AND updated >= "{local}" ORDER BY updated ASC, key ASC'
        )


def test_mapped_fields_are_read_as_the_webhook_mapper_reads_them(fake):
    create(
        fake,
        "SUP-7",
        10,
        customfield_10001={"value": "Email"},
        customfield_10002="az-AZ",
        customfield_10003={"value": "Card"},
        customfield_10004="Refund",
    )
    mapping = JiraFieldMapping(
        channel_field="customfield_10001",
        language_field="customfield_10002",
        product_field="customfield_10003",
        remedy_field="customfield_10004",
    )

    (event,), _, _ = walk(feed(fake, mapping=mapping), None)

    assert event.channel is Channel.EMAIL
    assert event.language == "az"
    assert (event.product, event.remedy_sought) == ("Card", "Refund")
    assert {"customfield_10001", "customfield_10004"} <= set(searches(fake)[0]["fields"])


def test_a_cursor_that_is_not_ours_is_permanent(fake):
    with pytest.raises(PermanentDeliveryError, match="cursor"):
        feed(fake).changed_since("not-a-cursor", NOW)


# --- Jira Service Management request feedback (CSAT) ------------------------------------

FEEDBACK = json.loads((EVENTS / "jira" / "jsm_request_feedback_CONSTRUCTED.json").read_text())


def give_feedback(fake, key, feedback):
    url = f"{fake.url}/rest/servicedeskapi/request/{key}/feedback"
    requests.post(url, json=feedback, auth=CREDENTIALS, timeout=5).raise_for_status()


def test_resolved_requests_carry_their_feedback_when_surveys_are_left_to_jira(fake):
    create(fake, "SUP-1", 30, resolution={"name": "Done"})
    create(fake, "SUP-2", 20, resolution={"name": "Done"})  # resolved, no feedback yet: 404
    create(fake, "SUP-3", 10)  # open: not asked
    give_feedback(fake, "SUP-1", FEEDBACK)
    give_feedback(fake, "SUP-3", {"type": "csat", "rating": 1})

    events, _, _ = walk(feed(fake, page_size=10, read_feedback=True), None)

    ratings = {e.ticket_id: e.helpdesk_rating for e in events}
    first = ratings["SUP-1"]
    assert first is not None
    assert (first.via, first.score, first.lowest, first.highest) == ("jira_feedback", 4, 1, 5)
    assert first.comment == FEEDBACK["comment"]["body"]
    assert ratings["SUP-2"] is None and ratings["SUP-3"] is None
    seen = requests.get(f"{fake.url}/__fake/requests", timeout=5).json()["requests"]
    asked = [r for r in seen if r["path"].endswith("/feedback") and r["method"] == "GET"]
    assert {r["headers"].get("x-experimentalapi") for r in asked} == {"opt-in"}
    assert sorted(r["path"] for r in asked) == [
        "/rest/servicedeskapi/request/SUP-1/feedback",
        "/rest/servicedeskapi/request/SUP-2/feedback",
    ]
    assert "resolution" in searches(fake)[0]["fields"]


def test_feedback_is_not_read_unless_the_policy_leaves_surveys_to_jira(fake):
    create(fake, "SUP-1", 30, resolution={"name": "Done"})
    give_feedback(fake, "SUP-1", FEEDBACK)
    events, _, _ = walk(feed(fake, page_size=10, read_feedback=lambda: False), None)
    assert [e.helpdesk_rating for e in events] == [None]


def test_a_server_error_reading_feedback_is_transient(fake):
    from plaint.vocabulary.errors import TransientDeliveryError

    create(fake, "SUP-1", 30, resolution={"name": "Done"})
    jira = feed(fake, page_size=10, read_feedback=True)
    add_fault(fake, 503, 5)
    with pytest.raises(TransientDeliveryError):
        jira.feedback("SUP-1")


def test_a_rating_off_the_scale_is_refused_and_leaves_no_feedback(fake):
    create(fake, "SUP-1", 30, resolution={"name": "Done"})
    with pytest.raises(requests.HTTPError):
        give_feedback(fake, "SUP-1", {"type": "csat", "rating": 9})
    assert feed(fake, read_feedback=True).feedback("SUP-1") is None

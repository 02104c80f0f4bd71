"""JiraClient against the fake Jira, over real HTTP."""

import time
from datetime import UTC, datetime

import pytest
import requests

from connectors.http import ApiAccess
from connectors.jira.client import (
    ACTION_PROPERTY,
    TRANSITION_PROPERTY,
    JiraClient,
    adf_document,
    comment_text,
)
from connectors.jira.wire import adf_text
from devstack.fake_jira import FakeJira, status_id
from plaint.model.actions import ActionKind, ActionStatus, OutboundAction
from plaint.model.events import SourceSystem
from plaint.usecases.handling import ComplaintHandling
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError
from storage.memory import MemoryStore
from tests.factories import default_policy, ticket_event
from tests.fakes import FakeQueue, ManualClock

CREDENTIALS = ("complaints@example.com", "api-token-123")
KEY = "SUP-12"
ACTION_ID = "jira:SUP-12:acknowledge"
MARKER = {"key": ACTION_PROPERTY, "value": {"action_id": ACTION_ID}}


@pytest.fixture
def fake():
    with FakeJira(auth=CREDENTIALS) as server:
        yield server


def client(fake, service_desk=False, **access):
    return JiraClient(ApiAccess(fake.url, CREDENTIALS, **access), service_desk=service_desk)


def action(ticket_id=KEY, **changes):
    fields = {
        "action_id": f"jira:{ticket_id}:acknowledge",
        "complaint_id": f"jira:{ticket_id}",
        "kind": ActionKind.ACKNOWLEDGE,
        "source": SourceSystem.JIRA,
        "ticket_id": ticket_id,
        "language": "az",
        "comment": "Şikayətinizi aldıq.\n5 iş günü ərzində cavab verəcəyik.\n\nHörmətlə, Dəstək",
        "add_tags": ("plaint_acknowledged",),
        "marker_tag": "plaint_ack_sent",
        "next_attempt_at": datetime(2025, 3, 4, 8, 17, tzinfo=UTC),
    }
    return OutboundAction(**(fields | changes))


def recorded(fake):
    return requests.get(f"{fake.url}/__fake/requests", timeout=5).json()["requests"]


def issue_state(fake, key=KEY):
    return requests.get(f"{fake.url}/__fake/issues/{key}", timeout=5).json()


def add_fault(fake, status, count, retry_after=None):
    fault = {"status": status, "count": count, "retry_after": retry_after}
    requests.post(f"{fake.url}/__fake/faults", json=fault, timeout=5).raise_for_status()


def calls(fake, method, suffix=""):
    return [
        r
        for r in recorded(fake)
        if r["method"] == method and r["path"].split("?")[0].endswith(suffix)
    ]


def seed_comment(fake, text, properties=()):
    """A comment already on the issue, as an earlier attempt or an agent left it."""
    body = {"body": adf_document(text), "properties": list(properties)}
    requests.post(
        f"{fake.url}/rest/api/3/issue/{KEY}/comment", json=body, auth=CREDENTIALS, timeout=5
    ).raise_for_status()


def test_comment_posted_once_named_by_a_property_then_labels_added(fake):
    jira = client(fake)
    assert jira.already_applied(action()) is False
    jira.apply(action())
    assert jira.already_applied(action()) is True
    jira.apply(action())  # a retry after an unknown outcome

    state = issue_state(fake)
    assert len(state["comments"]) == 1
    text = adf_text(state["comments"][0]["body"])
    assert text.splitlines() == [
        "Şikayətinizi aldıq.",
        "5 iş günü ərzində cavab verəcəyik.",
        "Hörmətlə, Dəstək",
    ]
    assert "jira:" not in text  # the customer reads the comment: no internal reference
    comment_id = state["comments"][0]["id"]
    assert state["comment_properties"][comment_id][ACTION_PROPERTY] == {"action_id": ACTION_ID}
    assert state["comments"][0]["jsdPublic"] is True
    assert state["issue"]["fields"]["labels"] == ["plaint_ack_sent", "plaint_acknowledged"]

    posts = calls(fake, "POST", "/comment")
    assert len(posts) == 1
    assert posts[0]["path"] == f"/rest/api/3/issue/{KEY}/comment"
    assert posts[0]["json"]["body"]["type"] == "doc"
    assert posts[0]["json"]["properties"] == [MARKER]
    assert posts[0]["headers"]["authorization"] == "Basic"
    puts = calls(fake, "PUT")
    assert puts[0]["json"] == {
        "update": {"labels": [{"add": "plaint_ack_sent"}, {"add": "plaint_acknowledged"}]}
    }


def test_labels_are_added_to_those_the_issue_has(fake):
    jira = client(fake)
    seed = {"update": {"labels": [{"add": "vip"}]}}
    requests.put(
        f"{fake.url}/rest/api/3/issue/{KEY}", json=seed, auth=CREDENTIALS, timeout=5
    ).raise_for_status()
    jira.apply(action())
    assert issue_state(fake)["issue"]["fields"]["labels"] == [
        "vip",
        "plaint_ack_sent",
        "plaint_acknowledged",
    ]


def test_comment_that_landed_without_its_labels_is_not_posted_again(fake):
    jira = client(fake)
    # The comment landed, the labels did not (the function died in between).
    seed_comment(fake, comment_text(action()), [MARKER])
    assert jira.already_applied(action()) is False  # no marker label yet
    jira.apply(action())
    assert jira.already_applied(action()) is True
    assert len(issue_state(fake)["comments"]) == 1
    assert len(calls(fake, "POST", "/comment")) == 1  # only the seed


def test_service_desk_comment_is_public_through_the_request_api(fake):
    jira = client(fake, service_desk=True)
    jira.apply(action())
    post = calls(fake, "POST", "/comment")[0]
    assert post["path"] == f"/rest/servicedeskapi/request/{KEY}/comment"
    assert post["json"] == {"body": comment_text(action()), "public": True}
    assert "jira:" not in post["json"]["body"]
    # The request API takes no properties: the marker is set on the comment it answered.
    comment_id = issue_state(fake)["comments"][0]["id"]
    put = calls(fake, "PUT", f"/comment/{comment_id}/properties/{ACTION_PROPERTY}")
    assert [p["json"] for p in put] == [{"action_id": ACTION_ID}]
    assert jira.already_applied(action()) is True
    jira.apply(action())
    assert len(issue_state(fake)["comments"]) == 1


def test_service_desk_comment_whose_property_was_lost_is_not_posted_again(fake):
    jira = client(fake, service_desk=True)
    # The comment landed; the call setting its property did not (the function died).
    requests.post(
        f"{fake.url}/rest/servicedeskapi/request/{KEY}/comment",
        json={"body": comment_text(action()), "public": True},
        auth=CREDENTIALS,
        timeout=5,
    ).raise_for_status()
    jira.apply(action())
    assert len(issue_state(fake)["comments"]) == 1
    assert jira.already_applied(action()) is True


def test_the_same_words_posted_by_another_action_do_not_count(fake):
    jira = client(fake)
    other = {"key": ACTION_PROPERTY, "value": {"action_id": "jira:SUP-12:letter:1"}}
    seed_comment(fake, comment_text(action()), [other])
    assert jira.already_applied(action()) is False
    jira.apply(action())
    assert len(issue_state(fake)["comments"]) == 2
    assert jira.already_applied(action()) is True


def test_a_comment_posted_with_the_old_reference_line_still_counts(fake):
    jira = client(fake)
    seed_comment(fake, f"{comment_text(action())}\n\nRef: {ACTION_ID}")
    jira.apply(action())
    assert len(issue_state(fake)["comments"]) == 1
    assert jira.already_applied(action()) is True


def test_comments_beyond_one_page_are_looked_through(fake):
    jira = client(fake)
    seed_comment(fake, comment_text(action()), [MARKER])
    for number in range(120):  # newer comments push it past the first page
        seed_comment(fake, f"Agent note {number}")
    jira.apply(action())
    assert len(issue_state(fake)["comments"]) == 121


def test_internal_comment_is_marked_internal(fake):
    client(fake).apply(action(public=False))
    post = calls(fake, "POST", "/comment")[0]
    assert post["json"]["properties"] == [
        MARKER,
        {"key": "sd.public.comment", "value": {"internal": True}},
    ]
    assert issue_state(fake)["comments"][0]["jsdPublic"] is False


def test_action_without_comment_is_applied_by_its_marker_label(fake):
    jira = client(fake)
    jira.apply(action(comment=None))
    assert calls(fake, "POST") == []
    assert jira.already_applied(action(comment=None)) is True


def test_429_is_retried_after_retry_after(fake):
    add_fault(fake, 429, count=1, retry_after=1)
    started = time.monotonic()
    client(fake, time_left=lambda: 900.0).apply(action())
    assert time.monotonic() - started >= 1.0
    assert len(issue_state(fake)["comments"]) == 1
    gets = calls(fake, "GET", "/comment")
    assert len(gets) == 2  # the rate-limited one, then its retry


def test_comment_post_is_retried_on_429(fake):
    jira = client(fake, time_left=lambda: 900.0)
    original = jira._has_comment

    def look_then_limit(key, wanted):
        found = original(key, wanted)
        add_fault(fake, 429, count=1, retry_after=0)  # meets the POST that follows
        return found

    jira._has_comment = look_then_limit
    jira.apply(action())
    assert len(calls(fake, "POST", "/comment")) == 2  # rate-limited, then sent again
    assert len(issue_state(fake)["comments"]) == 1


def test_comment_post_is_not_retried_on_5xx(fake):
    jira = client(fake, time_left=lambda: 900.0)
    original = jira._has_comment

    def look_then_fail(key, wanted):
        found = original(key, wanted)
        add_fault(fake, 502, count=1)
        return found

    jira._has_comment = look_then_fail
    with pytest.raises(TransientDeliveryError) as caught:
        jira.apply(action())
    assert "502" in str(caught.value)
    assert len(calls(fake, "POST", "/comment")) == 1


def test_retry_after_beyond_time_left_fails_fast(fake):
    add_fault(fake, 429, count=1, retry_after=120)
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError) as caught:
        client(fake, time_left=lambda: 30.0).apply(action())
    assert time.monotonic() - started < 5
    assert caught.value.retry_after == 120
    assert "429" in str(caught.value)
    assert len(recorded(fake)) == 1


def test_5xx_on_reads_and_label_updates_is_retried(fake):
    add_fault(fake, 503, count=2)
    client(fake, time_left=lambda: 900.0).apply(action())
    assert issue_state(fake)["issue"]["fields"]["labels"][0] == "plaint_ack_sent"


def test_unknown_issue_is_permanent(fake):
    requests.delete(f"{fake.url}/__fake/issues/{KEY}", timeout=5).raise_for_status()
    with pytest.raises(PermanentDeliveryError) as caught:
        client(fake).apply(action())
    assert "404" in str(caught.value)
    assert "Issue does not exist" in str(caught.value)


def test_label_with_a_space_is_refused_before_any_call(fake):
    with pytest.raises(PermanentDeliveryError):
        client(fake).apply(action(add_tags=("two words",)))
    assert recorded(fake) == []


def test_not_an_issue_key_is_refused_before_any_call(fake):
    with pytest.raises(PermanentDeliveryError):
        client(fake).apply(action(ticket_id="../admin"))
    assert recorded(fake) == []


def test_unreachable_jira_is_transient():
    jira = JiraClient(ApiAccess("http://127.0.0.1:9", CREDENTIALS, time_left=lambda: 0.0))
    with pytest.raises(TransientDeliveryError):
        jira.apply(action())


def test_adf_document_paragraphs_and_hard_breaks():
    document = adf_document("one\ntwo\n\n\nthree")
    assert document == {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "one"},
                    {"type": "hardBreak"},
                    {"type": "text", "text": "two"},
                ],
            },
            {"type": "paragraph", "content": [{"type": "text", "text": "three"}]},
        ],
    }
    assert adf_text(document) == "one\ntwo\nthree"


def set_workflow(fake, key=KEY, **workflow):
    response = requests.put(f"{fake.url}/__fake/issues/{key}/workflow", json=workflow, timeout=5)
    response.raise_for_status()


def set_property_access(fake, key=KEY, **access):
    url = f"{fake.url}/__fake/issues/{key}/property-access"
    requests.put(url, json=access, timeout=5).raise_for_status()


def lose_answer(fake, method, path, count=1):
    """The next `count` such calls are carried out, then answered 504."""
    lost = {"method": method, "path": path, "count": count}
    requests.post(f"{fake.url}/__fake/lost-answers", json=lost, timeout=5).raise_for_status()


def status_of(fake, key=KEY):
    return issue_state(fake, key)["issue"]["fields"]["status"]["name"]


def transition_record(fake, key=KEY):
    return issue_state(fake, key)["properties"].get(TRANSITION_PROPERTY)


def transition_action(action_id, transition, marker="plaint_resolved", attempts=1):
    """An action whose only step on the issue is a transition (and its marker label)."""
    return action(
        action_id=action_id,
        kind=ActionKind.CLOCK_ALERT,
        comment=None,
        add_tags=(),
        marker_tag=marker,
        fields={"transition": transition},
        attempts=attempts,
    )


def retried(applied):
    """The same action, as the worker hands it over again after an unknown outcome."""
    return applied.model_copy(update={"attempts": applied.attempts + 1})


RESOLVE = "jira:SUP-12:clock:resolve"
REOPEN = "jira:SUP-12:clock:reopen"


def test_select_fields_are_sent_as_objects_and_plain_values_as_strings(fake):
    fields = {
        "customfield_10010": "option:Billing",
        "priority": "id:2",
        "customfield_10020": "received",
    }
    client(fake).apply(action(fields=fields))
    put = calls(fake, "PUT")[0]
    assert put["json"]["fields"] == {
        "customfield_10010": {"value": "Billing"},
        "priority": {"id": "2"},
        "customfield_10020": "received",
    }
    assert issue_state(fake)["issue"]["fields"]["customfield_10010"] == {"value": "Billing"}


def test_transition_is_found_by_name_and_carried_out_with_its_record(fake):
    jira = client(fake)
    applied = action(fields={"transition": "start PROGRESS", "customfield_10010": "option:X"})
    jira.apply(applied)

    state = issue_state(fake)
    assert state["issue"]["fields"]["status"] == {
        "id": status_id("In progress"),
        "name": "In progress",
    }
    assert [(h["from"], h["to"], h["transition"]) for h in state["history"]] == [
        ("Waiting for support", "In progress", "11")
    ]
    record = {
        "action_id": applied.action_id,
        "transition": "start PROGRESS",
        "to": {"id": status_id("In progress"), "name": "In progress"},
        "recent_action_ids": [applied.action_id],
    }
    post = calls(fake, "POST", "/transitions")
    assert [p["json"] for p in post] == [
        {"transition": {"id": "11"}, "properties": [{"key": "plaint.transition", "value": record}]}
    ]
    assert state["properties"] == {"plaint.transition": record}
    assert calls(fake, "GET", "/transitions")[0]["path"] == f"/rest/api/3/issue/{KEY}/transitions"
    put = calls(fake, "PUT")[0]
    assert put["json"]["fields"] == {"customfield_10010": {"value": "X"}}  # no "transition"
    assert jira.already_applied(applied) is True


def test_transition_follows_the_workflow_and_the_record_keeps_both(fake):
    jira = client(fake)
    jira.apply(transition_action("jira:SUP-12:clock:start", "Start progress", "plaint_started"))
    jira.apply(transition_action(RESOLVE, "Resolve this issue"))
    state = issue_state(fake)
    assert status_of(fake) == "Resolved"
    assert [h["to"] for h in state["history"]] == ["In progress", "Resolved"]
    record = transition_record(fake)
    assert record["action_id"] == RESOLVE
    assert record["recent_action_ids"] == ["jira:SUP-12:clock:start", RESOLVE]


def test_unknown_transition_is_permanent_and_names_the_open_ones(fake):
    with pytest.raises(PermanentDeliveryError) as caught:
        client(fake).apply(action(fields={"transition": "Escalate"}))
    message = str(caught.value)
    assert "'Escalate'" in message
    assert "'Start progress'" in message
    assert "'Resolve this issue'" in message
    assert "'Reopen'" not in message  # not open from "Waiting for support"
    assert "earlier attempt" not in message  # a first attempt: nothing to be unsure of
    assert calls(fake, "POST", "/transitions") == []
    assert issue_state(fake)["issue"]["fields"]["labels"] == []  # not marked as done


def test_transition_whose_answer_was_lost_is_not_carried_out_again(fake):
    lose_answer(fake, "POST", "/transitions")
    first = transition_action(RESOLVE, "Resolve this issue")
    with pytest.raises(TransientDeliveryError) as caught:
        client(fake).apply(first)
    assert "504" in str(caught.value)
    assert status_of(fake) == "Resolved"  # Jira carried it out; we never heard
    assert issue_state(fake)["issue"]["fields"]["labels"] == []

    again = retried(first)
    jira = client(fake)  # another container: only what Jira holds can tell
    assert jira.already_applied(again) is False  # its labels are still owed
    jira.apply(again)
    assert jira.already_applied(again) is True
    state = issue_state(fake)
    assert len(state["history"]) == 1
    assert len(calls(fake, "POST", "/transitions")) == 1
    assert state["issue"]["fields"]["labels"] == ["plaint_resolved"]


def test_a_later_transition_does_not_make_an_earlier_retry_run_again(fake):
    lose_answer(fake, "POST", "/transitions")
    first = transition_action(RESOLVE, "Resolve this issue")
    with pytest.raises(TransientDeliveryError):
        client(fake).apply(first)
    # Before the retry comes round, a later action reopens the issue: "Resolve this issue"
    # is open again, and the record's latest entry is the reopening.
    client(fake).apply(transition_action(REOPEN, "Reopen", "plaint_reopened"))
    assert transition_record(fake)["action_id"] == REOPEN

    jira = client(fake)
    jira.apply(retried(first))
    assert status_of(fake) == "Waiting for support"
    assert [h["to"] for h in issue_state(fake)["history"]] == ["Resolved", "Waiting for support"]
    assert transition_record(fake)["recent_action_ids"] == [RESOLVE, REOPEN]
    assert jira.already_applied(retried(first)) is True


def test_an_earlier_transition_of_another_action_does_not_count(fake):
    client(fake).apply(transition_action(RESOLVE, "Resolve this issue"))
    # A second action with the same marker label and the same transition: the label and the
    # status are both there, but neither is its doing.
    other = transition_action("jira:SUP-12:clock:resolve-again", "Resolve this issue")
    jira = client(fake)
    assert jira.already_applied(other) is False
    with pytest.raises(PermanentDeliveryError) as caught:
        jira.apply(retried(other))  # not open from "Resolved", and not in the record
    message = str(caught.value)
    assert "'Resolve this issue'" in message
    assert "'Reopen'" in message
    assert "does not name this action" in message
    assert len(calls(fake, "POST", "/transitions")) == 1


def test_no_record_means_not_applied(fake):
    seed = {"update": {"labels": [{"add": "plaint_resolved"}]}}
    requests.put(
        f"{fake.url}/rest/api/3/issue/{KEY}", json=seed, auth=CREDENTIALS, timeout=5
    ).raise_for_status()
    url = f"{fake.url}/rest/api/3/issue/{KEY}/properties/{TRANSITION_PROPERTY}"
    assert requests.get(url, auth=CREDENTIALS, timeout=5).status_code == 404
    resolve = transition_action(RESOLVE, "Resolve this issue")
    assert client(fake).already_applied(resolve) is False  # the label alone is not enough
    client(fake).apply(retried(resolve))
    assert status_of(fake) == "Resolved"
    assert len(calls(fake, "POST", "/transitions")) == 1


def test_a_record_in_another_shape_proves_nothing(fake):
    client(fake).apply(transition_action(RESOLVE, "Resolve this issue"))
    url = f"{fake.url}/rest/api/3/issue/{KEY}/properties/{TRANSITION_PROPERTY}"
    unknown = {"recent_action_ids": "not a list"}
    assert requests.put(url, json=unknown, auth=CREDENTIALS, timeout=5).status_code == 200
    assert client(fake).already_applied(transition_action(RESOLVE, "Resolve this issue")) is False


@pytest.mark.parametrize("kept", [True, False], ids=["recorded", "not-recorded"])
def test_transition_named_after_its_status_is_seen_landed_by_the_status(fake, kept):
    set_workflow(
        fake,
        status="Open",
        transitions=[{"id": "5", "name": "Resolved", "from": ["Open"], "to": "Resolved"}],
    )
    set_property_access(fake, kept_on_transition=kept)
    applied = action(fields={"transition": "resolved"})
    client(fake).apply(applied)
    # Not open any more; the record, or else the status, says it landed.
    client(fake).apply(retried(applied))
    state = issue_state(fake)
    assert status_of(fake) == "Resolved"
    assert len(state["history"]) == 1
    assert len(calls(fake, "POST", "/transitions")) == 1
    assert (TRANSITION_PROPERTY in state["properties"]) is kept


def test_unreadable_record_falls_back_to_the_target_this_process_saw(fake):
    set_property_access(fake, readable=False)
    lose_answer(fake, "POST", "/transitions")
    first = transition_action(RESOLVE, "Resolve this issue")
    jira = client(fake)
    with pytest.raises(TransientDeliveryError):
        jira.apply(first)
    assert jira.already_applied(retried(first)) is False  # nothing to read: not proven
    jira.apply(retried(first))  # the same client noted the target: "Resolved"
    assert len(issue_state(fake)["history"]) == 1
    assert issue_state(fake)["issue"]["fields"]["labels"] == ["plaint_resolved"]

    with pytest.raises(PermanentDeliveryError) as caught:
        client(fake).apply(retried(first))  # a client that never saw the target
    assert "cannot be read" in str(caught.value)
    assert len(calls(fake, "POST", "/transitions")) == 1


def test_unreadable_record_and_an_open_transition_to_where_the_issue_stands(fake):
    # A global transition is open from every status, its own target included.
    set_workflow(
        fake,
        status="Open",
        transitions=[{"id": "7", "name": "Resolve this issue", "to": "Resolved"}],
    )
    set_property_access(fake, readable=False)
    lose_answer(fake, "POST", "/transitions")
    first = transition_action(RESOLVE, "Resolve this issue")
    with pytest.raises(TransientDeliveryError):
        client(fake).apply(first)
    client(fake).apply(retried(first))  # the answer names the target; the issue is there
    assert len(issue_state(fake)["history"]) == 1
    assert len(calls(fake, "POST", "/transitions")) == 1


def test_configured_workflow_replaces_the_default(fake):
    set_workflow(fake, transitions=[{"id": "77", "name": "Escalate", "to": "Escalated"}])
    client(fake).apply(action(fields={"transition": "Escalate"}))
    assert status_of(fake) == "Escalated"


def test_the_fake_refuses_a_transition_id_not_open_now(fake):
    url = f"{fake.url}/rest/api/3/issue/{KEY}/transitions"
    refused = requests.post(url, json={"transition": {"id": "31"}}, auth=CREDENTIALS, timeout=5)
    assert refused.status_code == 400
    assert "not valid" in refused.json()["errorMessages"][0]
    unknown = requests.post(url, json={"transition": {"id": "999"}}, auth=CREDENTIALS, timeout=5)
    assert unknown.status_code == 400
    assert status_of(fake) == "Waiting for support"


def test_the_fake_sets_transition_properties_with_the_transition_only(fake):
    transitions = f"{fake.url}/rest/api/3/issue/{KEY}/transitions"
    prop = f"{fake.url}/rest/api/3/issue/{KEY}/properties/team.note"
    offered = requests.get(transitions, auth=CREDENTIALS, timeout=5).json()["transitions"]
    assert {t["name"]: t["to"]["name"] for t in offered} == {
        "Start progress": "In progress",
        "Resolve this issue": "Resolved",
        "Respond to customer": "Waiting for customer",
    }
    assert requests.get(prop, auth=CREDENTIALS, timeout=5).status_code == 404

    note = [{"key": "team.note", "value": {"why": "duplicate charge"}}]
    closed = {"transition": {"id": "31"}, "properties": note}  # Reopen: not open now
    assert requests.post(transitions, json=closed, auth=CREDENTIALS, timeout=5).status_code == 400
    assert requests.get(prop, auth=CREDENTIALS, timeout=5).status_code == 404
    not_object = {"transition": {"id": "21"}, "properties": [{"key": "team.note", "value": 3}]}
    refused = requests.post(transitions, json=not_object, auth=CREDENTIALS, timeout=5)
    assert refused.status_code == 400
    assert status_of(fake) == "Waiting for support"

    done = {"transition": {"id": "21"}, "properties": note}
    assert requests.post(transitions, json=done, auth=CREDENTIALS, timeout=5).status_code == 204
    stored = requests.get(prop, auth=CREDENTIALS, timeout=5)
    assert stored.json() == {"key": "team.note", "value": {"why": "duplicate charge"}}
    assert status_of(fake) == "Resolved"

    set_property_access(fake, readable=False)
    assert requests.get(prop, auth=CREDENTIALS, timeout=5).status_code == 403


def test_transition_post_is_retried_on_429(fake):
    jira = client(fake, time_left=lambda: 900.0)
    original = jira._call

    def limit_the_transition(method, path, **kwargs):
        if method == "POST" and path.endswith("/transitions"):
            add_fault(fake, 429, count=1, retry_after=0)
        return original(method, path, **kwargs)

    jira._call = limit_the_transition
    jira.apply(action(comment=None, fields={"transition": "Resolve this issue"}))
    assert len(calls(fake, "POST", "/transitions")) == 2  # rate-limited, then sent again
    state = issue_state(fake)
    assert status_of(fake) == "Resolved"
    assert len(state["history"]) == 1
    assert transition_record(fake)["recent_action_ids"] == ["jira:SUP-12:acknowledge"]


# --- through the worker ------------------------------------------------------------------

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"


def handling_with(fake, clock, store):
    """The engine's use cases on `store`, acknowledging on Jira with a transition. The
    client has no retries of its own, so a lost answer reaches the worker."""
    policy = default_policy()
    ack = policy.acknowledgement.model_copy(
        update={"fields": {"transition": "Respond to customer"}}
    )
    jira = JiraClient(ApiAccess(fake.url, CREDENTIALS, session=requests.Session()))
    return ComplaintHandling(
        store=store,
        policy=policy.model_copy(update={"acknowledgement": ack}),
        clock=clock,
        outboxes={SourceSystem.JIRA: jira},
    )


def writes(requests_seen):
    # Reading comments by id is a POST that changes nothing.
    return [
        (r["method"], r["path"])
        for r in requests_seen
        if r["method"] != "GET" and not r["path"].startswith("/rest/api/3/comment/list")
    ]


@pytest.mark.parametrize(
    ("method", "path", "retry_writes"),
    [
        # Lost after the transition: the retry finds it in the record and adds the labels.
        ("POST", "/transitions", [("PUT", f"/rest/api/3/issue/{KEY}")]),
        # Lost after the labels: the retry finds everything landed and writes nothing.
        ("PUT", f"/issue/{KEY}", []),
    ],
    ids=["transition-answer-lost", "label-answer-lost"],
)
def test_worker_retry_after_a_lost_answer_transitions_once(fake, method, path, retry_writes):
    clock = ManualClock()
    store = MemoryStore(clock)
    handling = handling_with(fake, clock, store)
    lose_answer(fake, method, path)
    event = ticket_event(source=SourceSystem.JIRA, ticket_id=KEY, description=COMPLAINT)
    assert handling.accept(event)
    for created in handling.process(f"jira:{event.delivery_id}"):
        assert handling.dispatch(created) is ActionStatus.PENDING  # the answer was lost
    assert status_of(fake) == "Waiting for customer"
    first_attempt = len(recorded(fake))

    clock.advance(minutes=5)
    # The sweep runs in another function, with a client of its own.
    handling = handling_with(fake, clock, store)
    assert handling.sweep(FakeQueue()).actions_dispatched == 1

    done = store.get_action(f"jira:{KEY}:acknowledge")
    assert done is not None
    assert (done.status, done.attempts) == (ActionStatus.DONE, 2)
    assert writes(recorded(fake)[first_attempt:]) == retry_writes
    state = issue_state(fake)
    assert len(state["history"]) == 1
    assert len(state["comments"]) == 1
    assert "plaint_ack_sent" in state["issue"]["fields"]["labels"]


# --- disposal at the end of retention ----------------------------------------------------

DELETE = ActionKind.DELETE_TICKET
REDACT = ActionKind.REDACT_TICKET
WORDS = "Pulumu iki dəfə çıxıblar. Telefonum +994 50 123 45 67."


def seed_issue(fake, key=KEY, subtasks=()):
    body = {
        "key": key,
        "fields": {
            "summary": "Aysel Məmmədova: pulumu qaytarın",
            "description": adf_document(WORDS),
            "attachment": [{"filename": "qəbz.pdf"}, {"filename": "şəkil.png"}],
            "subtasks": [{"key": sub} for sub in subtasks],
        },
        "labels": ["vip"],
    }
    requests.post(f"{fake.url}/__fake/issues", json=body, timeout=5).raise_for_status()
    for sub in subtasks:
        requests.post(
            f"{fake.url}/__fake/issues", json={"key": sub, "fields": {"summary": WORDS}}, timeout=5
        ).raise_for_status()
    for text in (WORDS, "Hesabınızı yoxlayırıq."):
        requests.post(
            f"{fake.url}/rest/api/3/issue/{key}/comment",
            json={"body": adf_document(text)},
            auth=CREDENTIALS,
            timeout=5,
        ).raise_for_status()


def disposal(kind, **changes):
    marker = "plaint_deleted" if kind is DELETE else "plaint_redacted"
    fields = {
        "action_id": f"jira:{KEY}:{kind.value}",
        "kind": kind,
        "comment": None,
        "add_tags": (),
        "marker_tag": marker,
    }
    return action(**(fields | changes))


def hide_project(fake, project="SUP"):
    url = f"{fake.url}/__fake/projects/{project}/access"
    requests.put(url, json={"browsable": False}, timeout=5).raise_for_status()


def without_retries(fake):
    """A client whose session does not retry, so a lost answer reaches the caller."""
    return JiraClient(ApiAccess(fake.url, CREDENTIALS, session=requests.Session()))


def test_delete_issue_for_good_with_its_subtasks(fake):
    seed_issue(fake, subtasks=("SUP-13",))
    jira = client(fake)
    assert jira.already_applied(disposal(DELETE)) is False
    jira.apply(disposal(DELETE))

    assert issue_state(fake)["deleted"] is True
    assert issue_state(fake)["comments"] == []
    assert issue_state(fake, "SUP-13")["deleted"] is True
    deletes = calls(fake, "DELETE")
    assert [d["path"] for d in deletes] == [f"/rest/api/3/issue/{KEY}?deleteSubtasks=true"]
    assert jira.already_applied(disposal(DELETE)) is True
    assert calls(fake, "GET", "/project/SUP")  # the 404 was read with the project in sight


def test_deletion_retried_after_its_answer_was_lost_does_nothing_twice(fake):
    seed_issue(fake)
    lose_answer(fake, "DELETE", f"/issue/{KEY}")
    with pytest.raises(TransientDeliveryError, match="504"):
        without_retries(fake).apply(disposal(DELETE))
    assert issue_state(fake)["deleted"] is True  # Jira deleted it; we never heard
    before = len(recorded(fake))

    retry = disposal(DELETE, attempts=2)
    jira = client(fake)  # another container
    assert jira.already_applied(retry) is True
    assert writes(recorded(fake)[before:]) == []


def test_a_404_the_token_cannot_explain_is_not_taken_as_deleted(fake):
    seed_issue(fake)
    hide_project(fake)  # a token without Browse projects sees 404 for everything
    requests.delete(f"{fake.url}/__fake/issues/{KEY}", timeout=5).raise_for_status()
    jira = client(fake)
    assert jira.already_applied(disposal(DELETE, attempts=2)) is False
    with pytest.raises(PermanentDeliveryError, match="may not browse the project"):
        jira.apply(disposal(DELETE, attempts=2))


def test_redaction_deletes_comments_and_attachments_then_edits_and_marks(fake):
    seed_issue(fake)
    jira = client(fake)
    assert jira.already_applied(disposal(REDACT)) is False
    jira.apply(disposal(REDACT))

    state = issue_state(fake)
    fields = state["issue"]["fields"]
    assert state["comments"] == []
    assert fields["attachment"] == []
    assert fields["summary"] == "[redacted]"
    assert adf_text(fields["description"]) == "[redacted]"
    assert fields["labels"] == ["vip", "plaint_redacted"]
    assert state["deleted"] is False  # the issue stays
    assert WORDS not in str(state)

    paths = [p for _, p in writes(recorded(fake))]
    assert sum("/comment/" in p for p in paths) == 2
    assert sum(p.startswith("/rest/api/3/attachment/") for p in paths) == 2
    assert paths[-1] == f"/rest/api/3/issue/{KEY}"  # the marker goes on last
    edit = calls(fake, "PUT")[-1]["json"]
    assert edit["update"] == {"labels": [{"add": "plaint_redacted"}]}
    assert edit["fields"]["description"]["type"] == "doc"
    assert jira.already_applied(disposal(REDACT)) is True


def test_redaction_retried_after_its_answer_was_lost_does_nothing_twice(fake):
    seed_issue(fake)
    lose_answer(fake, "PUT", f"/issue/{KEY}")
    with pytest.raises(TransientDeliveryError, match="504"):
        without_retries(fake).apply(disposal(REDACT))
    before = len(recorded(fake))
    retry = disposal(REDACT, attempts=2)
    jira = client(fake)
    assert jira.already_applied(retry) is True
    jira.apply(retry)  # even run again, it writes nothing
    assert writes(recorded(fake)[before:]) == []


def test_redaction_cut_short_carries_on_where_it_stopped(fake):
    seed_issue(fake)
    first_comment = issue_state(fake)["comments"][0]["id"]
    lose_answer(fake, "DELETE", f"/comment/{first_comment}")
    with pytest.raises(TransientDeliveryError, match="504"):
        without_retries(fake).apply(disposal(REDACT))
    assert len(issue_state(fake)["comments"]) == 1  # the first went; we never heard

    retry = disposal(REDACT, attempts=2)
    jira = client(fake)
    assert jira.already_applied(retry) is False
    jira.apply(retry)
    deleted = [p for m, p in writes(recorded(fake)) if m == "DELETE" and "/comment/" in p]
    assert len(deleted) == len(set(deleted)) == 2  # each comment deleted once
    assert issue_state(fake)["comments"] == []
    assert jira.already_applied(retry) is True


def test_redaction_waits_out_429_with_its_retry_after(fake):
    seed_issue(fake)
    add_fault(fake, 429, count=1, retry_after=1)
    started = time.monotonic()
    client(fake, time_left=lambda: 900.0).apply(disposal(REDACT))
    assert time.monotonic() - started >= 1.0
    assert issue_state(fake)["issue"]["fields"]["summary"] == "[redacted]"


class RefusesAttachmentDeletion(requests.Session):
    """A token without the Delete all attachments permission: Jira answers 403."""

    def __init__(self, fake):
        super().__init__()
        self.fake = fake

    def request(self, method, url, *args, **kwargs):
        if method == "DELETE" and "/attachment/" in url:
            add_fault(self.fake, 403, count=1)
        return super().request(method, url, *args, **kwargs)


def test_redaction_refused_is_permanent_and_leaves_no_marker(fake):
    seed_issue(fake)
    jira = JiraClient(ApiAccess(fake.url, CREDENTIALS, session=RefusesAttachmentDeletion(fake)))
    with pytest.raises(PermanentDeliveryError, match="403"):
        jira.apply(disposal(REDACT))
    fields = issue_state(fake)["issue"]["fields"]
    assert "plaint_redacted" not in fields["labels"]
    assert fields["summary"] != "[redacted]"
    assert jira.already_applied(disposal(REDACT, attempts=2)) is False


class AgentDeletesFirst(requests.Session):
    """An agent deletes the attachment between our read of the issue and our delete."""

    def request(self, method, url, *args, **kwargs):
        if method == "DELETE" and "/attachment/" in url:
            super().request(method, url, *args, **kwargs)
        return super().request(method, url, *args, **kwargs)


def test_an_attachment_deleted_meanwhile_is_not_an_error(fake):
    seed_issue(fake)
    JiraClient(ApiAccess(fake.url, CREDENTIALS, session=AgentDeletesFirst())).apply(
        disposal(REDACT)
    )
    statuses = [r["path"] for r in calls(fake, "DELETE", "") if "/attachment/" in r["path"]]
    assert len(statuses) == 4  # each twice: the agent's, then ours answered 404
    assert issue_state(fake)["issue"]["fields"]["summary"] == "[redacted]"


def test_the_fake_refuses_a_description_that_is_not_adf(fake):
    seed_issue(fake)
    response = requests.put(
        f"{fake.url}/rest/api/3/issue/{KEY}",
        json={"fields": {"description": "[redacted]"}},
        auth=CREDENTIALS,
        timeout=5,
    )
    assert response.status_code == 400
    assert "Atlassian Document" in response.json()["errors"]["description"]


def test_the_fake_refuses_to_delete_an_issue_with_subtasks_without_them(fake):
    seed_issue(fake, subtasks=("SUP-13",))
    url = f"{fake.url}/rest/api/3/issue/{KEY}"
    assert requests.delete(url, auth=CREDENTIALS, timeout=5).status_code == 400
    assert issue_state(fake)["deleted"] is False


def test_labels_the_action_lifts_are_removed(fake):
    jira = client(fake)
    jira.apply(action(comment=None, add_tags=("letter_blocked",)))
    jira.apply(action(action_id="note-2", comment=None, marker_tag="plaint_note_2", add_tags=(),
                      remove_tags=("letter_blocked",)))  # fmt: skip
    assert issue_state(fake)["issue"]["fields"]["labels"] == ["plaint_ack_sent", "plaint_note_2"]

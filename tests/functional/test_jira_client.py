"""JiraClient against the fake Jira, over real HTTP."""

import time
from datetime import UTC, datetime

import pytest
import requests

from connectors.jira.client import JiraClient, adf_document, comment_text
from connectors.jira.wire import adf_text
from devstack.fake_jira import FakeJira
from plaint.errors import PermanentDeliveryError, TransientDeliveryError
from plaint.model import ActionKind, OutboundAction, SourceSystem

CREDENTIALS = ("complaints@example.com", "api-token-123")
KEY = "SUP-12"
REF = "Ref: jira:SUP-12:acknowledge"


@pytest.fixture
def fake():
    with FakeJira(auth=CREDENTIALS) as server:
        yield server


def client(fake, **kwargs):
    return JiraClient(fake.url, CREDENTIALS, **kwargs)


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


def test_comment_posted_once_with_its_reference_then_labels_added(fake):
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
        REF,
    ]
    assert state["comments"][0]["jsdPublic"] is True
    assert state["issue"]["fields"]["labels"] == ["plaint_ack_sent", "plaint_acknowledged"]

    posts = calls(fake, "POST", "/comment")
    assert len(posts) == 1
    assert posts[0]["path"] == f"/rest/api/3/issue/{KEY}/comment"
    assert posts[0]["json"]["body"]["type"] == "doc"
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
    requests.post(
        f"{fake.url}/rest/api/3/issue/{KEY}/comment",
        json={"body": adf_document(comment_text(action()))},
        auth=CREDENTIALS,
        timeout=5,
    ).raise_for_status()
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
    assert jira.already_applied(action()) is True


def test_internal_comment_is_marked_internal(fake):
    client(fake).apply(action(public=False))
    post = calls(fake, "POST", "/comment")[0]
    assert post["json"]["properties"] == [{"key": "sd.public.comment", "value": {"internal": True}}]
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
    original = jira._has_reference

    def look_then_limit(key, action_id):
        found = original(key, action_id)
        add_fault(fake, 429, count=1, retry_after=0)  # meets the POST that follows
        return found

    jira._has_reference = look_then_limit
    jira.apply(action())
    assert len(calls(fake, "POST", "/comment")) == 2  # rate-limited, then sent again
    assert len(issue_state(fake)["comments"]) == 1


def test_comment_post_is_not_retried_on_5xx(fake):
    jira = client(fake, time_left=lambda: 900.0)
    original = jira._has_reference

    def look_then_fail(key, action_id):
        found = original(key, action_id)
        add_fault(fake, 502, count=1)
        return found

    jira._has_reference = look_then_fail
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


def test_wrong_credentials_are_permanent(fake):
    with pytest.raises(PermanentDeliveryError) as caught:
        JiraClient(fake.url, ("complaints@example.com", "wrong")).apply(action())
    assert "401" in str(caught.value)


def test_label_with_a_space_is_refused_before_any_call(fake):
    with pytest.raises(PermanentDeliveryError):
        client(fake).apply(action(add_tags=("two words",)))
    assert recorded(fake) == []


def test_not_an_issue_key_is_refused_before_any_call(fake):
    with pytest.raises(PermanentDeliveryError):
        client(fake).apply(action(ticket_id="../admin"))
    assert recorded(fake) == []


def test_unreachable_jira_is_transient():
    jira = JiraClient("http://127.0.0.1:9", CREDENTIALS, time_left=lambda: 0.0)
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


def test_transition_is_found_by_name_and_carried_out(fake):
    jira = client(fake)
    jira.apply(action(fields={"transition": "start PROGRESS", "customfield_10010": "option:X"}))

    state = issue_state(fake)
    assert state["issue"]["fields"]["status"] == {"name": "In progress"}
    assert [(h["from"], h["to"], h["transition"]) for h in state["history"]] == [
        ("Waiting for support", "In progress", "11")
    ]
    post = calls(fake, "POST", "/transitions")
    assert [p["json"] for p in post] == [{"transition": {"id": "11"}}]
    assert calls(fake, "GET", "/transitions")[0]["path"] == f"/rest/api/3/issue/{KEY}/transitions"
    put = calls(fake, "PUT")[0]
    assert put["json"]["fields"] == {"customfield_10010": {"value": "X"}}  # no "transition"
    assert jira.already_applied(action()) is True


def test_transition_follows_the_workflow(fake):
    jira = client(fake)
    jira.apply(action(comment=None, fields={"transition": "Start progress"}))
    second = action(action_id="jira:SUP-12:resolve", marker_tag="plaint_resolved", comment=None)
    jira.apply(second.model_copy(update={"fields": {"transition": "Resolve"}}))
    state = issue_state(fake)
    assert state["issue"]["fields"]["status"] == {"name": "Resolved"}
    assert [h["to"] for h in state["history"]] == ["In progress", "Resolved"]


def test_unknown_transition_is_permanent_and_names_the_open_ones(fake):
    with pytest.raises(PermanentDeliveryError) as caught:
        client(fake).apply(action(fields={"transition": "Escalate"}))
    message = str(caught.value)
    assert "'Escalate'" in message
    assert "'Start progress'" in message
    assert "'Resolve'" in message
    assert "'Reopen'" not in message  # not open from "Waiting for support"
    assert calls(fake, "POST", "/transitions") == []
    assert issue_state(fake)["issue"]["fields"]["labels"] == []  # not marked as done


def test_retry_after_the_transition_landed_does_not_fail(fake):
    set_workflow(
        fake,
        status="Open",
        transitions=[{"id": "5", "name": "Resolved", "from": ["Open"], "to": "Resolved"}],
    )
    jira = client(fake)
    applied = action(fields={"transition": "resolved"})
    jira.apply(applied)
    jira.apply(applied)  # a retry: the transition is no longer open, the status says it landed
    state = issue_state(fake)
    assert state["issue"]["fields"]["status"] == {"name": "Resolved"}
    assert len(state["history"]) == 1
    assert len(calls(fake, "POST", "/transitions")) == 1


def test_configured_workflow_replaces_the_default(fake):
    set_workflow(fake, transitions=[{"id": "77", "name": "Escalate", "to": "Escalated"}])
    client(fake).apply(action(fields={"transition": "Escalate"}))
    assert issue_state(fake)["issue"]["fields"]["status"] == {"name": "Escalated"}


def test_the_fake_refuses_a_transition_id_not_open_now(fake):
    url = f"{fake.url}/rest/api/3/issue/{KEY}/transitions"
    refused = requests.post(url, json={"transition": {"id": "31"}}, auth=CREDENTIALS, timeout=5)
    assert refused.status_code == 400
    assert "not valid" in refused.json()["errorMessages"][0]
    unknown = requests.post(url, json={"transition": {"id": "999"}}, auth=CREDENTIALS, timeout=5)
    assert unknown.status_code == 400
    assert issue_state(fake)["issue"]["fields"]["status"] == {"name": "Waiting for support"}


def test_transition_post_is_retried_on_429(fake):
    jira = client(fake, time_left=lambda: 900.0)
    original = jira._call

    def limit_the_transition(method, path, **kwargs):
        if method == "POST" and path.endswith("/transitions"):
            add_fault(fake, 429, count=1, retry_after=0)
        return original(method, path, **kwargs)

    jira._call = limit_the_transition
    jira.apply(action(comment=None, fields={"transition": "Resolve"}))
    assert len(calls(fake, "POST", "/transitions")) == 2  # rate-limited, then sent again
    state = issue_state(fake)
    assert state["issue"]["fields"]["status"] == {"name": "Resolved"}
    assert len(state["history"]) == 1

"""The review band through the real Chalice app on moto, with the real recogniser and the
fake helpdesks over HTTP: a possible complaint is tagged and noted on the ticket, an agent
confirms it by a Zendesk tag or a Jira field, and the acknowledgement deadline counts from
the ticket's first receipt."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from devstack.send_webhook import sample_event, sample_jira_event
from plaint.auditlog.verify import verify
from plaint.clocks.timekeeping import calendars
from plaint.model.complaint import ComplaintStatus
from plaint.policy.document import Policy
from plaint.policy.loading import load_policy
from storage.dynamodb import DynamoStore
from tests.conftest import dumps, ledger_entries, queued_messages
from tests.factories import DEFAULT_POLICY
from tests.functional import test_jira_webhook as jira
from tests.functional import test_webhook_api as zendesk
from tests.functional.test_worker_and_sweep import run_worker

# A plain question: no keyword rule decides it, so the recogniser does.
QUESTION_AZ = "Salam, sifarişimin statusu ilə bağlı yazıram, nə vaxt hazır olacaq?"
REVIEW_FIELD = "customfield_10300"
AGENT = "9000000000001"


@pytest.fixture
def review_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, functions: Any) -> Policy:
    """The starter policy, with thresholds set wide so the real model's score for a plain
    question falls between them whatever the model version, and the Jira review field."""
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["recognition"] |= {"review_threshold": 0.0001, "complaint_threshold": 0.9999}
    document["helpdesk_fields"] = {"jira": {"complaint_review_field": REVIEW_FIELD}}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(path))  # read when the runtime is built
    return load_policy(path)


def received_two_days_ago() -> datetime:
    return (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0)


def due_from(received: datetime, policy: Policy) -> datetime:
    ack = policy.acknowledgement
    return calendars(policy)(ack.calendar).add(received, ack.within)


def deliver_zendesk(functions: Any, aws: Any, event: dict[str, Any]) -> None:
    body = dumps(event)
    assert zendesk.post(functions, body, zendesk.signed(body)).status_code == 202
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])


def deliver_jira(functions: Any, aws: Any, event: dict[str, Any], delivery: str) -> None:
    body = dumps(event)
    assert jira.post(functions, body, jira.signed(body, delivery)).status_code == 202
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])


def test_a_zendesk_agent_confirms_a_possible_complaint_with_a_tag(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk, review_policy: Policy
) -> None:
    received = received_two_days_ago()
    created = sample_event(ticket_id=6100)
    created["detail"] |= {
        "created_at": received.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": "Sifariş",
        "description": QUESTION_AZ,
    }
    deliver_zendesk(functions, aws, created)
    store = DynamoStore(aws["dynamodb"])
    possible = store.get_complaint("zendesk:6100")
    assert possible is not None and possible.status is ComplaintStatus.POSSIBLE_COMPLAINT
    assert possible.acknowledgement_due_at is None
    ticket = requests.get(f"{fake_zendesk.url}/__fake/tickets/6100", timeout=5).json()
    assert "possible_complaint" in ticket["ticket"]["tags"]
    [note] = ticket["comments"]
    assert note["public"] is False and "complaint_confirmed" in note["body"]

    # The agent adds the tag; Zendesk tells us with a tags_changed event.
    tagged = sample_event(ticket_id=6100)
    tagged["type"] = "zen:event-type:ticket.tags_changed"
    tagged["detail"] |= {
        "created_at": received.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": "Sifariş",
        "description": QUESTION_AZ,
        "actor_id": AGENT,
        "tags": ["possible_complaint", "plaint_review_1", "complaint_confirmed"],
        "status": "OPEN",
    }
    tagged["event"] = {"current": ["complaint_confirmed"], "previous": []}
    deliver_zendesk(functions, aws, tagged)

    complaint = store.get_complaint("zendesk:6100")
    assert complaint is not None and complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == received
    assert complaint.acknowledgement_due_at == due_from(received, review_policy)
    entries = ledger_entries(store)
    confirmed = next(e for e in entries if e.kind == "complaint.confirmed")
    assert (confirmed.detail["by"], confirmed.detail["via"]) == (f"zendesk-user:{AGENT}", "tag")
    assessed = next(e for e in entries if e.kind == "complaint.assessed")
    reading = assessed.detail["recognition"]
    assert reading["band"] == "possible_complaint" and reading["language"] == "az"
    assert reading["model_version"].startswith("sha256:")
    assert QUESTION_AZ not in json.dumps([e.detail for e in entries], ensure_ascii=False)
    sent = next(e for e in entries if e.kind == "acknowledgement.sent")
    assert sent.detail["on_time"] is (datetime.now(UTC) <= complaint.acknowledgement_due_at)
    ticket = requests.get(f"{fake_zendesk.url}/__fake/tickets/6100", timeout=5).json()
    assert [c["public"] for c in ticket["comments"]] == [False, True]
    assert verify(entries, [], {}).holds


def test_a_jira_agent_confirms_a_possible_complaint_with_the_review_field(
    functions: Any, aws: Any, fake_jira: FakeJira, review_policy: Policy
) -> None:
    received = received_two_days_ago()
    created = sample_jira_event(issue_number=7100)
    fields = created["issue"]["fields"]
    stamp = received.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    fields |= {"summary": "Sifariş", "description": QUESTION_AZ, "created": stamp}
    deliver_jira(functions, aws, created, "jira-review-1")
    store = DynamoStore(aws["dynamodb"])
    possible = store.get_complaint("jira:CARE-7100")
    assert possible is not None and possible.status is ComplaintStatus.POSSIBLE_COMPLAINT
    issue = requests.get(f"{fake_jira.url}/__fake/issues/CARE-7100", timeout=5).json()
    assert "possible_complaint" in issue["issue"]["fields"]["labels"]
    assert any(REVIEW_FIELD in json.dumps(c, ensure_ascii=False) for c in issue["comments"])

    # The agent sets the review field to Confirmed.
    updated = sample_jira_event(issue_number=7100)
    updated |= {
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_generic",
        "user": {"accountId": "agent-42", "displayName": "Agent"},
        "changelog": {
            "id": "20001",
            "items": [
                {"field": "Complaint review", "fieldtype": "custom", "fieldId": REVIEW_FIELD,
                 "from": None, "fromString": None, "to": "10400", "toString": "Confirmed"}
            ],
        },
    }  # fmt: skip
    updated["issue"]["fields"] |= {
        "summary": "Sifariş", "description": QUESTION_AZ, "created": stamp,
        "labels": ["possible_complaint"], REVIEW_FIELD: {"value": "Confirmed"},
    }  # fmt: skip
    deliver_jira(functions, aws, updated, "jira-review-2")

    complaint = store.get_complaint("jira:CARE-7100")
    assert complaint is not None and complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == received
    assert complaint.acknowledgement_due_at == due_from(received, review_policy)
    confirmed = next(e for e in ledger_entries(store) if e.kind == "complaint.confirmed")
    assert confirmed.detail | {"seconds_to_answer": None} == confirmed.detail | {
        "answer": "confirmed", "via": "field", "field": "complaint_review",
        "value": "Confirmed", "by": "jira-user:agent-42", "seconds_to_answer": None,
    }  # fmt: skip


def test_a_zendesk_agent_dismisses_and_the_ticket_is_no_complaint(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk, review_policy: Policy
) -> None:
    created = sample_event(ticket_id=6200)
    created["detail"] |= {"subject": "Sifariş", "description": QUESTION_AZ}
    deliver_zendesk(functions, aws, created)
    dismissed = sample_event(ticket_id=6200)
    dismissed["type"] = "zen:event-type:ticket.tags_changed"
    dismissed["detail"] |= {
        "created_at": created["detail"]["created_at"],
        "subject": "Sifariş",
        "description": QUESTION_AZ,
        "actor_id": AGENT,
        "tags": ["possible_complaint", "complaint_dismissed"],
    }
    dismissed["time"] = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    deliver_zendesk(functions, aws, dismissed)
    store = DynamoStore(aws["dynamodb"])
    complaint = store.get_complaint("zendesk:6200")
    assert complaint is not None and complaint.status is ComplaintStatus.NOT_A_COMPLAINT
    assert complaint.acknowledgement_due_at is None
    kinds = [e.kind for e in ledger_entries(store)]
    assert "complaint.dismissed" in kinds and "acknowledgement.sent" not in kinds


@pytest.mark.parametrize(
    ("description", "outcome", "truncated"),
    [
        # Near the webhook's 256 KiB limit: cut at 3,000 characters, the same way each time.
        ("Pulum hələ qaytarılmayıb, üç həftədir gözləyirəm. " * 4200, "judged", True),
        ("😡😡😡 👎👎", "no_words", False),
        ("", "empty", False),
    ],
)
def test_bad_input_is_a_recorded_outcome_not_a_crashed_worker(
    functions: Any, aws: Any, description: str, outcome: str, truncated: bool
) -> None:
    event = sample_event(ticket_id=6300)
    event["detail"] |= {"subject": "", "description": description}
    body = dumps(event)
    assert len(body) < 256 * 1024
    deliver_zendesk(functions, aws, event)
    store = DynamoStore(aws["dynamodb"])
    complaint = store.get_complaint("zendesk:6300")
    assert complaint is not None
    reading = complaint.assessment.recognition
    assert reading is not None and reading.outcome == outcome
    assert reading.truncated is truncated
    assert reading.characters_total == len(description.strip())  # subject and text, trimmed
    assert reading.characters_read <= 3000
    assessed = next(e for e in ledger_entries(store) if e.kind == "complaint.assessed")
    assert assessed.detail["recognition"]["truncated"] is truncated

"""The organisation's outcome through the real Chalice app on moto: a Zendesk
ticket.comment_added event carrying the final response and an outcome tag records the
outcome once, however often it is delivered or the tag seen again; a different tag later
is a change."""

from __future__ import annotations

import json
from typing import Any

from storage.dynamodb import DynamoStore
from tests.conftest import dumps, ledger_entries, load_event, queued_messages
from tests.functional.test_webhook_api import post, signed
from tests.functional.test_worker_and_sweep import run_worker

TICKET = "48213"


def deliver(functions: Any, aws: dict[str, Any], body: bytes) -> None:
    assert post(functions, body, signed(body)).status_code in (200, 202)
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])


def agent_reply(delivery: str, at: str, *tags: str, kind: str = "comment_added") -> bytes:
    """The agent's public reply on the complaint's ticket, as Zendesk's event subscription
    sends it (the recorded payload, moved onto the ticket), the ticket carrying `tags`."""
    document = json.loads(load_event("event_ticket_comment_added_dust.json"))
    document |= {"id": delivery, "subject": f"zen:ticket:{TICKET}", "time": at,
                 "type": f"zen:event-type:ticket.{kind}"}  # fmt: skip
    document["detail"] |= {"id": TICKET, "created_at": "2025-03-04T08:17:00Z",
                           "updated_at": at, "tags": ["şikayət", *tags]}  # fmt: skip
    return dumps(document)


def outcome_entries(aws: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    store = DynamoStore(aws["dynamodb"])
    return [(e.kind, e.detail) for e in ledger_entries(store) if e.kind.startswith("outcome.")]


def test_the_outcome_tag_on_the_final_response_is_recorded_once(
    functions: Any, aws: dict[str, Any]
) -> None:
    deliver(functions, aws, load_event("trigger_rendered_az_created_CONSTRUCTED.json"))
    final = agent_reply("e-1", "2025-03-06T12:00:00Z", "final_response_sent", "complaint_upheld")
    deliver(functions, aws, final)
    deliver(functions, aws, final)  # Zendesk delivers it again
    later = agent_reply("e-2", "2025-03-06T13:00:00Z", "final_response_sent", "complaint_upheld")
    deliver(functions, aws, later)  # the next reply, the tag still on the ticket
    assert outcome_entries(aws) == [
        ("outcome.recorded", {"outcome": "upheld", "at": "2025-03-06T12:00:00+00:00",
                              "delivery_id": "e-1"}),
    ]  # fmt: skip
    complaint = DynamoStore(aws["dynamodb"]).get_complaint(f"zendesk:{TICKET}")
    assert complaint is not None and complaint.outcome == "upheld"
    assert complaint.outcome_decided_at is not None
    assert complaint.outcome_decided_at.isoformat() == "2025-03-06T12:00:00+00:00"
    assert "final_response" in complaint.milestones

    changed = agent_reply(
        "e-3", "2025-03-09T09:00:00Z", "final_response_sent", "complaint_partly_upheld",
        kind="tags_changed",
    )  # fmt: skip
    deliver(functions, aws, changed)
    kinds = [(kind, detail.get("previous")) for kind, detail in outcome_entries(aws)]
    assert kinds == [("outcome.recorded", None), ("outcome.changed", "upheld")]
    complaint = DynamoStore(aws["dynamodb"]).get_complaint(f"zendesk:{TICKET}")
    assert complaint is not None and complaint.outcome == "partly_upheld"

"""The worker and the scheduler as Lambda runs them (chalice.test.Client invoking the real
handlers with SQS and scheduled events), on moto and a fake Zendesk over HTTP."""

from __future__ import annotations

import json
from typing import Any

from chalice.test import Client

from devstack.fake_zendesk import FakeZendesk
from devstack.send_webhook import sample_event
from plaint.auditlog.verify import verify
from storage.dynamodb import DynamoStore
from tests.conftest import dumps, ledger_entries, queued_messages
from tests.functional.test_webhook_api import post, signed


def deliver(functions: Any, aws: Any, event: dict[str, Any]) -> list[str]:
    body = dumps(event)
    assert post(functions, body, signed(body)).status_code == 202
    return [m["Body"] for m in queued_messages(aws)]


def run_worker(functions: Any, keys: list[str]) -> None:
    with Client(functions.app) as client:
        for key in keys:
            event = client.events.generate_sqs_event(
                message_bodies=[key], queue_name="plaint-inbox"
            )
            client.lambda_.invoke("process_inbox", event)


def run_sweep(functions: Any) -> dict[str, int]:
    with Client(functions.app) as client:
        result = client.lambda_.invoke(
            "sweep",
            client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
            ),
        )
    return result.payload  # type: ignore[no-any-return]


def ticket(fake: FakeZendesk, ticket_id: str) -> dict[str, Any]:
    import requests

    return requests.get(f"{fake.url}/__fake/tickets/{ticket_id}", timeout=5).json()  # type: ignore[no-any-return]


def test_complaint_flows_to_an_acknowledgement_and_a_verified_chain(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk
) -> None:
    keys = deliver(functions, aws, sample_event(ticket_id=4242))
    run_worker(functions, keys * 3)  # SQS delivers at least once: a message may come thrice
    store = DynamoStore(aws["dynamodb"])
    complaint = store.get_complaint("zendesk:4242")
    assert complaint is not None and complaint.status == "acknowledged"
    assert complaint.assessment.category == "billing"
    comments = ticket(fake_zendesk, "4242")["comments"]
    assert len(comments) == 1 and comments[0]["public"] is True
    assert "şikayət" in comments[0]["body"]
    entries = ledger_entries(store)
    assert [e.kind for e in entries][-1] == "acknowledgement.sent"
    assert verify(entries, [], {}).holds


def test_helpdesk_outage_is_retried_by_the_sweep_without_losing_the_acknowledgement(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk
) -> None:
    import requests

    requests.post(
        f"{fake_zendesk.url}/__fake/faults",
        json={"status": 503, "retry_after": 0, "count": 50},
        timeout=5,
    )
    keys = deliver(functions, aws, sample_event(ticket_id=777))
    run_worker(functions, keys)
    store = DynamoStore(aws["dynamodb"])
    action = store.get_action("zendesk:777:acknowledge")
    assert action is not None and action.status == "pending" and action.attempts == 1
    requests.post(f"{fake_zendesk.url}/__fake/reset", timeout=5)
    # Make the retry due now instead of waiting out the backoff.
    store_item = {"pk": {"S": "ACTION#zendesk:777:acknowledge"}, "sk": {"S": "ACTION"}}
    aws["dynamodb"].update_item(
        TableName="plaint-state",
        Key=store_item,
        UpdateExpression="SET due_at = :now",
        ExpressionAttributeValues={":now": {"S": "2000-01-01T00:00:00.000000Z"}},
    )
    assert run_sweep(functions)["actions_dispatched"] == 1
    assert len(ticket(fake_zendesk, "777")["comments"]) == 1


def test_sweep_reads_nothing_when_nothing_is_due(functions: Any, aws: Any) -> None:
    assert run_sweep(functions) == {
        "redriven_deliveries": 0,
        "actions_dispatched": 0,
        "complaints_due": 0,
        "acknowledgements_overdue": 0,
        "clock_warnings": 0,
        "clock_breaches": 0,
        "records_disposed": 0,
        "referrals_offered": 0,
        "surveys_queued": 0,
    }


def test_worker_failure_hands_the_message_back(functions: Any, aws: Any, monkeypatch: Any) -> None:
    from plaint.vocabulary.errors import StoreUnavailableError

    keys = deliver(functions, aws, sample_event(ticket_id=31))

    def throttled(*_: Any, **__: Any) -> None:
        raise StoreUnavailableError("ProvisionedThroughputExceededException")

    monkeypatch.setattr(DynamoStore, "commit", throttled)
    with Client(functions.app) as client:
        event = client.events.generate_sqs_event(message_bodies=keys, queue_name="plaint-inbox")
        try:
            client.lambda_.invoke("process_inbox", event)
        except StoreUnavailableError:
            pass
        else:  # pragma: no cover - the failure must reach SQS so it redelivers
            raise AssertionError("worker swallowed a store failure")
    monkeypatch.undo()
    delivery = DynamoStore(aws["dynamodb"]).get_delivery(keys[0])
    assert delivery is not None and delivery.status == "accepted"
    assert json.loads(delivery.event.model_dump_json())["ticket_id"] == "31"


def test_reconciliation_takes_in_a_ticket_whose_webhook_was_lost(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk
) -> None:
    import requests

    from devstack.send_webhook import SAMPLE_COMPLAINT

    # A ticket made in the helpdesk an hour ago whose webhook never arrived.
    requests.post(
        f"{fake_zendesk.url}/__fake/tickets",
        json={"id": 9090, "subject": "Ödəniş", "description": SAMPLE_COMPLAINT, "requester_id": 7},
        timeout=5,
    )
    with Client(functions.app) as client:
        event = client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        first = client.lambda_.invoke("reconcile", event).payload
        again = client.lambda_.invoke("reconcile", event).payload
    zendesk = next(r for r in first["reports"] if r["source"] == "zendesk")
    assert zendesk["gaps_closed"] == 1
    assert [r["gaps_closed"] for r in again["reports"]] == [0, 0]
    store = DynamoStore(aws["dynamodb"])
    complaint = store.get_complaint("zendesk:9090")
    assert complaint is not None and complaint.status == "acknowledged"
    assert "intake.gap_closed" in [e.kind for e in ledger_entries(store)]
    assert len(ticket(fake_zendesk, "9090")["comments"]) == 1


def test_sweeps_do_not_grow_the_queue_and_still_redrive_a_lost_message(
    functions: Any, aws: Any, monkeypatch: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from chalicelib import wiring

    keys = []
    for ticket_id in (61, 62, 63):
        keys += deliver(functions, aws, sample_event(ticket_id=ticket_id))  # drained: lost
    assert len(keys) == 3
    start = datetime.now(UTC)

    def sweeps(after: timedelta, runs: int) -> list[str]:
        """Run the sweep every 10 s from `after`; what it queued."""
        for run in range(runs):
            now = start + after + timedelta(seconds=10 * run)
            monkeypatch.setattr(wiring, "utc_now", lambda now=now: now)
            run_sweep(functions)
        return sorted(m["Body"] for m in queued_messages(aws))

    # Five minutes of sweeps every 10 s, as the local stack runs them: one message each.
    assert sweeps(timedelta(minutes=6), 30) == sorted(keys)
    # Those were lost too: queued again once the window has passed, and only then.
    assert sweeps(timedelta(minutes=11, seconds=10), 1) == sorted(keys)

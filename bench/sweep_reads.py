"""The clock sweep reads what is due, not what is open.

Fills the state table (moto) with 1,000, 10,000 and 100,000 open complaints under the UK
FCA DISP pack, of which a fixed 50 have a warning due, runs the sweep, and counts the
DynamoDB items it read (Query and GetItem answers) against the items due. The sweep's
decisions are counted, not committed: moto copies the whole table on every transaction,
which would measure moto, not the sweep (each decision is one TransactWriteItems).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto import mock_aws

from devstack.stack import ROOT
from plaint.intake import reception
from plaint.model.audit import AuditEntry
from plaint.model.complaint import Complaint, ComplaintStatus
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.document import Policy
from plaint.policy.loading import load_policy
from plaint.usecases.handling import ComplaintHandling
from storage import codec
from storage.dynamodb import DynamoStore
from storage.tables import create_tables

DUE = 50
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class _NoQueue:
    def enqueue(self, delivery_key: str) -> None:  # nothing is redriven here
        pass


class _CountedCommits(DynamoStore):
    """Reads from DynamoDB; decisions are counted instead of written."""

    decisions = 0

    def commit(
        self, decision: Decision, ledger: str, delivery_key: str | None = None
    ) -> tuple[AuditEntry, ...]:
        self.decisions += 1
        return ()


def _template(policy: Policy, received: datetime) -> Complaint:
    event = TicketEvent(
        source=SourceSystem.ZENDESK, delivery_id="bench", ticket_id="0",
        kind=TicketEventKind.CREATED, occurred_at=received, created_at=received,
        subject="Charged twice", description="I was charged twice and want a refund",
    )  # fmt: skip
    decision = reception.receive(event, None, policy, received)
    assert decision.complaint is not None
    # Acknowledged, so only the regime's clocks keep it in the due index.
    return decision.complaint.model_copy(
        update={"acknowledged_at": received, "status": ComplaintStatus.ACKNOWLEDGED}
    )


def _fill(client: Any, policy: Policy, open_complaints: int) -> None:
    due_soon = _template(policy, NOW - timedelta(days=30))  # its 50 % warning is past
    not_yet = _template(policy, NOW - timedelta(hours=1))
    items = []
    for n in range(open_complaints):
        base = due_soon if n < DUE else not_yet
        complaint = base.model_copy(update={"complaint_id": f"zendesk:{n}", "ticket_id": str(n)})
        items.append(codec.complaint_item(complaint))
    serializer = boto3.dynamodb.types.TypeSerializer()  # type: ignore[attr-defined]
    for start in range(0, len(items), 25):
        batch = [
            {"PutRequest": {"Item": {k: serializer.serialize(v) for k, v in item.items()}}}
            for item in items[start : start + 25]
        ]
        client.batch_write_item(RequestItems={"plaint-state": batch})


def _run(open_complaints: int, policy: Policy) -> dict[str, float]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_tables(client)
        _fill(client, policy, open_complaints)
        read = {"items": 0, "requests": 0}

        def count(parsed: dict[str, Any], **_: Any) -> None:
            read["requests"] += 1
            read["items"] += int(parsed.get("ScannedCount", 0)) + (1 if "Item" in parsed else 0)

        client.meta.events.register("after-call.dynamodb.Query", count)
        client.meta.events.register("after-call.dynamodb.GetItem", count)
        store = _CountedCommits(client)
        handling = ComplaintHandling(store=store, policy=policy, clock=lambda: NOW)
        started = time.perf_counter()
        report = handling.sweep(_NoQueue(), limit=1000)
        elapsed = time.perf_counter() - started
    return {
        "open": open_complaints,
        "due": report.complaints_due,
        "warnings_decided": report.clock_warnings,
        "decisions": store.decisions,
        "items_read": read["items"],
        "read_requests": read["requests"],
        "items_read_per_due": read["items"] / max(report.complaints_due, 1),
        "sweep_ms_on_moto": elapsed * 1000,
    }


def measure(sizes: tuple[int, ...] = (1_000, 10_000, 100_000)) -> dict[str, Any]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    policy = load_policy(ROOT / "policies" / "uk-fca-disp.json")
    return {f"open_{size}": _run(size, policy) for size in sizes}

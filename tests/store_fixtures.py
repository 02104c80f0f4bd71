"""Factories and helpers for store tests: valid models with aware UTC datetimes."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from plaint.auditlog.verify import verify
from plaint.model.actions import ActionKind, ActionStatus, ActionUpdate, OutboundAction
from plaint.model.audit import AuditDraft, AuditEntry
from plaint.model.complaint import (
    Assessment,
    Clock,
    ClockStatus,
    Complaint,
    ComplaintStatus,
    Severity,
)
from plaint.model.decision import Decision
from plaint.model.events import Channel, Delivery, SourceSystem, TicketEvent, TicketEventKind
from plaint.vocabulary.terms import ClockKind, Duration, DurationUnit, Expiry, Milestone

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LEDGER = "acme"
CHAIN = f"{LEDGER}/zendesk:101"  # the chain of complaint() and draft()
POLICY = "policy-2025.1"


def at(minutes: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket_event(delivery_id: str = "d-1", ticket_id: str = "101", **changes: Any) -> TicketEvent:
    fields: dict[str, Any] = {
        "source": SourceSystem.ZENDESK,
        "delivery_id": delivery_id,
        "ticket_id": ticket_id,
        "kind": TicketEventKind.CREATED,
        "occurred_at": T0,
        "created_at": T0,
        "channel": Channel.EMAIL,
        "subject": "Charged twice",
        "description": "I was charged twice for one order.",
        "tags": ("billing",),
    }
    return TicketEvent(**(fields | changes))


def delivery(delivery_id: str = "d-1", received_at: datetime = T0, **changes: Any) -> Delivery:
    event = ticket_event(delivery_id=delivery_id)
    return Delivery(
        source=SourceSystem.ZENDESK,
        delivery_id=delivery_id,
        received_at=received_at,
        event=event,
        **changes,
    )


def complaint(
    ticket_id: str = "101",
    revision: int = 1,
    source_version: datetime = T0,
    due_at: datetime | None = None,
    **changes: Any,
) -> Complaint:
    fields: dict[str, Any] = {
        "complaint_id": f"zendesk:{ticket_id}",
        "source": SourceSystem.ZENDESK,
        "ticket_id": ticket_id,
        "channel": Channel.EMAIL,
        "received_at": T0,
        "complainant_ref": "cust-9",
        "language": "en",
        "subject": "Charged twice",
        "product": "checkout",
        "description_digest": "a" * 64,
        "remedy_sought": "refund",
        "assessment": Assessment(is_complaint=True, category="billing", severity=Severity.MEDIUM),
        "status": ComplaintStatus.RECEIVED,
        "policy_version": POLICY,
        "acknowledgement_due_at": due_at if due_at is not None else at(24 * 60),
        "source_version": source_version,
        "revision": revision,
    }
    return Complaint(**(fields | changes))


def clock(status: ClockStatus = ClockStatus.RUNNING, due_in_days: int = 56) -> Clock:
    return Clock(
        clock_id="final_response", regime="uk-disp", kind=ClockKind.REGULATORY,
        on_expiry=Expiry.BREACH, calendar="uk", met_by=(Milestone.FINAL_RESPONSE,),
        within=Duration(amount=8, unit=DurationUnit.WEEKS), status=status,
        started_at=T0, due_at=T0 + timedelta(days=due_in_days),
    )  # fmt: skip


def action(
    action_id: str = "a-1",
    ticket_id: str = "101",
    next_attempt_at: datetime = T0,
    **changes: Any,
) -> OutboundAction:
    fields: dict[str, Any] = {
        "action_id": action_id,
        "complaint_id": f"zendesk:{ticket_id}",
        "kind": ActionKind.ACKNOWLEDGE,
        "source": SourceSystem.ZENDESK,
        "ticket_id": ticket_id,
        "language": "en",
        "comment": "We received your complaint.",
        "marker_tag": f"plaint-{action_id}",
        "next_attempt_at": next_attempt_at,
    }
    return OutboundAction(**(fields | changes))


def draft(
    kind: str = "complaint.received", complaint_id: str | None = "zendesk:101", **changes: Any
) -> AuditDraft:
    fields: dict[str, Any] = {
        "kind": kind,
        "complaint_id": complaint_id,
        "policy_version": POLICY,
        "at": T0,
        "rule_id": "r-billing",
        "detail": {"severity": "medium", "hours": 24, "ratio": 0.25, "big": 2**53 + 1},
    }
    return AuditDraft(**(fields | changes))


def new_complaint_decision(c: Complaint, *actions: OutboundAction, drafts: int = 2) -> Decision:
    audit = tuple(draft(f"step.{i}", c.complaint_id) for i in range(drafts))
    return Decision(complaint=c, audit=audit, new_actions=actions)


def action_update(
    new: OutboundAction, expected_status: ActionStatus, expected_attempts: int
) -> Decision:
    return Decision(
        complaint=None,
        audit=(draft("action.updated", new.complaint_id),),
        action_updates=(
            ActionUpdate(
                action=new, expected_status=expected_status, expected_attempts=expected_attempts
            ),
        ),
    )


def serialize_requests(client: Any) -> None:
    """Make each request to moto atomic, as it is on DynamoDB.

    moto runs a transaction item by item with no lock, so two threads could interleave inside
    one request. Commits still interleave between their requests, which is what tests need.
    The lock is reentrant so that a hook running inside a request may make requests itself.
    """
    lock = threading.RLock()

    def acquire(**_: Any) -> None:
        lock.acquire()

    def release(**_: Any) -> None:
        lock.release()

    client.meta.events.register("before-call.dynamodb", acquire)
    client.meta.events.register("after-call.dynamodb", release)
    client.meta.events.register("after-call-error.dynamodb", release)


class ItemsRead:
    """Sums ScannedCount over every Query the client makes: the items DynamoDB read."""

    def __init__(self, client: Any) -> None:
        self.count = 0
        client.meta.events.register("after-call.dynamodb.Query", self._add)

    def _add(self, parsed: dict[str, Any], **_: Any) -> None:
        self.count += int(parsed.get("ScannedCount", 0))


def chain_holds(entries: Sequence[AuditEntry]) -> bool:
    """The chain links and hashes hold (no checkpoints involved)."""
    return verify(entries, [], {}).holds

"""The engine's view of the outside world: small Protocols, implemented by adapters.

Adapters implement primitives only; the judgement stays in plaint.services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from plaint.model import (
    AuditEntry,
    ChainHead,
    Complaint,
    Decision,
    Delivery,
    OutboundAction,
    SourceSystem,
    TicketEvent,
)


class ComplaintStore(Protocol):
    """Compliance metadata: deliveries, complaints, the outbox and the audit chain."""

    def accept_delivery(self, delivery: Delivery, keep_until: datetime) -> None:
        """Record a delivery durably. Raises DuplicateDeliveryError if its id is known."""

    def get_delivery(self, key: str) -> Delivery | None: ...

    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def commit(
        self, decision: Decision, ledger: str, delivery_key: str | None = None
    ) -> tuple[AuditEntry, ...]:
        """Apply a decision in one transaction: complaint state, chained audit entries,
        outbox actions and, when given, the delivery marked processed.

        Raises RevisionConflictError when the complaint moved on, and leaves nothing written.
        """

    def get_action(self, action_id: str) -> OutboundAction | None: ...

    def due_complaints(self, now: datetime, limit: int) -> Sequence[Complaint]:
        """Complaints with something due at or before `now` (an acknowledgement, a clock's
        warning or deadline), read from an index on the next due instant: never a scan of
        open complaints."""

    def due_actions(self, now: datetime, limit: int) -> Sequence[OutboundAction]:
        """Pending actions whose next attempt is due at or before `now`."""

    def unprocessed_deliveries(self, older_than: datetime, limit: int) -> Sequence[Delivery]:
        """Accepted deliveries still unprocessed since before `older_than`."""

    def chain_head(self, ledger: str) -> ChainHead: ...

    def audit_entries(
        self, ledger: str, after_seq: int = 0, limit: int = 100
    ) -> Sequence[AuditEntry]: ...

    def get_cursor(self, name: str) -> str | None:
        """Where a reconciliation left off."""

    def put_cursor(self, name: str, value: str, expected: str | None) -> None:
        """Move a cursor on, only from `expected` (RevisionConflictError otherwise), so two
        overlapping runs never move it back."""


@dataclass(frozen=True)
class ChangePage:
    """One page of what a helpdesk says changed: events in the order of their change, the
    cursor to ask from next time, and whether more is waiting now."""

    events: tuple[TicketEvent, ...]
    cursor: str
    more: bool


class ChangeFeed(Protocol):
    """Asks a helpdesk what changed since a cursor (Zendesk's incremental export, Jira's JQL
    on updated time), so that intake can close the gaps lost webhooks leave."""

    source: SourceSystem

    def changed_since(self, cursor: str | None, now: datetime) -> ChangePage:
        """`cursor` None means "start from a recent window" (the feed decides how far back).
        Events carry `recovered=True` and a delivery id stable for the same change."""


class Outbox(Protocol):
    """Carries out an action against the helpdesk it belongs to."""

    def already_applied(self, action: OutboundAction) -> bool:
        """True when the helpdesk shows the action landed (its marker tag is on the ticket)."""

    def apply(self, action: OutboundAction) -> None:
        """Carry the action out. Raises TransientDeliveryError or PermanentDeliveryError."""


class Queue(Protocol):
    """Hands accepted deliveries to the worker."""

    def enqueue(self, delivery_key: str) -> None: ...

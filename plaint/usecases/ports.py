"""The engine's view of the outside world: small Protocols, implemented by adapters.

Adapters implement primitives only; the judgement stays in plaint.services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from plaint.auditlog.checkpoint import Checkpoint
from plaint.auditlog.evidence import CheckpointCopy, IndexMismatch
from plaint.auditlog.query import AuditPage, AuditQuery
from plaint.model.actions import LandedWrite, OutboundAction
from plaint.model.audit import AuditEntry, ChainHead
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.model.events import Delivery, SourceSystem, TicketEvent
from plaint.model.publication import PolicyChange, PolicyRecord
from plaint.reporting.search import ComplaintPage, ComplaintQuery


class ComplaintStore(Protocol):
    """Compliance metadata: deliveries, complaints, the outbox and the audit chain."""

    def accept_delivery(self, delivery: Delivery, keep_until: datetime) -> None:
        """Record a delivery durably. Raises DuplicateDeliveryError if its id is known."""

    def get_delivery(self, key: str) -> Delivery | None: ...

    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def complaints_of(self, complainant_ref: str) -> Sequence[Complaint]:
        """The complaints that still name this complainant (an index, not a scan)."""

    def commit(
        self, decision: Decision, ledger: str, delivery_key: str | None = None
    ) -> tuple[AuditEntry, ...]:
        """Apply a decision in one transaction: complaint state, audit entries on their
        complaints' chains in `ledger`, outbox actions and, when given, the delivery marked
        processed.

        Raises RevisionConflictError when the complaint moved on, or AuditWindowClosedError
        (a RevisionConflictError) when the entries are dated inside a window already sealed
        for a checkpoint; either way nothing is written.
        """

    def get_action(self, action_id: str) -> OutboundAction | None: ...

    def due_complaints(self, now: datetime, limit: int) -> Sequence[Complaint]:
        """Complaints with something due at or before `now` (an acknowledgement, a clock's
        warning or deadline), read from an index on the next due instant: never a scan of
        open complaints."""

    def due_actions(self, now: datetime, limit: int) -> Sequence[OutboundAction]:
        """Pending actions whose next attempt is due at or before `now`."""

    def unprocessed_deliveries(self, older_than: datetime, limit: int) -> Sequence[Delivery]:
        """Accepted deliveries still unprocessed, last queued before `older_than` (at
        acceptance, or by `requeue_delivery`), oldest first."""

    def requeue_delivery(self, key: str, queued_before: datetime, now: datetime) -> bool:
        """Note that the delivery is queued again at `now`, only if it is still accepted and
        was last queued before `queued_before`. False when it was processed or queued
        meanwhile (another sweep): then it must not be queued again."""

    def chain_head(self, chain: str) -> ChainHead: ...

    def audit_entries(
        self, chain: str, after_seq: int = 0, limit: int = 100
    ) -> Sequence[AuditEntry]:
        """One chain's entries in order (plaint.audit.chain_of names a complaint's chain)."""

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

    def apply(self, action: OutboundAction) -> LandedWrite | None:
        """Carry the action out. Raises TransientDeliveryError or PermanentDeliveryError.
        Returns what the update left on the ticket when the helpdesk says (else None)."""


@runtime_checkable
class AddressBook(Protocol):
    """A helpdesk that can tell a requester's email address (an outbox may also be one)."""

    def address_of(self, complainant_ref: str) -> str | None:
        """The address, or None when the helpdesk has no such user or hides it. Raises
        TransientDeliveryError (429, 5xx) or PermanentDeliveryError like an action."""


class Queue(Protocol):
    """Hands accepted deliveries to the worker."""

    def enqueue(self, delivery_key: str) -> None: ...


class AuditLog(Protocol):
    """The compliance log's side of the store: sealing windows, checkpoint copies, and the
    read-only queries auditors run."""

    def sealed_until(self, ledger: str) -> datetime | None: ...

    def seal(self, ledger: str, until: datetime, expected: datetime | None) -> None:
        """Refuse entries dated up to `until` from now on; only from `expected`."""

    def entries_between(
        self, ledger: str, after: datetime, until: datetime
    ) -> Iterable[AuditEntry]: ...

    def earliest_entry_at(self, ledger: str) -> datetime | None: ...

    def record_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Keep a copy of the checkpoint's body and signature, and which chains it covered."""

    def checkpoint_copies(self, ledger: str) -> list[CheckpointCopy]:
        """Every checkpoint copy the audit table holds, under the number its key names."""

    def newest_checkpoint_copy(self, ledger: str) -> CheckpointCopy | None: ...

    def stored_entries(
        self, ledger: str, chain: str | None = None
    ) -> tuple[list[AuditEntry], list[IndexMismatch]]:
        """Every entry of the ledger, or of one chain, read from the table itself rather
        than an index (future-dated ones too); and those whose index attributes are not
        the ones their content gives."""

    def checkpoints_of_chain(self, chain: str) -> list[int]: ...

    def complaint_entries(self, ledger: str, complaint_id: str) -> list[AuditEntry]: ...

    def query_audit(self, query: AuditQuery, now: datetime) -> AuditPage: ...


class CheckpointArchive(Protocol):
    """Write-once storage of whole checkpoints, leaves included: S3 with Object Lock in the
    cloud, a directory of read-only files on one machine."""

    def put(self, checkpoint: Checkpoint) -> None:
        """Keep it for good. Raises CheckpointExistsError if its number is taken."""

    def get(self, ledger: str, number: int) -> Checkpoint | None: ...

    def numbers(self, ledger: str) -> list[int]: ...


class SentMailEvidence(Protocol):
    """What is known of acknowledgement emails handed to a mail service that cannot be asked
    what it sent (Amazon SES): when each was last handed over, and whether the service
    reported accepting it. Keyed by the token each message carries (an SES message tag)."""

    def note_sending(self, token: str, at: datetime) -> None:
        """Note that a send is about to start; replaces the time of an earlier one."""

    def record_accepted(self, token: str, at: datetime, provider_message_id: str) -> bool:
        """Keep the service's report that it accepted the message; False when it was
        already kept (reports arrive at least once)."""

    def accepted_at(self, token: str) -> datetime | None: ...

    def sending_noted_at(self, token: str) -> datetime | None: ...


class ComplaintIndex(Protocol):
    """Complaint search, for auditors (plaint.reporting.search)."""

    def search_complaints(self, query: ComplaintQuery, now: datetime) -> ComplaintPage:
        """A page of the complaints received in the period that meet every condition, read
        through at most one facet's index. Raises QueryInvalidError for a search that would
        need a scan (a period longer than the indexes answer, a cursor of another query)."""

    def reindex_complaints(self, refresh: Callable[[Complaint], Complaint]) -> int:
        """Rewrite every complaint record, `refresh` applied, with its search attributes:
        once, for records written before search existed (a scan). Returns how many."""


class ComplaintRecords(Protocol):
    """A complaint's record and its chain, for its page."""

    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def audit_entries(
        self, chain: str, after_seq: int = 0, limit: int = 100
    ) -> Sequence[AuditEntry]: ...


class DeliveryLog(Protocol):
    """The deliveries still remembered (plaint.usecases.intake.DELIVERY_MEMORY)."""

    def deliveries_between(self, since: datetime, until: datetime) -> Iterable[Delivery]:
        """Deliveries that arrived in [since, until), from an index by day: never a scan."""


class PolicyRegister(Protocol):
    """Policy versions: their documents, their records of proposals and publications, and
    the active pointer."""

    def active_policy(self) -> tuple[str, str] | None: ...

    def policy_document(self, version: str) -> str | None: ...

    def policy_record(self, version: str) -> PolicyRecord | None: ...

    def policy_records(self) -> list[PolicyRecord]: ...

    def record_policy_change(self, change: PolicyChange, ledger: str) -> tuple[AuditEntry, ...]:
        """Commit one proposal or approval in one transaction (plaint.model.publication).
        Raises RevisionConflictError when the record or the active pointer moved; nothing
        is written then."""

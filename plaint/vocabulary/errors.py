"""Typed errors of the engine and its ports. The edge turns them into HTTP answers."""

from __future__ import annotations


class PlaintError(Exception):
    """Base of every error Plaint raises on purpose."""


class PolicyError(PlaintError):
    """A policy document is invalid; `problems` lists every one, with its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid policy:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


class DuplicateDeliveryError(PlaintError):
    """This delivery id was already accepted: the delivery is a retry."""


class RevisionConflictError(PlaintError):
    """The complaint changed since it was read: judge again from the new state."""


class ChainConflictError(PlaintError):
    """Another writer appended to the audit chain first: place the entries again."""


class StoreUnavailableError(PlaintError):
    """The store refused or timed out (throttling, outage): retry later. After a timeout a write
    may have landed; every store write is conditional, so a retry then fails cleanly
    (DuplicateDeliveryError, RevisionConflictError) instead of writing twice."""


class DeliveryFailedError(PlaintError):
    """An outbound action did not land."""

    retry_after: float | None = None


class TransientDeliveryError(DeliveryFailedError):
    """Worth retrying (429, 5xx, timeouts). `retry_after` is the helpdesk's hint, in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryFailedError):
    """Retrying will not help (401, 403, 404, 422): park it for an operator."""


class AuditWindowClosedError(RevisionConflictError):
    """The decision's entries are dated inside a window already sealed for a checkpoint:
    judge again, now."""


class AuditEntryFromFutureError(PlaintError):
    """The decision's entries are dated further ahead of the store's clock than clock skew
    explains (plaint.auditlog.chain.FUTURE_TOLERANCE): refused, never retried."""


class CheckpointRollbackError(PlaintError):
    """The audit table's copy of the newest checkpoint and the write-once archive disagree:
    a checkpoint was deleted or rolled back. Checkpointing stops until someone looks."""


class QueryInvalidError(PlaintError):
    """A query the store cannot answer as asked without a scan (a bad cursor, range or
    facet), or a window the data it needs is not kept for."""


class PublicationRefusedError(PlaintError):
    """A policy proposal or approval the two-person rule does not allow."""


class TwoPersonRuleError(PublicationRefusedError):
    """The approver is the proposer: a second person must approve."""


class ProposalNotFoundError(PublicationRefusedError):
    """No proposal of that version awaits approval (never proposed, or published already)."""


class StaleProposalError(PublicationRefusedError):
    """The active policy moved since the proposal was made, or the proposal is already the
    active policy: propose again against the policy in force."""


class CheckpointExistsError(PlaintError):
    """A checkpoint with this number is already kept: another run made it first."""

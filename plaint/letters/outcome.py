"""The organisation's outcome of a complaint (upheld, partly upheld, not upheld), decided
when the ticket shows one of the policy's outcome tags. The first is recorded, a later
different one is recorded as a change with the one it replaces; the same tag seen again
(a redelivery, the next comment on a still-tagged ticket) changes nothing."""

from __future__ import annotations

from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint, ComplaintOutcome
from plaint.model.events import TicketEvent
from plaint.policy.document import Policy


def shown(event: TicketEvent, policy: Policy) -> ComplaintOutcome | None:
    """The outcome the event's tags signal; None when they signal none, or several at
    once (the agent added a tag without removing the old one): the ticket is ambiguous
    until one is removed, and the record keeps what it had."""
    tags = set(event.tags)
    found = [s.outcome for s in policy.outcomes if tags & set(s.tags)]
    return found[0] if len(found) == 1 else None


def decided(
    event: TicketEvent, complaint: Complaint, policy: Policy, now: datetime
) -> tuple[Complaint, tuple[AuditDraft, ...]]:
    """The complaint with the outcome the event shows, and the entry that records it."""
    outcome = shown(event, policy)
    if outcome is None or outcome is complaint.outcome:
        return complaint, ()
    previous = complaint.outcome
    detail: dict[str, object] = {
        "outcome": outcome.value,
        "at": event.occurred_at.isoformat(),
        "delivery_id": event.delivery_id,
    }
    if previous is not None:
        detail["previous"] = previous.value
    kind = AuditKind.OUTCOME_RECORDED if previous is None else AuditKind.OUTCOME_CHANGED
    entry = record(kind, complaint.complaint_id, policy, now, detail=detail)
    changed = complaint.model_copy(
        update={"outcome": outcome, "outcome_decided_at": event.occurred_at}
    )
    return changed, (entry,)

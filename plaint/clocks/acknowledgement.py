"""The acknowledgement clock: its deadline, counted from receipt on the policy's business
calendar; and the sweep, where an acknowledgement overdue is recorded once and flagged on
the ticket, together with whatever regime clocks fell due."""

from __future__ import annotations

from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.clocks.review import review_overdue
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.policy.document import Policy

OVERDUE_MARKER_TAG = "plaint_ack_overdue"


def acknowledgement_due(received_at: datetime, policy: Policy) -> datetime:
    """When the acknowledgement is due, counted from receipt on the acknowledgement
    calendar; for a possible complaint, when it would be due were it confirmed."""
    ack = policy.acknowledgement
    return timekeeping.calendars(policy)(ack.calendar).add(received_at, ack.within)


def acknowledgement_deadline(
    complaint_id: str, received_at: datetime, policy: Policy, now: datetime
) -> tuple[datetime, AuditDraft]:
    """When the acknowledgement is due (ISO 10002 7.3 and the regime's rules), frozen at
    receipt, and the audit entry that records it."""
    ack = policy.acknowledgement
    calendar = timekeeping.calendars(policy)(ack.calendar)
    due_at = acknowledgement_due(received_at, policy)
    detail = {
        "due_at": due_at.isoformat(),
        "within": ack.within.model_dump(mode="json"),
        "calendar": ack.calendar,
        "timezone": calendar.policy.timezone,
    }
    kind = AuditKind.ACKNOWLEDGEMENT_DEADLINE_SET
    return due_at, record(kind, complaint_id, policy, now, detail=detail)


def acknowledgement_overdue(complaint: Complaint, policy: Policy, now: datetime) -> Decision:
    """The acknowledgement deadline passed with no acknowledgement: record the breach once
    and flag the ticket so people see it."""
    flagged = complaint.revised(acknowledgement_overdue=True)
    action = OutboundAction(
        action_id=f"{complaint.complaint_id}:{ActionKind.FLAG_OVERDUE}",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.FLAG_OVERDUE,
        source=complaint.source,
        ticket_id=complaint.ticket_id,
        language=complaint.language,
        add_tags=policy.acknowledgement.overdue_tags,
        marker_tag=OVERDUE_MARKER_TAG,
        next_attempt_at=now,
    )
    due = complaint.acknowledgement_due_at
    audit = record(
        AuditKind.ACKNOWLEDGEMENT_OVERDUE,
        complaint.complaint_id,
        policy,
        now,
        detail={
            "due_at": due.isoformat() if due else None,
            "frozen_under": complaint.policy_version,
        },
    )
    return Decision(
        complaint=flagged,
        expected_revision=complaint.revision,
        audit=(audit,),
        new_actions=(action,),
    )


def fallen_due(complaint: Complaint, policy: Policy, now: datetime) -> Decision | None:
    """Whatever fell due for one complaint the sweep found: an acknowledgement overdue,
    clock warnings, breaches and lapses, a possible complaint left unanswered. None when
    nothing is (yet) due."""
    unanswered = review_overdue(complaint, policy, now)
    if unanswered is not None:
        return unanswered  # a possible complaint runs no acknowledgement or regime clock
    decision: Decision | None = None
    ack_due = complaint.acknowledgement_due_at
    if complaint.acknowledgement_owed and ack_due is not None and ack_due <= now:
        decision = acknowledgement_overdue(complaint, policy, now)
    base = decision.complaint if decision and decision.complaint else complaint
    clocks = timekeeping.sweep_due(base, policy, now)
    if clocks is None or clocks.complaint is None:
        return decision
    # One write: the clocks were judged on the overdue state.
    return clocks if decision is None else clocks.following(decision)

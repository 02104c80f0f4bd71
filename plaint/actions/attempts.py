"""Outbound actions (acknowledgements, tags, notes, referral packets) and their attempts:
claimed before each call, done when it landed, rescheduled or parked when it failed."""

from __future__ import annotations

from datetime import datetime, timedelta

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.model.actions import (
    ActionKind,
    ActionStatus,
    ActionUpdate,
    LandedWrite,
    OutboundAction,
)
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint, ComplaintStatus, OwnWrite
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem
from plaint.policy.document import Policy
from plaint.vocabulary.terms import Milestone

CLAIM_LEASE = timedelta(minutes=2)
RETRY_BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = 6


def claim(action: OutboundAction, now: datetime) -> Decision:
    """Take an action for one attempt. The lease pushes its next attempt out, so a worker
    that dies mid-call leaves it to the sweep, which will first ask whether it landed."""
    claimed = action.model_copy(
        update={"attempts": action.attempts + 1, "next_attempt_at": now + CLAIM_LEASE}
    )
    update = ActionUpdate(
        action=claimed, expected_status=ActionStatus.PENDING, expected_attempts=action.attempts
    )
    return Decision(complaint=None, audit=(), action_updates=(update,))


def action_done(
    action: OutboundAction,
    complaint: Complaint,
    policy: Policy,
    now: datetime,
    *,
    found: bool,
    landed: LandedWrite | None = None,
) -> Decision:
    """Record that a claimed action landed (`found`: seen on the ticket after an unknown
    outcome rather than confirmed by our own call; `landed`: what the update left on the
    ticket, when the helpdesk said)."""
    done = action.model_copy(update={"status": ActionStatus.DONE, "last_error": None})
    update = ActionUpdate(
        action=done, expected_status=ActionStatus.PENDING, expected_attempts=action.attempts
    )
    detail = {
        "action_id": action.action_id,
        "attempts": action.attempts,
        "confirmed_by": _confirmation(action, found=found),
    }
    if action.kind is ActionKind.ACKNOWLEDGE:
        due = complaint.acknowledgement_due_at
        detail |= {"language": action.language, "on_time": due is None or now <= due}
        reached = timekeeping.reach_milestones(
            complaint, [Milestone.ACKNOWLEDGEMENT], now, policy, now, announce=False
        )
        extra = reached.audit
        updated = complaint.revised(
            status=ComplaintStatus.ACKNOWLEDGED,
            acknowledged_at=now,
            clocks=reached.clocks,
            milestones=reached.milestones,
        )
        kind = AuditKind.ACKNOWLEDGEMENT_SENT
    elif action.kind is ActionKind.SURVEY:
        detail |= {"language": action.language, "reminder": action.fields.get("reminder") == "yes"}
        survey = complaint.survey
        if survey is not None:
            survey = survey.model_copy(update={"sent_at": survey.sent_at or now})
        updated = complaint.revised(survey=survey)
        kind = AuditKind.SURVEY_SENT
        extra = ()
    else:
        updated = complaint.revised()
        kind = AuditKind.of_action_done(action.kind)
        extra = ()
    own = own_write(complaint, landed)
    if own is not None:
        updated = updated.model_copy(update={"own_write": own})
    audit = record(kind, complaint.complaint_id, policy, now, detail=detail)
    return Decision(
        complaint=updated,
        expected_revision=complaint.revision,
        audit=(audit, *extra),
        action_updates=(update,),
    )


def own_write(complaint: Complaint, landed: LandedWrite | None) -> OwnWrite | None:
    """The version our update left, when the status it found is one we knew of: the one
    the complaint records, or the one our previous update left. Otherwise something we did
    not hear about moved the ticket first, and reconciliation must still take it in."""
    if landed is None or landed.before_status is None:
        return None
    previous = complaint.own_write
    known = landed.before_status == complaint.helpdesk_status or (
        previous is not None
        and previous.at == landed.before_at
        and previous.status == landed.before_status
    )
    return OwnWrite(at=landed.at, status=landed.status) if known else None


def _confirmation(action: OutboundAction, *, found: bool) -> str:
    """What showed the action was carried out: the answer to our call, or, for a retry
    whose earlier answer was lost, the mark the earlier attempt left."""
    if not found:
        return "helpdesk_response"
    return "ses_send_event" if action.source is SourceSystem.EMAIL else "ticket_marker"


def action_failed(
    action: OutboundAction,
    error: str,
    policy: Policy,
    now: datetime,
    *,
    permanent: bool,
    retry_after: float | None = None,
) -> Decision:
    """Reschedule a claimed action, or park it for an operator when retrying cannot help."""
    park = permanent or action.attempts >= MAX_ATTEMPTS
    backoff = RETRY_BACKOFF[min(action.attempts, len(RETRY_BACKOFF)) - 1]
    wait = max(backoff, timedelta(seconds=retry_after or 0))
    changes = {
        "status": ActionStatus.PARKED if park else ActionStatus.PENDING,
        "next_attempt_at": now + wait,
        "last_error": error[:500],
    }
    update = ActionUpdate(
        action=action.model_copy(update=changes),
        expected_status=ActionStatus.PENDING,
        expected_attempts=action.attempts,
    )
    audit: tuple[AuditDraft, ...] = ()
    if park:
        audit = (
            record(
                AuditKind.ACTION_PARKED,
                action.complaint_id,
                policy,
                now,
                detail={
                    "action_id": action.action_id,
                    "attempts": action.attempts,
                    "error": error[:500],
                },
            ),
        )
    return Decision(complaint=None, audit=audit, action_updates=(update,))

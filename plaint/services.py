"""Decisions: pure functions from (what happened, what we know, the policy, now) to a Decision.

Nothing here reads or writes; plaint.handling carries decisions through the ports.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from plaint import letter_checks, referrals, retention, timekeeping
from plaint.calendar import BusinessCalendar
from plaint.classify import assess
from plaint.clocks import CalendarFor
from plaint.model import (
    ActionKind,
    ActionStatus,
    ActionUpdate,
    AuditDraft,
    Clock,
    Complaint,
    ComplaintStatus,
    Decision,
    OutboundAction,
    SourceSystem,
    TicketEvent,
    TicketEventKind,
)
from plaint.policy import Policy
from plaint.records import record
from plaint.regime import Milestone
from plaint.text import guess_language

ACK_MARKER_TAG = "plaint_ack_sent"
OVERDUE_MARKER_TAG = "plaint_ack_overdue"
CLAIM_LEASE = timedelta(minutes=2)
RETRY_BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = 6


def description_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def complainant_language(event: TicketEvent, policy: Policy) -> str:
    """The helpdesk's word when it has one, else the text's script; always a language the
    organisation answers in (the policy's default otherwise)."""
    candidate = event.language or guess_language(f"{event.subject} {event.description}")
    return candidate if candidate in policy.languages else policy.default_language


def receive(
    event: TicketEvent, current: Complaint | None, policy: Policy, now: datetime
) -> Decision:
    """Judge one ticket event."""
    if event.set_aside is not None:
        return _set_aside(event, policy, now)
    if current is None:
        decision = _first_sight(event, policy, now)
    elif event.occurred_at <= current.source_version:
        return _superseded(event, current, policy, now)
    else:
        decision = _follow_up(event, current, policy, now)
    return _gap_closed(decision, event, policy, now) if event.recovered else decision


def _gap_closed(decision: Decision, event: TicketEvent, policy: Policy, now: datetime) -> Decision:
    """A change no webhook delivered, found by reconciliation: the record says so."""
    gap = record(
        "intake.gap_closed", event.complaint_id, policy, now,
        detail={"delivery_id": event.delivery_id, "changed_at": event.occurred_at.isoformat()},
    )  # fmt: skip
    return decision.model_copy(update={"audit": (*decision.audit, gap)})


def _set_aside(event: TicketEvent, policy: Policy, now: datetime) -> Decision:
    """Intake received it and the policy says not to judge it: the record shows both."""
    audit = record(
        "intake.set_aside", event.complaint_id, policy, now,
        detail={"reason": event.set_aside, "delivery_id": event.delivery_id,
                "source": event.source, "channel": event.channel},
    )  # fmt: skip
    return Decision(complaint=None, audit=(audit,))


def _superseded(event: TicketEvent, current: Complaint, policy: Policy, now: datetime) -> Decision:
    """An older update arriving after a newer one (helpdesks promise no order) changes
    nothing; the record says so, so every delivery has a recorded outcome."""
    audit = record(
        "complaint.update_superseded", current.complaint_id, policy, now,
        detail={
            "event": event.kind,
            "delivery_id": event.delivery_id,
            "occurred_at": event.occurred_at.isoformat(),
            "current_version": current.source_version.isoformat(),
        },
    )  # fmt: skip
    return Decision(complaint=None, audit=(audit,))


def _first_sight(
    event: TicketEvent, policy: Policy, now: datetime, previous: Complaint | None = None
) -> Decision:
    """Judge a ticket; with `previous` (a ticket judged not to be a complaint), judge its
    new words: a complaint is received when dissatisfaction is expressed (ISO 10002 3.2)."""
    language = complainant_language(event, policy)
    assessment = assess(event, policy, language)
    received_at = event.created_at if previous is None else event.occurred_at
    receipt = record(
        "complaint.received",
        event.complaint_id,
        policy,
        now,
        detail={
            "source": event.source,
            "ticket_id": event.ticket_id,
            "channel": event.channel,
            "received_at": received_at.isoformat(),
            "language": language,
            "description_digest": description_digest(event.description),
            "delivery_id": event.delivery_id,
            "raised_later_in": None if previous is None else event.kind,
        },
        personal={"complainant": event.complainant_ref} if event.complainant_ref else {},
    )
    assessed = record(
        "complaint.assessed",
        event.complaint_id,
        policy,
        now,
        rule_id=assessment.rule_for("is_complaint"),
        detail=assessment.model_dump(mode="json"),
    )
    due_at = None
    audit = [receipt, assessed]
    actions: tuple[OutboundAction, ...] = ()
    regime = assessment.regime if assessment.is_complaint else None
    clocks = timekeeping.open_clocks(event.complaint_id, regime, received_at, policy, now)
    if assessment.is_complaint:
        ack = policy.acknowledgement
        calendar_for = timekeeping.calendars(policy)
        calendar = calendar_for(ack.calendar)
        due_at = calendar.add(received_at, ack.within)
        audit.append(
            record(
                "acknowledgement.deadline_set",
                event.complaint_id,
                policy,
                now,
                detail={
                    "due_at": due_at.isoformat(),
                    "within": ack.within.model_dump(mode="json"),
                    "calendar": ack.calendar,
                    "timezone": calendar.policy.timezone,
                },
            )
        )
        audit.extend(clocks.audit)
        actions = (
            _acknowledgement(
                event,
                language=language,
                received_at=received_at,
                due_at=due_at,
                calendar=calendar,
                calendar_for=calendar_for,
                clocks=clocks.clocks,
                policy=policy,
                now=now,
            ),
        )
    complaint = Complaint(
        complaint_id=event.complaint_id,
        source=event.source,
        ticket_id=event.ticket_id,
        channel=event.channel,
        received_at=received_at,
        complainant_ref=event.complainant_ref,
        language=language,
        subject=event.subject,
        product=event.product,
        description_digest=description_digest(event.description),
        remedy_sought=event.remedy_sought,
        assessment=assessment,
        status=ComplaintStatus.RECEIVED
        if assessment.is_complaint
        else ComplaintStatus.NOT_A_COMPLAINT,
        policy_version=policy.version,
        acknowledgement_due_at=due_at,
        helpdesk_status=event.helpdesk_status,
        regime=regime,
        clocks=clocks.clocks,
        milestones=clocks.milestones if assessment.is_complaint else {},
        source_version=event.occurred_at,
        revision=1 if previous is None else previous.revision + 1,
    )
    if assessment.is_complaint:
        complaint, more, checked = _milestones_shown(event, complaint, policy, now)
        audit.extend(more)
        actions = (*actions, *checked)
    return Decision(
        complaint=complaint,
        expected_revision=None if previous is None else previous.revision,
        audit=tuple(audit),
        new_actions=actions,
    )


class _Placeholders(dict[str, str]):
    """A deadline the template names but this complaint has no clock for reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "-"


def _acknowledgement(
    event: TicketEvent,
    *,
    language: str,
    received_at: datetime,
    due_at: datetime,
    calendar: BusinessCalendar,
    calendar_for: CalendarFor,
    clocks: tuple[Clock, ...],
    policy: Policy,
    now: datetime,
) -> OutboundAction:
    ack = policy.acknowledgement
    values = {
        "reference": event.ticket_id,
        "received_on": calendar.local_date(received_at).isoformat(),
        "due_by": due_at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M"),
    }
    for clock in clocks:
        # The regime's deadlines, so the acknowledgement can state them (FCA DISP 1.6.1R).
        if clock.due_at is not None:
            local = clock.due_at.astimezone(calendar_for(clock.calendar).zone)
            values[f"due_{clock.clock_id}"] = local.strftime("%Y-%m-%d %H:%M")
    text = ack.templates[language].format_map(_Placeholders(values))
    return OutboundAction(
        action_id=f"{event.complaint_id}:{ActionKind.ACKNOWLEDGE}",
        complaint_id=event.complaint_id,
        kind=ActionKind.ACKNOWLEDGE,
        source=event.source,
        ticket_id=event.ticket_id,
        language=language,
        comment=text,
        add_tags=ack.add_tags,
        fields=ack.fields,
        marker_tag=ACK_MARKER_TAG,
        recipient=event.reply_to,
        in_reply_to=event.thread_message_id,
        next_attempt_at=now,
    )


_NEW_WORDS = frozenset({TicketEventKind.COMMENT_ADDED, TicketEventKind.UPDATED})


def _raises_a_complaint(event: TicketEvent, current: Complaint, policy: Policy) -> bool:
    """A ticket judged not to be a complaint whose new words now express dissatisfaction."""
    return (
        current.status is ComplaintStatus.NOT_A_COMPLAINT
        and event.kind in _NEW_WORDS
        and assess(event, policy, complainant_language(event, policy)).is_complaint
    )


def _follow_up(event: TicketEvent, current: Complaint, policy: Policy, now: datetime) -> Decision:
    if _raises_a_complaint(event, current, policy):
        return _first_sight(event, policy, now, previous=current)
    changes: dict[str, object] = {
        "helpdesk_status": event.helpdesk_status or current.helpdesk_status,
        "source_version": event.occurred_at,
        "revision": current.revision + 1,
    }
    # What the complainant asks for, or which product, may be filled in after receipt.
    if event.product and event.product != current.product:
        changes["product"] = event.product
    if event.remedy_sought and event.remedy_sought != current.remedy_sought:
        changes["remedy_sought"] = event.remedy_sought
    audit = record(
        "complaint.updated", current.complaint_id, policy, now,
        detail={
            "event": event.kind,
            "delivery_id": event.delivery_id,
            "helpdesk_status": {"from": current.helpdesk_status, "to": event.helpdesk_status},
            "changes": [c.model_dump() for c in event.changes],
        },
    )  # fmt: skip
    updated = current.model_copy(update=changes)
    if current.status is ComplaintStatus.NOT_A_COMPLAINT:
        updated, kept = retention.follow_closure(
            updated, updated.helpdesk_status, event.occurred_at, policy, now
        )
        return Decision(complaint=updated, expected_revision=current.revision, audit=(audit, *kept))
    status = timekeeping.follow_status(
        updated, updated.helpdesk_status, event.occurred_at, policy, now
    )
    updated = updated.model_copy(update={"clocks": status.clocks})
    updated, reached, letter_actions = _milestones_shown(event, updated, policy, now)
    # After the milestones, so a referral shown at closure counts in the retention outcome.
    updated, kept = retention.follow_closure(
        updated, updated.helpdesk_status, event.occurred_at, policy, now
    )
    decision = Decision(
        complaint=updated,
        expected_revision=current.revision,
        audit=(audit, *status.audit, *reached, *kept),
        new_actions=letter_actions,
    )
    return _escalated(decision, event, policy, now)


def _escalated(decision: Decision, event: TicketEvent, policy: Policy, now: datetime) -> Decision:
    """The same decision, with the escalation the event asks for (ISO 10003), if any."""
    updated = decision.complaint
    if updated is None or not policy.escalation.providers:
        return decision
    trigger = referrals.trigger_in(event, updated, policy)
    if trigger is None:
        return decision
    escalation = referrals.escalate(updated, trigger, policy, now)
    if escalation is None or escalation.complaint is None:
        extra = escalation.audit if escalation else ()
        return decision.model_copy(update={"audit": (*decision.audit, *extra)})
    # One write: the escalated state keeps the revision this decision moves to.
    merged = escalation.complaint.model_copy(update={"revision": updated.revision})
    return decision.model_copy(
        update={
            "complaint": merged,
            "audit": (*decision.audit, *escalation.audit),
            "new_actions": (*decision.new_actions, *escalation.new_actions),
        }
    )


def _milestones_shown(
    event: TicketEvent, complaint: Complaint, policy: Policy, now: datetime
) -> tuple[Complaint, tuple[AuditDraft, ...], tuple[OutboundAction, ...]]:
    """Milestones the helpdesk shows (a final response tagged, a holding reply...)."""
    shown = timekeeping.signalled(event, policy)
    if not shown:
        return complaint, (), ()
    letters = letter_checks.judge(event, complaint, shown, policy, now)
    update = timekeeping.reach_milestones(
        complaint, letters.reached, event.occurred_at, policy, now
    )
    changed = complaint.model_copy(
        update={"clocks": update.clocks, "milestones": update.milestones}
    )
    return changed, (*letters.audit, *update.audit), letters.actions


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
    action: OutboundAction, complaint: Complaint, policy: Policy, now: datetime, *, found: bool
) -> Decision:
    """Record that a claimed action landed (`found`: seen on the ticket after an unknown
    outcome rather than confirmed by our own call)."""
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
        complaint = complaint.model_copy(
            update={
                "status": ComplaintStatus.ACKNOWLEDGED,
                "acknowledged_at": now,
                "clocks": reached.clocks,
                "milestones": reached.milestones,
                "revision": complaint.revision + 1,
            }
        )
        kind = "acknowledgement.sent"
    else:
        complaint = complaint.model_copy(update={"revision": complaint.revision + 1})
        kind = f"action.{action.kind}.done"
        extra = ()
    audit = record(kind, complaint.complaint_id, policy, now, detail=detail)
    return Decision(
        complaint=complaint,
        expected_revision=complaint.revision - 1,
        audit=(audit, *extra),
        action_updates=(update,),
    )


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
                "action.parked",
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


def acknowledgement_overdue(complaint: Complaint, policy: Policy, now: datetime) -> Decision:
    """The acknowledgement deadline passed with no acknowledgement: record the breach once
    and flag the ticket so people see it."""
    flagged = complaint.model_copy(
        update={"acknowledgement_overdue": True, "revision": complaint.revision + 1}
    )
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
        "acknowledgement.overdue",
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


def due(complaint: Complaint, policy: Policy, now: datetime) -> Decision | None:
    """Whatever fell due for one complaint the sweep found: an acknowledgement overdue,
    clock warnings, breaches and lapses. None when nothing is (yet) due."""
    decision: Decision | None = None
    ack_due = complaint.acknowledgement_due_at
    if complaint.acknowledgement_owed and ack_due is not None and ack_due <= now:
        decision = acknowledgement_overdue(complaint, policy, now)
    base = decision.complaint if decision and decision.complaint else complaint
    clocks = timekeeping.sweep_due(base, policy, now)
    if clocks is None or clocks.complaint is None:
        return decision
    if decision is None:
        return clocks
    return Decision(
        complaint=clocks.complaint.model_copy(update={"revision": complaint.revision + 1}),
        expected_revision=complaint.revision,
        audit=(*decision.audit, *clocks.audit),
        new_actions=(*decision.new_actions, *clocks.new_actions),
    )

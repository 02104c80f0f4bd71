"""Decisions: pure functions from (what happened, what we know, the policy, now) to a Decision.

Nothing here reads or writes; plaint.handling carries decisions through the ports.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.clocks.acknowledgement import acknowledgement_deadline
from plaint.intake.assessment import assess
from plaint.letters import checks as letter_checks
from plaint.letters.acknowledgement import acknowledgement_action
from plaint.model.actions import OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint, ComplaintStatus
from plaint.model.decision import Decision
from plaint.model.events import TicketEvent, TicketEventKind
from plaint.policy.document import Policy
from plaint.referrals import escalation as referrals
from plaint.retention import decisions as retention
from plaint.vocabulary.language import guess_language


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
        AuditKind.INTAKE_GAP_CLOSED, event.complaint_id, policy, now,
        detail={"delivery_id": event.delivery_id, "changed_at": event.occurred_at.isoformat()},
    )  # fmt: skip
    return decision.model_copy(update={"audit": (*decision.audit, gap)})


def _set_aside(event: TicketEvent, policy: Policy, now: datetime) -> Decision:
    """Intake received it and the policy says not to judge it: the record shows both."""
    audit = record(
        AuditKind.INTAKE_SET_ASIDE, event.complaint_id, policy, now,
        detail={"reason": event.set_aside, "delivery_id": event.delivery_id,
                "source": event.source, "channel": event.channel},
    )  # fmt: skip
    return Decision(complaint=None, audit=(audit,))


def _superseded(event: TicketEvent, current: Complaint, policy: Policy, now: datetime) -> Decision:
    """An older update arriving after a newer one (helpdesks promise no order) changes
    nothing; the record says so, so every delivery has a recorded outcome."""
    audit = record(
        AuditKind.COMPLAINT_UPDATE_SUPERSEDED, current.complaint_id, policy, now,
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
        AuditKind.COMPLAINT_RECEIVED,
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
        AuditKind.COMPLAINT_ASSESSED,
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
        calendar_for = timekeeping.calendars(policy)
        calendar = calendar_for(policy.acknowledgement.calendar)
        due_at, deadline_set = acknowledgement_deadline(
            event.complaint_id, received_at, policy, now
        )
        audit.append(deadline_set)
        audit.extend(clocks.audit)
        actions = (
            acknowledgement_action(
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
        revision=Complaint.revision_after(previous),
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
    }
    # What the complainant asks for, or which product, may be filled in after receipt.
    if event.product and event.product != current.product:
        changes["product"] = event.product
    if event.remedy_sought and event.remedy_sought != current.remedy_sought:
        changes["remedy_sought"] = event.remedy_sought
    audit = record(
        AuditKind.COMPLAINT_UPDATED, current.complaint_id, policy, now,
        detail={
            "event": event.kind,
            "delivery_id": event.delivery_id,
            "helpdesk_status": {"from": current.helpdesk_status, "to": event.helpdesk_status},
            "changes": [c.model_dump() for c in event.changes],
        },
    )  # fmt: skip
    updated = current.revised(**changes)
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

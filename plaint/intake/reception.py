"""Decisions: pure functions from (what happened, what we know, the policy, now) to a Decision.

Nothing here reads or writes; plaint.handling carries decisions through the ports.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.clocks.acknowledgement import acknowledgement_deadline
from plaint.intake import review
from plaint.intake.assessment import assess
from plaint.letters import checks as letter_checks
from plaint.letters import outcome as outcomes
from plaint.letters.acknowledgement import acknowledgement_action
from plaint.model.actions import OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Assessment, Complaint, ComplaintStatus
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from plaint.model.recognition import AnswerVia, ReviewAnswer
from plaint.policy.document import Policy
from plaint.policy.surveys import SurveyChannel
from plaint.referrals import escalation as referrals
from plaint.retention import decisions as retention
from plaint.surveys import asking as surveys
from plaint.surveys import helpdesk
from plaint.vocabulary.language import guess_language

# The personal value, on the complaint.received entry, that keys its text digest.
TEXT_KEY = "text_key"


def new_text_key() -> str:
    return secrets.token_hex(32)


def description_digest(key: str, text: str) -> str:
    """A digest of the complaint's text keyed with a random key kept as a personal value:
    whoever holds the key (the complaint's own record, an authorised training job) can check
    a text against it, nobody else can confirm a guessed text, and erasing the key with the
    complainant's other personal values leaves a digest nothing can be matched against.
    (Entries written before carry "sha256:<hex>", unkeyed; docs/audit.md says what then.)"""
    mac = hmac.new(bytes.fromhex(key), text.encode("utf-8"), hashlib.sha256)
    return "hmac-sha256:" + mac.hexdigest()


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
    decision = _outcome_noted(decision, event, policy, now)
    decision = _survey_noted(decision, event, policy, now)
    return _gap_closed(decision, event, policy, now) if event.recovered else decision


def _outcome_noted(
    decision: Decision, event: TicketEvent, policy: Policy, now: datetime
) -> Decision:
    """Whether the organisation upheld the complaint, when the ticket's tags say so."""
    complaint = decision.complaint
    if complaint is None or not complaint.assessment.is_complaint:
        return decision
    complaint, entries = outcomes.decided(event, complaint, policy, now)
    if not entries:
        return decision
    return decision.model_copy(
        update={"complaint": complaint, "audit": (*decision.audit, *entries)}
    )


def _survey_noted(
    decision: Decision, event: TicketEvent, policy: Policy, now: datetime
) -> Decision:
    """What the satisfaction survey needs from the event (where to send it, an opt-out tag),
    and the survey decided once the complaint first reaches the policy's trigger."""
    complaint = decision.complaint
    if complaint is None:
        return decision
    changes: dict[str, object] = {}
    rules = policy.surveys
    contact = event.contact_email or (
        event.reply_to if event.source is SourceSystem.EMAIL else None
    )
    # The address is kept only when a survey may be mailed to it.
    mailed = rules.enabled and rules.channel is SurveyChannel.EMAIL
    if mailed and contact and complaint.contact_address is None:
        changes["contact_address"] = contact
    if set(event.tags) & set(rules.opt_out_tags) and not complaint.survey_opted_out:
        changes["survey_opted_out"] = True
    complaint, entries = surveys.considered(complaint.model_copy(update=changes), policy, now)
    if event.helpdesk_rating is not None:
        complaint, rated = helpdesk.rated(complaint, event.helpdesk_rating, policy, now)
        entries = (*entries, *rated)
    return decision.model_copy(
        update={"complaint": complaint, "audit": (*decision.audit, *entries)}
    )


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
    event: TicketEvent,
    policy: Policy,
    now: datetime,
    previous: Complaint | None = None,
    assessment: Assessment | None = None,
) -> Decision:
    """Judge a ticket; with `previous` (a ticket judged not to be a complaint), judge its
    new words: a complaint is received when dissatisfaction is expressed (ISO 10002 3.2)."""
    language = complainant_language(event, policy)
    assessment = assessment or assess(event, policy, language)
    received_at = event.created_at if previous is None else event.occurred_at
    key = new_text_key()
    digest = description_digest(key, event.description)
    personal = {TEXT_KEY: key}
    if event.complainant_ref:
        personal["complainant"] = event.complainant_ref
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
            "description_digest": digest,
            "delivery_id": event.delivery_id,
            "raised_later_in": None if previous is None else event.kind,
        },
        personal=personal,
    )
    assessed = record(
        AuditKind.COMPLAINT_ASSESSED,
        event.complaint_id,
        policy,
        now,
        rule_id=assessment.rule_for("is_complaint"),
        detail=assessment.model_dump(mode="json"),
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
        description_digest=digest,
        description_key=key,
        remedy_sought=event.remedy_sought,
        assessment=assessment,
        status=ComplaintStatus.NOT_A_COMPLAINT,
        policy_version=policy.version,
        acknowledgement_due_at=None,
        helpdesk_status=event.helpdesk_status,
        source_version=event.occurred_at,
        revision=Complaint.revision_after(previous),
    )
    expected = None if previous is None else previous.revision
    if assessment.is_complaint:
        return _opened(
            event,
            complaint,
            expected_revision=expected,
            audit=(receipt, assessed),
            policy=policy,
            now=now,
        )
    if assessment.review:
        asked, more, actions = review.requested(event, complaint, policy, now)
        return Decision(
            complaint=asked,
            expected_revision=expected,
            audit=(receipt, assessed, *more),
            new_actions=actions,
        )
    return Decision(complaint=complaint, expected_revision=expected, audit=(receipt, assessed))


def _opened(
    event: TicketEvent,
    complaint: Complaint,
    *,
    expected_revision: int | None,
    audit: tuple[AuditDraft, ...],
    policy: Policy,
    now: datetime,
) -> Decision:
    """A complaint: the acknowledgement deadline and the regime's clocks, all counted from
    its receipt (a possible complaint an agent confirms keeps its first receipt), and the
    acknowledgement owed."""
    received_at = complaint.received_at
    regime = complaint.assessment.regime
    clocks = timekeeping.open_clocks(complaint.complaint_id, regime, received_at, policy, now)
    calendar_for = timekeeping.calendars(policy)
    calendar = calendar_for(policy.acknowledgement.calendar)
    due_at, deadline = acknowledgement_deadline(complaint.complaint_id, received_at, policy, now)
    acknowledgement = acknowledgement_action(
        event,
        language=complaint.language,
        received_at=received_at,
        due_at=due_at,
        calendar=calendar,
        calendar_for=calendar_for,
        clocks=clocks.clocks,
        policy=policy,
        now=now,
    )
    opened = complaint.model_copy(
        update={
            "status": ComplaintStatus.RECEIVED,
            "policy_version": policy.version,
            "acknowledgement_due_at": due_at,
            "regime": regime,
            "clocks": clocks.clocks,
            "milestones": clocks.milestones,
        }
    )
    opened, more, checked = _milestones_shown(event, opened, policy, now)
    return Decision(
        complaint=opened,
        expected_revision=expected_revision,
        audit=(*audit, deadline, *clocks.audit, *more),
        new_actions=(acknowledgement, *checked),
    )


_NEW_WORDS = frozenset({TicketEventKind.COMMENT_ADDED, TicketEventKind.UPDATED})


def _raised(event: TicketEvent, current: Complaint, policy: Policy) -> Assessment | None:
    """The assessment of a ticket judged not to be a complaint whose new words now express
    dissatisfaction, or may (a possible complaint); None otherwise."""
    if current.status is not ComplaintStatus.NOT_A_COMPLAINT or event.kind not in _NEW_WORDS:
        return None
    assessment = assess(event, policy, complainant_language(event, policy))
    return assessment if assessment.is_complaint or assessment.review else None


def _follow_up(event: TicketEvent, current: Complaint, policy: Policy, now: datetime) -> Decision:
    answer = review.answer_in(event, current, policy)
    if answer is not None and _changes_status(current, answer[0]):
        return _answered(event, current, policy, now, answer)
    if current.status is ComplaintStatus.POSSIBLE_COMPLAINT:
        return _possible_follow_up(event, current, policy, now)
    raised = _raised(event, current, policy)
    if raised is not None:
        return _first_sight(event, policy, now, previous=current, assessment=raised)
    audit, updated = _updated(event, current, policy, now)
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


def _updated(
    event: TicketEvent, current: Complaint, policy: Policy, now: datetime
) -> tuple[AuditDraft, Complaint]:
    """The helpdesk's changes that are not a judgement: status, product, remedy sought."""
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
    return audit, current.revised(**changes)


def _changes_status(current: Complaint, answer: ReviewAnswer) -> bool:
    """An agent's answer counts on a possible complaint; a confirmation also on a ticket
    judged not to be one (an agent may confirm what the rules and the recogniser missed, or
    change their mind about a dismissal). A dismissal of what is no complaint changes
    nothing, so the ticket's new words are judged as usual."""
    if current.status is ComplaintStatus.POSSIBLE_COMPLAINT:
        return True
    return current.status is ComplaintStatus.NOT_A_COMPLAINT and answer is ReviewAnswer.CONFIRMED


def _answered(
    event: TicketEvent,
    current: Complaint,
    policy: Policy,
    now: datetime,
    answered_with: tuple[ReviewAnswer, AnswerVia, dict[str, str]],
) -> Decision:
    """An agent confirmed or dismissed: recorded, and a confirmed complaint opened as of
    its first receipt."""
    answer, via, shown = answered_with
    answered, entry = review.answer_entry(
        event, current, answer=answer, via=via, shown=shown, policy=policy, now=now
    )
    assessment = review.answered_assessment(current.assessment, answer, entry.rule_id or "")
    base = current.revised(
        assessment=assessment,
        review=answered,
        helpdesk_status=event.helpdesk_status or current.helpdesk_status,
        source_version=event.occurred_at,
    )
    if answer is ReviewAnswer.CONFIRMED:
        return _opened(
            event, base, expected_revision=current.revision, audit=(entry,), policy=policy, now=now
        )
    dismissed = base.model_copy(update={"status": ComplaintStatus.NOT_A_COMPLAINT})
    dismissed, kept = retention.follow_closure(
        dismissed, dismissed.helpdesk_status, event.occurred_at, policy, now
    )
    return Decision(complaint=dismissed, expected_revision=current.revision, audit=(entry, *kept))


def _possible_follow_up(
    event: TicketEvent, current: Complaint, policy: Policy, now: datetime
) -> Decision:
    """A possible complaint no agent answered yet. New words or tags that the rules or the
    recogniser now judge a complaint settle it, received at its first receipt; anything
    else leaves it for the agent."""
    if event.kind in _NEW_WORDS:
        assessment = assess(event, policy, current.language)
        if assessment.is_complaint:
            assessed = record(
                AuditKind.COMPLAINT_ASSESSED, current.complaint_id, policy, now,
                rule_id=assessment.rule_for("is_complaint"),
                detail=assessment.model_dump(mode="json"),
            )  # fmt: skip
            reassessed = current.model_copy(update={"assessment": assessment})
            answered, entry = review.answer_entry(
                event, reassessed, answer=ReviewAnswer.CONFIRMED, via=AnswerVia.ASSESSMENT,
                shown={"rule": assessment.rule_for("is_complaint") or ""}, policy=policy,
                now=now,
            )  # fmt: skip
            base = reassessed.revised(
                review=answered,
                helpdesk_status=event.helpdesk_status or current.helpdesk_status,
                source_version=event.occurred_at,
            )
            return _opened(
                event,
                base,
                expected_revision=current.revision,
                audit=(assessed, entry),
                policy=policy,
                now=now,
            )
    audit, updated = _updated(event, current, policy, now)
    updated, kept = retention.follow_closure(
        updated, updated.helpdesk_status, event.occurred_at, policy, now
    )
    return Decision(complaint=updated, expected_revision=current.revision, audit=(audit, *kept))


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

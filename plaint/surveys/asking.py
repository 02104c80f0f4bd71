"""Whom to ask and when: the survey decided once per complaint when its first trigger is
reached (asked, or never with the reason), then sent by the sweep when due, outside quiet
hours, with one reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from plaint.auditlog.drafts import record
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint, ComplaintStatus, Flag, ReferralStage
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem
from plaint.model.survey import SkipReason, Survey, SurveyStage
from plaint.policy.document import Policy
from plaint.policy.surveys import QuietHours, SurveyChannel, SurveyPolicy, SurveyTrigger
from plaint.surveys.invitation import LinkSigner, invitation
from plaint.vocabulary.terms import Milestone

SURVEY_MARKER_TAG = "plaint_survey_sent"
# Stages of a referral in which the dispute is still with the provider.
_OPEN_REFERRAL = frozenset(
    {ReferralStage.REFERRED, ReferralStage.ACKNOWLEDGED, ReferralStage.RESPONDED,
     ReferralStage.DECIDED, ReferralStage.IMPLEMENTED}
)  # fmt: skip
# Helpdesks whose user reference can be turned into an address (plaint.usecases.ports).
_DIRECTORIES = frozenset({SourceSystem.ZENDESK, SourceSystem.JIRA})
_ASKED = frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED})


def considered(
    complaint: Complaint, policy: Policy, now: datetime
) -> tuple[Complaint, tuple[AuditDraft, ...]]:
    """The complaint with its survey decided, if its first trigger was just reached, and
    the entry saying so; unchanged otherwise (decided already, or not yet due)."""
    rules = policy.surveys
    if not rules.enabled or complaint.survey is not None or complaint.status not in _ASKED:
        return complaint, ()
    reached = trigger_reached(complaint, rules)
    if reached is None:
        return complaint, ()
    trigger, at = reached
    reason = skip_reason(complaint, rules, may_look_up=True)
    if reason is not None:
        survey = Survey(stage=SurveyStage.SKIPPED, trigger=trigger, decided_at=now, skipped=reason)
        entry = _skipped(complaint, reason, policy, now, trigger=trigger)
    elif rules.channel is not SurveyChannel.EMAIL:
        survey = Survey(stage=SurveyStage.WITH_HELPDESK, trigger=trigger, decided_at=now)
        entry = _scheduled(complaint, survey, rules, policy, now)
    else:
        due = send_time(at + timedelta(hours=rules.delay_hours), policy)
        survey = Survey(
            stage=SurveyStage.SCHEDULED, trigger=trigger, decided_at=now, due_at=max(due, now)
        )
        entry = _scheduled(complaint, survey, rules, policy, now)
    return complaint.model_copy(update={"survey": survey}), (entry,)


def trigger_reached(complaint: Complaint, rules: SurveyPolicy) -> tuple[str, datetime] | None:
    """The first of the policy's triggers the complaint reached, and when."""
    instants: dict[SurveyTrigger, datetime | None] = {
        SurveyTrigger.FINAL_RESPONSE: complaint.milestones.get(Milestone.FINAL_RESPONSE),
        SurveyTrigger.SUMMARY_RESOLUTION: complaint.milestones.get(Milestone.SUMMARY_RESOLUTION),
        SurveyTrigger.CLOSURE: complaint.retention.closed_at if complaint.retention else None,
    }
    reached = [(at, t.value) for t in rules.after if (at := instants[t]) is not None]
    if not reached:
        return None
    at, trigger = min(reached)
    return trigger, at


def skip_reason(
    complaint: Complaint, rules: SurveyPolicy, *, may_look_up: bool = False
) -> SkipReason | None:
    """Why this complainant must not be asked, if they must not. `may_look_up`: a
    complainant with no address but a helpdesk user id still may be, since the sweep asks
    the helpdesk for the address when the survey falls due."""
    no_address = not complaint.contact_address and not (
        may_look_up and helpdesk_user(complaint) is not None
    )
    exclude = rules.exclude
    retention = complaint.retention
    reasons = (
        (SkipReason.ERASED, complaint.restricted_at is not None
         or (retention is not None and retention.disposed_at is not None)),
        (SkipReason.OPTED_OUT, exclude.opted_out and complaint.survey_opted_out),
        (SkipReason.VULNERABLE,
         exclude.vulnerable and Flag.VULNERABILITY in complaint.assessment.flags),
        (SkipReason.OPEN_REFERRAL,
         exclude.open_referral and any(r.stage in _OPEN_REFERRAL for r in complaint.referrals)),
        (SkipReason.LANGUAGE_NOT_OFFERED, complaint.language not in rules.languages),
        (SkipReason.NO_EMAIL_ADDRESS,
         rules.channel is SurveyChannel.EMAIL and no_address),
    )  # fmt: skip
    return next((reason for reason, applies in reasons if applies), None)


def helpdesk_user(complaint: Complaint) -> str | None:
    """The requester's (Zendesk) or reporter's (Jira) user reference, to ask the helpdesk
    for their address."""
    if complaint.source in _DIRECTORIES and complaint.complainant_ref:
        return complaint.complainant_ref
    return None


def needs_address(complaint: Complaint, rules: SurveyPolicy, now: datetime) -> bool:
    """The survey email falls due with no address, but the helpdesk can be asked for it.
    A complainant who is not to be asked (erased, restricted, now excluded) is not looked up,
    so no address of theirs is fetched and kept."""
    survey = complaint.survey
    return (
        survey is not None
        and survey.stage is SurveyStage.SCHEDULED
        and survey.due_at is not None
        and survey.due_at <= now
        and not complaint.contact_address
        and helpdesk_user(complaint) is not None
        and skip_reason(complaint, rules, may_look_up=True) is None
    )


def address_found(complaint: Complaint, address: str | None) -> Complaint:
    """The complaint with the address the helpdesk gave (kept as an email complaint's From
    is: only for the survey, erased with the complainant); unchanged for none, and the send
    then records `no_email_address`."""
    return complaint.model_copy(update={"contact_address": address}) if address else complaint


def address_lookup_failed(
    complaint: Complaint, policy: Policy, now: datetime, *, retry_at: datetime | None
) -> Decision:
    """The helpdesk could not answer: ask again at `retry_at`, or, with none (retrying
    cannot help, or enough tries failed), give up: `no_email_address`."""
    survey = complaint.survey
    assert survey is not None
    failures = survey.address_lookups + 1
    if retry_at is None:
        skipped = survey.model_copy(
            update={"stage": SurveyStage.SKIPPED, "skipped": SkipReason.NO_EMAIL_ADDRESS,
                    "due_at": None, "address_lookups": failures}
        )  # fmt: skip
        entry = _skipped(
            complaint, SkipReason.NO_EMAIL_ADDRESS, policy, now, trigger=survey.trigger
        )
        return Decision(
            complaint=complaint.revised(survey=skipped),
            expected_revision=complaint.revision,
            audit=(entry,),
        )
    later = survey.model_copy(update={"due_at": retry_at, "address_lookups": failures})
    return Decision(
        complaint=complaint.revised(survey=later), expected_revision=complaint.revision, audit=()
    )


def send_time(at: datetime, policy: Policy) -> datetime:
    """`at`, or the end of the quiet hours it falls in (local time of the calendar)."""
    quiet = policy.surveys.quiet_hours
    if quiet is None:
        return at
    calendar_id = policy.surveys.calendar or policy.acknowledgement.calendar
    return after_quiet_hours(at, quiet, ZoneInfo(policy.calendar(calendar_id).timezone))


def after_quiet_hours(at: datetime, quiet: QuietHours, zone: ZoneInfo) -> datetime:
    local = at.astimezone(zone)
    moment = local.time().replace(tzinfo=None)
    if quiet.start < quiet.end:
        inside = quiet.start <= moment < quiet.end
    else:  # across midnight
        inside = moment >= quiet.start or moment < quiet.end
    if not inside:
        return at
    day: date = local.date() if moment < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet.end, tzinfo=zone).astimezone(UTC)


def due(
    complaint: Complaint, policy: Policy, links: LinkSigner | None, now: datetime
) -> Decision | None:
    """What the sweep does for a complaint's survey at `now`: queue the survey email or its
    reminder through the outbox, or record why it can no longer be sent."""
    survey = complaint.survey
    if survey is None:
        return None
    if survey.stage is SurveyStage.SCHEDULED and survey.due_at and survey.due_at <= now:
        return _send(complaint, survey, policy, links, now, reminder=False)
    reminder = survey.reminder_due_at
    if survey.stage is SurveyStage.SENT and not survey.answers and reminder and reminder <= now:
        return _send(complaint, survey, policy, links, now, reminder=True)
    return None


def _send(
    complaint: Complaint,
    survey: Survey,
    policy: Policy,
    links: LinkSigner | None,
    now: datetime,
    *,
    reminder: bool,
) -> Decision:
    rules = policy.surveys
    # Without links the helpdesk was not asked for an address: the reason is the links.
    reason = skip_reason(complaint, rules, may_look_up=links is None) or (
        None if links else SkipReason.NOT_CONFIGURED
    )
    if reason is not None and reminder:
        # Asked already: the reminder is dropped, the survey stays as sent.
        updated = complaint.revised(survey=survey.model_copy(update={"reminder_due_at": None}))
        return Decision(complaint=updated, expected_revision=complaint.revision, audit=())
    if reason is not None:
        skipped = survey.model_copy(
            update={"stage": SurveyStage.SKIPPED, "skipped": reason, "due_at": None}
        )
        entry = _skipped(complaint, reason, policy, now, trigger=survey.trigger)
        return Decision(
            complaint=complaint.revised(survey=skipped),
            expected_revision=complaint.revision,
            audit=(entry,),
        )
    assert links is not None and complaint.contact_address is not None  # no reason above
    link_id = survey_link_id(complaint)
    sends = survey.sends + 1
    subject, text, html = invitation(
        complaint, rules, links, link_id, now + timedelta(days=rules.link_valid_days),
        reminder=reminder,
    )  # fmt: skip
    action = OutboundAction(
        action_id=f"{complaint.complaint_id}:{ActionKind.SURVEY}:{sends}",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.SURVEY,
        source=SourceSystem.EMAIL,  # sent by SES whatever the complaint came through
        ticket_id=complaint.ticket_id,
        language=complaint.language,
        comment=text,
        recipient=complaint.contact_address,
        fields={"subject": subject, "html": html, "reminder": "yes" if reminder else "no"},
        marker_tag=SURVEY_MARKER_TAG,
        next_attempt_at=now,
    )
    reminder_at = None
    if not reminder and rules.reminder_after_hours is not None:
        reminder_at = send_time(now + timedelta(hours=rules.reminder_after_hours), policy)
    sent = survey.model_copy(
        update={"stage": SurveyStage.SENT, "sends": sends, "due_at": None,
                "reminder_due_at": reminder_at}
    )  # fmt: skip
    return Decision(
        complaint=complaint.revised(survey=sent),
        expected_revision=complaint.revision,
        audit=(),
        new_actions=(action,),
    )


def survey_link_id(complaint: Complaint) -> str:
    """The survey's own link id: its links name it, so a link signed for another survey of
    the same complaint id (another ledger, a record made again) is refused."""
    survey = complaint.survey
    assert survey is not None
    return f"{int(survey.decided_at.timestamp()):x}"


def _scheduled(
    complaint: Complaint, survey: Survey, rules: SurveyPolicy, policy: Policy, now: datetime
) -> AuditDraft:
    return record(
        AuditKind.SURVEY_SCHEDULED, complaint.complaint_id, policy, now,
        detail={
            "trigger": survey.trigger,
            "channel": rules.channel.value,
            "language": complaint.language,
            "due_at": survey.due_at.isoformat() if survey.due_at else None,
        },
    )  # fmt: skip


def _skipped(
    complaint: Complaint, reason: SkipReason, policy: Policy, now: datetime, *, trigger: str
) -> AuditDraft:
    return record(
        AuditKind.SURVEY_SKIPPED, complaint.complaint_id, policy, now,
        detail={"reason": reason.value, "trigger": trigger},
    )  # fmt: skip

"""The review band: a possible complaint put to an agent, and the agent's answer.

A ticket the recogniser scores between the policy's two thresholds (or one in a language
it cannot read) is a possible complaint: the helpdesk gets the policy's review tags and a
private note asking an agent to confirm or dismiss it. The agent answers with a tag
(a Zendesk tag, a Jira label) or a field the policy names; the answer is an audit entry
(complaint.confirmed, complaint.dismissed) naming who, when the helpdesk says. Tags the
ticket already carried when the review was asked for are no answer to it.

A confirmed complaint keeps its first receipt for every clock: regulators count from
receipt, not from the agent's answer (plaint.intake.reception opens the clocks).
"""

from __future__ import annotations

from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.clocks.acknowledgement import acknowledgement_due
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Assessment, Complaint, ComplaintStatus, RuleMatch
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from plaint.model.recognition import AnswerVia, Review, ReviewAnswer
from plaint.policy.document import Policy

NOTES = {
    "en": "Plaint: this ticket may be a complaint (score {score}; evidence: {evidence}). "
    "Please confirm or dismiss it: add the tag {confirm_tag} if it is a complaint, or "
    "{dismiss_tag} if it is not. If confirmed, it counts as received {received_at}, and its "
    "acknowledgement is due by {due_by}.",
    "az": "Plaint: bu müraciət şikayət ola bilər (bal {score}; əlamətlər: {evidence}). "
    "Zəhmət olmasa təsdiq və ya rədd edin: şikayətdirsə {confirm_tag}, deyilsə {dismiss_tag} "
    "teqini əlavə edin. Təsdiqlənərsə, {received_at} tarixində qəbul edilmiş sayılır və "
    "qəbul təsdiqi {due_by} tarixinədək göndərilməlidir.",
    "tr": "Plaint: bu talep bir şikâyet olabilir (puan {score}; belirtiler: {evidence}). "
    "Lütfen onaylayın ya da reddedin: şikâyetse {confirm_tag}, değilse {dismiss_tag} "
    "etiketini ekleyin. Onaylanırsa {received_at} tarihinde alınmış sayılır ve alındı "
    "bildirimi en geç {due_by} tarihinde gönderilmelidir.",
    "ar": "Plaint: قد تكون هذه التذكرة شكوى (الدرجة {score}؛ المؤشرات: {evidence}). يرجى "
    "التأكيد أو الرفض: أضف الوسم {confirm_tag} إن كانت شكوى، أو {dismiss_tag} إن لم تكن. "
    "عند التأكيد تُعدّ مستلمة في {received_at}، ويجب إرسال إشعار الاستلام قبل {due_by}.",
    "fa": "Plaint: این درخواست ممکن است شکایت باشد (امتیاز {score}؛ نشانه‌ها: {evidence}). "
    "لطفاً تأیید یا رد کنید: اگر شکایت است برچسب {confirm_tag} و اگر نیست برچسب "
    "{dismiss_tag} را اضافه کنید. در صورت تأیید، زمان دریافت آن {received_at} است و اعلام "
    "وصول باید تا {due_by} ارسال شود.",
    "ru": "Plaint: это обращение может быть жалобой (оценка {score}; признаки: {evidence}). "
    "Подтвердите или отклоните его: добавьте тег {confirm_tag}, если это жалоба, или "
    "{dismiss_tag}, если нет. При подтверждении жалоба считается полученной {received_at}, "
    "а подтверждение получения нужно отправить до {due_by}.",
}

FIELD_HINT = {
    "en": "Or set the field {field} to {confirm_value} or {dismiss_value}.",
    "az": "Və ya {field} sahəsini {confirm_value} və ya {dismiss_value} edin.",
    "tr": "Ya da {field} alanını {confirm_value} veya {dismiss_value} yapın.",
    "ar": "أو اضبط الحقل {field} على {confirm_value} أو {dismiss_value}.",
    "fa": "یا فیلد {field} را روی {confirm_value} یا {dismiss_value} بگذارید.",
    "ru": "Или установите в поле {field} значение {confirm_value} или {dismiss_value}.",
}

NO_SCORE = "-"
# The name a Jira review field's changes arrive under (helpdesk_fields.jira's role for it).
REVIEW_ROLE = "complaint_review"


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return NO_SCORE


def _local(at: datetime | None, policy: Policy) -> str:
    if at is None:
        return NO_SCORE
    calendar = timekeeping.calendars(policy)(policy.acknowledgement.calendar)
    return at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M %Z")


def note_text(complaint: Complaint, due_at: datetime, policy: Policy) -> str:
    """The private note asking an agent to confirm or dismiss, in the organisation's
    default language."""
    rules = policy.recognition.review
    language = policy.default_language
    reading = complaint.assessment.recognition
    evidence = NO_SCORE
    score = NO_SCORE
    if reading is not None:
        evidence = ", ".join(reading.cues[:4]) or reading.outcome.value
        score = f"{reading.score:.2f}" if reading.score is not None else NO_SCORE
    template = rules.notes.get(language) or NOTES.get(language) or NOTES["en"]
    text = template.format_map(
        _Values(
            score=score,
            evidence=evidence,
            confirm_tag=rules.confirm_tags[0],
            dismiss_tag=rules.dismiss_tags[0],
            received_at=_local(complaint.received_at, policy),
            due_by=_local(due_at, policy),
        )
    )
    field = policy.helpdesk_fields.jira.complaint_review_field
    if complaint.source is SourceSystem.JIRA and field:
        # The field as agents know it: a display name the policy lists, else its id.
        named = [name for name in rules.answer_fields if name.casefold() != REVIEW_ROLE]
        hint = FIELD_HINT.get(language, FIELD_HINT["en"])
        confirm, dismiss = rules.confirm_values[0], rules.dismiss_values[0]
        shown = named[0] if named else field
        text += " " + hint.format(field=shown, confirm_value=confirm, dismiss_value=dismiss)
    return text


def requested(
    event: TicketEvent, complaint: Complaint, policy: Policy, now: datetime
) -> tuple[Complaint, tuple[AuditDraft, ...], tuple[OutboundAction, ...]]:
    """Put a possible complaint to an agent: its status, the review entry, the note."""
    rules = policy.recognition.review
    due_at = acknowledgement_due(complaint.received_at, policy)
    answers = set(rules.confirm_tags) | set(rules.dismiss_tags)
    review = Review(
        requested_at=now,
        due_at=due_at,
        tags_before=tuple(sorted(answers & set(event.tags))),
        text_source="ticket" if event.kind is TicketEventKind.CREATED else "comment",
    )
    reading = complaint.assessment.recognition
    entry = record(
        AuditKind.COMPLAINT_REVIEW_REQUESTED,
        complaint.complaint_id,
        policy,
        now,
        rule_id=complaint.assessment.rule_for("is_complaint"),
        detail={
            "received_at": complaint.received_at.isoformat(),
            "acknowledgement_due_at": due_at.isoformat(),
            "score": reading.score if reading else None,
            "outcome": reading.outcome.value if reading else None,
            "tags": list(rules.add_tags),
            "confirm_tags": list(rules.confirm_tags),
            "dismiss_tags": list(rules.dismiss_tags),
        },
    )
    updated = complaint.model_copy(
        update={"status": ComplaintStatus.POSSIBLE_COMPLAINT, "review": review}
    )
    actions: tuple[OutboundAction, ...] = ()
    if rules.add_tags or rules.notify_agents:
        actions = (
            OutboundAction(
                action_id=f"{complaint.complaint_id}:review:{complaint.revision}",
                complaint_id=complaint.complaint_id,
                kind=ActionKind.AGENT_NOTE,
                source=complaint.source,
                ticket_id=complaint.ticket_id,
                language=policy.default_language,
                comment=note_text(complaint, due_at, policy) if rules.notify_agents else None,
                public=False,
                add_tags=rules.add_tags,
                marker_tag=f"plaint_review_{complaint.revision}",
                next_attempt_at=now,
            ),
        )
    return updated, (entry,), actions


def answer_in(
    event: TicketEvent, complaint: Complaint, policy: Policy
) -> tuple[ReviewAnswer, AnswerVia, dict[str, str]] | None:
    """The agent's answer this event carries, if any: a field the policy names changed to
    a confirming or dismissing value, else a confirming or dismissing tag the ticket did
    not carry when the review was asked for (both at once is no answer)."""
    rules = policy.recognition.review
    names = {name.casefold() for name in rules.answer_fields}
    confirm_values = {value.casefold() for value in rules.confirm_values}
    dismiss_values = {value.casefold() for value in rules.dismiss_values}
    for change in reversed(event.changes):
        value = (change.after or "").strip().casefold()
        if change.field.casefold() not in names or not value:
            continue
        shown = {"field": change.field, "value": change.after or ""}
        if value in confirm_values:
            return ReviewAnswer.CONFIRMED, AnswerVia.FIELD, shown
        if value in dismiss_values:
            return ReviewAnswer.DISMISSED, AnswerVia.FIELD, shown
    before = set(complaint.review.tags_before) if complaint.review else set()
    tags = set(event.tags) - before
    confirm = sorted(tags & set(rules.confirm_tags))
    dismiss = sorted(tags & set(rules.dismiss_tags))
    if confirm and not dismiss:
        return ReviewAnswer.CONFIRMED, AnswerVia.TAG, {"tag": confirm[0]}
    if dismiss and not confirm:
        return ReviewAnswer.DISMISSED, AnswerVia.TAG, {"tag": dismiss[0]}
    return None


def answered_assessment(assessment: Assessment, answer: ReviewAnswer, rule_id: str) -> Assessment:
    """The assessment as the answer leaves it: a complaint or not, named by who decided."""
    confirmed = answer is ReviewAnswer.CONFIRMED
    decided = RuleMatch(attribute="is_complaint", value=str(confirmed).lower(), rule_id=rule_id)
    matches = tuple(m for m in assessment.matches if m.attribute != "is_complaint")
    return assessment.model_copy(
        update={"is_complaint": confirmed, "review": False, "matches": (decided, *matches)}
    )


def answer_entry(
    event: TicketEvent,
    complaint: Complaint,
    *,
    answer: ReviewAnswer,
    via: AnswerVia,
    shown: dict[str, str],
    policy: Policy,
    now: datetime,
) -> tuple[Review, AuditDraft]:
    """The review as answered, and the entry recording the answer: who, how, and what the
    recogniser had said (the labelled data `plaint recogniser labels` exports)."""
    reading = complaint.assessment.recognition
    previous = complaint.review or Review(requested_at=complaint.received_at)
    review = previous.model_copy(
        update={"answer": answer, "answered_at": event.occurred_at, "answered_by": event.actor,
                "via": via}
    )  # fmt: skip
    waited = (event.occurred_at - previous.requested_at).total_seconds()
    kind = (
        AuditKind.COMPLAINT_CONFIRMED
        if answer is ReviewAnswer.CONFIRMED
        else AuditKind.COMPLAINT_DISMISSED
    )
    entry = record(
        kind,
        complaint.complaint_id,
        policy,
        now,
        rule_id=f"review.{via.value}",
        detail={
            "answer": answer.value,
            "via": via.value,
            **shown,
            "by": event.actor,
            "answered_at": event.occurred_at.isoformat(),
            "delivery_id": event.delivery_id,
            "source": complaint.source.value,
            "ticket_id": complaint.ticket_id,
            "received_at": complaint.received_at.isoformat(),
            "review_requested_at": previous.requested_at.isoformat(),
            "seconds_to_answer": max(0, round(waited)),
            "text_source": previous.text_source,
            "text_digest": complaint.description_digest,
            "language": reading.language if reading else None,
            "model_version": reading.model_version if reading else None,
            "score": reading.score if reading else None,
            "outcome": reading.outcome.value if reading else None,
            "complaint_threshold": reading.complaint_threshold if reading else None,
            "review_threshold": reading.review_threshold if reading else None,
            "category": complaint.assessment.category,
        },
    )
    return review, entry

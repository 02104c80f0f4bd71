"""Answers recorded as decisions: each new score an audit entry, a later different score a
change, the same score again nothing (an answer given twice counts once). The comment is
a personal value of its entry, erased with the complainant's other personal data."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.model.survey import Survey, SurveyStage
from plaint.policy.document import Policy
from plaint.policy.surveys import Aspect, SurveyPolicy
from plaint.surveys.asking import survey_link_id
from plaint.surveys.links import PAGE, LinkClaims, LinkProblem, LinkRefusedError, replay_key

COMMENT = "comment"  # the personal value's name on the entry
MAX_USED_LINKS = 50


def checked(complaint: Complaint | None, claims: LinkClaims, policy: Policy) -> Survey:
    """The survey a verified link may answer; LinkRefusedError naming why not."""
    if complaint is None:
        raise LinkRefusedError(LinkProblem.OTHER_COMPLAINT, "no such complaint")
    survey = complaint.survey
    if survey is None or survey.stage is not SurveyStage.SENT:
        raise LinkRefusedError(LinkProblem.NOT_ASKED)
    if claims.link_id != survey_link_id(complaint):
        raise LinkRefusedError(LinkProblem.OTHER_COMPLAINT, "signed for another survey")
    if complaint.restricted_at is not None or complaint.contact_address is None:
        raise LinkRefusedError(LinkProblem.ERASED)
    rules = policy.surveys
    if claims.question != PAGE:
        _known_aspect(claims.question, rules)
    if claims.score is not None and not rules.scale.holds(claims.score):
        raise LinkRefusedError(LinkProblem.SCORE_OUT_OF_RANGE, str(claims.score))
    return survey


def answered(
    complaint: Complaint,
    claims: LinkClaims,
    token: str,
    *,
    scores: Mapping[str, int],
    comment: str,
    policy: Policy,
    now: datetime,
) -> Decision | None:
    """The decision recording these answers, or None when they add nothing new. Raises
    LinkRefusedError (recording nothing) for a replayed one-click link, an unknown
    question, a score off the scale or a comment over the policy's length."""
    survey = checked(complaint, claims, policy)
    rules = policy.surveys
    if claims.one_click and replay_key(token) in survey.used_links:
        raise LinkRefusedError(LinkProblem.REPLAYED)
    for aspect, score in scores.items():
        _known_aspect(aspect, rules)
        if not rules.scale.holds(score):
            raise LinkRefusedError(LinkProblem.SCORE_OUT_OF_RANGE, f"{aspect}: {score}")
    comment = comment.strip()
    if len(comment) > rules.comment_max_chars:
        raise LinkRefusedError(
            LinkProblem.COMMENT_TOO_LONG, f"{len(comment)} > {rules.comment_max_chars}"
        )
    via = "one_click" if claims.one_click else "page"
    updated, entries = recorded(complaint, survey, scores, comment, policy=policy, now=now, via=via)
    if not entries:
        return None
    if claims.one_click:
        used = (*survey.used_links, replay_key(token))[-MAX_USED_LINKS:]
        updated = updated.model_copy(update={"used_links": used})
    return Decision(
        complaint=complaint.revised(survey=updated),
        expected_revision=complaint.revision,
        audit=entries,
    )


def recorded(
    complaint: Complaint, survey: Survey, scores: Mapping[str, int], comment: str, *,
    policy: Policy, now: datetime, via: str,
) -> tuple[Survey, tuple[AuditDraft, ...]]:  # fmt: skip
    """The survey with these checked answers and the entries recording them: one per new or
    changed score, the comment as a personal value; no entries when nothing is new. Every
    way of answering (the page, a helpdesk's rating) records through here."""
    entries = _score_entries(complaint, survey, scores, policy=policy, now=now, via=via)
    digest = _digest(comment) if comment else None
    if digest is not None and digest != survey.comment_digest:
        entries = _with_comment(entries, complaint, comment, policy=policy, now=now, via=via)
    updated = survey.model_copy(
        update={
            "answers": {**survey.answers, **scores},
            "answered_at": survey.answered_at or (now if entries else None),
            "comment_digest": digest or survey.comment_digest,
        }
    )
    return updated, entries


def _score_entries(
    complaint: Complaint, survey: Survey, scores: Mapping[str, int], *,
    policy: Policy, now: datetime, via: str,
) -> tuple[AuditDraft, ...]:  # fmt: skip
    rules = policy.surveys
    entries = []
    for aspect, score in scores.items():
        before = survey.answers.get(aspect)
        if before == score:
            continue  # given twice, counts once
        scale = rules.scale
        detail = {"aspect": aspect, "score": score, "lowest": scale.lowest,
                  "highest": scale.highest, "via": via, "trigger": survey.trigger}  # fmt: skip
        kind = AuditKind.SURVEY_ANSWERED
        if before is not None:
            kind = AuditKind.SURVEY_ANSWER_CHANGED
            detail["previous"] = before
        entries.append(record(kind, complaint.complaint_id, policy, now, detail=detail))
    return tuple(entries)


def _with_comment(
    entries: tuple[AuditDraft, ...], complaint: Complaint, comment: str, *,
    policy: Policy, now: datetime, via: str,
) -> tuple[AuditDraft, ...]:  # fmt: skip
    """The comment on the first entry as a personal value, or on an entry of its own."""
    if entries:
        first = entries[0]
        with_comment = first.model_copy(
            update={"personal": {COMMENT: comment}, "detail": {**first.detail, COMMENT: True}}
        )
        return (with_comment, *entries[1:])
    changed = complaint.survey is not None and complaint.survey.comment_digest is not None
    kind = AuditKind.SURVEY_ANSWER_CHANGED if changed else AuditKind.SURVEY_ANSWERED
    entry = record(
        kind, complaint.complaint_id, policy, now,
        detail={"aspect": COMMENT, COMMENT: True, "via": via}, personal={COMMENT: comment},
    )  # fmt: skip
    return (entry,)


def _known_aspect(aspect: str, rules: SurveyPolicy) -> None:
    known = aspect in Aspect._value2member_map_ and rules.question(Aspect(aspect)) is not None
    if not known:
        raise LinkRefusedError(LinkProblem.UNKNOWN_QUESTION, aspect[:40])


def _digest(comment: str) -> str:
    """Tells a comment sent again from a new one; erased with the complainant's data."""
    return hashlib.sha256(comment.encode("utf-8")).hexdigest()[:16]

"""Ratings the helpdesk collected itself, mapped onto the policy's scale and recorded as the
answer to `overall`, through the same recording as the survey page: a rating given again
counts once, a later different one is recorded as a change, its comment is personal data.

Mapping: the helpdesk's scale is stretched onto the policy's, ends onto ends, and a score
falling between two of the policy's is rounded half up. Zendesk's good / bad (1 / 0 on 0
to 1) become the policy's highest / lowest; Jira's 1 to 5 are themselves on a 1 to 5 scale,
and 1, 2, 3, 4, 5 on 0 to 10 become 0, 3, 5, 8, 10."""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction

from plaint.model.audit import AuditDraft
from plaint.model.complaint import Complaint
from plaint.model.survey import HelpdeskRating, SurveyStage
from plaint.policy.document import Policy
from plaint.policy.surveys import Aspect, Scale
from plaint.surveys.answers import recorded


def on_scale(rating: HelpdeskRating, scale: Scale) -> int:
    """The rating's score on the policy's scale."""
    fraction = Fraction(rating.score - rating.lowest, rating.highest - rating.lowest)
    return scale.lowest + math.floor(fraction * (scale.highest - scale.lowest) + Fraction(1, 2))


def rated(
    complaint: Complaint, rating: HelpdeskRating, policy: Policy, now: datetime
) -> tuple[Complaint, tuple[AuditDraft, ...]]:
    """The complaint with the helpdesk's rating recorded as its `overall` answer, and the
    entries saying so; unchanged when its survey is not left to the helpdesk (never decided,
    skipped, or sent by email), or the complainant's data is erased or restricted."""
    survey = complaint.survey
    if survey is None or survey.stage is not SurveyStage.WITH_HELPDESK:
        return complaint, ()
    if complaint.restricted_at is not None:
        return complaint, ()
    rules = policy.surveys
    scores = {Aspect.OVERALL.value: on_scale(rating, rules.scale)}
    # The helpdesk keeps the whole comment; the record keeps what the policy allows.
    comment = (rating.comment or "").strip()[: rules.comment_max_chars]
    updated, entries = recorded(
        complaint, survey, scores, comment, policy=policy, now=now, via=rating.via
    )
    if not entries:
        return complaint, ()
    return complaint.model_copy(update={"survey": updated}), entries

"""Complainants' satisfaction with the handling of their complaint (ISO 10004), from the
surveys the complaint records keep: who was asked, who answered, the scores per aspect
with their 95 % intervals by category, channel, jurisdiction, outcome, timeliness and
month, and the indirect indicators beside them. Pure, like the rest of the report."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from plaint.model.complaint import ClockStatus, Complaint
from plaint.model.survey import SurveyStage
from plaint.policy.surveys import Aspect, Scale
from plaint.reporting.figures import (
    SHARE_DECIMALS,
    Absent,
    IndirectIndicators,
    Interval,
    Satisfaction,
    Score,
    ScoreCell,
    Share,
    Tally,
)
from plaint.vocabulary.terms import Milestone

MINIMUM_ANSWERS = 5  # fewer answers in a group: its score is "too few answers"
MEAN_DECIMALS = 2
Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
# Student's t 97.5th percentile for 1 to 30 degrees of freedom; beyond, a series in 1/df.
_T_95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
TOO_FEW = "too few answers: {answers} of the {minimum} a score needs"
NO_SURVEYS = (
    "Complainant satisfaction (ISO 10004): no complaint of this period has a survey "
    "decided (surveys are off, or none has reached its trigger yet)."
)
ALL = "all"

KeyOf = Callable[[Complaint], str]


def wilson(successes: int, trials: int, z: float = Z_95) -> Interval:
    """Wilson's score interval for successes / trials (trials >= 1)."""
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n)
    low, high = max(centre - half, 0.0), min(centre + half, 1.0)
    return Interval(
        low=round(low, SHARE_DECIMALS), high=round(high, SHARE_DECIMALS), method="wilson"
    )


def t_quantile(df: int) -> float:
    """Student's t 97.5th percentile (two-sided 95 %) for `df` degrees of freedom."""
    if df <= len(_T_95):
        return _T_95[df - 1]
    z = Z_95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)


def mean_interval(values: Sequence[int], scale: Scale) -> Interval:
    """mean +- t * s / sqrt(n), clipped to the scale (len(values) >= 2)."""
    mean = statistics.fmean(values)
    half = t_quantile(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    low, high = max(mean - half, scale.lowest), min(mean + half, scale.highest)
    return Interval(low=round(low, MEAN_DECIMALS), high=round(high, MEAN_DECIMALS), method="t")


def satisfied(score: int, scale: Scale) -> bool:
    """Top-two box: one of the scale's two highest scores."""
    return score >= scale.highest - 1


def score(values: Sequence[int], scale: Scale, minimum: int) -> Score | Absent:
    if len(values) < minimum:
        return Absent(reason=TOO_FEW.format(answers=len(values), minimum=minimum))
    happy = sum(satisfied(v, scale) for v in values)
    return Score(
        answers=len(values),
        mean=round(statistics.fmean(values), MEAN_DECIMALS),
        mean_interval=mean_interval(values, scale),
        satisfied=Share.of(happy, len(values)),
        satisfied_interval=wilson(happy, len(values)),
    )


def outcome(complaint: Complaint) -> str:
    """What the record says became of the complaint: whether the organisation upheld it,
    when its ticket said so; else a provider's decision, a referral, or the milestone its
    handling reached."""
    if complaint.outcome is not None:
        return complaint.outcome.value
    decided = [r for r in complaint.referrals if r.outcome is not None]
    if decided:
        latest = max(decided, key=lambda r: r.decided_at or r.offered_at)
        assert latest.outcome is not None
        return "referred_upheld" if latest.outcome.overturns else "referred_not_upheld"
    if Milestone.REFERRAL in complaint.milestones:
        return "referred_undecided"
    if Milestone.SUMMARY_RESOLUTION in complaint.milestones:
        return "summary_resolution"
    if Milestone.FINAL_RESPONSE in complaint.milestones:
        return "final_response"
    return "unresolved"


def satisfaction(
    complaints: Sequence[Complaint],
    *,
    scale: Scale,
    minimum: int,
    zone: ZoneInfo,
    dimensions: Mapping[str, KeyOf],
) -> Satisfaction | Absent:
    """The satisfaction section over the cohort's complaints; Absent when none of them has
    a survey decided. `dimensions` names the groupings the scores are broken down by."""
    surveys = [c.survey for c in complaints]
    if all(s is None for s in surveys):
        return Absent(reason=NO_SURVEYS)
    asked = [c for c in complaints if c.survey and c.survey.stage in _ASKED_STAGES]
    answered = [c for c in asked if c.survey and c.survey.answers]
    skipped = Counter(
        s.skipped.value for s in surveys if s and s.stage is SurveyStage.SKIPPED and s.skipped
    )
    never = sum(1 for s in surveys if s and s.stage is SurveyStage.SKIPPED)
    groups: dict[str, KeyOf] = {
        **dimensions,
        "month": lambda c: c.received_at.astimezone(zone).strftime("%Y-%m"),
    }
    total = len(complaints)
    return Satisfaction(
        lowest=scale.lowest,
        highest=scale.highest,
        minimum_answers=minimum,
        asked=len(asked),
        answered=len(answered),
        response_rate=Share.of(len(answered), len(asked)),
        never_asked=Share.of(never, total),
        never_asked_reasons=tuple(
            Tally(key=k, complaints=n) for k, n in sorted(skipped.items(), key=_largest)
        ),
        not_yet_asked=Share.of(total - len(asked) - never, total),
        scores=_cells(answered, groups, scale, minimum),
        indirect=indirect(complaints),
    )


_ASKED_STAGES = frozenset({SurveyStage.SENT, SurveyStage.WITH_HELPDESK})


def _largest(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _cells(
    answered: Sequence[Complaint], groups: Mapping[str, KeyOf], scale: Scale, minimum: int
) -> tuple[ScoreCell, ...]:
    cells: list[ScoreCell] = []
    for aspect in Aspect:
        given = [
            (c, c.survey.answers[aspect])
            for c in answered
            if c.survey and aspect in c.survey.answers
        ]
        if not given:
            continue
        cells.append(_cell(aspect, ALL, ALL, [v for _, v in given], scale=scale, minimum=minimum))
        for dimension, key_of in groups.items():
            by_key: defaultdict[str, list[int]] = defaultdict(list)
            for complaint, value in given:
                by_key[key_of(complaint)].append(value)
            cells.extend(
                _cell(aspect, dimension, key, values, scale=scale, minimum=minimum)
                for key, values in sorted(by_key.items())
            )
    return tuple(cells)


def _cell(
    aspect: str, dimension: str, key: str, values: Sequence[int], *, scale: Scale, minimum: int
) -> ScoreCell:
    return ScoreCell(
        aspect=aspect,
        dimension=dimension,
        key=key,
        answers=len(values),
        score=score(values, scale, minimum),
    )


def indirect(complaints: Sequence[Complaint]) -> IndirectIndicators:
    per_complainant = Counter(c.complainant_ref for c in complaints if c.complainant_ref)
    identified = sum(per_complainant.values())
    repeat = sum(n for n in per_complainant.values() if n > 1)
    total = len(complaints)
    return IndirectIndicators(
        repeat_complaints=Share.of(repeat, identified),
        reopened=Share.of(sum(c.reopened > 0 for c in complaints), total),
        referred=Share.of(sum(Milestone.REFERRAL in c.milestones for c in complaints), total),
        clock_breached=Share.of(
            sum(any(k.status is ClockStatus.BREACHED for k in c.clocks) for c in complaints),
            total,
        ),
    )

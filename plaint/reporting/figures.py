"""The management report over complaints, as frozen models that serialise to JSON.

ISO 10002 8.2 to 8.4 ask management to monitor, analyse and review complaint handling;
ISO 10004 adds the complainant's satisfaction with it. Every figure here is over one
cohort: the complaints *received* in the report's period, as their records stood when the
report was made (`as_of`). plaint.reports computes the figures; plaint.report_csv and
plaint.charts present them.

A figure the records cannot yet support is `Absent`, with the reason, never a zero: a zero
would claim that something was measured and found not to happen.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.terms import ClockKind

# Shares are rounded once, here, so JSON, CSV and charts show the same figure.
SHARE_DECIMALS = 4


HOURS_DECIMALS = 2


UNSPECIFIED = "unspecified"  # a product or jurisdiction the record does not name


def share_of(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, rounded; None when nothing is in the denominator."""
    return round(numerator / denominator, SHARE_DECIMALS) if denominator else None


class BucketSize(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, Monday to Sunday
    MONTH = "month"


class Dimension(StrEnum):
    CATEGORY = "category"
    CHANNEL = "channel"
    PRODUCT = "product"
    JURISDICTION = "jurisdiction"
    OUTCOME = "outcome"  # the organisation's own: upheld, partly_upheld, not_upheld


class ReportPeriod(Frozen):
    """Complaints received at or after `start` and before `end`."""

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _end_after_start(self) -> ReportPeriod:
        if self.end <= self.start:
            raise ValueError("the period must end after it starts")
        return self

    def holds(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


class TimeBucket(Frozen):
    """One day, ISO week or month in the report's time zone. `partial` when the period
    cuts it, so a short first or last bucket is not read as a drop in complaints."""

    label: str = Field(examples=["2025-03-03", "2025-W10", "2025-03"])
    start: AwareDatetime
    end: AwareDatetime
    partial: bool = False


class Tally(Frozen):
    key: str
    complaints: int = Field(ge=0)


class BucketTally(Frozen):
    """Complaints per key received in one bucket; keys with none are left out."""

    bucket: str
    counts: tuple[Tally, ...] = ()


class Breakdown(Frozen):
    """Complaints by one dimension: over the period (largest first) and per bucket."""

    dimension: Dimension
    totals: tuple[Tally, ...]
    by_bucket: tuple[BucketTally, ...]


class Share(Frozen):
    """`numerator` of `denominator` complaints; `share` is None when the denominator is 0."""

    numerator: int = Field(ge=0)
    denominator: int = Field(ge=0)
    share: float | None

    @classmethod
    def of(cls, numerator: int, denominator: int) -> Share:
        return cls(
            numerator=numerator, denominator=denominator, share=share_of(numerator, denominator)
        )

    @model_validator(mode="after")
    def _consistent(self) -> Share:
        if self.numerator > self.denominator or self.share != share_of(
            self.numerator, self.denominator
        ):
            raise ValueError("share does not follow from its numerator and denominator")
        return self


class Timeliness(Frozen):
    """Whether one deadline per complaint was kept.

    Every complaint of the cohort is in exactly one count. `share` is
    (on_time + discharged) / (on_time + discharged + late). Outside the denominator:
    `pending` (not met, and the deadline is still ahead at `as_of`) and
    `no_deadline` (the complaint carries no such deadline, e.g. its regime has no
    final-response clock).
    """

    on_time: int = Field(ge=0)
    discharged: int = Field(
        default=0, ge=0, description="Made unnecessary on time (a summary resolution)."
    )
    late: int = Field(ge=0)
    pending: int = Field(ge=0)
    no_deadline: int = Field(ge=0)
    share: float | None

    @classmethod
    def of(
        cls, *, on_time: int, late: int, pending: int, no_deadline: int, discharged: int = 0
    ) -> Timeliness:
        kept = on_time + discharged
        return cls(
            on_time=on_time,
            discharged=discharged,
            late=late,
            pending=pending,
            no_deadline=no_deadline,
            share=share_of(kept, kept + late),
        )

    @property
    def denominator(self) -> int:
        return self.on_time + self.discharged + self.late

    @property
    def complaints(self) -> int:
        return self.denominator + self.pending + self.no_deadline

    @model_validator(mode="after")
    def _consistent(self) -> Timeliness:
        if self.share != share_of(self.on_time + self.discharged, self.denominator):
            raise ValueError("share does not follow from the counts")
        return self


class BucketTimeliness(Frozen):
    bucket: str
    acknowledgement: Timeliness
    final_response: Timeliness


class Hours(Frozen):
    """Wall-clock hours from receipt to an event, over the complaints that reached it.

    `median` is statistics.median (the mean of the two middle values for an even count);
    `p90` is the nearest-rank 90th percentile: the smallest measured value with at least
    90 % of the measurements at or below it, so it is always a time some complaint took.
    `not_reached` counts the complaints of the cohort still without the event.
    """

    measured: int = Field(ge=0)
    not_reached: int = Field(ge=0)
    minimum: float | None = None
    median: float | None = None
    p90: float | None = None
    maximum: float | None = None
    method: Literal["median: statistics.median; p90: nearest rank"] = (
        "median: statistics.median; p90: nearest rank"
    )


class ClockFigures(Frozen):
    """One clock id over the cohort's complaints that carry it (one regime's clock of that
    name or several regimes' clocks of the same name).

    `warnings` counts warning marks recorded before the deadline, that is warnings sent;
    the sweep also closes marks at or past the deadline, and those warned of nothing.
    """

    clock_id: str
    kind: ClockKind
    carried: int = Field(ge=0, description="Complaints carrying this clock.")
    breached: int = Field(ge=0)
    lapsed: int = Field(ge=0)
    warnings: int = Field(ge=0)
    can_breach: bool = Field(
        description="False when every such clock lapses instead (a window, not a duty)."
    )


class Absent(Frozen):
    """A figure the records cannot support yet, and why."""

    available: Literal[False] = False
    reason: str


class ProviderFigures(Frozen):
    """Per dispute-resolution provider (ISO 10002 8.6 management review): referrals of the
    cohort's complaints, how many the provider decided, how often it disagreed with the
    organisation's decision, and how long referral to decision took."""

    provider_id: str
    referrals: int = Field(ge=0)
    ineligible: int = Field(ge=0)
    decided: int = Field(ge=0)
    overturned: int = Field(ge=0)
    overturn_rate: Share = Field(description="Overturned, of those decided.")
    days_to_decision: Hours = Field(description="Referral to decision, in days (not hours).")


class RepeatComplaints(Frozen):
    """Complainants with more than one complaint in the period. Complaints with no
    complainant reference cannot be matched and are counted apart (`unidentified`)."""

    complainants: int = Field(ge=0, description="Complainants with two or more complaints.")
    complaints: int = Field(ge=0, description="Complaints those complainants made.")
    identified: int = Field(ge=0, description="Complaints with a complainant reference.")
    unidentified: int = Field(ge=0)


class RecurringCause(Frozen):
    """A category and product that came back at least twice in the period."""

    category: str
    product: str
    complaints: int = Field(ge=2)


class Interval(Frozen):
    """A 95 % confidence interval: Wilson's for a share, Student's t for a mean (clipped to
    the scale)."""

    low: float
    high: float
    method: Literal["wilson", "t"]


class Score(Frozen):
    """The answers to one aspect from one group of complaints: their mean on the policy's
    scale and the share satisfied (a score in the scale's top two), each with its 95 %
    interval."""

    answers: int = Field(ge=1)
    mean: float
    mean_interval: Interval
    satisfied: Share
    satisfied_interval: Interval


class ScoreCell(Frozen):
    """One aspect over one group: `dimension` is `all` (key `all`), `category`,
    `channel`, `jurisdiction`, `outcome`, `timeliness` or `month` (of receipt). `score` is
    Absent ("too few answers") below the report's minimum of answers."""

    aspect: str
    dimension: str
    key: str
    answers: int = Field(ge=0)
    score: Score | Absent


class IndirectIndicators(Frozen):
    """What ISO 10004 reads beside the direct scores, each over the cohort's complaints:
    complaints from complainants with another complaint in the period (of those with a
    reference), complaints reopened after closure, referred to an external provider, and
    with a clock breached."""

    repeat_complaints: Share
    reopened: Share
    referred: Share
    clock_breached: Share


class Satisfaction(Frozen):
    """Complainants' satisfaction with the handling of their complaint (ISO 10004), over
    the cohort. Every complaint is in exactly one of `asked`, `never_asked` and
    `not_yet_asked`. The response rate is answered of asked (an email sent, or the
    helpdesk's own rating offered)."""

    available: Literal[True] = True
    lowest: int
    highest: int
    minimum_answers: int = Field(ge=1)
    asked: int = Field(ge=0)
    answered: int = Field(ge=0)
    response_rate: Share
    never_asked: Share
    never_asked_reasons: tuple[Tally, ...]
    not_yet_asked: Share
    scores: tuple[ScoreCell, ...]
    indirect: IndirectIndicators


class ComplaintReport(Frozen):
    """Management figures over the complaints received in `period`, bucketed by receipt in
    `time_zone`, as the records stood at `as_of`.

    `complaints` counts records the initial assessment judged a complaint; every other
    figure is over those. `possible_complaints` counts those still waiting for an agent to
    confirm or dismiss them (the review band), and `not_a_complaint` the rest, received in
    the same period.
    No personal data: complainants are counted, never named.
    """

    period: ReportPeriod
    as_of: AwareDatetime
    bucket_size: BucketSize
    time_zone: str
    buckets: tuple[TimeBucket, ...]
    complaints: int = Field(ge=0)
    possible_complaints: int = Field(ge=0)
    not_a_complaint: int = Field(ge=0)
    by_category: Breakdown
    by_channel: Breakdown
    by_product: Breakdown
    by_jurisdiction: Breakdown
    by_outcome: Breakdown = Field(
        description="Whether the organisation upheld each complaint (upheld, partly_upheld, "
        "not_upheld), or not_yet_decided while its ticket shows no outcome."
    )
    acknowledgement: Timeliness
    final_response: Timeliness
    timeliness_by_bucket: tuple[BucketTimeliness, ...]
    time_to_acknowledge: Hours
    time_to_resolve: Hours
    clocks: tuple[ClockFigures, ...]
    referral: Share = Field(
        description="Escalation outside the organisation: complaints referred to an external "
        "dispute-resolution provider (ISO 10003), of all the cohort's complaints."
    )
    providers: tuple[ProviderFigures, ...] = Field(
        description="Per provider: referrals, decisions, overturn rate and cycle time."
    )
    repeat_complaints: RepeatComplaints
    recurring_causes: tuple[RecurringCause, ...]
    satisfaction: Satisfaction | Absent = Field(
        description="Complainants' satisfaction with the handling (ISO 10004); absent when "
        "the cohort has no survey at all."
    )

    @property
    def breakdowns(self) -> tuple[Breakdown, ...]:
        return (
            self.by_category,
            self.by_channel,
            self.by_product,
            self.by_jurisdiction,
            self.by_outcome,
        )

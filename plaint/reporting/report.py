"""Management figures over complaint records (ISO 10002 8.2 to 8.4, ISO 10004).

`build_report` reads complaint records once and returns a `ComplaintReport`
(plaint.report_model), whose docstrings define each figure and its denominator. Pure: the
caller brings the records, the period, the time zone to bucket receipts in, and the
instant the records stood at (`as_of`), so the same records always give the same report.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plaint.model.complaint import (
    Clock,
    ClockStatus,
    Complaint,
    ComplaintStatus,
    Referral,
    ReferralStage,
)
from plaint.policy.surveys import Scale
from plaint.reporting.figures import (
    HOURS_DECIMALS,
    UNSPECIFIED,
    Breakdown,
    BucketSize,
    BucketTally,
    BucketTimeliness,
    ClockFigures,
    ComplaintReport,
    Dimension,
    Hours,
    ProviderFigures,
    RecurringCause,
    RepeatComplaints,
    ReportPeriod,
    Share,
    Tally,
    TimeBucket,
    Timeliness,
)
from plaint.reporting.satisfaction import MINIMUM_ANSWERS, NO_SURVEYS, outcome, satisfaction
from plaint.vocabulary.errors import PlaintError
from plaint.vocabulary.terms import ClockKind, Expiry, Milestone

SATISFACTION_ABSENT = NO_SURVEYS


class ReportRequestError(PlaintError):
    """The report cannot be made as asked (an unknown time zone, a naive instant)."""


def build_report(
    records: Iterable[Complaint],
    period: ReportPeriod,
    *,
    bucket_size: BucketSize,
    time_zone: str,
    as_of: datetime,
    jurisdiction_of: Mapping[str, str] | None = None,
    top_causes: int = 10,
    survey_scale: Scale | None = None,
    minimum_answers: int = MINIMUM_ANSWERS,
) -> ComplaintReport:
    """The report over the records received in `period`.

    `jurisdiction_of` maps a regime id to its jurisdiction (a complaint's jurisdiction is
    its regime's); complaints whose regime it does not name count as "unspecified".
    `top_causes` caps the recurring causes listed. `survey_scale` is the policy's survey
    scale (1 to 5 by default); a group with fewer than `minimum_answers` answers gets no
    score ("too few answers").
    """
    zone = _zone(time_zone)
    bucket_size = _bucket_size(bucket_size)
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ReportRequestError("as_of must carry a UTC offset")
    received = [r for r in records if period.holds(r.received_at)]
    complaints = [r for r in received if r.assessment.is_complaint]
    # Not yet judged either way: a person has still to confirm or dismiss them.
    possible = sum(1 for r in received if r.status is ComplaintStatus.POSSIBLE_COMPLAINT)
    buckets = time_buckets(period, bucket_size, zone)

    def bucket_of(complaint: Complaint) -> str:
        return bucket_label(complaint.received_at, bucket_size, zone)

    def breakdown(dimension: Dimension, key_of: Callable[[Complaint], str]) -> Breakdown:
        return _breakdown(dimension, complaints, key_of, bucket_of, buckets)

    return ComplaintReport(
        period=period,
        as_of=as_of,
        bucket_size=bucket_size,
        time_zone=time_zone,
        buckets=buckets,
        complaints=len(complaints),
        possible_complaints=possible,
        not_a_complaint=len(received) - len(complaints) - possible,
        by_category=breakdown(Dimension.CATEGORY, lambda c: c.assessment.category),
        by_channel=breakdown(Dimension.CHANNEL, lambda c: c.channel.value),
        by_product=breakdown(Dimension.PRODUCT, lambda c: c.product or UNSPECIFIED),
        by_jurisdiction=breakdown(
            Dimension.JURISDICTION, lambda c: jurisdiction(c, jurisdiction_of or {})
        ),
        by_outcome=breakdown(Dimension.OUTCOME, decided_outcome),
        acknowledgement=_acknowledgement(complaints, as_of),
        final_response=_final_response(complaints, as_of),
        timeliness_by_bucket=_timeliness_by_bucket(complaints, buckets, bucket_of, as_of),
        time_to_acknowledge=hours_to(complaints, lambda c: c.acknowledged_at),
        time_to_resolve=hours_to(complaints, resolved_at),
        clocks=clock_figures(complaints),
        referral=Share.of(
            sum(Milestone.REFERRAL in c.milestones for c in complaints), len(complaints)
        ),
        providers=provider_figures(complaints),
        repeat_complaints=repeat_complaints(complaints),
        recurring_causes=recurring_causes(complaints, top_causes),
        satisfaction=satisfaction(
            complaints,
            scale=survey_scale or Scale(),
            minimum=max(minimum_answers, 2),
            zone=zone,
            dimensions={
                "category": lambda c: c.assessment.category,
                "channel": lambda c: c.channel.value,
                "jurisdiction": lambda c: jurisdiction(c, jurisdiction_of or {}),
                "outcome": outcome,
                "timeliness": lambda c: _timeliness_key(final_response_outcome(c, as_of)),
            },
        ),
    )


def _zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ReportRequestError(f"unknown time zone {time_zone!r}") from exc


def _bucket_size(size: str) -> BucketSize:
    """A caller's "week" works like BucketSize.WEEK; anything else is refused by name."""
    try:
        return BucketSize(size)
    except ValueError as exc:
        raise ReportRequestError(f"unknown bucket size {size!r}") from exc


def _bucket_start(day: date, size: BucketSize) -> date:
    if size is BucketSize.WEEK:
        return day - timedelta(days=day.weekday())
    if size is BucketSize.MONTH:
        return day.replace(day=1)
    return day


def _next_bucket_start(start: date, size: BucketSize) -> date:
    if size is BucketSize.WEEK:
        return start + timedelta(days=7)
    if size is BucketSize.MONTH:
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def _label(start: date, size: BucketSize) -> str:
    if size is BucketSize.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if size is BucketSize.MONTH:
        return f"{start.year}-{start.month:02d}"
    return start.isoformat()


def bucket_label(instant: datetime, size: BucketSize, zone: ZoneInfo) -> str:
    """The bucket an instant falls in, by its local date in `zone`."""
    return _label(_bucket_start(instant.astimezone(zone).date(), size), size)


def time_buckets(period: ReportPeriod, size: BucketSize, zone: ZoneInfo) -> tuple[TimeBucket, ...]:
    """Every bucket the period touches, empty ones included, so charts keep their gaps."""
    buckets: list[TimeBucket] = []
    day = _bucket_start(period.start.astimezone(zone).date(), size)
    while (start := datetime.combine(day, time(), zone)) < period.end:
        day = _next_bucket_start(day, size)
        end = datetime.combine(day, time(), zone)
        partial = start < period.start or end > period.end
        buckets.append(
            TimeBucket(label=_label(start.date(), size), start=start, end=end, partial=partial)
        )
    return tuple(buckets)


def jurisdiction(complaint: Complaint, jurisdiction_of: Mapping[str, str]) -> str:
    """The jurisdiction of the complaint's regime (the regime its clocks were frozen under,
    else the one its assessment chose)."""
    regime = complaint.regime or complaint.assessment.regime
    return jurisdiction_of.get(regime, UNSPECIFIED) if regime else UNSPECIFIED


NOT_YET_DECIDED = "not_yet_decided"


def decided_outcome(complaint: Complaint) -> str:
    """Whether the organisation upheld the complaint, as its ticket last said."""
    return complaint.outcome.value if complaint.outcome is not None else NOT_YET_DECIDED


def _tallies(counts: Counter[str]) -> tuple[Tally, ...]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Tally(key=key, complaints=n) for key, n in ordered)


def _breakdown(
    dimension: Dimension,
    complaints: Sequence[Complaint],
    key_of: Callable[[Complaint], str],
    bucket_of: Callable[[Complaint], str],
    buckets: Sequence[TimeBucket],
) -> Breakdown:
    per_bucket: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for complaint in complaints:
        per_bucket[bucket_of(complaint)][key_of(complaint)] += 1
    return Breakdown(
        dimension=dimension,
        totals=_tallies(Counter(key_of(c) for c in complaints)),
        by_bucket=tuple(
            BucketTally(bucket=b.label, counts=_tallies(per_bucket[b.label])) for b in buckets
        ),
    )


class Outcome(StrEnum):
    """What became of one deadline of one complaint, as the records stood at `as_of`."""

    ON_TIME = "on_time"
    DISCHARGED = "discharged"
    LATE = "late"
    PENDING = "pending"
    NO_DEADLINE = "no_deadline"


def acknowledgement_outcome(complaint: Complaint, as_of: datetime) -> Outcome:
    """On time when acknowledged at or before the acknowledgement deadline. Not yet
    acknowledged: late once the deadline has passed, pending before."""
    due = complaint.acknowledgement_due_at
    if due is None:
        return Outcome.NO_DEADLINE
    if complaint.acknowledged_at is not None:
        return Outcome.ON_TIME if complaint.acknowledged_at <= due else Outcome.LATE
    return Outcome.LATE if due <= as_of else Outcome.PENDING


def final_response_clock(complaint: Complaint) -> Clock | None:
    """The complaint's final-response deadline: of the clocks the final response meets,
    a regulatory one before a service SLA, then the one fewest other milestones meet (CFPB's
    60-day clock rather than the 15-day one an "in progress" reply also meets), then the
    clock named final_response, then the first declared."""
    candidates = [c for c in complaint.clocks if Milestone.FINAL_RESPONSE in c.met_by]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda c: (
            c.kind is not ClockKind.REGULATORY,
            len(c.met_by),
            c.clock_id != "final_response",
        ),
    )


def final_response_outcome(complaint: Complaint, as_of: datetime) -> Outcome:
    """MET is on time; DISCHARGED (a summary resolution made the final response
    unnecessary) is on time and counted apart; BREACHED and LAPSED mean the deadline passed
    without it. An open clock whose deadline has passed at `as_of` is late even before the
    sweep records the breach; one not started yet, or still within its deadline, is pending."""
    clock = final_response_clock(complaint)
    if clock is None:
        return Outcome.NO_DEADLINE
    if clock.status is ClockStatus.MET:
        return Outcome.ON_TIME
    if clock.status is ClockStatus.DISCHARGED:
        return Outcome.DISCHARGED
    if clock.status in (ClockStatus.BREACHED, ClockStatus.LAPSED):
        return Outcome.LATE
    if clock.due_at is not None and clock.due_at <= as_of:
        return Outcome.LATE
    return Outcome.PENDING


def _timeliness_key(outcome: Outcome) -> str:
    """The final response on time (made unnecessary on time counts as on time) or late."""
    return Outcome.ON_TIME.value if outcome is Outcome.DISCHARGED else outcome.value


def timeliness(outcomes: Iterable[Outcome]) -> Timeliness:
    counts = Counter(outcomes)
    return Timeliness.of(
        on_time=counts[Outcome.ON_TIME],
        discharged=counts[Outcome.DISCHARGED],
        late=counts[Outcome.LATE],
        pending=counts[Outcome.PENDING],
        no_deadline=counts[Outcome.NO_DEADLINE],
    )


def _acknowledgement(complaints: Iterable[Complaint], as_of: datetime) -> Timeliness:
    return timeliness(acknowledgement_outcome(c, as_of) for c in complaints)


def _final_response(complaints: Iterable[Complaint], as_of: datetime) -> Timeliness:
    return timeliness(final_response_outcome(c, as_of) for c in complaints)


def _timeliness_by_bucket(
    complaints: Sequence[Complaint],
    buckets: Sequence[TimeBucket],
    bucket_of: Callable[[Complaint], str],
    as_of: datetime,
) -> tuple[BucketTimeliness, ...]:
    """Deadlines kept by the complaints received in each bucket."""
    per_bucket: defaultdict[str, list[Complaint]] = defaultdict(list)
    for complaint in complaints:
        per_bucket[bucket_of(complaint)].append(complaint)
    return tuple(
        BucketTimeliness(
            bucket=b.label,
            acknowledgement=_acknowledgement(per_bucket[b.label], as_of),
            final_response=_final_response(per_bucket[b.label], as_of),
        )
        for b in buckets
    )


def resolved_at(complaint: Complaint) -> datetime | None:
    """The first of the final response and the summary resolution: either closes the
    complaint for the complainant."""
    ends = [
        complaint.milestones[m]
        for m in (Milestone.FINAL_RESPONSE, Milestone.SUMMARY_RESOLUTION)
        if m in complaint.milestones
    ]
    return min(ends, default=None)


def nearest_rank(ordered: Sequence[float], fraction: float) -> float:
    """The smallest value with at least `fraction` of the values at or below it."""
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def hours_to(
    complaints: Sequence[Complaint], reached: Callable[[Complaint], datetime | None]
) -> Hours:
    """Hours from receipt to `reached`, over the complaints that reached it. Statistics
    are taken on exact values and rounded after, so min <= median <= p90 <= max holds."""
    ends = [(c.received_at, reached(c)) for c in complaints]
    measured = [(end - start).total_seconds() / 3600 for start, end in ends if end]
    return spread(measured, not_reached=len(complaints) - len(measured))


def spread(values: Sequence[float], not_reached: int) -> Hours:
    """Minimum, median, nearest-rank 90th percentile and maximum of `values`."""
    ordered = sorted(values)
    if not ordered:
        return Hours(measured=0, not_reached=not_reached)
    return Hours(
        measured=len(ordered),
        not_reached=not_reached,
        minimum=round(ordered[0], HOURS_DECIMALS),
        median=round(statistics.median(ordered), HOURS_DECIMALS),
        p90=round(nearest_rank(ordered, 0.9), HOURS_DECIMALS),
        maximum=round(ordered[-1], HOURS_DECIMALS),
    )


def warnings_sent(clock: Clock) -> int:
    """Warning marks recorded before the deadline. The sweep also marks as recorded the
    marks at or past the deadline, without a warning: the breach speaks for them."""
    return sum(
        mark.recorded and (clock.due_at is None or mark.at < clock.due_at)
        for mark in clock.warnings
    )


def _figures(clock_id: str, clocks: Sequence[Clock]) -> ClockFigures:
    # Two regimes may give one clock id different kinds; the regulatory reading is stricter.
    regulatory = any(c.kind is ClockKind.REGULATORY for c in clocks)
    return ClockFigures(
        clock_id=clock_id,
        kind=ClockKind.REGULATORY if regulatory else ClockKind.SERVICE,
        carried=len(clocks),
        breached=sum(c.status is ClockStatus.BREACHED for c in clocks),
        lapsed=sum(c.status is ClockStatus.LAPSED for c in clocks),
        warnings=sum(warnings_sent(c) for c in clocks),
        can_breach=any(c.on_expiry is Expiry.BREACH for c in clocks),
    )


def clock_figures(complaints: Iterable[Complaint]) -> tuple[ClockFigures, ...]:
    """Breaches, lapses and warnings per clock id, most breaches first."""
    by_id: defaultdict[str, list[Clock]] = defaultdict(list)
    for complaint in complaints:
        for clock in complaint.clocks:
            by_id[clock.clock_id].append(clock)
    figures = [_figures(clock_id, clocks) for clock_id, clocks in by_id.items()]
    return tuple(sorted(figures, key=lambda f: (-f.breached, -f.warnings, f.clock_id)))


def repeat_complaints(complaints: Iterable[Complaint]) -> RepeatComplaints:
    refs = [c.complainant_ref for c in complaints]
    per_complainant = Counter(ref for ref in refs if ref)
    repeat = [n for n in per_complainant.values() if n > 1]
    identified = sum(per_complainant.values())
    return RepeatComplaints(
        complainants=len(repeat),
        complaints=sum(repeat),
        identified=identified,
        unidentified=len(refs) - identified,
    )


def recurring_causes(complaints: Iterable[Complaint], top: int) -> tuple[RecurringCause, ...]:
    """Category and product pairs with two or more complaints, most frequent first."""
    causes = Counter((c.assessment.category, c.product or UNSPECIFIED) for c in complaints)
    recurring = sorted(
        ((cause, n) for cause, n in causes.items() if n > 1),
        key=lambda item: (-item[1], item[0]),
    )
    return tuple(
        RecurringCause(category=category, product=product, complaints=n)
        for (category, product), n in recurring[:top]
    )


def provider_figures(complaints: Sequence[Complaint]) -> tuple[ProviderFigures, ...]:
    """Per provider, over the referrals of the cohort's complaints."""
    by_provider: dict[str, list[Referral]] = {}
    for complaint in complaints:
        for referral in complaint.referrals:
            by_provider.setdefault(referral.provider_id, []).append(referral)
    return tuple(_provider(pid, refs) for pid, refs in sorted(by_provider.items()))


def _provider(provider_id: str, referrals: list[Referral]) -> ProviderFigures:
    ineligible = [r for r in referrals if r.stage is ReferralStage.INELIGIBLE]
    decided = [r for r in referrals if r.outcome is not None and r.decided_at is not None]
    overturned = sum(1 for r in decided if r.outcome is not None and r.outcome.overturns)
    days = [
        ((r.decided_at - (r.referred_at or r.offered_at)).total_seconds() / 86400)
        for r in decided
        if r.decided_at is not None
    ]
    eligible = len(referrals) - len(ineligible)
    return ProviderFigures(
        provider_id=provider_id,
        referrals=len(referrals),
        ineligible=len(ineligible),
        decided=len(decided),
        overturned=overturned,
        overturn_rate=Share.of(overturned, len(decided)),
        days_to_decision=spread(days, not_reached=eligible - len(decided)),
    )

"""A complaint report as one long CSV table, for spreadsheets and BI tools.

One row per figure value, with the columns of `COLUMNS`:

- figure: what is measured (`complaints`, `acknowledgement_on_time`, `clock_breaches`...);
- dimension and key: what it is broken down by, if anything (`category`, `billing`);
- bucket: a bucket label (`2025-W10`), or `period` for the whole period;
- value: the figure itself: a count, a share between 0 and 1, or hours; empty when the
  figure is absent;
- count: for a share, the complaints in its numerator; for hours, the complaints measured;
- denominator: for a share, the complaints it is taken over;
- note: what the value leaves out, or why it is absent.

Counts per bucket are written only where they are not zero. docs/reports.md lists every
figure.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from plaint.reporting.figures import (
    Absent,
    Breakdown,
    ComplaintReport,
    Hours,
    Satisfaction,
    ScoreCell,
    Share,
    Timeliness,
)

COLUMNS = ("figure", "dimension", "key", "bucket", "value", "count", "denominator", "note")


PERIOD = "period"


Row = tuple[str, str, str, str, str, str, str, str]


# Spreadsheets run a cell that starts with one of these as a formula; category names come
# from the policy and products from the helpdesk, so they are written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(
    figure: str,
    value: object = "",
    *,
    dimension: str = "",
    key: str = "",
    bucket: str = PERIOD,
    count: object = "",
    denominator: object = "",
    note: str = "",
) -> Row:
    shown = "" if value is None else str(value)
    return (figure, dimension, _text(key), bucket, shown, str(count), str(denominator), note)


def _header(report: ComplaintReport) -> Iterator[Row]:
    """What the report covers, so a CSV file read alone still says so."""
    for key, value in (
        ("from", report.period.start.isoformat()),
        ("to", report.period.end.isoformat()),
        ("as_of", report.as_of.isoformat()),
        ("bucket_size", report.bucket_size.value),
        ("time_zone", report.time_zone),
    ):
        yield _row("report", value, key=key, bucket="")


def _breakdown(breakdown: Breakdown) -> Iterator[Row]:
    dimension = breakdown.dimension.value
    for tally in breakdown.totals:
        yield _row("complaints", tally.complaints, dimension=dimension, key=tally.key)
    for bucket in breakdown.by_bucket:
        for tally in bucket.counts:
            yield _row(
                "complaints",
                tally.complaints,
                dimension=dimension,
                key=tally.key,
                bucket=bucket.bucket,
            )


def _share(figure: str, share: Share | Timeliness, bucket: str = PERIOD) -> Row:
    if isinstance(share, Share):
        numerator, denominator, note = share.numerator, share.denominator, ""
    else:
        numerator = share.on_time + share.discharged
        denominator = share.denominator
        note = f"excluded: {share.pending} pending, {share.no_deadline} without a deadline"
        if share.discharged:
            note += f"; on time includes {share.discharged} discharged by summary resolution"
    return _row(
        figure, share.share, bucket=bucket, count=numerator, denominator=denominator, note=note
    )


def _outcomes(figure: str, timeliness: Timeliness, *, dischargeable: bool) -> Iterator[Row]:
    counts = timeliness.model_dump(exclude={"share"} if dischargeable else {"share", "discharged"})
    for outcome, n in counts.items():
        yield _row(figure, n, dimension="outcome", key=outcome)


def _timeliness(report: ComplaintReport) -> Iterator[Row]:
    yield _share("acknowledgement_on_time", report.acknowledgement)
    yield from _outcomes("acknowledgement", report.acknowledgement, dischargeable=False)
    yield _share("final_response_on_time", report.final_response)
    yield from _outcomes("final_response", report.final_response, dischargeable=True)
    for bucket in report.timeliness_by_bucket:
        yield _share("acknowledgement_on_time", bucket.acknowledgement, bucket.bucket)
        yield _share("final_response_on_time", bucket.final_response, bucket.bucket)


def _hours(figure: str, hours: Hours) -> Iterator[Row]:
    note = f"{hours.not_reached} not reached; {hours.method}"
    for statistic in ("minimum", "median", "p90", "maximum"):
        value = getattr(hours, statistic)
        yield _row(
            figure, value, dimension="statistic", key=statistic, count=hours.measured, note=note
        )


def _clocks(report: ComplaintReport) -> Iterator[Row]:
    for clock in report.clocks:
        for figure, value in (
            ("clocks_carried", clock.carried),
            ("clock_breaches", clock.breached),
            ("clock_lapses", clock.lapsed),
            ("clock_warnings", clock.warnings),
        ):
            yield _row(
                figure, value, dimension="clock", key=clock.clock_id, note=f"{clock.kind} clock"
            )


def _absent(figure: str, absent: Absent) -> Row:
    return _row(figure, None, note=absent.reason)


def _providers(report: ComplaintReport) -> Iterator[Row]:
    for provider in report.providers:
        pid = provider.provider_id
        for figure, value in (
            ("referrals", provider.referrals),
            ("referrals_ineligible", provider.ineligible),
            ("referrals_decided", provider.decided),
        ):
            yield _row(figure, value, dimension="provider", key=pid)
        rate = provider.overturn_rate
        yield _row("provider_overturn_rate", rate.share, dimension="provider", key=pid,
                   count=rate.numerator, denominator=rate.denominator)  # fmt: skip
        days = provider.days_to_decision
        note = f"median; {days.not_reached} not decided yet"
        yield _row("provider_days_to_decision", days.median, dimension="provider", key=pid,
                   count=days.measured, note=note)  # fmt: skip


def _recurrence(report: ComplaintReport) -> Iterator[Row]:
    repeat = report.repeat_complaints
    note = (
        f"over {repeat.identified} complaints with a complainant reference; "
        f"{repeat.unidentified} without one"
    )
    yield _row("repeat_complainants", repeat.complainants, note=note)
    yield _row("repeat_complaints", repeat.complaints, note=note)
    for cause in report.recurring_causes:
        yield _row(
            "recurring_cause",
            cause.complaints,
            dimension="category / product",
            key=f"{cause.category} / {cause.product}",
        )


def _satisfaction(found: Satisfaction) -> Iterator[Row]:
    yield _share("survey_response_rate", found.response_rate)
    yield _share("survey_never_asked", found.never_asked)
    for reason in found.never_asked_reasons:
        yield _row("survey_never_asked", reason.complaints, dimension="reason", key=reason.key)
    yield _share("survey_not_yet_asked", found.not_yet_asked)
    scale = f"scale {found.lowest} to {found.highest}"
    for cell in found.scores:
        yield from _score(cell, scale)
    for name, share in found.indirect:
        yield _share(f"indirect_{name}", share)


def _score(cell: ScoreCell, scale: str) -> Iterator[Row]:
    where = {"dimension": cell.dimension, "key": cell.key}
    if cell.dimension == "all":
        where = {"dimension": "aspect", "key": cell.aspect}
    else:
        where["key"] = f"{cell.aspect} / {cell.key}"
    found = cell.score
    if isinstance(found, Absent):
        yield _row("satisfaction_mean", None, count=cell.answers, note=found.reason, **where)
        yield _row("satisfied_share", None, count=cell.answers, note=found.reason, **where)
        return
    mean, top = found.mean_interval, found.satisfied_interval
    yield _row("satisfaction_mean", found.mean, count=found.answers, **where,
               note=f"{scale}; 95% t interval {mean.low} to {mean.high}")  # fmt: skip
    yield _row("satisfied_share", found.satisfied.share, count=found.satisfied.numerator,
               denominator=found.answers, **where,
               note=f"top two scores; 95% Wilson interval {top.low} to {top.high}")  # fmt: skip


def rows(report: ComplaintReport) -> Iterator[Row]:
    """The report's rows, in the order of `COLUMNS`, header row not included."""
    yield from _header(report)
    yield _row("complaints", report.complaints)
    yield _row("possible_complaints", report.possible_complaints)
    yield _row("not_a_complaint", report.not_a_complaint)
    for breakdown in report.breakdowns:
        yield from _breakdown(breakdown)
    yield from _timeliness(report)
    yield from _hours("time_to_acknowledge_hours", report.time_to_acknowledge)
    yield from _hours("time_to_resolve_hours", report.time_to_resolve)
    yield from _clocks(report)
    yield _share("referral_rate", report.referral)
    yield from _providers(report)
    yield from _recurrence(report)
    if isinstance(report.satisfaction, Absent):
        yield _absent("satisfaction", report.satisfaction)
    else:
        yield from _satisfaction(report.satisfaction)


def write_csv(report: ComplaintReport, out: TextIO) -> None:
    """Write the report to `out`, which the caller opened with newline=""."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(report))

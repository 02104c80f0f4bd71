"""Charts of a complaint report, as standalone SVG documents.

Three charts a complaints manager reads at a glance: complaints received per bucket,
stacked by category; the share of acknowledgements and final responses on time per
bucket against the organisation's target; and breaches per clock. Each carries its
figures in words too (<title>, <desc>, a tooltip per bar) for screen readers. Colours are
the Okabe-Ito palette, told apart with the common colour-vision deficiencies. Their words
are English unless a `ChartWords` in another language is given (the portal's, per viewer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from plaint.reporting import svg
from plaint.reporting.figures import (
    Breakdown,
    ClockFigures,
    ComplaintReport,
    Satisfaction,
    Score,
    TimeBucket,
    Timeliness,
)

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


OTHER_COLOUR = "#8f9ba8"


SHARE_COLOURS = ("#0072B2", "#E69F00")


@dataclass(frozen=True)
class ChartWords:
    """Every word the charts show, as templates (names in braces are filled in)."""

    received_between: str = "Received {first} to {last} ({zone})"
    by_category_title: str = "Complaints received per {bucket}, by category"
    buckets: dict[str, str] = field(
        default_factory=lambda: {"day": "day", "week": "week", "month": "month"}
    )
    no_complaints: str = "No complaints received in this period"
    by_category_desc: str = (
        "{period}. {complaints} complaints in all; by category: {totals}. "
        "Per {bucket}: {per_bucket}."
    )
    none: str = "none"
    other_categories: str = "other categories"
    stack_part: str = "{bucket}: {name}, {count} of {total}"
    no_deadline_reached: str = "no deadline reached"
    kept: str = "{what} {share}: {on_time} of {denominator} on time, {pending} pending"
    acknowledgement: str = "acknowledgement"
    final_response: str = "final response"
    on_time_title: str = "Deadlines kept per {bucket} of receipt"
    on_time_desc: str = (
        "{period}. Target {target}. Whole period: {acknowledgement}; {final_response}. "
        "{per_bucket}."
    )
    not_applicable: str = "n/a"
    target: str = "target {share}"
    breaches_title: str = "Clock breaches by clock"
    no_clocks: str = "No clocks."
    nothing_to_breach: str = "No clock that can be breached in this period"
    breach: str = (
        "{clock} ({kind} clock): {breached} breached of {carried}, {warnings} warnings sent"
    )
    of: str = "{count} of {total}"
    satisfaction_title: str = "Complainants satisfied with the handling, by aspect"
    satisfaction_desc: str = "{period}. {answered} of {asked} asked answered. {aspects}."
    satisfied: str = (
        "{aspect}: {count} of {total} satisfied ({share}, 95% interval {low} to {high}), "
        "mean {mean} of {highest}"
    )
    too_few_answers: str = "{aspect}: too few answers ({count})"

    def bucket(self, size: str) -> str:
        return self.buckets.get(size, size)


ENGLISH = ChartWords()
OTHER = ENGLISH.other_categories


BREACH_COLOUR = "#D55E00"


TARGET_COLOUR = "#1f2933"


WIDTH = 760


HEADING_Y = 26


SUBHEADING_Y = 44


VALUE_LABEL_ROOM = 20  # pixels of bar width below which a value label would not fit


LABEL_LIMIT = 28  # characters of a category or clock name shown; the tooltip has it all


PARTIAL_NOTE = "* the period covers only part of this bucket"


@dataclass(frozen=True)
class _Plot:
    """The rectangle the data is drawn in."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class _Series:
    name: str
    colour: str
    values: tuple[int, ...]  # one per bucket


def _scale(largest: float) -> tuple[int, int]:
    """An axis top and tick step for whole counts: steps of 1, 2 or 5 times a power of
    ten, about five ticks."""
    if largest <= 0:
        return 1, 1
    raw = largest / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return math.ceil(largest / step) * step, step


def _period_words(report: ComplaintReport, words: ChartWords) -> str:
    zone = ZoneInfo(report.time_zone)
    first = report.period.start.astimezone(zone).date()
    last = (report.period.end - timedelta(microseconds=1)).astimezone(zone).date()
    return words.received_between.format(
        first=first.isoformat(), last=last.isoformat(), zone=report.time_zone
    )


def _headings(root: ET.Element, title: str, report: ComplaintReport, words: ChartWords) -> None:
    svg.text(root, 16, HEADING_Y, title, size=16, font_weight="600")
    svg.text(root, 16, SUBHEADING_Y, _period_words(report, words), fill=svg.MUTED)


def _nothing(root: ET.Element, plot: _Plot, message: str) -> None:
    svg.text(
        root,
        plot.left + plot.width / 2,
        plot.top + plot.height / 2,
        message,
        side="middle",
        fill=svg.MUTED,
    )


def _bucket_axis(root: ET.Element, plot: _Plot, buckets: Sequence[TimeBucket]) -> float:
    """Bucket labels under the plot, thinned so they never overlap, a star on a bucket the
    period cuts (its bar covers only part of it); returns the slot width."""
    labels = [b.label + ("*" if b.partial else "") for b in buckets]
    slot = plot.width / max(len(labels), 1)
    widest = max((svg.text_width(label) for label in labels), default=0) + 10
    every = max(math.ceil(widest / slot), 1)
    for i, label in enumerate(labels):
        if i % every == 0:
            svg.text(
                root,
                plot.left + (i + 0.5) * slot,
                plot.bottom + 18,
                label,
                side="middle",
                fill=svg.MUTED,
            )
    svg.line(root, (plot.left, plot.bottom), (plot.right, plot.bottom), svg.MUTED)
    if any(b.partial for b in buckets):
        svg.text(root, 16, plot.bottom + 38, PARTIAL_NOTE, size=10, fill=svg.MUTED)
    return slot


def _count_axis(root: ET.Element, plot: _Plot, largest: int) -> int:
    """Gridlines and whole-number labels up the left side; returns the axis top."""
    top, step = _scale(largest)
    for tick in range(0, top + 1, step):
        y = plot.bottom - tick / top * plot.height
        svg.line(root, (plot.left, y), (plot.right, y), svg.GRID)
        svg.text(root, plot.left - 8, y + 4, str(tick), side="right", fill=svg.MUTED)
    return top


def _legend(root: ET.Element, x: float, y: float, entries: Sequence[tuple[str, str]]) -> None:
    """A column of swatches with names; right-to-left names keep their own direction."""
    for i, (name, colour) in enumerate(entries):
        row_y = y + i * 20
        svg.rect(root, x, row_y - 10, 12, 12, fill=colour)
        label = svg.text(root, x + 18, row_y, svg.shorten(svg.clean(name), LABEL_LIMIT))
        svg.tooltip(label, name)


def _legend_row(root: ET.Element, x: float, y: float, entries: Sequence[tuple[str, str]]) -> None:
    """Swatches with names side by side, for a legend of two or three entries."""
    for name, colour in entries:
        svg.rect(root, x, y - 10, 12, 12, fill=colour)
        svg.text(root, x + 18, y, name)
        x += 18 + svg.text_width(name) + 24


def _category_series(breakdown: Breakdown, most: int, other: str = OTHER) -> list[_Series]:
    """The `most` - 1 largest categories and the rest together, when there are more than
    `most`: past about seven colours a stack stops being readable."""
    names = [t.key for t in breakdown.totals]
    shown = names if len(names) <= most else names[: most - 1]
    per_bucket = [{t.key: t.complaints for t in b.counts} for b in breakdown.by_bucket]
    series = [
        _Series(name, PALETTE[i % len(PALETTE)], tuple(c.get(name, 0) for c in per_bucket))
        for i, name in enumerate(shown)
    ]
    if len(shown) < len(names):
        rest = tuple(sum(n for k, n in c.items() if k not in shown) for c in per_bucket)
        series.append(_Series(other, OTHER_COLOUR, rest))
    return series


def _stacked_desc(report: ComplaintReport, series: Sequence[_Series], words: ChartWords) -> str:
    totals = ", ".join(f"{s.name} {sum(s.values)}" for s in series)
    per_bucket = ", ".join(
        f"{b.label} {sum(s.values[i] for s in series)}" for i, b in enumerate(report.buckets)
    )
    return words.by_category_desc.format(
        period=_period_words(report, words), complaints=report.complaints,
        totals=totals or words.none, bucket=words.bucket(report.bucket_size.value),
        per_bucket=per_bucket,
    )  # fmt: skip


def complaints_by_category_chart(
    report: ComplaintReport, *, most: int = 7, words: ChartWords = ENGLISH
) -> str:
    """Complaints received per bucket, stacked by category, largest category at the base."""
    series = _category_series(report.by_category, most, words.other_categories)
    height = max(380, 96 + 20 * len(series))
    plot = _Plot(left=56, top=64, right=540, bottom=height - 44)
    title = words.by_category_title.format(bucket=words.bucket(report.bucket_size.value))
    root = svg.document(
        WIDTH, height, "complaints-by-category", title, _stacked_desc(report, series, words)
    )
    _headings(root, title, report, words)
    labels = [b.label for b in report.buckets]
    stacks = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = _count_axis(root, plot, max(stacks, default=0))
    slot = _bucket_axis(root, plot, report.buckets)
    if not report.complaints:
        _nothing(root, plot, words.no_complaints)
    bar = min(slot * 0.7, 48)
    for i, label in enumerate(labels):
        base = plot.bottom
        for s in series:
            if not s.values[i]:
                continue
            h = s.values[i] / top * plot.height
            svg.rect(
                root,
                plot.left + i * slot + (slot - bar) / 2,
                base - h,
                bar,
                h,
                fill=s.colour,
                label=words.stack_part.format(
                    bucket=label, name=s.name, count=s.values[i], total=stacks[i]
                ),
            )
            base -= h
        if stacks[i] and bar >= VALUE_LABEL_ROOM:
            svg.text(
                root, plot.left + (i + 0.5) * slot, base - 4, str(stacks[i]), side="middle", size=10
            )
    # Listed top down in the order the stack reads, so a swatch sits level with its band.
    _legend(root, plot.right + 24, plot.top + 10, [(s.name, s.colour) for s in series[::-1]])
    return svg.serialise(root)


def _percent(share: float | None, words: ChartWords) -> str:
    return words.no_deadline_reached if share is None else f"{share:.0%}"


def _kept_words(what: str, kept: Timeliness, words: ChartWords) -> str:
    on_time = kept.on_time + kept.discharged
    return words.kept.format(
        what=what, share=_percent(kept.share, words), on_time=on_time,
        denominator=kept.denominator, pending=kept.pending,
    ).strip()  # fmt: skip


def _on_time_desc(report: ComplaintReport, target: float, words: ChartWords) -> str:
    ack, final = words.acknowledgement, words.final_response
    per_bucket = "; ".join(
        f"{b.bucket}: {_kept_words(ack, b.acknowledgement, words)}, "
        f"{_kept_words(final, b.final_response, words)}"
        for b in report.timeliness_by_bucket
    )
    return words.on_time_desc.format(
        period=_period_words(report, words), target=f"{target:.0%}",
        acknowledgement=_kept_words(ack, report.acknowledgement, words),
        final_response=_kept_words(final, report.final_response, words), per_bucket=per_bucket,
    )  # fmt: skip


def _share_axis(root: ET.Element, plot: _Plot) -> None:
    for percent in range(0, 101, 20):
        y = plot.bottom - percent / 100 * plot.height
        svg.line(root, (plot.left, y), (plot.right, y), svg.GRID)
        svg.text(root, plot.left - 8, y + 4, f"{percent}%", side="right", fill=svg.MUTED)


def _share_bar(
    root: ET.Element,
    plot: _Plot,
    *,
    x: float,
    width: float,
    colour: str,
    label: str,
    kept: Timeliness,
    chart_words: ChartWords = ENGLISH,
) -> None:
    words = f"{label}: {_kept_words('', kept, chart_words)}"
    roomy = width >= VALUE_LABEL_ROOM
    if kept.share is None:
        # Nothing to measure yet: a mark at the baseline, never a bar of zero.
        mark = svg.text(
            root,
            x + width / 2,
            plot.bottom - 4,
            chart_words.not_applicable if roomy else "–",
            side="middle",
            size=10,
            fill=svg.MUTED,
        )
        svg.tooltip(mark, words)
        return
    # A share of zero is a real figure: a sliver of colour tells it apart from "n/a".
    h = max(kept.share * plot.height, 2)
    svg.rect(root, x, plot.bottom - h, width, h, fill=colour, label=words)
    if roomy:
        svg.text(
            root, x + width / 2, plot.bottom - h - 4, f"{kept.share:.0%}", side="middle", size=10
        )


def _target_line(root: ET.Element, plot: _Plot, target: float, words: ChartWords) -> None:
    y = plot.bottom - target * plot.height
    svg.line(
        root,
        (plot.left, y),
        (plot.right, y),
        TARGET_COLOUR,
        stroke_width="1.5",
        stroke_dasharray="6 4",
    )
    svg.text(
        root, plot.right + 6, y + 4, words.target.format(share=f"{target:.0%}"), font_weight="600"
    )


def on_time_chart(
    report: ComplaintReport, *, target: float = 0.95, words: ChartWords = ENGLISH
) -> str:
    """Share of acknowledgements and of final responses on time, per bucket of receipt,
    with the organisation's target as a dashed line. `target` is a share in [0, 1]."""
    if not 0 <= target <= 1:
        raise ValueError("target must be a share between 0 and 1")
    height = 380
    plot = _Plot(left=56, top=88, right=640, bottom=height - 44)
    title = words.on_time_title.format(bucket=words.bucket(report.bucket_size.value))
    root = svg.document(WIDTH, height, "on-time", title, _on_time_desc(report, target, words))
    _headings(root, title, report, words)
    series = tuple(zip((words.acknowledgement, words.final_response), SHARE_COLOURS, strict=True))
    _share_axis(root, plot)
    slot = _bucket_axis(root, plot, report.buckets)
    bar = min(slot * 0.35, 24)
    for i, bucket in enumerate(report.timeliness_by_bucket):
        middle = plot.left + (i + 0.5) * slot
        pair = (bucket.acknowledgement, bucket.final_response)
        for offset, (what, colour), kept in zip((-bar - 1, 1), series, pair, strict=True):
            _share_bar(
                root,
                plot,
                x=middle + offset,
                width=bar,
                colour=colour,
                label=f"{bucket.bucket} {what}",
                kept=kept,
                chart_words=words,
            )
    _target_line(root, plot, target, words)
    _legend_row(root, 16, plot.top - 16, series)
    return svg.serialise(root)


def _breach_words(clock: ClockFigures, words: ChartWords) -> str:
    return words.breach.format(
        clock=clock.clock_id, kind=clock.kind, breached=clock.breached, carried=clock.carried,
        warnings=clock.warnings,
    )  # fmt: skip


def breaches_by_clock_chart(report: ComplaintReport, *, words: ChartWords = ENGLISH) -> str:
    """Breaches per clock, most first, as horizontal bars. Clocks that only lapse (a
    referral window) are left out unless one was breached: they cannot breach."""
    clocks = [c for c in report.clocks if c.can_breach or c.breached]
    names = [svg.shorten(svg.clean(c.clock_id), LABEL_LIMIT) for c in clocks]
    left = 24 + max((svg.text_width(n) for n in names), default=0)
    height = max(200, 112 + 28 * len(clocks))
    plot = _Plot(left=max(left, 120), top=64, right=WIDTH - 96, bottom=height - 40)
    title = words.breaches_title
    each = "; ".join(_breach_words(c, words) for c in clocks)
    desc = f"{_period_words(report, words)}. " + (each or words.no_clocks)
    root = svg.document(WIDTH, height, "breaches-by-clock", title, desc)
    _headings(root, title, report, words)
    if not clocks:
        _nothing(root, plot, words.nothing_to_breach)
        return svg.serialise(root)
    top, step = _scale(max(c.breached for c in clocks))
    for tick in range(0, top + 1, step):
        x = plot.left + tick / top * plot.width
        svg.line(root, (x, plot.top), (x, plot.bottom), svg.GRID)
        svg.text(root, x, plot.bottom + 18, str(tick), side="middle", fill=svg.MUTED)
    row = plot.height / len(clocks)
    for i, (clock, name) in enumerate(zip(clocks, names, strict=True)):
        middle = plot.top + (i + 0.5) * row
        label = svg.text(root, plot.left - 10, middle + 4, name, side="right")
        svg.tooltip(label, clock.clock_id)
        length = clock.breached / top * plot.width
        svg.rect(
            root, plot.left, middle - 9, length, 18, fill=BREACH_COLOUR,
            label=_breach_words(clock, words),
        )  # fmt: skip
        svg.text(
            root,
            plot.left + length + 6,
            middle + 4,
            words.of.format(count=clock.breached, total=clock.carried),
            fill=svg.MUTED,
        )
    return svg.serialise(root)


SATISFIED_COLOUR = "#009E73"


def _satisfied_words(
    aspect: str, answers: int, score: object, highest: int, words: ChartWords
) -> str:
    if not isinstance(score, Score):
        return words.too_few_answers.format(aspect=aspect, count=answers)
    top = score.satisfied_interval
    return words.satisfied.format(
        aspect=aspect, count=score.satisfied.numerator, total=score.answers,
        share=f"{score.satisfied.share or 0:.0%}", low=f"{top.low:.0%}", high=f"{top.high:.0%}",
        mean=score.mean, highest=highest,
    )  # fmt: skip


def satisfaction_chart(
    report: ComplaintReport, section: Satisfaction, *, words: ChartWords = ENGLISH
) -> str:
    """The share satisfied per aspect over the whole cohort, as horizontal bars with their
    95 % Wilson interval as a whisker; an aspect with too few answers says so instead."""
    cells = [c for c in section.scores if c.dimension == "all"]
    height = max(200, 112 + 28 * len(cells))
    plot = _Plot(left=120, top=64, right=WIDTH - 200, bottom=height - 40)
    title = words.satisfaction_title
    said = [_satisfied_words(c.aspect, c.answers, c.score, section.highest, words) for c in cells]
    desc = words.satisfaction_desc.format(
        period=_period_words(report, words), answered=section.answered, asked=section.asked,
        aspects="; ".join(said) or words.none,
    )  # fmt: skip
    root = svg.document(WIDTH, height, "satisfaction", title, desc)
    _headings(root, title, report, words)
    for percent in range(0, 101, 20):
        x = plot.left + percent / 100 * plot.width
        svg.line(root, (x, plot.top), (x, plot.bottom), svg.GRID)
        svg.text(root, x, plot.bottom + 18, f"{percent}%", side="middle", fill=svg.MUTED)
    row = plot.height / max(len(cells), 1)
    for i, (cell, line) in enumerate(zip(cells, said, strict=True)):
        middle = plot.top + (i + 0.5) * row
        svg.text(root, plot.left - 10, middle + 4, cell.aspect, side="right")
        score = cell.score
        if not isinstance(score, Score):
            svg.tooltip(svg.text(root, plot.left + 6, middle + 4, line, fill=svg.MUTED), line)
            continue
        share = score.satisfied.share or 0
        svg.rect(root, plot.left, middle - 9, max(share * plot.width, 2), 18,
                 fill=SATISFIED_COLOUR, label=line)  # fmt: skip
        low = plot.left + score.satisfied_interval.low * plot.width
        high = plot.left + score.satisfied_interval.high * plot.width
        svg.line(root, (low, middle), (high, middle), svg.INK)
        for x in (low, high):
            svg.line(root, (x, middle - 5), (x, middle + 5), svg.INK)
        shown = words.of.format(count=score.satisfied.numerator, total=score.answers)
        svg.text(root, plot.right + 8, middle + 4, f"{share:.0%} ({shown})", fill=svg.MUTED)
    return svg.serialise(root)


def charts(
    report: ComplaintReport, *, target: float = 0.95, words: ChartWords = ENGLISH
) -> dict[str, str]:
    """Every chart, by the file name it is meant to be saved under. The satisfaction chart
    is drawn only when the report has a satisfaction section with answers."""
    drawn = {
        "complaints-by-category.svg": complaints_by_category_chart(report, words=words),
        "on-time.svg": on_time_chart(report, target=target, words=words),
        "breaches-by-clock.svg": breaches_by_clock_chart(report, words=words),
    }
    section = report.satisfaction
    if isinstance(section, Satisfaction) and section.answered:
        drawn["satisfaction.svg"] = satisfaction_chart(report, section, words=words)
    return drawn

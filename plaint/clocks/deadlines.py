"""Complaint clocks: frozen at receipt, moved only by the regime's own branches.

Pure functions over a complaint's clocks. Each returns the new clocks and the changes it
made, in order; plaint.services turns changes into audit entries and helpdesk actions.
Deadline arithmetic is the calendar's interval arithmetic, so recomputing thousands of
clocks in a sweep costs microseconds each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from plaint.clocks.calendars import BusinessCalendar
from plaint.model.complaint import Clock, ClockStatus, WarningMark
from plaint.policy.regimes import ClockPolicy, Regime
from plaint.vocabulary.terms import ClockKind, Expiry, Milestone

CalendarFor = Callable[[str], BusinessCalendar]


Clocks = tuple[Clock, ...]


@dataclass(frozen=True)
class ClockChange:
    """One thing that happened to one clock, for the record."""

    kind: str  # started, met, extended, discharged, paused, resumed, warning, breached, lapsed
    clock: Clock
    at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


def plan(
    regime: Regime, received_at: datetime, calendar_for: CalendarFor
) -> tuple[Clocks, list[ClockChange]]:
    """The regime's clocks for a complaint received at `received_at`; those that start on
    receipt are running (and say so), the others wait for their milestone."""
    clocks = tuple(_frozen(regime, spec) for spec in regime.clocks)
    return reach(clocks, Milestone.RECEIPT, received_at, calendar_for)


def _frozen(regime: Regime, spec: ClockPolicy) -> Clock:
    extension = spec.extension
    return Clock(
        clock_id=spec.id,
        regime=regime.id,
        kind=spec.kind,
        on_expiry=spec.on_expiry,
        calendar=spec.calendar or regime.calendar,
        starts_on=spec.starts_on,
        met_by=spec.met_by,
        discharged_by=spec.discharged_by,
        within=spec.within,
        extension_by=extension.by if extension else None,
        extension_to=extension.to if extension else None,
        warn_fractions=spec.warn_at,
    )


def _start(clock: Clock, at: datetime, calendar: BusinessCalendar) -> Clock:
    due = calendar.add(at, clock.within)
    return clock.model_copy(
        update={
            "status": ClockStatus.RUNNING,
            "started_at": at,
            "due_at": due,
            "warnings": _marks(clock, at, due, calendar),
        }
    )


def _marks(
    clock: Clock, start: datetime, due: datetime, calendar: BusinessCalendar
) -> tuple[WarningMark, ...]:
    """Warning instants at the policy's fractions of the time allowed, in the time that
    counts (business time for business units)."""
    business = clock.within.unit.is_business_time
    span = calendar.elapsed(start, due, business=business)
    return tuple(
        WarningMark(fraction=f, at=calendar.advance(start, span * f, business=business))
        for f in clock.warn_fractions
    )  # fmt: skip


def reach(
    clocks: Clocks, milestone: Milestone, at: datetime, calendar_for: CalendarFor
) -> tuple[Clocks, list[ClockChange]]:
    """A milestone happened at `at`: start, meet or extend the clocks it concerns, then
    discharge those another clock's being met on time makes unnecessary."""
    result: list[Clock] = []
    changes: list[ClockChange] = []
    for clock in clocks:
        updated, change = _on_milestone(clock, milestone, at, calendar_for)
        result.append(updated)
        changes.extend(change)
    met_on_time = {
        (c.clock.regime, c.clock.clock_id)
        for c in changes
        if c.kind == "met" and c.detail.get("on_time")
    }
    return _discharge(tuple(result), met_on_time, at, changes)


def _on_milestone(
    clock: Clock, milestone: Milestone, at: datetime, calendar_for: CalendarFor
) -> tuple[Clock, list[ClockChange]]:
    if clock.status is ClockStatus.WAITING and milestone is clock.starts_on:
        started = _start(clock, at, calendar_for(clock.calendar))
        warn_at = [mark.at.isoformat() for mark in started.warnings]
        return started, [
            ClockChange("started", started, at, {**_window(started), "warn_at": warn_at})
        ]
    if milestone in clock.met_by and clock.met_at is None:
        return _met(clock, milestone, at)
    if (
        milestone is clock.extension_by
        and clock.status is ClockStatus.RUNNING
        and not clock.extended
        and clock.due_at is not None
        and at <= clock.due_at
    ):
        return _extend(clock, at, calendar_for(clock.calendar))
    return clock, []


def _met(clock: Clock, milestone: Milestone, at: datetime) -> tuple[Clock, list[ClockChange]]:
    if clock.status is ClockStatus.WAITING:
        return clock, []  # met before it started: nothing to measure
    on_time = clock.due_at is None or at <= clock.due_at
    changes: list[ClockChange] = []
    if not on_time and clock.status.is_open:
        # The deadline passed before the sweep saw it: the breach is recorded all the same.
        clock, changes = _due_one(clock, at)
    update: dict[str, Any] = {"met_at": at}
    if clock.status.is_open:
        update |= {"status": ClockStatus.MET, "ended_at": at, "paused_at": None}
    met = clock.model_copy(update=update)
    detail = {"by": milestone.value, "on_time": on_time, **_window(clock)}
    return met, [*changes, ClockChange("met", met, at, detail)]


def _extend(
    clock: Clock, at: datetime, calendar: BusinessCalendar
) -> tuple[Clock, list[ClockChange]]:
    assert clock.started_at is not None and clock.extension_to is not None
    due = calendar.add(clock.started_at, clock.extension_to)
    extended = clock.model_copy(update={"due_at": due, "extended": True})
    extended = extended.model_copy(
        update={"warnings": _marks(extended, clock.started_at, due, calendar)}
    )
    detail = {
        "by": (clock.extension_by or Milestone.HOLDING_RESPONSE).value,
        "due_at_before": _iso(clock.due_at),
        "due_at": due.isoformat(),
        "to": extended.extension_to.model_dump(mode="json") if extended.extension_to else None,
    }
    return extended, [ClockChange("extended", extended, at, detail)]


def _discharge(
    clocks: Clocks, met_on_time: set[tuple[str, str]], at: datetime, changes: list[ClockChange]
) -> tuple[Clocks, list[ClockChange]]:
    if not met_on_time:
        return clocks, changes
    result = []
    for clock in clocks:
        by = [other for other in clock.discharged_by if (clock.regime, other) in met_on_time]
        if by and clock.status.is_open:
            discharged = clock.model_copy(
                update={"status": ClockStatus.DISCHARGED, "ended_at": at, "paused_at": None}
            )
            changes.append(ClockChange("discharged", discharged, at, {"by_clock": by[0]}))
            result.append(discharged)
        else:
            result.append(clock)
    return tuple(result), changes


def _window(clock: Clock) -> dict[str, Any]:
    return {
        "regime": clock.regime,
        "clock_kind": clock.kind.value,
        "started_at": _iso(clock.started_at),
        "due_at": _iso(clock.due_at),
        "within": _within(clock),
        "calendar": clock.calendar,
    }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def due(clocks: Clocks, now: datetime) -> tuple[Clocks, list[ClockChange]]:
    """Warnings and deadlines that fell due at or before `now`, each recorded once: the
    returned clocks carry the marks, so the next sweep finds nothing left to say."""
    result: list[Clock] = []
    changes: list[ClockChange] = []
    for clock in clocks:
        updated, said = _due_one(clock, now)
        result.append(updated)
        changes.extend(said)
    return tuple(result), changes


def _due_one(clock: Clock, now: datetime) -> tuple[Clock, list[ClockChange]]:
    due_at = clock.due_at
    if clock.status is not ClockStatus.RUNNING or due_at is None:
        return clock, []
    changes = [
        ClockChange("warning", clock, now,
                    {"fraction": m.fraction, "warned_for": m.at.isoformat(), **_window(clock)})
        for m in clock.warnings
        if not m.recorded and m.at <= now and m.at < due_at
    ]  # fmt: skip
    # A mark at or past the deadline has nothing left to warn of: the deadline speaks.
    marks = tuple(
        m.model_copy(update={"recorded": True}) if m.at <= now or m.at >= due_at else m
        for m in clock.warnings
    )
    clock = clock.model_copy(update={"warnings": marks})
    if due_at <= now:
        expired = ClockStatus.BREACHED if clock.on_expiry is Expiry.BREACH else ClockStatus.LAPSED
        clock = clock.model_copy(update={"status": expired, "ended_at": due_at})
        changes.append(ClockChange(expired.value, clock, now, _window(clock)))
    return clock, changes


def follow_status(
    clocks: Clocks,
    status: str | None,
    at: datetime,
    pauses: Callable[[Clock], tuple[str, ...]],
    calendar_for: CalendarFor,
) -> tuple[Clocks, list[ClockChange]]:
    """Pause service clocks while the helpdesk status is one their policy names, and
    resume them (moving the deadline by the time spent paused) when it leaves it."""
    result: list[Clock] = []
    changes: list[ClockChange] = []
    for clock in clocks:
        pausing = clock.kind is ClockKind.SERVICE and status in pauses(clock)
        updated = clock
        if pausing and clock.status is ClockStatus.RUNNING:
            updated = clock.model_copy(update={"status": ClockStatus.PAUSED, "paused_at": at})
            changes.append(ClockChange("paused", updated, at, {"status": status}))
        elif not pausing and clock.status is ClockStatus.PAUSED and clock.paused_at:
            updated = _resume(clock, at, calendar_for(clock.calendar))
            changes.append(
                ClockChange("resumed", updated, at, {"status": status, **_window(updated)})
            )
        result.append(updated)
    return tuple(result), changes


def _resume(clock: Clock, at: datetime, calendar: BusinessCalendar) -> Clock:
    """Every instant still ahead when the clock paused moves on by the time it stood."""
    assert clock.paused_at is not None and clock.due_at is not None
    business = clock.within.unit.is_business_time
    paused_at = clock.paused_at

    def moved(instant: datetime) -> datetime:
        if instant <= paused_at:
            return instant
        return calendar.advance(at, calendar.elapsed(paused_at, instant, business=business),
                                business=business)  # fmt: skip

    marks = tuple(
        m if m.recorded else m.model_copy(update={"at": moved(m.at)}) for m in clock.warnings
    )
    return clock.model_copy(
        update={
            "status": ClockStatus.RUNNING,
            "paused_at": None,
            "due_at": moved(clock.due_at),
            "warnings": marks,
        }
    )


def recalculate(
    clocks: Clocks, regime: Regime, calendar_for: CalendarFor
) -> tuple[Clocks, list[dict[str, Any]]]:
    """Re-freeze the open clocks under `regime` (an admin's explicit, audited command):
    lengths, extension and warnings from the new policy, counted from each clock's own
    start. Ended clocks are history and stay as they are. Returns before/after per clock."""
    specs = {spec.id: spec for spec in regime.clocks}
    result: list[Clock] = []
    report: list[dict[str, Any]] = []
    for clock in clocks:
        spec = specs.get(clock.clock_id)
        if spec is None or not clock.status.is_open:
            result.append(clock)
            continue
        fresh = _frozen(regime, spec)
        if clock.started_at is not None:
            calendar = calendar_for(fresh.calendar)
            fresh = _start(fresh, clock.started_at, calendar)
            if clock.extended and fresh.extension_to is not None:
                fresh, _ = _extend(fresh, clock.started_at, calendar)
            fresh = _keep_recorded(fresh, clock)
        fresh = fresh.model_copy(update={"status": clock.status, "paused_at": clock.paused_at})
        result.append(fresh)
        report.append(
            {
                "clock": clock.clock_id,
                "regime": clock.regime,
                "before": {"due_at": _iso(clock.due_at), "within": _within(clock)},
                "after": {"due_at": _iso(fresh.due_at), "within": _within(fresh)},
            }
        )
    return tuple(result), report


def _keep_recorded(fresh: Clock, old: Clock) -> Clock:
    """Warnings already recorded stay recorded: a recalculation never repeats them."""
    done = {m.fraction for m in old.warnings if m.recorded}
    marks = tuple(
        m.model_copy(update={"recorded": True}) if m.fraction in done else m for m in fresh.warnings
    )
    return fresh.model_copy(update={"warnings": marks})


def _within(clock: Clock) -> dict[str, Any]:
    return clock.within.model_dump(mode="json")

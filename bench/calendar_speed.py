"""+16 business hours on 10,000 receipts in London: our calendar against pandas and businesstime.

Receipts are seeded-random over ten years, a share of them bunched around DST changes and
year ends. The expected answer is our own rule (deemed start, then business time), which
the unit tests pin down by hand; the other libraries work on naive local times, so their
results are read as London wall-clock time and converted to UTC before comparing.
pandas and businesstime are benchmark-only (`pip install -e ".[bench]"`); a missing one is
reported as skipped.
"""

from __future__ import annotations

import importlib
import random
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from plaint.clocks.calendars import BusinessCalendar
from plaint.policy.document import CalendarPolicy, WorkingHours
from plaint.vocabulary.terms import Duration, DurationUnit

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR, YEARS = 2016, 10
HOURS = 16
POLICY = CalendarPolicy(
    id="london",
    timezone="Europe/London",
    working_hours=WorkingHours(opens=time(9), closes=time(17)),
    holidays_country="GB",
    holidays_subdivision="ENG",
)
BUSINESSTIME_SEARCH = timedelta(days=14)  # far beyond 16 business hours, even at Christmas

Deadline = Callable[[datetime], datetime]


def receipts(count: int, seed: int = 10002) -> list[datetime]:
    """Whole-second UTC instants: two thirds uniform, the rest within three days of a DST
    change (last Sunday of March/October) or a year end."""
    rng = random.Random(seed)
    start = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=365 * YEARS).total_seconds())
    hot_spots = [
        moment
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS)
        for moment in (_last_sunday(year, 3), _last_sunday(year, 10), datetime(year, 12, 31))
    ]
    instants = []
    for n in range(count):
        if n % 3:
            instants.append(start + timedelta(seconds=rng.randrange(span)))
        else:
            spot = rng.choice(hot_spots).replace(tzinfo=UTC)
            instants.append(spot + timedelta(seconds=rng.randrange(-259_200, 259_200)))
    return instants


def _last_sunday(year: int, month: int) -> datetime:
    last = datetime(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


def bank_holidays(calendar: BusinessCalendar) -> list[date]:
    first = date(FIRST_YEAR, 1, 1)
    every_day = (first + timedelta(days=n) for n in range(366 * (YEARS + 1)))
    return [day for day in every_day if day.weekday() < 5 and not calendar.is_business_day(day)]


def _naive_local(instant: datetime) -> datetime:
    return instant.astimezone(LONDON).replace(tzinfo=None)


def _aware(naive: datetime) -> datetime:
    return naive.replace(tzinfo=LONDON).astimezone(UTC)


def ours(calendar: BusinessCalendar) -> Deadline:
    duration = Duration(amount=HOURS, unit=DurationUnit.BUSINESS_HOURS)
    return lambda received: calendar.add(received, duration)


def with_pandas(pandas: ModuleType, holidays: list[date]) -> Deadline:
    offset = pandas.offsets.CustomBusinessHour(
        n=HOURS, start="09:00", end="17:00", holidays=holidays
    )

    def deadline(received: datetime) -> datetime:
        moved = pandas.Timestamp(_naive_local(received)) + offset
        return _aware(moved.to_pydatetime())

    return deadline


def with_businesstime(businesstime: ModuleType, holidays: list[date]) -> Deadline:
    """businesstime only measures business time between two datetimes, so the deadline is
    the earliest second at which its measure reaches 16 hours, found by bisection."""
    measure = businesstime.BusinessTime(holidays=holidays).businesstime_hours
    target = timedelta(hours=HOURS)

    def deadline(received: datetime) -> datetime:
        origin = _naive_local(received)
        low, high = 0, int(BUSINESSTIME_SEARCH.total_seconds())  # seconds after receipt
        if measure(origin, origin + timedelta(seconds=high)) < target:
            return datetime.max.replace(tzinfo=UTC)
        while high - low > 1:
            middle = (low + high) // 2
            if measure(origin, origin + timedelta(seconds=middle)) >= target:
                high = middle
            else:
                low = middle
        return _aware(origin + timedelta(seconds=high))

    return deadline


def _close_for_next_opening(calendar: BusinessCalendar, instant: datetime) -> datetime:
    """pandas ends a day that uses up its hours at the next opening; the same point of
    business time by our rule is the previous business day's close."""
    day = calendar.local_date(instant)
    if instant == calendar.opening(day) and calendar.is_business_day(day):
        return calendar.closing(calendar.previous_business_day(day))
    return instant


def _run(deadline: Deadline, instants: list[datetime]) -> tuple[list[datetime], float]:
    for received in instants[:100]:  # warm caches (holiday tables, offsets)
        deadline(received)
    started = clock.perf_counter()
    results = [deadline(received) for received in instants]
    return results, (clock.perf_counter() - started) / len(instants) * 1e6


def _figures(
    calendar: BusinessCalendar,
    deadline: Deadline,
    instants: list[datetime],
    expected: list[datetime],
) -> dict[str, object]:
    got, micros = _run(deadline, instants)
    wrong = [n for n, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]
    figures: dict[str, object] = {"us_per_deadline": micros, "right": len(instants) - len(wrong)}
    figures["right_reading_next_opening_as_close"] = sum(
        _close_for_next_opening(calendar, a) == b for a, b in zip(got, expected, strict=True)
    )
    if wrong:
        n = wrong[0]
        figures["first_wrong"] = {
            "received": instants[n].astimezone(LONDON).isoformat(),
            "expected": expected[n].astimezone(LONDON).isoformat(),
            "got": got[n].astimezone(LONDON).isoformat(),
        }
    return figures


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def measure(count: int = 10_000) -> dict[str, Any]:
    calendar = BusinessCalendar(POLICY)
    instants = receipts(count)
    holidays = bank_holidays(calendar)
    expected = [ours(calendar)(received) for received in instants]
    results: dict[str, Any] = {"receipts": count, "business_hours_added": HOURS}
    results["plaint"] = _figures(calendar, ours(calendar), instants, expected)
    for name, build in (("pandas", with_pandas), ("businesstime", with_businesstime)):
        module = _optional(name)
        results[name] = (
            f"skipped: {name} is not installed (pip install -e '.[bench]')"
            if module is None
            else _figures(calendar, build(module, holidays), instants, expected)
        )
    return results

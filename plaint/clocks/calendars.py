"""Business calendars: when the organisation counts time, and deadline arithmetic over it.

Arithmetic works on whole days and working-hour intervals (never minute by minute) and
measures elapsed time in UTC, so a day that gains or loses an hour to DST is counted as it
was lived. Business days are looked up in a sorted table per year, so counting N business
days is a bisection, not a walk. Holidays come from the `holidays` package plus the
policy's own declared days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import holidays as holiday_tables

from plaint.policy.document import CalendarPolicy
from plaint.vocabulary.errors import PlaintError
from plaint.vocabulary.terms import Duration, DurationUnit

_MAX_EMPTY_YEARS = 10  # a calendar with no business day in ten years is a policy error

P = ParamSpec("P")
R = TypeVar("R")


class CalendarError(PlaintError, ValueError):
    """A deadline the calendar cannot count: it falls beyond the dates Python represents
    (years 1 to 9999, in the calendar's zone and in UTC), or no business day comes for
    years. Every calendar method raises this or answers; never OverflowError."""


def _total(method: Callable[P, R]) -> Callable[P, R]:
    """Date arithmetic past year 1 or 9999 raises OverflowError or ValueError deep inside
    datetime; the calendar's callers get one typed error instead."""

    @wraps(method)
    def counted(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except CalendarError:
            raise
        except (OverflowError, ValueError) as exc:
            raise CalendarError(f"{method.__name__}: beyond the calendar's range: {exc}") from exc

    return counted


@lru_cache(maxsize=64)
def _published_holidays(country: str, subdivision: str | None) -> holiday_tables.HolidayBase:
    return holiday_tables.country_holidays(country, subdiv=subdivision)


@dataclass(frozen=True)
class _DayRules:
    """What decides whether a date is a business day; hashable, so year tables are shared
    by every calendar built from the same policy (one is built per request)."""

    weekend: frozenset[int]
    extra_off: frozenset[date]
    extra_on: frozenset[date]
    country: str | None
    subdivision: str | None

    @classmethod
    def of(cls, policy: CalendarPolicy) -> _DayRules:
        return cls(
            weekend=frozenset(day.number for day in policy.weekend),
            extra_off=frozenset(policy.extra_holidays),
            extra_on=frozenset(policy.extra_working_days),
            country=policy.holidays_country,
            subdivision=policy.holidays_subdivision if policy.holidays_country else None,
        )

    def is_business_day(self, day: date) -> bool:
        if day in self.extra_on:
            return True
        if day in self.extra_off:
            return False
        if self.country is not None:
            published = _published_holidays(self.country, self.subdivision)
            if day in published:  # also loads the year, and with it its working weekends
                return False
            if day in published.weekend_workdays:
                return True  # a weekend day the government made a working day
        return day.weekday() not in self.weekend


@dataclass(frozen=True)
class _Year:
    days: tuple[date, ...]  # the year's business days, in order
    members: frozenset[date]


@lru_cache(maxsize=512)
def _business_year(rules: _DayRules, year: int) -> _Year:
    first = date(year, 1, 1)
    every_day = (first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days))
    days = tuple(day for day in every_day if rules.is_business_day(day))
    return _Year(days, frozenset(days))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


class BusinessCalendar:
    def __init__(self, policy: CalendarPolicy) -> None:
        self.policy = policy
        self.zone = ZoneInfo(policy.timezone)
        self._rules = _DayRules.of(policy)
        self._half_days = {half.date: half.closes for half in policy.half_days}
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = _business_year(self._rules, year)
        return table

    @_total
    def is_business_day(self, day: date) -> bool:
        return day in self._year(day.year).members

    @_total
    def opening(self, day: date) -> datetime:
        return self._at(day, self.policy.working_hours.opens)

    @_total
    def closing(self, day: date) -> datetime:
        return self._at(day, self._half_days.get(day, self.policy.working_hours.closes))

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC)

    @_total
    def next_business_day(self, day: date, count: int = 1) -> date:
        """The `count`-th business day after `day` (which need not be a business day)."""
        year = day.year
        days = self._year(year).days
        index = bisect_right(days, day) + count - 1
        empty_years = 0
        while index >= len(days):
            index -= len(days)
            empty_years = 0 if days else empty_years + 1
            if empty_years >= _MAX_EMPTY_YEARS:
                break
            year += 1
            days = self._year(year).days
        else:
            return days[index]
        raise CalendarError(f"calendar {self.policy.id!r} has no business day after {day}")

    @_total
    def previous_business_day(self, day: date) -> date:
        """The last business day before `day`."""
        for year in range(day.year, day.year - _MAX_EMPTY_YEARS, -1):
            days = self._year(year).days
            index = bisect_left(days, day) - 1
            if index >= 0:
                return days[index]
        raise CalendarError(f"calendar {self.policy.id!r} has no business day before {day}")

    @_total
    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    @_total
    def deemed_start(self, instant: datetime) -> datetime:
        """The first business instant at or after `instant`: a complaint received after close
        or on a day off counts from the next opening."""
        day = self.local_date(instant)
        if self.is_business_day(day):
            if instant < self.opening(day):
                return self.opening(day)
            if instant < self.closing(day):
                return instant.astimezone(UTC)
        return self.opening(self.next_business_day(day))

    def _last_business_instant(self, instant: datetime) -> datetime:
        """The latest business instant at or before `instant`; an opening is the same point
        of business time as the previous close, and subtraction ends at the close."""
        day = self.local_date(instant)
        if self.is_business_day(day):
            if instant > self.closing(day):
                return self.closing(day)
            if instant > self.opening(day):
                return instant.astimezone(UTC)
        return self.closing(self.previous_business_day(day))

    @_total
    def counting_start(self, received: datetime) -> datetime:
        """Where the clock starts for calendar units (and business days count from)."""
        if self.policy.deemed_receipt:
            return self.deemed_start(received)
        return received.astimezone(UTC)

    @_total
    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline `duration` after a receipt at `start`, in UTC."""
        amount = duration.amount
        if duration.unit is DurationUnit.BUSINESS_HOURS:
            # Business time only runs in working hours, so deemed receipt changes nothing.
            return self._add_business_time(self.deemed_start(start), timedelta(hours=amount))
        origin = self.counting_start(start)
        match duration.unit:
            case DurationUnit.HOURS:
                return origin + timedelta(hours=amount)
            case DurationUnit.CALENDAR_DAYS:
                return self._end_of_day(self.local_date(origin) + timedelta(days=amount))
            case DurationUnit.WEEKS:
                return self._end_of_day(self.local_date(origin) + timedelta(weeks=amount))
            case DurationUnit.MONTHS | DurationUnit.YEARS:
                months = amount * (12 if duration.unit is DurationUnit.YEARS else 1)
                return self._end_of_day(add_months(self.local_date(origin), months))
            case DurationUnit.BUSINESS_DAYS:
                # The n-th business day *following* the day counting starts on.
                return self.closing(self.next_business_day(self.local_date(origin), amount))
        raise AssertionError(duration.unit)  # pragma: no cover - enum is exhaustive

    @_total
    def subtract(self, end: datetime, duration: Duration) -> datetime:
        """The earliest business instant from which `duration` of business time ends at
        `end`: the inverse of `add` over business hours."""
        if duration.unit is not DurationUnit.BUSINESS_HOURS:
            raise ValueError(f"subtract supports business_hours only, not {duration.unit}")
        return self._subtract_business_time(
            self._last_business_instant(end), timedelta(hours=duration.amount)
        )

    @_total
    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants: partial first and last days plus whole
        business days in between, counted from the year tables (no walk)."""
        first = self.deemed_start(start)
        last = self._last_business_instant(end)
        if last <= first:
            return timedelta(0)
        first_day, last_day = self.local_date(first), self.local_date(last)
        if first_day == last_day:
            return last - first
        partial = (self.closing(first_day) - first) + (last - self.opening(last_day))
        return partial + self._whole_days_between(first_day, last_day)

    def _whole_days_between(self, first: date, last: date) -> timedelta:
        """Working time of the business days strictly between `first` and `last`."""
        count = 0
        for year in range(first.year, last.year + 1):
            days = self._year(year).days
            low = bisect_right(days, first) if year == first.year else 0
            high = bisect_left(days, last) if year == last.year else len(days)
            count += max(high - low, 0)
        hours = self.policy.working_hours
        standard = datetime.combine(first, hours.closes) - datetime.combine(first, hours.opens)
        short = sum(
            (datetime.combine(day, hours.closes) - datetime.combine(day, closes)
             for day, closes in self._half_days.items()
             if first < day < last and self.is_business_day(day)),
            timedelta(0),
        )  # fmt: skip
        return standard * count - short

    @_total
    def advance(self, start: datetime, elapsed: timedelta, *, business: bool) -> datetime:
        """`elapsed` later than `start`, in business time or on the wall clock."""
        if business:
            return self._add_business_time(self.deemed_start(start), elapsed)
        return start + elapsed

    @_total
    def elapsed(self, start: datetime, end: datetime, *, business: bool) -> timedelta:
        """How much time counts between two instants, in business time or wall time."""
        if business:
            return self.business_time_between(start, end)
        return max(end - start, timedelta(0))

    @_total
    def end_of_day_after(self, at: datetime, duration: Duration) -> datetime:
        """The end of the local day `duration` (calendar days, weeks, months or years)
        after the day of `at`: counting starts on the day itself, whatever the hour or
        whether it is a business day, as periods of record keeping are counted."""
        day = self.local_date(at)
        match duration.unit:
            case DurationUnit.CALENDAR_DAYS:
                return self._end_of_day(day + timedelta(days=duration.amount))
            case DurationUnit.WEEKS:
                return self._end_of_day(day + timedelta(weeks=duration.amount))
            case DurationUnit.MONTHS:
                return self._end_of_day(add_months(day, duration.amount))
            case DurationUnit.YEARS:
                return self._end_of_day(add_months(day, 12 * duration.amount))
        raise ValueError(f"{duration.unit} is not a calendar period")

    def _end_of_day(self, day: date) -> datetime:
        """The last microsecond of local `day`, in UTC."""
        return self._at(day + timedelta(days=1), time(0)) - timedelta(microseconds=1)

    def _add_business_time(self, cursor: datetime, remaining: timedelta) -> datetime:
        """`cursor` is a business instant; spend `remaining` one working interval at a time."""
        day = self.local_date(cursor)
        while True:
            available = self.closing(day) - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            day = self.next_business_day(day)
            cursor = self.opening(day)

    def _subtract_business_time(self, cursor: datetime, remaining: timedelta) -> datetime:
        """Mirror of `_add_business_time`, walking working intervals backwards."""
        day = self.local_date(cursor)
        while True:
            available = cursor - self.opening(day)
            if remaining <= available:
                return cursor - remaining
            remaining -= available
            day = self.previous_business_day(day)
            cursor = self.closing(day)

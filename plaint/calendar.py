"""Business calendars: when the organisation counts time, and deadline arithmetic over it.

Arithmetic walks whole business days as intervals (never minute by minute) and measures
elapsed time in UTC, so a day that gains or loses an hour to DST is counted as it was lived.
Holidays come from the `holidays` package plus the policy's own declared days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_tables

from plaint.policy import CalendarPolicy, Duration, DurationUnit

_MAX_DAYS_SEARCHED = 3660  # a calendar with no business day in ten years is a policy error


@lru_cache(maxsize=64)
def _published_holidays(country: str, subdivision: str | None) -> holiday_tables.HolidayBase:
    return holiday_tables.country_holidays(country, subdiv=subdivision)


class BusinessCalendar:
    def __init__(self, policy: CalendarPolicy) -> None:
        self.policy = policy
        self.zone = ZoneInfo(policy.timezone)
        self._weekend = frozenset(day.number for day in policy.weekend)
        self._extra_off = frozenset(policy.extra_holidays)
        self._extra_on = frozenset(policy.extra_working_days)
        self._published = (
            _published_holidays(policy.holidays_country, policy.holidays_subdivision)
            if policy.holidays_country
            else None
        )

    def is_business_day(self, day: date) -> bool:
        if day in self._extra_on:
            return True
        if day in self._extra_off or day.weekday() in self._weekend:
            return False
        return self._published is None or day not in self._published

    def opening(self, day: date) -> datetime:
        return self._at(day, self.policy.working_hours.opens)

    def closing(self, day: date) -> datetime:
        return self._at(day, self.policy.working_hours.closes)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC)

    def next_business_day(self, day: date) -> date:
        for offset in range(1, _MAX_DAYS_SEARCHED):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError(f"calendar {self.policy.id!r} has no business day after {day}")

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

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

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline `duration` after `start`, in UTC."""
        match duration.unit:
            case DurationUnit.HOURS:
                return start.astimezone(UTC) + timedelta(hours=duration.amount)
            case DurationUnit.CALENDAR_DAYS:
                return self._end_of_calendar_day(start, duration.amount)
            case DurationUnit.BUSINESS_DAYS:
                return self._close_of_business_day(start, duration.amount)
            case DurationUnit.BUSINESS_HOURS:
                return self._add_business_time(start, timedelta(hours=duration.amount))
        raise AssertionError(duration.unit)  # pragma: no cover - enum is exhaustive

    def _end_of_calendar_day(self, start: datetime, days: int) -> datetime:
        last_day = self.local_date(start) + timedelta(days=days)
        return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(
            UTC
        ) - timedelta(microseconds=1)

    def _close_of_business_day(self, start: datetime, days: int) -> datetime:
        """Close of the `days`-th business day following the day of (deemed) receipt."""
        day = self.local_date(self.deemed_start(start))
        for _ in range(days):
            day = self.next_business_day(day)
        return self.closing(day)

    def _add_business_time(self, start: datetime, remaining: timedelta) -> datetime:
        cursor = self.deemed_start(start)
        day = self.local_date(cursor)
        while True:
            available = self.closing(day) - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            day = self.next_business_day(day)
            cursor = self.opening(day)

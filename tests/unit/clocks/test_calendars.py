"""Deadline arithmetic on business calendars, with dates checked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.clocks.calendars import BusinessCalendar
from plaint.policy.document import CalendarPolicy, Weekday, WorkingHours
from plaint.vocabulary.terms import Duration, DurationUnit

LONDON = ZoneInfo("Europe/London")
BAKU = ZoneInfo("Asia/Baku")
RIYADH = ZoneInfo("Asia/Riyadh")


def calendar(**overrides: object) -> BusinessCalendar:
    fields: dict[str, object] = {
        "id": "office",
        "timezone": "Europe/London",
        "working_hours": WorkingHours(opens=time(9), closes=time(17)),
        "holidays_country": "GB",
        "holidays_subdivision": "ENG",
    }
    return BusinessCalendar(CalendarPolicy.model_validate(fields | overrides))


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args).replace(tzinfo=zone)  # type: ignore[arg-type]


def business_days(n: int) -> Duration:
    return Duration(amount=n, unit=DurationUnit.BUSINESS_DAYS)


def business_hours(n: int) -> Duration:
    return Duration(amount=n, unit=DurationUnit.BUSINESS_HOURS)


def test_business_day_deadline_skips_weekend() -> None:
    # Friday 2025-03-07 10:00 + 1 business day -> close of Monday 2025-03-10.
    due = calendar().add(local(LONDON, 2025, 3, 7, 10), business_days(1))
    assert due == local(LONDON, 2025, 3, 10, 17)


def test_receipt_after_close_counts_from_next_business_day() -> None:
    # Thursday 18:30 is after close: deemed received Friday; +1 business day -> Monday close.
    due = calendar().add(local(LONDON, 2025, 3, 6, 18, 30), business_days(1))
    assert due == local(LONDON, 2025, 3, 10, 17)


def test_english_bank_holiday_is_not_a_business_day() -> None:
    # Thursday 2025-04-17 + 1 business day: Good Friday (18th) and Easter Monday (21st)
    # are English bank holidays, so the deadline is close of Tuesday 22nd.
    due = calendar().add(local(LONDON, 2025, 4, 17, 11), business_days(1))
    assert due == local(LONDON, 2025, 4, 22, 17)


def test_scotland_and_england_differ() -> None:
    # Received on New Year's Day (a holiday in both). England: deemed received Thursday 2nd,
    # due close of Friday 3rd. Scotland also rests on the 2nd: deemed Friday 3rd, due Monday 6th.
    received = local(LONDON, 2025, 1, 1, 12)
    england = calendar().add(received, business_days(1))
    scotland = calendar(holidays_subdivision="SCT").add(received, business_days(1))
    assert england == local(LONDON, 2025, 1, 3, 17)
    assert scotland == local(LONDON, 2025, 1, 6, 17)


def test_business_hours_carry_over_night_and_weekend() -> None:
    # Friday 15:00 + 4 business hours: 2 h on Friday, 2 h on Monday -> Monday 11:00.
    due = calendar().add(local(LONDON, 2025, 3, 7, 15), business_hours(4))
    assert due == local(LONDON, 2025, 3, 10, 11)


def test_business_hours_across_dst_change_count_lived_hours() -> None:
    # Clocks go forward on Sunday 2025-03-30 (a weekend day here); Friday 16:00 + 2 business
    # hours -> Monday 10:00 local, which is 09:00 UTC after the change (was 08:00 before).
    due = calendar().add(local(LONDON, 2025, 3, 28, 16), business_hours(2))
    assert due == local(LONDON, 2025, 3, 31, 10)
    assert due.astimezone(UTC).hour == 9


def test_friday_saturday_weekend_in_riyadh() -> None:
    riyadh = calendar(
        timezone="Asia/Riyadh",
        weekend=[Weekday.FRIDAY, Weekday.SATURDAY],
        holidays_country=None,
        holidays_subdivision=None,
    )
    # Thursday 2025-03-06 12:00 + 1 business day -> Sunday 2025-03-09 close.
    due = riyadh.add(local(RIYADH, 2025, 3, 6, 12), business_days(1))
    assert due == local(RIYADH, 2025, 3, 9, 17)


def test_azerbaijan_holidays_and_transferred_working_day() -> None:
    baku = calendar(
        timezone="Asia/Baku",
        holidays_country="AZ",
        holidays_subdivision=None,
        extra_holidays=[date(2025, 3, 3)],
        extra_working_days=[date(2025, 3, 8)],
    )
    # Friday 2025-02-28 after close; Monday 3 March declared off; Saturday 8 March declared a
    # working day is not reached. Deemed receipt Tuesday 4th; +1 business day -> Wednesday.
    due = baku.add(local(BAKU, 2025, 2, 28, 19), business_days(1))
    assert due == local(BAKU, 2025, 3, 5, 17)
    assert baku.is_business_day(date(2025, 3, 8))
    # Novruz (20-24 March 2025) is an Azerbaijani public holiday.
    assert not baku.is_business_day(date(2025, 3, 21))


def test_calendar_days_end_at_local_midnight() -> None:
    # Friday 2025-01-31 23:30 counted from the receipt itself: +1 day ends Saturday 1 Feb.
    due = calendar(deemed_receipt=False).add(
        local(LONDON, 2025, 1, 31, 23, 30), Duration(amount=1, unit=DurationUnit.CALENDAR_DAYS)
    )
    assert due == local(LONDON, 2025, 2, 1, 23, 59, 59, 999999)


def test_calendar_days_count_from_deemed_receipt_by_default() -> None:
    # Same receipt, deemed received Monday 3 Feb 09:00: +1 day ends Tuesday 4 Feb.
    due = calendar().add(
        local(LONDON, 2025, 1, 31, 23, 30), Duration(amount=1, unit=DurationUnit.CALENDAR_DAYS)
    )
    assert due == local(LONDON, 2025, 2, 4, 23, 59, 59, 999999)


@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Baku", "Asia/Tehran"])
def test_deemed_start_is_inside_business_time(zone: str) -> None:
    cal = calendar(timezone=zone, holidays_country=None, holidays_subdivision=None)
    start = cal.deemed_start(datetime(2025, 6, 14, 3, tzinfo=UTC))  # a Saturday
    local_start = start.astimezone(ZoneInfo(zone))
    assert local_start.time() == time(9)
    assert local_start.date() == date(2025, 6, 16)


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(
    first=instants,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    hours=st.integers(min_value=1, max_value=80),
)
def test_a_later_receipt_never_gets_an_earlier_deadline(
    first: datetime, gap: timedelta, hours: int
) -> None:
    cal = calendar()
    assert cal.add(first + gap, business_hours(hours)) >= cal.add(first, business_hours(hours))


@settings(max_examples=200, deadline=None)
@given(start=instants, hours=st.integers(min_value=1, max_value=80))
def test_business_hour_deadline_falls_inside_business_time(start: datetime, hours: int) -> None:
    cal = calendar()
    due = cal.add(start, business_hours(hours))
    day = cal.local_date(due)
    assert cal.is_business_day(day)
    assert cal.opening(day) < due <= cal.closing(day)

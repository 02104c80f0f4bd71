"""Deemed receipt, half days, weeks and months, and subtraction, with dates checked by hand.

Reference weekdays used below: 2025-01-01 is a Wednesday, 2025-03-03 a Monday,
2025-11-01 a Saturday, 2025-12-01 a Monday, 2023-01-31 a Tuesday.
"""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time

import pytest
from pydantic import ValidationError

from plaint.clocks.calendars import BusinessCalendar
from plaint.policy.document import HalfDay
from plaint.vocabulary.terms import Duration, DurationUnit
from tests.unit.clocks.test_calendars import LONDON, business_days, business_hours, calendar, local

END_OF_DAY = (23, 59, 59, 999999)


def weeks(n: int) -> Duration:
    return Duration(amount=n, unit=DurationUnit.WEEKS)


def months(n: int) -> Duration:
    return Duration(amount=n, unit=DurationUnit.MONTHS)


def hours(n: int) -> Duration:
    return Duration(amount=n, unit=DurationUnit.HOURS)


def christmas(closes: time = time(12, 30)) -> BusinessCalendar:
    return calendar(half_days=[HalfDay(date=date(2025, 12, 24), closes=closes)])


# Deemed receipt


def test_business_days_without_deemed_receipt_count_from_the_receipt_date() -> None:
    # Saturday 2025-03-08: the first business day following the 8th is Monday 10th.
    # Deemed receipt would move receipt to Monday 10th and make it Tuesday 11th.
    saturday = local(LONDON, 2025, 3, 8, 11)
    assert calendar(deemed_receipt=False).add(saturday, business_days(1)) == local(
        LONDON, 2025, 3, 10, 17
    )
    assert calendar().add(saturday, business_days(1)) == local(LONDON, 2025, 3, 11, 17)


def test_after_close_without_deemed_receipt_the_next_day_is_the_first() -> None:
    # Thursday 2025-03-06 18:30: Friday 7th is the following business day (deemed: Monday).
    thursday_evening = local(LONDON, 2025, 3, 6, 18, 30)
    assert calendar(deemed_receipt=False).add(thursday_evening, business_days(1)) == local(
        LONDON, 2025, 3, 7, 17
    )


def test_hours_count_from_deemed_receipt_unless_disabled() -> None:
    # Saturday 2025-03-08 12:00 + 24 h: deemed Monday 10th 09:00 -> Tuesday 11th 09:00;
    # from the receipt itself -> Sunday 9th 12:00.
    saturday = local(LONDON, 2025, 3, 8, 12)
    assert calendar().add(saturday, hours(24)) == local(LONDON, 2025, 3, 11, 9)
    assert calendar(deemed_receipt=False).add(saturday, hours(24)) == local(LONDON, 2025, 3, 9, 12)


def test_business_hours_ignore_deemed_receipt() -> None:
    # Business time only runs in working hours: Saturday + 2 business hours is Monday 11:00.
    saturday = local(LONDON, 2025, 3, 8, 12)
    for cal in (calendar(), calendar(deemed_receipt=False)):
        assert cal.add(saturday, business_hours(2)) == local(LONDON, 2025, 3, 10, 11)


# Weeks and months


def test_fca_eight_weeks_from_deemed_receipt() -> None:
    # Saturday 2025-03-08 14:00, deemed Monday 10 March. 56 days later: 21 days to 31 March,
    # 30 to 30 April, 5 to 5 May -> end of Monday 5 May 2025 (BST, after the March change).
    received = local(LONDON, 2025, 3, 8, 14)
    assert calendar().add(received, weeks(8)) == local(LONDON, 2025, 5, 5, *END_OF_DAY)
    # Counted from the Saturday itself: end of Saturday 3 May.
    assert calendar(deemed_receipt=False).add(received, weeks(8)) == local(
        LONDON, 2025, 5, 3, *END_OF_DAY
    )


def test_month_end_is_clamped() -> None:
    # Friday 2025-01-31 10:00 + 1 month: no 31 February -> end of Friday 28 February 2025.
    assert calendar().add(local(LONDON, 2025, 1, 31, 10), months(1)) == local(
        LONDON, 2025, 2, 28, *END_OF_DAY
    )
    # Tuesday 2023-01-31 10:00 + 13 months: February 2024 is a leap month -> 29 February.
    assert calendar().add(local(LONDON, 2023, 1, 31, 10), months(13)) == local(
        LONDON, 2024, 2, 29, *END_OF_DAY
    )


def test_months_cross_the_year_from_deemed_receipt() -> None:
    # Saturday 2025-11-15, deemed Monday 17 November; + 3 months -> end of 17 February 2026.
    assert calendar().add(local(LONDON, 2025, 11, 15, 10), months(3)) == local(
        LONDON, 2026, 2, 17, *END_OF_DAY
    )


# Half days


def test_half_day_ends_business_hours_early() -> None:
    # Wednesday 24 Dec 2025 closes 12:30. 11:00 + 4 business hours: 1.5 h on the 24th;
    # 25th and 26th are bank holidays, 27th-28th the weekend; 2.5 h on Monday 29th -> 11:30.
    due = christmas().add(local(LONDON, 2025, 12, 24, 11), business_hours(4))
    assert due == local(LONDON, 2025, 12, 29, 11, 30)


def test_business_day_deadline_on_a_half_day_is_its_early_close() -> None:
    # Tuesday 23 Dec 2025 + 1 business day -> close of Wednesday 24th, at 12:30.
    due = christmas().add(local(LONDON, 2025, 12, 23, 10), business_days(1))
    assert due == local(LONDON, 2025, 12, 24, 12, 30)


def test_receipt_after_a_half_day_close_is_deemed_next_opening() -> None:
    # Wednesday 24 Dec 2025 13:00 is after the 12:30 close: deemed Monday 29th 09:00;
    # + 1 business day -> close of Tuesday 30th.
    cal = christmas()
    received = local(LONDON, 2025, 12, 24, 13)
    assert cal.deemed_start(received) == local(LONDON, 2025, 12, 29, 9)
    assert cal.add(received, business_days(1)) == local(LONDON, 2025, 12, 30, 17)


@pytest.mark.parametrize("closes", [time(9), time(8), time(17), time(18)])
def test_half_day_must_close_within_working_hours(closes: time) -> None:
    with pytest.raises(ValidationError, match="closes must fall within working hours"):
        christmas(closes)


def test_half_day_declared_twice_is_rejected() -> None:
    half = HalfDay(date=date(2025, 12, 24), closes=time(12))
    with pytest.raises(ValidationError, match="declared twice"):
        calendar(half_days=[half, half])


# Business days across holidays and years


def test_business_days_cross_christmas_and_new_year() -> None:
    # Friday 19 Dec 2025: 22, 23, 24 (1-3), 25-28 off, 29, 30 (4-5), 31 (6),
    # 1 Jan 2026 a bank holiday, Friday 2 Jan (7).
    received = local(LONDON, 2025, 12, 19, 10)
    assert calendar().add(received, business_days(5)) == local(LONDON, 2025, 12, 30, 17)
    assert calendar().add(received, business_days(7)) == local(LONDON, 2026, 1, 2, 17)


def test_psd2_thirty_five_business_days() -> None:
    # Monday 3 March 2025 10:00. Following business days: 4-7 Mar (4), 10-14 (9), 17-21 (14),
    # 24-28 (19), 31 Mar-4 Apr (24), 7-11 (29), 14-17 (33; Good Friday 18th off),
    # Easter Monday 21st off, 22nd (34), 23rd (35) -> close of Wednesday 23 April (BST).
    due = calendar().add(local(LONDON, 2025, 3, 3, 10), business_days(35))
    assert due == local(LONDON, 2025, 4, 23, 17)


def test_thirty_five_business_days_cost_well_under_a_millisecond() -> None:
    cal = calendar()
    received = local(LONDON, 2025, 3, 3, 10)
    cal.add(received, business_days(35))  # builds the year's table once
    runs = 500
    started = clock.perf_counter()
    for _ in range(runs):
        cal.add(received, business_days(35))
    assert (clock.perf_counter() - started) / runs < 0.0005


# Subtraction


def test_subtract_is_the_inverse_over_a_weekend() -> None:
    # Monday 2025-03-10 11:00 - 4 business hours: 2 h on Monday, 2 h on Friday -> Friday 15:00.
    due = calendar().subtract(local(LONDON, 2025, 3, 10, 11), business_hours(4))
    assert due == local(LONDON, 2025, 3, 7, 15)


def test_subtract_across_dst_change_counts_lived_hours() -> None:
    # Monday 2025-03-31 10:00 BST - 2 business hours: 1 h Monday, 1 h Friday 28th -> 16:00 GMT.
    due = calendar().subtract(local(LONDON, 2025, 3, 31, 10), business_hours(2))
    assert due == local(LONDON, 2025, 3, 28, 16)


@pytest.mark.parametrize(
    "end",
    [
        local(LONDON, 2025, 3, 8, 12),  # Saturday: business time stood at Friday's close
        local(LONDON, 2025, 3, 10, 9),  # Monday's opening is the same point as Friday's close
        local(LONDON, 2025, 3, 7, 18),  # Friday after close
    ],
)
def test_subtract_from_outside_business_time_starts_at_the_last_close(end: datetime) -> None:
    # One business hour before Friday 2025-03-07 17:00 is 16:00.
    assert calendar().subtract(end, business_hours(1)) == local(LONDON, 2025, 3, 7, 16)


def test_subtract_over_a_half_day() -> None:
    # Monday 29 Dec 2025 11:30 - 4 business hours: 2.5 h Monday, 1.5 h before the 12:30 close
    # of Wednesday 24th -> 11:00 (mirror of test_half_day_ends_business_hours_early).
    due = christmas().subtract(local(LONDON, 2025, 12, 29, 11, 30), business_hours(4))
    assert due == local(LONDON, 2025, 12, 24, 11)


def test_subtract_only_supports_business_hours() -> None:
    with pytest.raises(ValueError, match="business_hours only"):
        calendar().subtract(local(LONDON, 2025, 3, 10, 11), business_days(1))

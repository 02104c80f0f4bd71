"""Properties of deadline arithmetic over the calendars the regimes use.

Receipts range over 2020-2030 in UTC, so they land on DST changes (Tehran changed clocks at
midnight until 2022), year ends, weekends of every shape and each country's holidays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.clocks.calendars import BusinessCalendar
from plaint.policy.document import CalendarPolicy, HalfDay, Weekday, WorkingHours
from plaint.vocabulary.terms import Duration, DurationUnit


def _calendar(
    timezone: str,
    country: str,
    opens: int,
    closes: int,
    weekend: tuple[Weekday, ...] = (Weekday.SATURDAY, Weekday.SUNDAY),
    **extra: object,
) -> CalendarPolicy:
    fields: dict[str, object] = {
        "id": timezone.lower().replace("/", "-"),
        "timezone": timezone,
        "weekend": weekend,
        "working_hours": WorkingHours(opens=time(opens), closes=time(closes)),
        "holidays_country": country,
    }
    return CalendarPolicy.model_validate(fields | extra)


POLICIES = (
    _calendar(
        "Europe/London",
        "GB",
        9,
        17,
        holidays_subdivision="ENG",
        half_days=[
            HalfDay(date=date(year, 12, 24), closes=time(12, 30)) for year in range(2020, 2031)
        ],
    ),
    _calendar("Asia/Baku", "AZ", 9, 18),
    _calendar("Asia/Riyadh", "SA", 8, 16, weekend=(Weekday.FRIDAY, Weekday.SATURDAY)),
    _calendar("Asia/Tehran", "IR", 8, 16, weekend=(Weekday.FRIDAY,)),
    _calendar("America/New_York", "US", 9, 17),
)
CALENDARS = {
    (policy.id, deemed): BusinessCalendar(policy.model_copy(update={"deemed_receipt": deemed}))
    for policy in POLICIES
    for deemed in (True, False)
}

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
durations = st.builds(
    Duration, amount=st.integers(min_value=1, max_value=60), unit=st.sampled_from(DurationUnit)
)
business_hours = st.builds(
    Duration,
    amount=st.integers(min_value=1, max_value=120),
    unit=st.just(DurationUnit.BUSINESS_HOURS),
)
gaps = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=30)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, first=instants, gap=gaps, duration=durations)
def test_a_later_receipt_never_gets_an_earlier_deadline(
    cal: BusinessCalendar, first: datetime, gap: timedelta, duration: Duration
) -> None:
    assert cal.add(first + gap, duration) >= cal.add(first, duration)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, received=instants, duration=durations)
def test_a_deadline_is_after_the_receipt(
    cal: BusinessCalendar, received: datetime, duration: Duration
) -> None:
    assert cal.add(received, duration) > received


@settings(max_examples=150, deadline=None)
@given(cal=calendars, received=instants, duration=business_hours)
def test_a_business_hours_deadline_falls_inside_business_time(
    cal: BusinessCalendar, received: datetime, duration: Duration
) -> None:
    due = cal.add(received, duration)
    day = cal.local_date(due)
    assert cal.is_business_day(day)
    assert cal.opening(day) < due <= cal.closing(day)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, received=instants, duration=business_hours)
def test_subtracting_what_was_added_returns_to_the_deemed_start(
    cal: BusinessCalendar, received: datetime, duration: Duration
) -> None:
    assert cal.subtract(cal.add(received, duration), duration) == cal.deemed_start(received)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, end=instants, duration=business_hours)
def test_adding_back_what_was_subtracted_reaches_the_last_business_instant(
    cal: BusinessCalendar, end: datetime, duration: Duration
) -> None:
    start = cal.subtract(end, duration)
    assert cal.deemed_start(start) == start
    due = cal.add(start, duration)
    assert due <= end
    # Nothing but time outside business hours lies between the deadline and `end`.
    assert cal.subtract(end, duration) == cal.subtract(due, duration)


business_days = st.builds(
    Duration,
    amount=st.integers(min_value=1, max_value=60),
    unit=st.just(DurationUnit.BUSINESS_DAYS),
)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, received=instants, duration=business_days)
def test_a_business_days_deadline_is_a_close_of_business(
    cal: BusinessCalendar, received: datetime, duration: Duration
) -> None:
    due = cal.add(received, duration)
    day = cal.local_date(due)
    assert cal.is_business_day(day) and due == cal.closing(day)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=instants, gap=gaps)
def test_business_time_between_two_instants_is_what_advancing_spends(
    cal: BusinessCalendar, start: datetime, gap: timedelta
) -> None:
    end = start + gap
    spent = cal.business_time_between(start, end)
    reached = cal.advance(start, spent, business=True)
    assert reached <= max(end, cal.deemed_start(start))
    # Nothing more of business time lies between where advancing stops and `end`.
    assert cal.business_time_between(reached, end) == timedelta(0)

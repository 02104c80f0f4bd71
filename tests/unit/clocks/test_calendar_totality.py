"""Calendar arithmetic is total: every instant Python can represent, in any offset, gets a
deadline or a CalendarError, never an OverflowError, under every calendar and every policy
shipped."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.clocks import timekeeping
from plaint.clocks.acknowledgement import acknowledgement_deadline
from plaint.clocks.calendars import BusinessCalendar, CalendarError
from plaint.policy.document import Policy
from plaint.policy.loading import load_policy
from plaint.vocabulary.terms import Duration, DurationUnit
from tests.factories import DEFAULT_POLICY
from tests.unit.clocks.test_calendar_properties import CALENDARS

POLICY_FILES = sorted(
    set(DEFAULT_POLICY.parent.glob("*.json")) - {DEFAULT_POLICY.parent / "schema.json"}
)
OFFSETS = [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))]

# The whole representable range, with its edges drawn often.
instants = st.one_of(
    st.datetimes(timezones=st.sampled_from(OFFSETS)),
    st.sampled_from([datetime.min, datetime.max]).flatmap(
        lambda edge: st.sampled_from(OFFSETS).map(lambda zone: edge.replace(tzinfo=zone))
    ),
)
durations = st.builds(
    Duration, amount=st.integers(min_value=1, max_value=10_000), unit=st.sampled_from(DurationUnit)
)
calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)


@cache
def policy(path: Path) -> Policy:
    return load_policy(path)


def test_the_edges_of_the_range_raise_the_typed_error() -> None:
    calendar = CALENDARS[("america-new_york", True)]
    end = datetime.max.replace(tzinfo=UTC)
    with pytest.raises(CalendarError, match="beyond the calendar's range"):
        calendar.add(end, Duration(amount=1, unit=DurationUnit.BUSINESS_DAYS))
    with pytest.raises(CalendarError):
        calendar.deemed_start(datetime.min.replace(tzinfo=UTC))


@settings(max_examples=300, deadline=None)
@given(cal=calendars, at=instants, duration=durations)
def test_every_instant_gets_a_deadline_or_a_calendar_error(
    cal: BusinessCalendar, at: datetime, duration: Duration
) -> None:
    try:
        due = cal.add(at, duration)
    except CalendarError:
        return
    assert due.tzinfo is not None
    assert due > at


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=instants, end=instants, duration=durations)
def test_the_other_calendar_questions_are_total(
    cal: BusinessCalendar, start: datetime, end: datetime, duration: Duration
) -> None:
    questions = [
        lambda: cal.business_time_between(start, end),
        lambda: cal.elapsed(start, end, business=True),
        lambda: cal.advance(start, timedelta(hours=duration.amount), business=True),
        lambda: cal.advance(start, timedelta(hours=duration.amount), business=False),
        lambda: cal.subtract(
            end, Duration(amount=duration.amount, unit=DurationUnit.BUSINESS_HOURS)
        ),
    ]
    if not duration.unit.is_business_time and duration.unit is not DurationUnit.HOURS:
        questions.append(lambda: cal.end_of_day_after(start, duration))
    for question in questions:
        with contextlib.suppress(CalendarError):
            question()


@settings(max_examples=120, deadline=None)
@given(path=st.sampled_from(POLICY_FILES), received=instants)
def test_every_policy_opens_its_clocks_or_says_why_not(path: Path, received: datetime) -> None:
    judged = policy(path)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for regime in (None, *(r.id for r in judged.regimes)):
        try:
            timekeeping.open_clocks("zendesk:1", regime, received, judged, now)
            due, _ = acknowledgement_deadline("zendesk:1", received, judged, now)
        except CalendarError:
            continue
        assert due.tzinfo is not None

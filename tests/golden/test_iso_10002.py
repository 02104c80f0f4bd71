"""ISO 10002 pack: the organisation's own deadlines on the Baku calendar, worked out by hand
from Azerbaijan's public holidays, transferred days off and working weekend days, 2017-2027.

Baku office: 09:00-18:00 Asia/Baku (no DST since 2016), Saturday-Sunday weekend. A complaint
received after 18:00 or on a day off counts from the next opening (deemed receipt), for
business and calendar units alike. Business-day deadlines end at 18:00 of the n-th business
day after the day counting starts; calendar-day deadlines at 23:59 local.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from plaint.clocks import deadlines as clockwork
from plaint.clocks.timekeeping import calendars
from plaint.model.complaint import Clock, ClockStatus
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack

ISO = "iso-10002"
ZONE = "Asia/Baku"


def baku(clock: Clock) -> str:
    assert clock.due_at is not None
    return clock.due_at.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("received", "acknowledgement", "thirty_days", "ten_business_days"),
    [
        # Ramazan bayrami and Armed Forces Day, Mon 26 to Wed 28 Jun 2017.
        ("2017-06-23 10:00", "2017-06-29 18:00", "2017-07-23 23:59", "2017-07-12 18:00"),
        # Presidential election day, Wed 11 Apr 2018.
        ("2018-04-10 15:00", "2018-04-12 18:00", "2018-05-10 23:59", "2018-04-25 18:00"),
        # Saturday receipt counts from Monday 09:00; Novruz, 20 to 26 Mar 2019.
        ("2019-03-16 12:00", "2019-03-19 18:00", "2019-04-17 23:59", "2019-04-08 18:00"),
        # Municipal elections (Fri 27 Dec 2019), working Sat 28 and Sun 29 Dec, then days
        # off from 31 Dec to Mon 6 Jan 2020.
        ("2019-12-25 10:00", "2019-12-26 18:00", "2020-01-24 23:59", "2020-01-14 18:00"),
        # After hours on Thu 27 Feb 2020: counts from Fri 28 Feb; leap year; Women's Day
        # observed on Mon 9 Mar.
        ("2020-02-27 18:30", "2020-03-02 18:00", "2020-03-29 23:59", "2020-03-16 18:00"),
        # Sat 8 May 2021 is a working day; Victory Day, transferred days off and Ramazan
        # bayrami from 9 to 14 May; Sun 16 May is a working day too.
        ("2021-05-07 10:00", "2021-05-08 18:00", "2021-06-06 23:59", "2021-05-26 18:00"),
        # After hours on Fri 23 Jun 2023: Sat 24 and Sun 25 Jun are working days, so counting
        # starts Sat 09:00; Armed Forces Day and Gurban bayrami from 26 to 30 Jun.
        ("2023-06-23 19:00", "2023-06-25 18:00", "2023-07-24 23:59", "2023-07-13 18:00"),
        # Novruz 20 to 26 Mar 2024; Sat 6 Apr 2024 is a working day (for Fri 12 Apr).
        ("2024-03-19 17:30", "2024-03-27 18:00", "2024-04-18 23:59", "2024-04-08 18:00"),
        # Sat 28 and Sun 29 Dec 2024 are working days; off from 30 Dec to 5 Jan 2025.
        ("2024-12-27 10:00", "2024-12-28 18:00", "2025-01-26 23:59", "2025-01-15 18:00"),
        # Victory Day and Flag Day (Sat 8, Sun 9 Nov 2025) observed on Mon 10 and Tue 11.
        ("2025-11-06 10:00", "2025-11-07 18:00", "2025-12-06 23:59", "2025-11-24 18:00"),
        # Ramazan bayrami and Novruz together, 20 to 30 Mar 2026.
        ("2026-03-19 10:00", "2026-03-31 18:00", "2026-04-18 23:59", "2026-04-13 18:00"),
        # Solidarity Day, New Year (Fri 1, Sat 2 Jan 2027, observed Mon 4 Jan).
        ("2026-12-30 10:00", "2027-01-05 18:00", "2027-01-29 23:59", "2027-01-18 18:00"),
    ],
)
def test_acknowledgement_response_and_investigation_sla(
    received: str, acknowledgement: str, thirty_days: str, ten_business_days: str
) -> None:
    due = due_local(pack(ISO), "iso-10002", received)
    assert due["acknowledgement"] == acknowledgement
    assert due["final_response"] == thirty_days
    assert due["investigation_sla"] == ten_business_days


@pytest.mark.parametrize(
    ("received", "four_business_hours", "five_days"),
    [
        # Friday 16:00: two hours that day, then Mon 10 and Tue 11 Nov 2025 are days off.
        ("2025-11-07 16:00", "2025-11-12 11:00", "2025-11-12 23:59"),
        # Saturday 28 Dec 2024 is a working day, and so is the Sunday after it.
        ("2024-12-28 17:00", "2024-12-29 12:00", "2025-01-02 23:59"),
        # After hours before Novruz 2025: days off to Mon 31 Mar (Ramazan bayrami); counting
        # starts Tue 1 Apr 09:00 for both clocks.
        ("2025-03-19 20:00", "2025-04-01 13:00", "2025-04-06 23:59"),
    ],
)
def test_priority_complaints(received: str, four_business_hours: str, five_days: str) -> None:
    due = due_local(pack(ISO), "iso-10002-priority", received)
    assert due["acknowledgement"] == four_business_hours
    assert due["final_response"] == five_days


def test_a_holding_response_before_day_thirty_extends_to_sixty() -> None:
    due = due_local(
        pack(ISO),
        "iso-10002",
        "2025-09-01 10:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2025-09-25 12:00"),),
    )
    assert due["final_response"] == "2025-10-31 23:59"


def test_a_holding_response_after_day_thirty_extends_nothing() -> None:
    due = due_local(
        pack(ISO),
        "iso-10002",
        "2025-09-01 10:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2025-10-02 09:00"),),
    )
    assert due["final_response"] == "2025-10-01 23:59"


def _pause_and_resume(received: str, paused: str, resumed: str) -> dict[str, Clock]:
    policy = pack(ISO)
    regime = policy.regime("iso-10002")
    assert regime is not None
    specs = {spec.id: spec for spec in regime.clocks}
    calendar_for = calendars(policy)
    clocks = tuple(clocks_for(policy, "iso-10002", local(received, ZONE)).values())

    def pauses(clock: Clock) -> tuple[str, ...]:
        return specs[clock.clock_id].pause_on_statuses

    clocks, _ = clockwork.follow_status(
        clocks, "pending", local(paused, ZONE), pauses, calendar_for
    )
    statuses = {clock.clock_id: clock.status for clock in clocks}
    assert statuses["investigation_sla"] is ClockStatus.PAUSED
    assert statuses["final_response"] is ClockStatus.RUNNING  # never paused
    clocks, _ = clockwork.follow_status(clocks, "open", local(resumed, ZONE), pauses, calendar_for)
    return {clock.clock_id: clock for clock in clocks}


def test_waiting_on_the_complainant_pauses_the_sla_but_not_the_response() -> None:
    # Due Mon 15 Sep 2025 18:00; paused Wed 3 Sep 12:00 to Fri 5 Sep 12:00: two business days
    # (6 + 9 + 3 working hours) stood still, so Wed 17 Sep 18:00.
    clocks = _pause_and_resume("2025-09-01 10:00", "2025-09-03 12:00", "2025-09-05 12:00")
    assert clocks["investigation_sla"].status is ClockStatus.RUNNING
    assert baku(clocks["investigation_sla"]) == "2025-09-17 18:00"
    assert baku(clocks["final_response"]) == "2025-10-01 23:59"


def test_a_pause_over_days_off_moves_the_sla_by_working_hours_only() -> None:
    # Due Wed 19 Nov 2025 18:00 (10 and 11 Nov are days off). Paused Fri 7 Nov 15:00 to
    # Wed 12 Nov 10:00: 3 + 1 working hours stood still, so Thu 20 Nov 13:00.
    clocks = _pause_and_resume("2025-11-03 10:00", "2025-11-07 15:00", "2025-11-12 10:00")
    assert baku(clocks["investigation_sla"]) == "2025-11-20 13:00"
    assert baku(clocks["final_response"]) == "2025-12-03 23:59"


def test_the_final_response_meets_both_the_commitment_and_the_sla() -> None:
    clocks = clocks_for(
        pack(ISO),
        "iso-10002",
        local("2025-09-01 10:00", ZONE),
        (
            (Milestone.ACKNOWLEDGEMENT, local("2025-09-01 10:01", ZONE)),
            (Milestone.FINAL_RESPONSE, local("2025-09-10 16:00", ZONE)),
        ),
    )
    assert {clock.status for clock in clocks.values()} == {ClockStatus.MET}

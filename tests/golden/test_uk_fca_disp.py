"""UK FCA DISP pack: deadlines worked out by hand from the DISP rules and the bank holidays
of England and Wales (and Scotland where noted), 2017-2027.

Business days follow the FCA Glossary (no weekends, no bank holidays in that part of the
UK); the day of receipt is not counted; business-day deadlines end at close of business
(17:00), week and month deadlines at the end of the day (23:59 local).
"""

from __future__ import annotations

import pytest

from plaint.model.complaint import ClockStatus
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack, with_calendar

UK = "uk-fca-disp"
ZONE = "Europe/London"


@pytest.mark.parametrize(
    ("received", "summary", "eight_weeks"),
    [
        # Fri before Christmas 2017: Mon 25 and Tue 26 Dec are bank holidays.
        ("2017-12-22 10:00", "2017-12-29 17:00", "2018-02-16 23:59"),
        # Saturday receipt the day before the clocks go forward (25 Mar 2018).
        ("2018-03-24 12:00", "2018-03-28 17:00", "2018-05-19 23:59"),
        # Leap year: 1 Feb 2020 + 56 days is 28 Mar.
        ("2020-02-01 08:00", "2020-02-05 17:00", "2020-03-28 23:59"),
        # Platinum Jubilee: Thu 2 and Fri 3 Jun 2022 are bank holidays.
        ("2022-06-01 11:00", "2022-06-08 17:00", "2022-07-27 23:59"),
        # The Queen's funeral, Mon 19 Sep 2022.
        ("2022-09-15 16:59", "2022-09-21 17:00", "2022-11-10 23:59"),
        # After hours on the Friday the clocks go back: receipt is still 25 Oct.
        ("2024-10-25 18:30", "2024-10-30 17:00", "2024-12-20 23:59"),
        # Christmas 2025: 25 and 26 Dec are bank holidays.
        ("2025-12-23 09:15", "2025-12-30 17:00", "2026-02-17 23:59"),
        # New Year's Eve 2025: 1 Jan is a bank holiday.
        ("2025-12-31 12:00", "2026-01-06 17:00", "2026-02-25 23:59"),
        # Eight weeks across the spring clock change.
        ("2026-03-02 10:00", "2026-03-05 17:00", "2026-04-27 23:59"),
    ],
)
def test_summary_resolution_and_eight_weeks(received: str, summary: str, eight_weeks: str) -> None:
    due = due_local(pack(UK), "uk-disp", received)
    assert due["summary_resolution"] == summary
    assert due["final_response"] == eight_weeks


@pytest.mark.parametrize(
    ("received", "fifteen"),
    [
        # Easter 2019 (Good Friday 19, Easter Monday 22 Apr) and early May bank holiday 6 May.
        ("2019-04-15 09:30", "2019-05-09 17:00"),
        # VE Day moved the early May bank holiday to Fri 8 May 2020.
        ("2020-04-30 14:00", "2020-05-22 17:00"),
        # Coronation bank holiday, Mon 8 May 2023.
        ("2023-05-02 16:00", "2023-05-24 17:00"),
        # Christmas 2025 and New Year 2026.
        ("2025-12-23 09:15", "2026-01-16 17:00"),
        # A Saturday before Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr.
        ("2026-03-28 11:00", "2026-04-21 17:00"),
        # Christmas 2026 falls on a Friday: Boxing Day is substituted on Mon 28 Dec.
        ("2026-12-24 10:00", "2027-01-19 17:00"),
    ],
)
def test_payment_services_fifteen_business_days(received: str, fifteen: str) -> None:
    assert due_local(pack(UK), "uk-disp-payments", received)["final_response"] == fifteen


def test_a_holding_response_within_fifteen_days_extends_to_thirty_five() -> None:
    # 35 business days from 2 May 2023, past the late May bank holiday (29 May).
    due = due_local(
        pack(UK),
        "uk-disp-payments",
        "2023-05-02 16:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2023-05-20 10:00"),),
    )
    assert due["final_response"] == "2023-06-22 17:00"


def test_a_holding_response_after_the_fifteen_days_extends_nothing() -> None:
    due = due_local(
        pack(UK),
        "uk-disp-payments",
        "2023-05-02 16:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2023-05-24 17:01"),),
    )
    assert due["final_response"] == "2023-05-24 17:00"


def test_thirty_five_business_days_after_the_autumn_clock_change() -> None:
    due = due_local(
        pack(UK),
        "uk-disp-payments",
        "2025-10-24 19:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2025-11-03 10:00"),),
    )
    assert due["final_response"] == "2025-12-12 17:00"


@pytest.mark.parametrize(
    ("received", "regime", "clock", "expected"),
    [
        # Scotland: 2 Jan is a bank holiday; Easter Monday is not; St Andrew's Day on Mon 1 Dec.
        ("2025-12-31 12:00", "uk-disp", "summary_resolution", "2026-01-07 17:00"),
        ("2025-12-23 09:15", "uk-disp-payments", "final_response", "2026-01-19 17:00"),
        ("2026-03-28 11:00", "uk-disp-payments", "final_response", "2026-04-20 17:00"),
    ],
)
def test_scotland_counts_its_own_bank_holidays(
    received: str, regime: str, clock: str, expected: str
) -> None:
    scotland = with_calendar(pack(UK), "uk-england-wales", holidays_subdivision="SCT")
    assert due_local(scotland, regime, received)[clock] == expected


def test_thirty_five_days_in_scotland_skip_st_andrews_day() -> None:
    scotland = with_calendar(pack(UK), "uk-england-wales", holidays_subdivision="SCT")
    due = due_local(
        scotland,
        "uk-disp-payments",
        "2025-10-24 19:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2025-11-03 10:00"),),
    )
    assert due["final_response"] == "2025-12-15 17:00"


@pytest.mark.parametrize(
    ("final_response", "window_ends"),
    [
        ("2021-06-30 15:00", "2021-12-30 23:59"),
        # 31 Aug + 6 months has no 31 Feb: the window ends on the month's last day.
        ("2021-08-31 15:00", "2022-02-28 23:59"),
        ("2027-08-31 15:00", "2028-02-29 23:59"),
    ],
)
def test_referral_window_is_six_months_from_the_final_response(
    final_response: str, window_ends: str
) -> None:
    due = due_local(
        pack(UK),
        "uk-disp",
        "2021-05-04 10:00",
        milestones=((Milestone.FINAL_RESPONSE, final_response),),
    )
    assert due["referral_window"] == window_ends
    assert "referral_window_after_summary" not in due


def test_summary_resolution_in_time_discharges_the_final_response() -> None:
    clocks = clocks_for(
        pack(UK),
        "uk-disp",
        local("2025-12-23 09:15", ZONE),
        ((Milestone.SUMMARY_RESOLUTION, local("2025-12-29 12:00", ZONE)),),
    )
    assert clocks["summary_resolution"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.DISCHARGED
    after = clocks["referral_window_after_summary"]
    assert after.due_at is not None
    assert (
        after.due_at.astimezone(local("2026-01-01 00:00", ZONE).tzinfo).strftime("%Y-%m-%d %H:%M")
        == "2026-06-29 23:59"
    )


def test_summary_resolution_after_the_window_leaves_the_final_response_owed() -> None:
    clocks = clocks_for(
        pack(UK),
        "uk-disp",
        local("2025-12-23 09:15", ZONE),
        ((Milestone.SUMMARY_RESOLUTION, local("2025-12-31 12:00", ZONE)),),
    )
    assert clocks["summary_resolution"].met_at is not None
    assert clocks["final_response"].status is ClockStatus.RUNNING

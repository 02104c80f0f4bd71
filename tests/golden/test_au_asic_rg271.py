"""ASIC RG 271 pack: deadlines worked out by hand from RG 271 and the NSW public and bank
holidays, for complaints received from 5 October 2021 (when RG 271 began to apply) to 2027.

The day of receipt is not counted; business days (Corporations Act s9) exclude weekends,
NSW public holidays and the NSW Bank Holiday (first Monday in August) and end at close of
business 17:00; calendar-day and month deadlines end at 23:59 Australia/Sydney and do not move
off weekends or holidays.
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from plaint.clocks import deadlines as clockwork
from plaint.clocks.timekeeping import calendars
from plaint.model.complaint import Clock, ClockStatus
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack

AU = "au-asic-rg271"
ZONE = "Australia/Sydney"


def by_id(clocks: tuple[Clock, ...]) -> dict[str, Clock]:
    return {clock.clock_id: clock for clock in clocks}


def sydney(clock: Clock) -> str:
    assert clock.due_at is not None
    return clock.due_at.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("received", "acknowledgement", "five_days", "thirty_days"),
    [
        # Christmas 2021 on a weekend: 27 and 28 Dec are the substitute days, 3 Jan 2022
        # stands in for New Year's Day.
        ("2021-12-24 10:00", "2021-12-29 17:00", "2022-01-05 17:00", "2022-01-23 23:59"),
        # National Day of Mourning for Queen Elizabeth II, Thu 22 Sep 2022; DST starts 2 Oct.
        ("2022-09-21 14:00", "2022-09-23 17:00", "2022-09-29 17:00", "2022-10-21 23:59"),
        # Saturday evening receipt: Monday is business day 1.
        ("2023-01-28 20:00", "2023-01-30 17:00", "2023-02-03 17:00", "2023-02-27 23:59"),
        # Leap day; Good Friday 29 Mar 2024 is after the five days.
        ("2024-02-29 12:00", "2024-03-01 17:00", "2024-03-07 17:00", "2024-03-30 23:59"),
        # King's Birthday, Mon 10 Jun 2024.
        ("2024-06-07 15:00", "2024-06-11 17:00", "2024-06-17 17:00", "2024-07-07 23:59"),
        # NSW Bank Holiday, Mon 4 Aug 2025 (a bank holiday, not a public holiday).
        ("2025-08-01 12:00", "2025-08-05 17:00", "2025-08-11 17:00", "2025-08-31 23:59"),
        # Labour Day, Mon 6 Oct 2025, the day after DST starts.
        ("2025-10-03 15:00", "2025-10-07 17:00", "2025-10-13 17:00", "2025-11-02 23:59"),
        # Christmas and Boxing Day 2025; thirty days end on a Saturday, with no roll-forward.
        ("2025-12-18 10:00", "2025-12-19 17:00", "2025-12-29 17:00", "2026-01-17 23:59"),
        # Australia Day, Mon 26 Jan 2026.
        ("2026-01-23 16:30", "2026-01-27 17:00", "2026-02-02 17:00", "2026-02-22 23:59"),
        # Thirty days end on Easter Sunday 2026, the day DST ends.
        ("2026-03-06 11:00", "2026-03-09 17:00", "2026-03-13 17:00", "2026-04-05 23:59"),
        # Receipt on Good Friday 2026: Easter Monday is a holiday too.
        ("2026-04-03 10:00", "2026-04-07 17:00", "2026-04-13 17:00", "2026-05-03 23:59"),
        # Christmas 2027 on a weekend: 27 and 28 Dec are the substitute days.
        ("2027-12-22 10:00", "2027-12-23 17:00", "2027-12-31 17:00", "2028-01-21 23:59"),
    ],
)
def test_standard_complaints(
    received: str, acknowledgement: str, five_days: str, thirty_days: str
) -> None:
    due = due_local(pack(AU), "au-rg271", received)
    assert due["acknowledgement"] == acknowledgement
    assert due["summary_resolution"] == five_days
    assert due["final_response"] == thirty_days
    assert due["response_or_delay_notification"] == thirty_days


def test_thirty_days_ending_after_dst_are_in_standard_time() -> None:
    # 5 Apr 2026 23:59:59 AEST is 13:59:59 UTC (receipt was in AEDT, UTC+11).
    clocks = clocks_for(pack(AU), "au-rg271", local("2026-03-06 11:00", ZONE))
    due = clocks["final_response"].due_at
    assert due is not None
    assert due.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") == "2026-04-05 13:59:59"


@pytest.mark.parametrize(
    ("regime", "received", "expected"),
    [
        # Superannuation: 45 days end on Easter Sunday 2026 (DST ends).
        ("au-rg271-trustee", "2026-02-19 10:00", "2026-04-05 23:59"),
        # Leap day + 45 days.
        ("au-rg271-trustee", "2024-02-29 12:00", "2024-04-14 23:59"),
        # Default notice received on Good Friday 2026: 21 days.
        ("au-rg271-default-notice", "2026-04-03 10:00", "2026-04-24 23:59"),
        # Hardship: 21 days across the year end.
        ("au-rg271-hardship", "2027-12-22 10:00", "2028-01-12 23:59"),
        # Death benefit objection: 90 days from receipt.
        ("au-rg271-death-benefit", "2025-11-03 09:30", "2026-02-01 23:59"),
    ],
)
def test_other_timeframes(regime: str, received: str, expected: str) -> None:
    due = due_local(pack(AU), regime, received)
    assert due["final_response"] == expected
    assert "summary_resolution" not in due  # these regimes offer no five-day exit


def test_a_delay_notification_in_time_meets_the_obligation_but_extends_nothing() -> None:
    policy = pack(AU)
    clocks = clocks_for(
        policy,
        "au-rg271",
        local("2025-12-18 10:00", ZONE),
        (
            (Milestone.ACKNOWLEDGEMENT, local("2025-12-18 10:01", ZONE)),
            (Milestone.HOLDING_RESPONSE, local("2026-01-15 16:00", ZONE)),
        ),
    )
    assert clocks["response_or_delay_notification"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.RUNNING
    assert not clocks["final_response"].extended
    assert sydney(clocks["final_response"]) == "2026-01-17 23:59"
    # When the thirty days end the timeframe lapses (the complainant may now go to AFCA)
    # and nothing is breached.
    swept, changes = clockwork.due(tuple(clocks.values()), local("2026-01-18 00:00", ZONE))
    assert by_id(swept)["final_response"].status is ClockStatus.LAPSED
    assert by_id(swept)["response_or_delay_notification"].status is ClockStatus.MET
    assert "breached" not in [change.kind for change in changes]
    # The late IDR response is recorded against the timeframe and starts AFCA's two years.
    answered, _ = clockwork.reach(
        swept, Milestone.FINAL_RESPONSE, local("2026-02-10 11:00", ZONE), calendars(policy)
    )
    assert by_id(answered)["final_response"].met_at is not None
    assert sydney(by_id(answered)["referral_window"]) == "2028-02-10 23:59"


def test_neither_response_nor_delay_notification_is_a_breach() -> None:
    clocks = clocks_for(
        pack(AU),
        "au-rg271",
        local("2025-12-18 10:00", ZONE),
        ((Milestone.ACKNOWLEDGEMENT, local("2025-12-18 10:01", ZONE)),),
    )
    swept, changes = clockwork.due(tuple(clocks.values()), local("2026-01-18 00:00", ZONE))
    assert by_id(swept)["response_or_delay_notification"].status is ClockStatus.BREACHED
    assert by_id(swept)["final_response"].status is ClockStatus.LAPSED
    breached = [change.clock.clock_id for change in changes if change.kind == "breached"]
    assert breached == ["response_or_delay_notification"]


def test_a_delay_notification_after_the_timeframe_does_not_undo_the_breach() -> None:
    policy = pack(AU)
    clocks = clocks_for(policy, "au-rg271", local("2025-12-18 10:00", ZONE))
    swept, _ = clockwork.due(tuple(clocks.values()), local("2026-01-18 00:00", ZONE))
    late, _ = clockwork.reach(
        swept, Milestone.HOLDING_RESPONSE, local("2026-01-19 10:00", ZONE), calendars(policy)
    )
    assert by_id(late)["response_or_delay_notification"].status is ClockStatus.BREACHED


def test_resolution_within_five_business_days_discharges_the_idr_response() -> None:
    # Fifth business day after Thu 18 Dec 2025: Mon 29 Dec (Christmas, Boxing Day).
    clocks = clocks_for(
        pack(AU),
        "au-rg271",
        local("2025-12-18 10:00", ZONE),
        ((Milestone.SUMMARY_RESOLUTION, local("2025-12-29 16:59", ZONE)),),
    )
    assert clocks["summary_resolution"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.DISCHARGED
    assert clocks["response_or_delay_notification"].status is ClockStatus.DISCHARGED
    assert clocks["referral_window"].status is ClockStatus.WAITING


def test_resolution_after_the_fifth_business_day_leaves_the_idr_response_owed() -> None:
    clocks = clocks_for(
        pack(AU),
        "au-rg271",
        local("2025-12-18 10:00", ZONE),
        ((Milestone.SUMMARY_RESOLUTION, local("2025-12-29 17:01", ZONE)),),
    )
    assert clocks["final_response"].status is ClockStatus.RUNNING
    assert clocks["response_or_delay_notification"].status is ClockStatus.RUNNING


def test_complaints_needing_a_written_response_have_no_five_day_exit() -> None:
    due = due_local(pack(AU), "au-rg271-written", "2025-12-18 10:00")
    assert "summary_resolution" not in due
    assert due["final_response"] == "2026-01-17 23:59"


@pytest.mark.parametrize(
    ("idr_response", "window_ends"),
    [
        # Two years from a leap day end on 28 Feb.
        ("2024-02-29 10:00", "2026-02-28 23:59"),
        ("2023-08-31 16:00", "2025-08-31 23:59"),
        ("2025-12-31 22:30", "2027-12-31 23:59"),
    ],
)
def test_afca_two_years_from_the_idr_response(idr_response: str, window_ends: str) -> None:
    due = due_local(
        pack(AU),
        "au-rg271",
        "2023-08-01 10:00",
        milestones=((Milestone.FINAL_RESPONSE, idr_response),),
    )
    assert due["referral_window"] == window_ends


def test_default_notice_enforcement_hold_after_the_idr_response() -> None:
    # Fourteen days after an IDR response on Mon 20 Apr 2026.
    due = due_local(
        pack(AU),
        "au-rg271-default-notice",
        "2026-04-03 10:00",
        milestones=((Milestone.FINAL_RESPONSE, "2026-04-20 15:00"),),
    )
    assert due["enforcement_hold"] == "2026-05-04 23:59"
    assert due["referral_window"] == "2028-04-20 23:59"


def test_death_benefit_decision_gives_twenty_eight_days_to_go_to_afca() -> None:
    due = due_local(
        pack(AU),
        "au-rg271-death-benefit",
        "2025-11-03 09:30",
        milestones=((Milestone.FINAL_RESPONSE, "2026-01-20 12:00"),),
    )
    assert due["referral_window"] == "2026-02-17 23:59"

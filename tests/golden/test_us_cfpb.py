"""US CFPB pack: deadlines worked out by hand, 2018-2027.

CFPB portal complaints: 15 and 60 calendar days from the date the CFPB sent the complaint to
the company, no roll-forward, ending 23:59 America/New_York. The dates below are real rows of
the CFPB Consumer Complaint Database (US public domain; Complaint ID in each comment), with
"Date sent to company" + 15 and + 60 days counted by hand. Regulation E business days are
Monday to Friday except US federal holidays (as observed), ending at close of business 17:00;
the day the notice was received is not counted.
"""

from __future__ import annotations

from datetime import UTC

import pytest

from plaint.clocks import deadlines as clockwork
from plaint.model.complaint import ClockStatus
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack

US = "us-cfpb"
ZONE = "America/New_York"


@pytest.mark.parametrize(
    ("sent", "fifteen", "sixty"),
    [
        # 3417821: crosses the end of DST (3 Nov 2019); due on a Saturday.
        ("2019-10-25 10:00", "2019-11-09 23:59", "2019-12-24 23:59"),
        # 3558134: sent on a Saturday, the day before DST starts (8 Mar 2020); In progress.
        ("2020-03-07 10:00", "2020-03-22 23:59", "2020-05-06 23:59"),
        # 3546226: crosses the leap day and the start of DST.
        ("2020-02-26 10:00", "2020-03-12 23:59", "2020-04-26 23:59"),
        # 3531500: fifteen days end on the leap day, 29 Feb 2020.
        ("2020-02-14 10:00", "2020-02-29 23:59", "2020-04-14 23:59"),
        # 3102653: due on New Year's Day 2019; holidays do not move calendar days.
        ("2018-12-17 10:00", "2019-01-01 23:59", "2019-02-15 23:59"),
        # 3477915: across the year end.
        ("2019-12-26 10:00", "2020-01-10 23:59", "2020-02-24 23:59"),
        # 3096980: due on Christmas Day 2018.
        ("2018-12-10 10:00", "2018-12-25 23:59", "2019-02-08 23:59"),
        # 3279597: due on Independence Day 2019.
        ("2019-06-19 10:00", "2019-07-04 23:59", "2019-08-18 23:59"),
        # 3436677: due on Thanksgiving 2019; sixty days cross the year end.
        ("2019-11-13 10:00", "2019-11-28 23:59", "2020-01-12 23:59"),
        # 3296094: sent on Independence Day; sixty days end on Labor Day.
        ("2019-07-04 10:00", "2019-07-19 23:59", "2019-09-02 23:59"),
        # 3446074: received by the CFPB on 20 Nov, sent on 21 Nov 2019: the company's clock
        # runs from the 21st (received + 15 would wrongly give 5 Dec); sixty end on MLK Day.
        ("2019-11-21 10:00", "2019-12-06 23:59", "2020-01-20 23:59"),
        # 3151917: received by the CFPB on 6 Dec 2018, sent only on 15 Mar 2019.
        ("2019-03-15 10:00", "2019-03-30 23:59", "2019-05-14 23:59"),
        # 3255106: an 'Untimely response' row.
        ("2019-05-29 10:00", "2019-06-13 23:59", "2019-07-28 23:59"),
        # 2788361: received Sun 21 Jan, sent 5 Feb 2018; 'Untimely response'.
        ("2018-02-05 10:00", "2018-02-20 23:59", "2018-04-06 23:59"),
        # 3155288: received on Presidents' Day, sent 22 Mar 2019; answered late.
        ("2019-03-22 10:00", "2019-04-06 23:59", "2019-05-21 23:59"),
    ],
)
def test_fifteen_and_sixty_calendar_days_from_the_date_sent(
    sent: str, fifteen: str, sixty: str
) -> None:
    due = due_local(pack(US), "cfpb-portal", sent)
    assert due["company_response"] == fifteen
    assert due["final_response"] == sixty


def test_the_end_of_day_is_eastern_time_after_the_clocks_go_back() -> None:
    # 3417821: 9 Nov 2019 23:59:59 EST is 04:59:59 UTC on 10 Nov.
    clocks = clocks_for(pack(US), "cfpb-portal", local("2019-10-25 10:00", ZONE))
    due = clocks["company_response"].due_at
    assert due is not None
    assert due.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") == "2019-11-10 04:59:59"


def test_a_receipt_late_in_the_evening_counts_from_its_eastern_date() -> None:
    # 23:30 EDT on 19 Jun 2019 is already 20 Jun in UTC; the sent date is the 19th.
    due = due_local(pack(US), "cfpb-portal", "2019-06-19 23:30")
    assert due["company_response"] == "2019-07-04 23:59"


def test_in_progress_meets_the_fifteen_days_but_not_the_sixty() -> None:
    # 3558134 answered 'In progress'.
    clocks = clocks_for(
        pack(US),
        "cfpb-portal",
        local("2020-03-07 10:00", ZONE),
        ((Milestone.IN_PROGRESS_RESPONSE, local("2020-03-20 15:00", ZONE)),),
    )
    assert clocks["company_response"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.RUNNING
    swept, _ = clockwork.due(tuple(clocks.values()), local("2020-05-07 00:00", ZONE))
    final = {c.clock_id: c for c in swept}["final_response"]
    assert final.status is ClockStatus.BREACHED


def test_a_closing_response_within_fifteen_days_meets_both() -> None:
    clocks = clocks_for(
        pack(US),
        "cfpb-portal",
        local("2019-10-25 10:00", ZONE),
        ((Milestone.FINAL_RESPONSE, local("2019-11-08 12:00", ZONE)),),
    )
    assert clocks["company_response"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.MET


def test_no_response_by_the_fifteenth_day_is_untimely() -> None:
    # 3255106: nothing by 13 Jun 2019 23:59 EDT; the sweep at midnight records the breach.
    clocks = clocks_for(pack(US), "cfpb-portal", local("2019-05-29 10:00", ZONE))
    just_before, _ = clockwork.due(tuple(clocks.values()), local("2019-06-13 23:59", ZONE))
    assert {c.clock_id: c for c in just_before}["company_response"].status is ClockStatus.RUNNING
    swept, changes = clockwork.due(just_before, local("2019-06-14 00:00", ZONE))
    assert {c.clock_id: c for c in swept}["company_response"].status is ClockStatus.BREACHED
    assert [c.kind for c in changes if c.clock.clock_id == "company_response"] == ["breached"]


@pytest.mark.parametrize(
    ("received", "ten_business_days", "credited", "forty_five_days"),
    [
        # Christmas Day and New Year's Day; forty-five days end on a Saturday.
        ("2019-12-18 10:00", "2020-01-03 17:00", "2019-12-30 11:00", "2020-02-01 23:59"),
        # Veterans Day (Wed 11 Nov 2020) after the end of DST on 1 Nov.
        ("2020-10-30 16:00", "2020-11-16 17:00", "2020-11-16 16:59", "2020-12-14 23:59"),
        # Leap day receipt; DST starts 10 Mar 2024.
        ("2024-02-29 13:00", "2024-03-14 17:00", "2024-03-01 09:00", "2024-04-14 23:59"),
        # Christmas 2022 and New Year 2023 both observed on Mondays (26 Dec, 2 Jan).
        ("2022-12-23 10:00", "2023-01-10 17:00", "2023-01-03 10:00", "2023-02-06 23:59"),
    ],
)
def test_reg_e_ten_business_days_or_forty_five_days_with_provisional_credit(
    received: str, ten_business_days: str, credited: str, forty_five_days: str
) -> None:
    assert due_local(pack(US), "reg-e", received)["final_response"] == ten_business_days
    due = due_local(
        pack(US), "reg-e", received, milestones=((Milestone.HOLDING_RESPONSE, credited),)
    )
    assert due["final_response"] == forty_five_days


@pytest.mark.parametrize(
    ("received", "ten_business_days"),
    [
        # Juneteenth, Thu 19 Jun 2025.
        ("2025-06-16 11:00", "2025-07-01 17:00"),
        # Independence Day, Fri 4 Jul 2025.
        ("2025-06-23 11:00", "2025-07-08 17:00"),
    ],
)
def test_reg_e_business_days_skip_federal_holidays(received: str, ten_business_days: str) -> None:
    assert due_local(pack(US), "reg-e", received)["final_response"] == ten_business_days


def test_reg_e_provisional_credit_after_the_ten_days_extends_nothing() -> None:
    due = due_local(
        pack(US),
        "reg-e",
        "2019-12-18 10:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2020-01-03 17:01"),),
    )
    assert due["final_response"] == "2020-01-03 17:00"


def test_reg_e_new_account_twenty_business_days_or_ninety_days() -> None:
    # Veterans Day observed Fri 10 Nov 2023 and Thanksgiving Thu 23 Nov.
    received = "2023-11-07 10:00"
    assert due_local(pack(US), "reg-e-new-account", received)["final_response"] == (
        "2023-12-07 17:00"
    )
    due = due_local(
        pack(US),
        "reg-e-new-account",
        received,
        milestones=((Milestone.HOLDING_RESPONSE, "2023-12-01 10:00"),),
    )
    assert due["final_response"] == "2024-02-05 23:59"


def test_reg_e_point_of_sale_ten_business_days_or_ninety_days() -> None:
    # New Year's Day 2027 is a Friday; ninety days end after DST starts (14 Mar 2027).
    received = "2026-12-30 10:00"
    assert due_local(pack(US), "reg-e-extended", received)["final_response"] == "2027-01-14 17:00"
    due = due_local(
        pack(US),
        "reg-e-extended",
        received,
        milestones=((Milestone.HOLDING_RESPONSE, "2027-01-08 10:00"),),
    )
    assert due["final_response"] == "2027-03-30 23:59"


@pytest.mark.parametrize(
    ("received", "thirty_days", "ninety_days"),
    [
        # Leap year: 31 Jan 2024 + 30 days is 1 Mar; + 90 days is 30 Apr.
        ("2024-01-31 10:00", "2024-03-01 23:59", "2024-04-30 23:59"),
        # Common year: 31 Jan 2023 + 30 days is 2 Mar; + 90 days is 1 May.
        ("2023-01-31 10:00", "2023-03-02 23:59", "2023-05-01 23:59"),
    ],
)
def test_reg_z_acknowledgement_and_ninety_day_cap(
    received: str, thirty_days: str, ninety_days: str
) -> None:
    due = due_local(pack(US), "reg-z", received)
    assert due["acknowledgement"] == thirty_days
    assert due["final_response"] == ninety_days


def test_reg_z_resolution_within_thirty_days_needs_no_acknowledgement() -> None:
    clocks = clocks_for(
        pack(US),
        "reg-z",
        local("2024-01-31 10:00", ZONE),
        ((Milestone.FINAL_RESPONSE, local("2024-02-20 10:00", ZONE)),),
    )
    assert clocks["acknowledgement"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.MET


def test_a_late_response_is_untimely_whether_or_not_the_sweep_ran_first() -> None:
    # 3255106 ('Untimely response'): suppose the answer came on 20 Jun 2019, after the
    # fifteen days ended (13 Jun 23:59 EDT). Swept first, the clock is breached and keeps
    # the answer's time; it must end the same way when the answer is processed first.
    policy = pack(US)
    received = local("2019-05-29 10:00", ZONE)
    answered = local("2019-06-20 10:00", ZONE)
    swept, _ = clockwork.due(tuple(clocks_for(policy, "cfpb-portal", received).values()), answered)
    swept_first = {c.clock_id: c for c in swept}["company_response"]
    assert swept_first.status is ClockStatus.BREACHED
    clocks = clocks_for(policy, "cfpb-portal", received, ((Milestone.FINAL_RESPONSE, answered),))
    assert clocks["company_response"].met_at == answered
    assert clocks["company_response"].status is ClockStatus.BREACHED

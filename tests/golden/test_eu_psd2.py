"""EU PSD2 pack: deadlines worked out by hand from PSD2 Art. 101(2) and the public holidays of
Hesse (the pack's representative Member State and region), 2017-2027.

Business days are Monday to Friday except Hesse's public holidays (Art. 4(37): days the
provider is open); the day of receipt is not counted and a receipt after hours still counts
from its own date; business-day deadlines end at close of business (17:00 Europe/Berlin),
calendar and month deadlines at the end of the day (23:59 local).
"""

from __future__ import annotations

from datetime import date

import pytest

from plaint.model.complaint import ClockStatus
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack, with_calendar

EU = "eu-psd2"
ZONE = "Europe/Berlin"


@pytest.mark.parametrize(
    ("received", "acknowledgement", "fifteen"),
    [
        # Reformation Day, Tue 31 Oct 2017, a one-off national holiday; the clocks go back
        # on Sun 29 Oct. All Saints' Day (1 Nov) is not a holiday in Hesse.
        ("2017-10-23 10:00", "2017-10-24 17:00", "2017-11-14 17:00"),
        # Receipt on the eve of Reformation Day: the acknowledgement day skips it.
        ("2017-10-30 10:00", "2017-11-01 17:00", "2017-11-21 17:00"),
        # Spring clock change (25 Mar 2018), Good Friday 30 Mar and Easter Monday 2 Apr.
        ("2018-03-23 15:00", "2018-03-26 17:00", "2018-04-17 17:00"),
        # Saturday 29 Feb 2020 (leap day): Monday 2 Mar is business day 1.
        ("2020-02-29 11:00", "2020-03-02 17:00", "2020-03-20 17:00"),
        # Labour Day (Tue 1 May 2018), Ascension (Thu 10 May), Whit Monday (21 May).
        ("2018-04-30 09:00", "2018-05-02 17:00", "2018-05-24 17:00"),
        # German Unity Day, Thu 3 Oct 2019, the day after receipt.
        ("2019-10-02 16:30", "2019-10-04 17:00", "2019-10-24 17:00"),
        # After hours: still received on 10 Oct; the clocks go back on Sun 27 Oct 2019 and
        # Reformation Day (31 Oct) is a working day in Hesse after 2017.
        ("2019-10-10 18:30", "2019-10-11 17:00", "2019-10-31 17:00"),
        # Christmas 2019 (Wed 25, Thu 26 Dec) and New Year's Day 2020; 24 and 31 Dec are
        # business days unless the provider declares them (see below); no Epiphany in Hesse.
        ("2019-12-23 14:00", "2019-12-24 17:00", "2020-01-16 17:00"),
        # Christmas 2021 falls on a weekend; Germany substitutes no weekday, nor for
        # New Year's Day on Sat 1 Jan 2022.
        ("2021-12-24 11:00", "2021-12-27 17:00", "2022-01-14 17:00"),
        # Ascension (Thu 29 May 2025), Whit Monday (9 Jun) and Corpus Christi (Thu 19 Jun),
        # the last a Hesse holiday.
        ("2025-05-28 10:00", "2025-05-30 17:00", "2025-06-23 17:00"),
        # Christmas Day 2026 is a Friday, New Year's Day 2027 too.
        ("2026-12-23 09:00", "2026-12-24 17:00", "2027-01-15 17:00"),
        # Good Friday 26 Mar and Easter Monday 29 Mar 2027 around the spring clock change.
        ("2027-03-25 12:00", "2027-03-30 17:00", "2027-04-19 17:00"),
    ],
)
def test_fifteen_business_days_of_receipt(
    received: str, acknowledgement: str, fifteen: str
) -> None:
    due = due_local(pack(EU), "psd2", received)
    assert due["acknowledgement"] == acknowledgement
    assert due["final_response"] == fifteen


def test_a_holding_reply_within_fifteen_days_extends_to_thirty_five_from_receipt() -> None:
    # 35 business days from 30 Apr 2018: past Whit Monday (21 May) and Corpus Christi
    # (Thu 31 May, a Hesse holiday).
    due = due_local(
        pack(EU),
        "psd2",
        "2018-04-30 09:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2018-05-18 12:00"),),
    )
    assert due["final_response"] == "2018-06-22 17:00"


def test_a_holding_reply_at_the_fifteen_day_close_still_counts() -> None:
    due = due_local(
        pack(EU),
        "psd2",
        "2018-04-30 09:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2018-05-24 17:00"),),
    )
    assert due["final_response"] == "2018-06-22 17:00"


def test_a_holding_reply_after_the_fifteen_days_extends_nothing() -> None:
    due = due_local(
        pack(EU),
        "psd2",
        "2018-04-30 09:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2018-05-24 17:01"),),
    )
    assert due["final_response"] == "2018-05-24 17:00"


def test_thirty_five_business_days_across_easter_and_the_clock_change() -> None:
    # 15th business day Tue 2 Apr 2024 (Good Friday 29 Mar, Easter Monday 1 Apr);
    # the 35th is Tue 30 Apr, the day before Labour Day.
    received = "2024-03-08 10:00"
    assert due_local(pack(EU), "psd2", received)["final_response"] == "2024-04-02 17:00"
    due = due_local(
        pack(EU), "psd2", received, milestones=((Milestone.HOLDING_RESPONSE, "2024-03-28 16:00"),)
    )
    assert due["final_response"] == "2024-04-30 17:00"


def test_days_the_provider_declares_closed_push_the_deadline() -> None:
    # A bank closed on 24 and 31 Dec (common in Germany, not public holidays): 20 Jan 2020.
    closed = with_calendar(
        pack(EU),
        "de-hesse",
        extra_holidays=(date(2019, 12, 24), date(2019, 12, 31)),
    )
    assert due_local(closed, "psd2", "2019-12-23 14:00")["final_response"] == "2020-01-20 17:00"


def test_another_land_counts_its_own_holidays() -> None:
    # Bavaria keeps Epiphany (Mon 6 Jan 2020): one day later than Hesse.
    bavaria = with_calendar(pack(EU), "de-hesse", holidays_subdivision="BY")
    assert due_local(bavaria, "psd2", "2019-12-23 14:00")["final_response"] == "2020-01-17 17:00"


@pytest.mark.parametrize(
    ("received", "window_ends"),
    [
        # One year from a leap day ends on the last day of February.
        ("2024-02-29 10:00", "2025-02-28 23:59"),
        ("2023-03-31 16:00", "2024-03-31 23:59"),
        # Late on New Year's Eve is still 31 Dec locally (23:30 CET is 22:30 UTC).
        ("2019-12-31 23:30", "2020-12-31 23:59"),
    ],
)
def test_adr_window_is_a_year_from_the_complaint(received: str, window_ends: str) -> None:
    assert due_local(pack(EU), "psd2", received)["adr_referral_window"] == window_ends


def test_referral_to_adr_closes_the_window_and_the_final_reply_still_owed() -> None:
    clocks = clocks_for(
        pack(EU),
        "psd2",
        local("2024-02-29 10:00", ZONE),
        ((Milestone.REFERRAL, local("2024-03-10 12:00", ZONE)),),
    )
    assert clocks["adr_referral_window"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.RUNNING


def test_the_final_reply_meets_the_clock_and_a_later_holding_reply_changes_nothing() -> None:
    clocks = clocks_for(
        pack(EU),
        "psd2",
        local("2025-05-28 10:00", ZONE),
        (
            (Milestone.FINAL_RESPONSE, local("2025-06-20 11:00", ZONE)),
            (Milestone.HOLDING_RESPONSE, local("2025-06-21 11:00", ZONE)),
        ),
    )
    final = clocks["final_response"]
    assert final.status is ClockStatus.MET
    assert not final.extended


@pytest.mark.parametrize(
    ("received", "thirty_days"),
    [
        # Leap year: 1 Feb 2020 + 30 days is 2 Mar.
        ("2020-02-01 10:00", "2020-03-02 23:59"),
        # Across the autumn clock change (27 Oct 2019) and the Reformation Day (not in Hesse).
        ("2019-10-10 18:30", "2019-11-09 23:59"),
    ],
)
def test_complaints_outside_psd2_run_the_organisations_thirty_days(
    received: str, thirty_days: str
) -> None:
    due = due_local(pack(EU), "eu-jc-guidelines", received)
    assert due["final_response"] == thirty_days

"""UAE CBUAE pack: deadlines worked out by hand from the Consumer Protection Standards and
the UAE federal public holidays, 2017-2026.

Business days are Monday to Friday (the federal weekend has been Saturday-Sunday since
1 Jan 2022) except federal holidays; before 2022 the weekend was Friday-Saturday, so the
older cases count on that weekend. The day of receipt is not counted; business-day
deadlines end at close of business (17:00 Dubai time), calendar-day and month deadlines at
the end of the day (23:59).
"""

from __future__ import annotations

from datetime import date, time

import pytest

from plaint.model.complaint import ClockStatus
from plaint.policy.document import HalfDay, Weekday
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack, regime_chosen, with_calendar

AE = "ae-cbuae"
CBUAE = "ae-cbuae"
SANADAK = "ae-sanadak-referral"
ZONE = "Asia/Dubai"


@pytest.mark.parametrize(
    ("received", "two_days"),
    [
        # Eid al-Fitr 2022 Sat 30 Apr - Wed 4 May: days Fri 29 Apr, Thu 5 May.
        ("2022-04-28 10:00", "2022-05-05 17:00"),
        # Mourning for Sheikh Khalifa, Sat 14 - Mon 16 May 2022: days Fri 13, Tue 17 May.
        ("2022-05-12 09:00", "2022-05-17 17:00"),
        # Received on a holiday, Commemoration Day Thu 1 Dec 2022; National Day Fri 2 and
        # Sat 3 Dec: days Mon 5, Tue 6 Dec.
        ("2022-12-01 11:00", "2022-12-06 17:00"),
        # Eid al-Fitr 2023 Thu 20 - Sun 23 Apr: days Mon 24, Tue 25 Apr.
        ("2023-04-19 16:00", "2023-04-25 17:00"),
        # Arafah Tue 27 Jun and Eid al-Adha Wed 28 - Fri 30 Jun 2023: days Mon 3, Tue 4 Jul.
        ("2023-06-26 12:00", "2023-07-04 17:00"),
        # Leap day: Wed 28 Feb 2024: days Thu 29 Feb, Fri 1 Mar.
        ("2024-02-28 10:00", "2024-03-01 17:00"),
        # Received on a Friday before Eid al-Fitr 2024 (Mon 8 - Fri 12 Apr): Mon 15, Tue 16 Apr.
        ("2024-04-05 15:00", "2024-04-16 17:00"),
        # National Day Mon 2 and Tue 3 Dec 2024: days Wed 4, Thu 5 Dec.
        ("2024-11-29 14:00", "2024-12-05 17:00"),
        # Arafah Thu 5 Jun and Eid al-Adha Fri 6 - Sun 8 Jun 2025: days Mon 9, Tue 10 Jun.
        ("2025-06-04 13:00", "2025-06-10 17:00"),
        # After hours on New Year's Eve 2025 (still received on the 31st); 1 Jan a holiday:
        # days Fri 2, Mon 5 Jan.
        ("2025-12-31 18:30", "2026-01-05 17:00"),
        # Eid al-Fitr 2026 Thu 19 - Sun 22 Mar: days Mon 23, Tue 24 Mar.
        ("2026-03-18 09:00", "2026-03-24 17:00"),
    ],
)
def test_acknowledgement_within_two_complete_business_days(received: str, two_days: str) -> None:
    assert due_local(pack(AE), CBUAE, received)["acknowledgement"] == two_days


@pytest.mark.parametrize(
    ("received", "two_days"),
    [
        # Friday-Saturday weekend. Eid al-Fitr 2019 Mon 3 - Thu 6 Jun: days Sun 9, Mon 10 Jun.
        ("2019-06-02 10:00", "2019-06-10 17:00"),
        # Commemoration Day and the Prophet's Birthday Thu 30 Nov 2017, National Day Sat 2 and
        # Sun 3 Dec: days Mon 4, Tue 5 Dec.
        ("2017-11-29 10:00", "2017-12-05 17:00"),
        # Arafah Thu 30 Jul, Eid al-Adha Fri 31 Jul - Sun 2 Aug 2020: days Mon 3, Tue 4 Aug.
        ("2020-07-29 10:00", "2020-08-04 17:00"),
    ],
)
def test_before_2022_the_weekend_was_friday_and_saturday(received: str, two_days: str) -> None:
    # The pack's calendar is right from 2022 only: a weekend cannot change on a date, so the
    # older years are counted on a copy of the calendar with the old weekend.
    old_week = with_calendar(pack(AE), "uae", weekend=(Weekday.FRIDAY, Weekday.SATURDAY))
    assert due_local(old_week, CBUAE, received)["acknowledgement"] == two_days


def test_a_friday_half_day_must_be_listed_by_date() -> None:
    # With Fri 1 Mar 2024 declared a half day closing at 12:00, the acknowledgement due that
    # Friday ends at noon.
    half = with_calendar(
        pack(AE), "uae", half_days=(HalfDay(date=date(2024, 3, 1), closes=time(12, 0)),)
    )
    assert due_local(half, CBUAE, "2024-02-28 10:00")["acknowledgement"] == "2024-03-01 12:00"


@pytest.mark.parametrize(
    ("received", "thirty_days"),
    [
        # Leap year: 31 Jan 2024 + 30 days is 1 Mar.
        ("2024-01-31 10:00", "2024-03-01 23:59"),
        ("2023-01-31 10:00", "2023-03-02 23:59"),
        # Calendar days ignore holidays: 31 Mar 2025 is Eid al-Fitr.
        ("2025-03-01 09:00", "2025-03-31 23:59"),
        # Late in the evening still counts from the day of receipt.
        ("2025-12-15 23:30", "2026-01-14 23:59"),
    ],
)
def test_final_response_within_thirty_calendar_days(received: str, thirty_days: str) -> None:
    assert due_local(pack(AE), CBUAE, received)["final_response"] == thirty_days


def test_an_acknowledgement_in_time_meets_the_clock() -> None:
    clocks = clocks_for(
        pack(AE),
        CBUAE,
        local("2024-02-28 10:00", ZONE),
        ((Milestone.ACKNOWLEDGEMENT, local("2024-02-28 10:05", ZONE)),),
    )
    assert clocks["acknowledgement"].status is ClockStatus.MET
    assert clocks["final_response"].status is ClockStatus.RUNNING


def test_sanadak_referral_resolved_within_five_working_days() -> None:
    # Referred Thu 27 Nov 2025; National Day Mon 1 and Tue 2 Dec.
    # Days: Fri 28 Nov, Wed 3, Thu 4, Fri 5, Mon 8 Dec.
    assert due_local(pack(AE), SANADAK, "2025-11-27 11:00")["final_response"] == "2025-12-08 17:00"


@pytest.mark.parametrize(
    ("final_response", "window_ends"),
    [
        ("2023-03-15 12:00", "2024-03-15 23:59"),
        # 29 Feb 2024 + 12 months: no 29 Feb in 2025, so 28 Feb.
        ("2024-02-29 12:00", "2025-02-28 23:59"),
    ],
)
def test_sanadak_referral_window_placeholder(final_response: str, window_ends: str) -> None:
    due = due_local(
        pack(AE),
        CBUAE,
        "2023-02-01 10:00",
        milestones=((Milestone.FINAL_RESPONSE, final_response),),
    )
    assert due["referral_window"] == window_ends


@pytest.mark.parametrize(("tags", "regime"), [((), CBUAE), (("sanadak_referral",), SANADAK)])
def test_a_tag_chooses_the_sanadak_referral_regime(tags: tuple[str, ...], regime: str) -> None:
    assert regime_chosen(pack(AE), "شكوى", tags, "ar") == regime

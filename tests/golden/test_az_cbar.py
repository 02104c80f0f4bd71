"""Azerbaijan pack: deadlines worked out by hand from the pack's rules and Azerbaijan's
non-working days, 2017-2026 (Labour Code Art. 105 holidays, the days moved off a weekend,
the extra day when Ramazan or Qurban meets another holiday, and the Cabinet of Ministers'
transfers, as the `holidays` package lists them; the 2026 Novruz/Ramazan days as the
Cabinet's decision of December 2025 was reported: 20-30 March off).

Working days are Monday to Friday except those days, plus the Saturdays and Sundays the
Cabinet made working days; the day of receipt is not counted; working-day deadlines end at
close of business (18:00 Baku time), month deadlines at the end of the day (23:59).
"""

from __future__ import annotations

import pytest

from plaint.model.complaint import ClockStatus
from plaint.vocabulary.terms import Milestone
from tests.golden.harness import clocks_for, due_local, local, pack, regime_chosen

AZ = "az-cbar"
BANK = "az-cbar-bank"
CITIZENS = "az-citizens-applications"
ZONE = "Asia/Baku"


@pytest.mark.parametrize(
    ("received", "ten_days"),
    [
        # Novruz 2017 is Mon 20 - Fri 24 Mar: days 1-10 are 27 Mar - 7 Apr.
        ("2017-03-17 10:00", "2017-04-07 18:00"),
        # Eid al-Fitr 2018 on Fri 15 Jun (also National Liberation Day) and Sat 16 Jun: Mon 18
        # replaces the Saturday, Tue 19 is the extra day for the coincidence (Art. 105.6);
        # Armed Forces Day Tue 26 Jun. Days: 14, 20, 21, 22, 25, 27, 28, 29 Jun, 2, 3 Jul.
        ("2018-06-13 11:00", "2018-07-03 18:00"),
        # Year end 2019: Fri 27 Dec municipal elections; Sat 28 and Sun 29 Dec were working
        # days, swapped with Fri 3 and Mon 6 Jan; 31 Dec - 2 Jan holidays. Days: 25, 26, 28,
        # 29, 30 Dec, 7, 8, 9, 10, 13 Jan.
        ("2019-12-24 15:00", "2020-01-13 18:00"),
        # Leap year: Sat 29 Feb 2020 is a weekend; Women's Day Sun 8 Mar moves to Mon 9 Mar.
        # Days: 28 Feb, 2, 3, 4, 5, 6, 10, 11, 12, 13 Mar.
        ("2020-02-27 12:00", "2020-03-13 18:00"),
        # Year end 2020: 31 Dec, 1 Jan and New Year's Sat 2 Jan moved to Mon 4 Jan.
        # Days: 29, 30 Dec, 5, 6, 7, 8, 11, 12, 13, 14 Jan.
        ("2020-12-28 09:30", "2021-01-14 18:00"),
        # May 2021: Sat 8 and Sun 16 May were working days; Victory Day Sun 9 moved to Mon 10;
        # 11 and 12 May transferred rest days; Eid al-Fitr 13-14 May.
        # Days: 7, 8 (Sat), 16 (Sun), 17, 18, 19, 20, 21, 24, 25 May.
        ("2021-05-06 14:00", "2021-05-25 18:00"),
        # Receipt on a Sunday: Sat 5 Mar 2022 was worked for Mon 7 Mar; Women's Day Tue 8;
        # Novruz Sun 20 - Thu 24 Mar with Fri 25 for the Sunday. Days: 9, 10, 11, 14, 15,
        # 16, 17, 18, 28, 29 Mar.
        ("2022-03-06 10:00", "2022-03-29 18:00"),
        # Victory Day 2022: Sat 5 Nov worked for Mon 7 Nov; 8 and 9 Nov holidays; Thu 17 Nov
        # (National Revival Day) is a working commemorative day. Days: 4, 5, 10, 11, 14, 15,
        # 16, 17, 18, 21 Nov.
        ("2022-11-03 16:00", "2022-11-21 18:00"),
        # Qurban 2023: Sat 24 and Sun 25 Jun worked; Mon 26 Jun - Fri 30 Jun off (Armed Forces
        # Day, two transferred days, Qurban 28-29). Days: 22, 23, 24, 25 Jun, 3-7, 10 Jul.
        ("2023-06-21 10:00", "2023-07-10 18:00"),
        # Novruz 2024 Wed 20 - Sun 24 Mar with Mon 25 and Tue 26 for the weekend; the tenth
        # day is Sat 6 Apr, worked in exchange for Fri 12 Apr (after Eid al-Fitr 10-11 Apr).
        # Days: 19, 27, 28, 29 Mar, 1, 2, 3, 4, 5, 6 Apr.
        ("2024-03-18 09:00", "2024-04-06 18:00"),
        # Year end 2024: Sat 28 and Sun 29 Dec worked; Mon 30 Dec - Fri 3 Jan off.
        # Days: 25, 26, 27, 28, 29 Dec, 6, 7, 8, 9, 10 Jan.
        ("2024-12-24 17:59", "2025-01-10 18:00"),
        # Women's Day 2025 fell on Sat 8 Mar; its Monday (10 Mar) was swapped to 27 Mar, so
        # 10 Mar is worked. Novruz Thu 20 - Mon 24 Mar, 25-28 Mar off, Eid al-Fitr Sun 30 and
        # Mon 31 Mar; Tue 1 Apr is worked (its day off moved to 28 Mar).
        # Days: 10, 11, 12, 13, 14, 17, 18, 19 Mar, 1, 2 Apr.
        ("2025-03-07 10:00", "2025-04-02 18:00"),
        # Days: 17, 18, 19 Mar, 1, 2, 3, 4, 7, 8, 9 Apr.
        ("2025-03-14 10:00", "2025-04-09 18:00"),
        # Sat 21 Jun 2025 is a working day (transferred to Fri 27 Jun, after Armed Forces Day
        # Thu 26 Jun). Days: 19, 20, 21 (Sat), 23, 24, 25, 30 Jun, 1, 2, 3 Jul.
        ("2025-06-18 15:00", "2025-07-03 18:00"),
        # After hours on Fri 20 Jun 2025: still received on the 20th, so the working Saturday
        # is day 1. Days: 21, 23, 24, 25, 30 Jun, 1, 2, 3, 4, 7 Jul.
        ("2025-06-20 20:30", "2025-07-07 18:00"),
        # Novruz and Ramazan 2026 coincide (20-21 Mar): 20-24 Mar holidays, 25-26 Mar for the
        # weekend days, 27 and 30 Mar for the coincidence: 20-30 Mar off.
        # Days: 19, 31 Mar, 1, 2, 3, 6, 7, 8, 9, 10 Apr.
        ("2026-03-18 11:00", "2026-04-10 18:00"),
        # Qurban 2026 Wed 27 and Thu 28 May; 28 May is also Independence Day, so Fri 29 May
        # is off too (Art. 105.6). Days: 25, 26 May, 1, 2, 3, 4, 5, 8, 9, 10 Jun.
        ("2026-05-22 13:00", "2026-06-10 18:00"),
    ],
)
def test_bank_answers_within_ten_working_days(received: str, ten_days: str) -> None:
    due = due_local(pack(AZ), BANK, received)
    assert due["final_response"] == ten_days
    assert "referral_window" not in due


def test_a_holding_response_in_time_extends_the_bank_clock_to_twenty_days() -> None:
    # 21 Jun 2023: day 10 is Mon 10 Jul; days 11-20 are 11-14, 17-21 and 24 Jul.
    due = due_local(
        pack(AZ),
        BANK,
        "2023-06-21 10:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2023-07-10 17:59"),),
    )
    assert due["final_response"] == "2023-07-24 18:00"


def test_a_holding_response_after_the_ten_days_extends_nothing() -> None:
    due = due_local(
        pack(AZ),
        BANK,
        "2023-06-21 10:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2023-07-10 18:01"),),
    )
    assert due["final_response"] == "2023-07-10 18:00"


@pytest.mark.parametrize(
    ("final_response", "window_ends"),
    [
        # 24 months from 31 Dec 2018.
        ("2018-12-31 11:00", "2020-12-31 23:59"),
        # 29 Feb 2024 + 24 months: 2026 has no 29 Feb, so the window ends on 28 Feb.
        ("2024-02-29 16:00", "2026-02-28 23:59"),
        # A month deadline ignores holidays: 20 Mar 2026 is Novruz.
        ("2024-03-20 10:00", "2026-03-20 23:59"),
    ],
)
def test_banking_ombudsman_window_is_two_years_from_the_final_response(
    final_response: str, window_ends: str
) -> None:
    due = due_local(
        pack(AZ),
        BANK,
        "2018-12-03 10:00",
        milestones=((Milestone.FINAL_RESPONSE, final_response),),
    )
    assert due["referral_window"] == window_ends


def test_the_referral_window_lapses_rather_than_breaches() -> None:
    clocks = clocks_for(
        pack(AZ),
        BANK,
        local("2024-02-05 10:00", ZONE),
        ((Milestone.FINAL_RESPONSE, local("2024-02-12 10:00", ZONE)),),
    )
    assert clocks["final_response"].status is ClockStatus.MET
    assert clocks["referral_window"].status is ClockStatus.RUNNING
    assert clocks["referral_window"].on_expiry.value == "lapse"


@pytest.mark.parametrize(
    ("received", "fifteen"),
    [
        # Martyrs' Day Sat 20 Jan 2018 is not moved to a weekday. New Year 1-2 Jan with
        # Wed 3 Jan for Solidarity Day (Sun 31 Dec). Days: 28, 29 Dec, 4, 5, 8-12, 15-19, 22 Jan.
        ("2017-12-27 12:00", "2018-01-22 18:00"),
        # Novruz 2019 Wed 20 - Sun 24 Mar with Mon 25 and Tue 26 for the weekend.
        # Days: 18, 19, 27, 28, 29 Mar, 1-5, 8-12 Apr.
        ("2019-03-15 15:00", "2019-04-12 18:00"),
        # June 2024: National Liberation Day Sat 15 moved to Tue 18; Qurban Sun 16 - Mon 17
        # with Wed 19 for the Sunday; Armed Forces Day Wed 26 Jun.
        # Days: 13, 14, 20, 21, 24, 25, 27, 28 Jun, 1-5, 8, 9 Jul.
        ("2024-06-12 10:00", "2024-07-09 18:00"),
    ],
)
def test_state_bodies_answer_within_fifteen_working_days(received: str, fifteen: str) -> None:
    assert due_local(pack(AZ), CITIZENS, received)["final_response"] == fifteen


def test_further_study_extends_a_citizens_application_to_thirty_working_days() -> None:
    # 15 Mar 2019: day 15 is Fri 12 Apr; days 16-30 are 15-19, 22-26, 29 Apr - 3 May
    # (Victory Day 9 May comes after).
    due = due_local(
        pack(AZ),
        CITIZENS,
        "2019-03-15 15:00",
        milestones=((Milestone.HOLDING_RESPONSE, "2019-04-01 10:00"),),
    )
    assert due["final_response"] == "2019-05-03 18:00"


@pytest.mark.parametrize(
    ("tags", "regime"),
    [((), BANK), (("state_body",), CITIZENS), (("citizens_application", "urgent"), CITIZENS)],
)
def test_a_tag_chooses_the_citizens_applications_regime(tags: tuple[str, ...], regime: str) -> None:
    assert regime_chosen(pack(AZ), "Şikayət", tags, "az") == regime

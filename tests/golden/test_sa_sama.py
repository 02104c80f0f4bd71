"""Saudi Arabia SAMA pack: deadlines worked out by hand from SAMA's Customer Care
Instructions (5 working days) and the Saudi public holidays, 2017-2026.

Working days are Sunday to Thursday (Friday-Saturday weekend) except public holidays,
including the substitute days for holidays on the weekend. The 5-day rule is in force from
15 Jul 2023; earlier receipts exercise the calendar only. The day of receipt is not
counted; working-day deadlines end at close of business (17:00 Riyadh time), month
deadlines at the end of the day (23:59).
"""

from __future__ import annotations

import pytest

from plaint.vocabulary.terms import Milestone
from tests.golden.harness import due_local, pack, regime_chosen

SA = "sa-sama"
BANKS = "sa-sama"
FINANCE = "sa-sama-finance"


@pytest.mark.parametrize(
    ("received", "five_days"),
    [
        # Eid al-Fitr 2017 Sun 25 - Wed 28 Jun: days Thu 29 Jun, Sun 2 - Wed 5 Jul.
        ("2017-06-22 10:00", "2017-07-05 17:00"),
        # Arafah Thu 31 Aug, Eid al-Adha Fri 1 - Sun 3 Sep 2017 with Mon 4 and Tue 5 for the
        # weekend days: days Wed 6, Thu 7, Sun 10, Mon 11, Tue 12 Sep.
        ("2017-08-30 11:00", "2017-09-12 17:00"),
        # National Day Sun 23 Sep 2018: days Mon 24 - Thu 27, Sun 30 Sep.
        ("2018-09-20 12:00", "2018-09-30 17:00"),
        # Received on a Friday; Arafah Sat 10, Eid al-Adha Sun 11 - Tue 13 Aug 2019 and Wed 14
        # for the Saturday: days Thu 15, Sun 18 - Wed 21 Aug.
        ("2019-08-09 20:00", "2019-08-21 17:00"),
        # Leap year: Fri 28 and Sat 29 Feb 2020 are the weekend: days Sun 1 - Thu 5 Mar.
        ("2020-02-27 10:00", "2020-03-05 17:00"),
        # Eid al-Fitr 2021 Wed 12 - Sat 15 May with Sun 16 and Mon 17 for the weekend days:
        # days Tue 18 - Thu 20, Sun 23, Mon 24 May.
        ("2021-05-11 09:30", "2021-05-24 17:00"),
        # The first Founding Day, Tue 22 Feb 2022: days Wed 23, Thu 24, Sun 27, Mon 28 Feb,
        # Tue 1 Mar.
        ("2022-02-21 10:00", "2022-03-01 17:00"),
        # National Day Fri 23 Sep 2022, substituted on Thu 22 Sep: days Sun 25 - Thu 29 Sep.
        ("2022-09-21 10:00", "2022-09-29 17:00"),
        # The World Cup holiday, Wed 23 Nov 2022: days Tue 22, Thu 24, Sun 27 - Tue 29 Nov.
        ("2022-11-21 10:00", "2022-11-29 17:00"),
        # The first working day with the instructions in force (Sat 15 Jul 2023 was a
        # weekend day); no holiday. Days: Mon 17 - Thu 20, Sun 23 Jul.
        ("2023-07-16 09:30", "2023-07-23 17:00"),
        # National Day Sat 23 Sep 2023, substituted on Sun 24: days Mon 25 - Thu 28 Sep,
        # Sun 1 Oct.
        ("2023-09-21 10:00", "2023-10-01 17:00"),
        # Leap day Thu 29 Feb 2024 is a working day: days Tue 27 - Thu 29 Feb, Sun 3, Mon 4 Mar.
        ("2024-02-26 10:00", "2024-03-04 17:00"),
        # Eid al-Fitr 2024 Tue 9 - Fri 12 Apr with Sun 14 for the Friday: days Mon 15 - Thu 18,
        # Sun 21 Apr.
        ("2024-04-08 10:00", "2024-04-21 17:00"),
        # Arafah Sat 15, Eid al-Adha Sun 16 - Tue 18 Jun 2024 and Wed 19 for the Saturday:
        # days Thu 20, Sun 23 - Wed 26 Jun.
        ("2024-06-13 10:00", "2024-06-26 17:00"),
        # After hours on Thu 20 Feb 2025 (still received that day); Founding Day Sat 22 Feb,
        # substituted on Sun 23: days Mon 24 - Thu 27 Feb, Sun 2 Mar.
        ("2025-02-20 18:00", "2025-03-02 17:00"),
        # Arafah Thu 5 Jun, Eid al-Adha Fri 6 - Sun 8 Jun 2025 with Mon 9 and Tue 10 for the
        # weekend days: days Wed 11, Thu 12, Sun 15 - Tue 17 Jun.
        ("2025-06-04 10:00", "2025-06-17 17:00"),
        # Year end: no holiday; days Wed 31 Dec, Thu 1 Jan, Sun 4 - Tue 6 Jan.
        ("2025-12-30 10:00", "2026-01-06 17:00"),
        # National Day Wed 23 Sep 2026: days Tue 22, Thu 24, Sun 27 - Tue 29 Sep.
        ("2026-09-21 10:00", "2026-09-29 17:00"),
    ],
)
def test_banks_handle_complaints_within_five_working_days(received: str, five_days: str) -> None:
    due = due_local(pack(SA), BANKS, received)
    assert due["final_response"] == five_days
    assert "referral_window" not in due


@pytest.mark.parametrize(
    ("final_response", "window_ends"),
    [
        ("2023-09-28 12:00", "2024-09-28 23:59"),
        # 29 Feb 2024 + 12 months: no 29 Feb in 2025, so 28 Feb.
        ("2024-02-29 12:00", "2025-02-28 23:59"),
    ],
)
def test_samacares_escalation_window_placeholder(final_response: str, window_ends: str) -> None:
    due = due_local(
        pack(SA),
        BANKS,
        "2023-09-21 10:00",
        milestones=((Milestone.FINAL_RESPONSE, final_response),),
    )
    assert due["referral_window"] == window_ends


def test_finance_companies_acknowledge_in_five_and_answer_in_ten_working_days() -> None:
    # Eid al-Fitr 2023 Fri 21 - Mon 24 Apr with Tue 25 and Wed 26 for the weekend days.
    # Days: Wed 19, Thu 20, Thu 27, Sun 30 Apr, Mon 1 (5th), Tue 2, Wed 3, Thu 4, Sun 7,
    # Mon 8 May (10th).
    due = due_local(pack(SA), FINANCE, "2023-04-18 10:00")
    assert due["acknowledgement"] == "2023-05-01 17:00"
    assert due["final_response"] == "2023-05-08 17:00"


@pytest.mark.parametrize(("tags", "regime"), [((), BANKS), (("finance_company",), FINANCE)])
def test_a_tag_chooses_the_finance_company_regime(tags: tuple[str, ...], regime: str) -> None:
    assert regime_chosen(pack(SA), "شكوى", tags, "ar") == regime

"""Iran CBI pack: deadlines worked out by hand from the CBI circular's 30 working days and
Iran's official holidays, 2017-2026.

Working days are Saturday to Thursday (Friday weekend) except the official holidays
(Solar Hijri ones such as Nowruz 1-4 Farvardin and 12-13 Farvardin, and the lunar ones such
as Tasua and Ashura); the day of receipt is not counted; working-day deadlines end at close
of business (14:30 Tehran time), calendar-day deadlines at the end of the day (23:59).
Tehran kept DST (UTC+04:30 in summer) until 21 Sep 2022 and has been UTC+03:30 all year
since, so the same local deadline is an hour apart in UTC in summer 2021 and summer 2023.
"""

from __future__ import annotations

from datetime import UTC

import pytest

from plaint.policy.document import Weekday
from tests.golden.harness import clocks_for, due_local, local, pack, regime_chosen, with_calendar

IR = "ir-cbi"
CBI = "ir-cbi"
CONSUMER = "ir-consumer-protection"
ZONE = "Asia/Tehran"


@pytest.mark.parametrize(
    ("received", "thirty_days"),
    [
        # Autumn 2017: Sun 19 Nov (Martyrdom of Ali al-Rida), Mon 27 Nov (Hasan al-Askari),
        # Wed 6 Dec (the Prophet's Birthday). 30 days from Thu 16 Nov to Sun 24 Dec.
        ("2017-11-15 09:00", "2017-12-24 14:30"),
        # Nowruz 1397: Tue 20 Mar (Oil Nationalisation Day), Wed 21 - Sat 24 Mar (Nowruz),
        # Sat 31 Mar (Imam Ali's birthday), Sun 1 and Mon 2 Apr (12 and 13 Farvardin),
        # Sat 14 Apr (Mab'ath). Days: 15, 17, 18, 19, 25-29 Mar, 3, 4, 5, 7-12, 15-19,
        # 21-26, 28 Apr.
        ("2018-03-14 10:00", "2018-04-28 14:30"),
        # Muharram 1441: Tasua Mon 9 and Ashura Tue 10 Sep 2019. Days: 1-5, 7, 8, 11, 12,
        # 14-19, 21-26, 28-30 Sep, 1, 2, 3, 5, 6, 7 Oct.
        ("2019-08-31 11:00", "2019-10-07 14:30"),
        # Received on Friday 30 Aug 2019 (the weekend): Sat 31 Aug is day 1.
        ("2019-08-30 19:00", "2019-10-06 14:30"),
        # Nowruz 1401: Sun 20 Mar (Oil Nationalisation Day), Mon 21 - Thu 24 Mar, Sat 2 Apr
        # (13 Farvardin; 12 Farvardin was a Friday), Sat 23 Apr (Martyrdom of Imam Ali).
        # Days: 17, 19, 26-31 Mar, 3-7, 9-14, 16-21, 24-28 Apr.
        ("2022-03-16 08:00", "2022-04-28 14:30"),
        # Leap year and Nowruz 1403: Sun 25 Feb (15 Sha'ban), Tue 19 Mar, Wed 20 - Sat 23 Mar,
        # Sun 31 Mar, Mon 1 Apr. Days: 21, 22, 24, 26-29 Feb, 2-7, 9-14, 16, 17, 18, 24-28,
        # 30 Mar, 2, 3 Apr.
        ("2024-02-20 12:00", "2024-04-03 14:30"),
        # Nowruz 1404 meets Ramadan's end: Wed 19 - Mon 24 Mar 2025 off (Oil Nationalisation
        # Day, 30 Esfand of the leap year 1403, Nowruz; Martyrdom of Imam Ali on Sat 22), Eid
        # al-Fitr Mon 31 Mar and Tue 1 Apr (also 12 Farvardin), Wed 2 Apr (13 Farvardin),
        # Thu 24 Apr (Martyrdom of Imam Sadiq). Days: 18, 25, 26, 27, 29, 30 Mar, 3, 5-10,
        # 12-17, 19-23, 26-30 Apr, 1 May.
        ("2025-03-17 10:00", "2025-05-01 14:30"),
        # Muharram 1448: Tasua Wed 24 and Ashura Thu 25 Jun 2026. Days: 18, 20-23, 27-30 Jun,
        # 1, 2, 4-9, 11-16, 18-23, 25 Jul.
        ("2026-06-17 09:00", "2026-07-25 14:30"),
    ],
)
def test_credit_institutions_answer_within_thirty_working_days(
    received: str, thirty_days: str
) -> None:
    assert due_local(pack(IR), CBI, received)["final_response"] == thirty_days


def test_the_2023_heat_closure_fell_on_2_and_3_august() -> None:
    # Eid al-Adha Thu 29 Jun, Tasua Thu 27 and Ashura Fri 28 Jul 2023. Days: 26, 27, 28 Jun,
    # 1, 2, 3, 4, 5, 6, 8-13, 15-20, 22-26, 29, 30, 31 Jul, 1 Aug. The closure was Wed 2 and
    # Thu 3 Aug; the `holidays` package's 1-2 Aug would make the 30th day Thu 3 Aug.
    assert due_local(pack(IR), CBI, "2023-06-25 10:00")["final_response"] == "2023-08-01 14:30"


@pytest.mark.parametrize(
    ("received", "local_deadline", "utc_deadline"),
    [
        # Summer 2021, DST (+04:30). Eid al-Adha Wed 21 Jul, Ghadir Thu 29 Jul. Days: 11-15,
        # 17-20, 22, 24-28, 31 Jul, 1-5, 7-12, 14, 15, 16 Aug.
        ("2021-07-10 09:00", "2021-08-16 14:30", "2021-08-16 10:00"),
        # Summer 2023, no DST (+03:30). Tasua Thu 27, Ashura Fri 28 Jul, heat closure Wed 2 and
        # Thu 3 Aug. Days: 9-13, 15-20, 22-26, 29, 30, 31 Jul, 1, 5-10, 12-15 Aug.
        ("2023-07-08 09:00", "2023-08-15 14:30", "2023-08-15 11:00"),
    ],
)
def test_tehran_summer_deadlines_before_and_after_dst_ended(
    received: str, local_deadline: str, utc_deadline: str
) -> None:
    assert due_local(pack(IR), CBI, received)["final_response"] == local_deadline
    due = clocks_for(pack(IR), CBI, local(received, ZONE))["final_response"].due_at
    assert due is not None
    assert due.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == utc_deadline


def test_an_institution_closed_on_thursdays_adds_thursday_to_the_weekend() -> None:
    # Thursday-Friday weekend, 17 Jun 2026: Tasua Wed 24 Jun. Days: 20-23, 27-30 Jun, 1, 4-8,
    # 11-15, 18-22, 25-29 Jul, 1 Aug.
    two_day_weekend = with_calendar(pack(IR), "tehran", weekend=(Weekday.THURSDAY, Weekday.FRIDAY))
    due = due_local(two_day_weekend, CBI, "2026-06-17 09:00")
    assert due["final_response"] == "2026-08-01 14:30"


@pytest.mark.parametrize(
    ("received", "local_deadline", "utc_deadline"),
    [
        # 11 + 10 days is 21 Mar 2021; the clocks went forward at the following midnight
        # (00:00 -> 01:00 on 22 Mar), so the day ends at 23:59:59 +03:30.
        ("2021-03-11 10:00", "2021-03-21 23:59", "2021-03-21 20:29"),
        # 11 + 10 days is 21 Sep 2022, the day DST ended for good at midnight (24:00 +04:30
        # became 23:00 +03:30): the day ends at the second 23:59 (+03:30).
        ("2022-09-11 10:00", "2022-09-21 23:59", "2022-09-21 20:29"),
        # Calendar days ignore Nowruz: 15 + 10 days is 25 Mar 2024.
        ("2024-03-15 10:00", "2024-03-25 23:59", "2024-03-25 20:29"),
        # Summer 2021, DST: the end of the day is 19:29 UTC.
        ("2021-06-20 10:00", "2021-06-30 23:59", "2021-06-30 19:29"),
    ],
)
def test_consumer_protection_ten_calendar_days(
    received: str, local_deadline: str, utc_deadline: str
) -> None:
    assert due_local(pack(IR), CONSUMER, received)["final_response"] == local_deadline
    due = clocks_for(pack(IR), CONSUMER, local(received, ZONE))["final_response"].due_at
    assert due is not None
    assert due.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == utc_deadline


@pytest.mark.parametrize(("tags", "regime"), [((), CBI), (("consumer_protection",), CONSUMER)])
def test_a_tag_chooses_the_consumer_protection_regime(tags: tuple[str, ...], regime: str) -> None:
    assert regime_chosen(pack(IR), "شکایت", tags, "fa") == regime

"""What a complaint record is found by: its search row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from plaint.model.complaint import ClockStatus, ComplaintStatus, Referral, ReferralStage
from plaint.reporting.search import ComplaintQuery, ComplaintRow, searchable
from tests.store_fixtures import T0, clock, complaint


def test_the_acknowledgement_counts_as_a_clock() -> None:
    owed = complaint()
    assert ComplaintRow.of(owed).clock_status is ClockStatus.RUNNING
    sent = complaint(acknowledged_at=T0 + timedelta(hours=1), status=ComplaintStatus.ACKNOWLEDGED)
    assert ComplaintRow.of(sent).clock_status is ClockStatus.MET
    assert not ComplaintRow.of(sent).late
    overdue = complaint(acknowledgement_overdue=True)
    assert ComplaintRow.of(overdue).clock_status is ClockStatus.BREACHED
    assert ComplaintRow.of(overdue).late


def test_the_most_pressing_clock_is_the_records_clock_status() -> None:
    sent: dict[str, Any] = {"acknowledged_at": T0, "status": ComplaintStatus.ACKNOWLEDGED}
    running = complaint(clocks=(clock(ClockStatus.MET), clock(ClockStatus.RUNNING)), **sent)
    assert ComplaintRow.of(running).clock_status is ClockStatus.RUNNING
    assert ComplaintRow.of(running).next_deadline == T0 + timedelta(days=56)
    breached = complaint(clocks=(clock(ClockStatus.BREACHED), clock(ClockStatus.RUNNING)))
    assert ComplaintRow.of(breached).clock_status is ClockStatus.BREACHED
    assert ComplaintRow.of(breached).late


def test_late_acknowledgement_and_referral() -> None:
    due = T0 + timedelta(days=1)
    late = complaint(acknowledgement_due_at=due, acknowledged_at=due + timedelta(minutes=1))
    assert ComplaintRow.of(late).late
    offered = Referral(referral_id="r", provider_id="fos", trigger="t",
                       stage=ReferralStage.OFFERED, offered_at=T0)  # fmt: skip
    assert not ComplaintRow.of(complaint(referrals=(offered,))).referred
    taken = offered.model_copy(update={"stage": ReferralStage.ACKNOWLEDGED, "acknowledged_at": T0})
    assert ComplaintRow.of(complaint(referrals=(taken,))).referred


def test_tickets_judged_not_to_be_complaints_are_not_searched() -> None:
    assert not searchable(complaint(status=ComplaintStatus.NOT_A_COMPLAINT))
    assert searchable(complaint())


def test_a_query_reads_by_its_most_selective_facet() -> None:
    assert ComplaintQuery().facet() is None
    assert ComplaintQuery(category="billing", channel="email").facet() == ("category", "billing")
    assert ComplaintQuery(category="billing", late=True).facet() == ("late", "true")
    assert ComplaintQuery(late=False).facet() is None  # false is read after the index
    assert ComplaintQuery(clock_status="breached", referred=True).facet() == ("referred", "true")
    assert ComplaintQuery(category="billing", late=True, referred=False).facets() == (
        ("late", "true"), ("category", "billing"))  # fmt: skip

"""Complaint clocks through the use cases on the in-memory store: opened at receipt,
met and extended by milestones the helpdesk shows, warned and breached once however often
the sweep runs, service clocks paused, and the admin's audited recalculation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plaint.clocks import timekeeping
from plaint.model.actions import ActionKind
from plaint.model.audit import AuditDraft
from plaint.model.complaint import ClockStatus, Complaint
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem, TicketEventKind
from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.usecases.handling import ComplaintHandling
from storage.memory import MemoryStore
from tests.conftest import ledger_entries
from tests.factories import ticket_event
from tests.fakes import FakeHelpdesk, FakeQueue, ManualClock

RECEIVED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # Monday, 09:00 in London (GMT)

POLICY: dict[str, Any] = {
    "name": "clocks under test",
    "approved_by": "Head of Complaints",
    "default_language": "en",
    "languages": ["en"],
    "calendars": [
        {
            "id": "london",
            "timezone": "Europe/London",
            "working_hours": {"opens": "09:00", "closes": "17:00"},
            "deemed_receipt": False,
        }
    ],
    "defaults": {"is_complaint": True, "regime": "payments"},
    "regimes": [
        {
            "id": "payments",
            "name": "15/35 business days",
            "source": "DISP 1.6.2AR",
            "calendar": "london",
            "clocks": [
                {
                    "id": "final_response",
                    "within": {"amount": 15, "unit": "business_days"},
                    "met_by": ["final_response"],
                    "extension": {
                        "by": "holding_response",
                        "to": {"amount": 35, "unit": "business_days"},
                    },
                    "warn_at": [0.5, 0.8],
                    "on_warning": {"add_tags": ["clock_warning"]},
                    "on_breach": {"add_tags": ["clock_breached"], "fields": {"priority": "urgent"}},
                },
                {
                    "id": "first_reply",
                    "kind": "service",
                    "within": {"amount": 16, "unit": "business_hours"},
                    "met_by": ["holding_response", "final_response"],
                    "pause_on_statuses": ["pending"],
                    "warn_at": [],
                    "on_breach": {"add_tags": ["first_reply_late"], "notify_agents": False},
                },
            ],
        }
    ],
    "milestones": [
        {"milestone": "holding_response", "tags": ["holding_sent"]},
        {"milestone": "final_response", "tags": ["final_sent"], "statuses": ["solved"]},
    ],
    "acknowledgement": {
        "within": {"amount": 1, "unit": "business_days"},
        "calendar": "london",
        "templates": {"en": "Received {reference}; final response by {due_final_response}."},
    },
}


def policy(**changes: Any) -> Policy:
    import json

    return parse_policy(json.dumps(POLICY | changes))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(now=RECEIVED)


@pytest.fixture
def helpdesk() -> FakeHelpdesk:
    return FakeHelpdesk()


@pytest.fixture
def handling(clock: ManualClock, helpdesk: FakeHelpdesk) -> ComplaintHandling:
    return ComplaintHandling(
        store=MemoryStore(clock),
        policy=policy(),
        clock=clock,
        outboxes={SourceSystem.ZENDESK: helpdesk},
    )


def deliver(handling: ComplaintHandling, n: int, at: datetime, **event: Any) -> None:
    e = ticket_event(
        delivery_id=f"d-{n}",
        created_at=RECEIVED,
        occurred_at=at,
        kind=event.pop("kind", TicketEventKind.UPDATED if n > 1 else TicketEventKind.CREATED),
        **event,
    )
    assert handling.accept(e)
    for action in handling.process(f"zendesk:{e.delivery_id}"):
        handling.dispatch(action)


def complaint(handling: ComplaintHandling) -> Complaint:
    found = handling.store.get_complaint("zendesk:101")
    assert found is not None
    return found


def kinds(handling: ComplaintHandling) -> list[str]:
    return [e.kind for e in ledger_entries(handling.store)]


def clock_of(handling: ComplaintHandling, clock_id: str) -> Any:
    return next(c for c in complaint(handling).clocks if c.clock_id == clock_id)


def test_receipt_freezes_the_regime_clocks_and_the_acknowledgement_states_them(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    deliver(handling, 1, RECEIVED)
    final = clock_of(handling, "final_response")
    # 15 business days after Mon 3 Mar 2025 (day of receipt not counted): Mon 24 Mar, 17:00.
    assert final.due_at == datetime(2025, 3, 24, 17, 0, tzinfo=UTC)
    assert final.status is ClockStatus.RUNNING
    assert complaint(handling).regime == "payments"
    assert helpdesk.applied[0].comment == (
        "Received 101; final response by 2025-03-24 17:00 (Europe/London, UTC+00:00)."
    )
    started = [e for e in ledger_entries(handling.store) if e.kind == "clock.started"]
    assert {e.detail["clock"] for e in started} == {"final_response", "first_reply"}
    assert all(e.policy_version == handling.policy.version for e in started)


def test_warnings_and_breach_are_recorded_once_however_often_the_sweep_runs(
    handling: ComplaintHandling, clock: ManualClock, helpdesk: FakeHelpdesk
) -> None:
    deliver(handling, 1, RECEIVED)
    queue = FakeQueue()
    for _ in range(50):  # every 12 hours for 25 days, sweeping twice each time
        clock.advance(hours=12)
        handling.sweep(queue)
        handling.sweep(queue)
    warnings = [e for e in ledger_entries(handling.store) if e.kind == "clock.warning"]
    assert [(e.detail["clock"], e.detail["fraction"]) for e in warnings] == [
        ("final_response", 0.5),
        ("final_response", 0.8),
    ]
    assert kinds(handling).count("clock.breached") == 2  # final_response and first_reply
    alerts = [a for a in helpdesk.applied if a.kind is ActionKind.CLOCK_ALERT]
    assert sorted(a.action_id.rsplit(":", 1)[1] for a in alerts) == [
        "breach",
        "breach",
        "warn50",
        "warn80",
    ]
    breach = next(a for a in alerts if a.action_id.endswith("final_response:breach"))
    assert breach.add_tags == ("clock_breached",) and breach.fields == {"priority": "urgent"}
    assert breach.public is False and breach.comment and "2025-03-24 17:00" in breach.comment
    quiet = next(a for a in alerts if a.action_id.endswith("first_reply:breach"))
    assert quiet.comment is None  # notify_agents false
    assert clock_of(handling, "final_response").status is ClockStatus.BREACHED
    assert complaint(handling).next_due_at() is None


def test_warning_instants_split_business_time_not_wall_time(handling: ComplaintHandling) -> None:
    deliver(handling, 1, RECEIVED)
    marks = clock_of(handling, "final_response").warnings
    # Business time from Mon 3 Mar 09:00 to Mon 24 Mar 17:00 is 16 days x 8 h = 128 h.
    # 50 % = 64 h = 8 whole days -> Wed 12 Mar 17:00;
    # 80 % = 102.4 h = 12 days and 6 h 24 min -> Wed 19 Mar 15:24.
    assert marks[0].at == datetime(2025, 3, 12, 17, 0, tzinfo=UTC)
    assert marks[1].at == datetime(2025, 3, 19, 15, 24, tzinfo=UTC)


def test_a_holding_response_before_the_deadline_extends_it_and_is_recorded(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    clock.advance(days=10)
    deliver(handling, 2, clock.now, tags=("holding_sent",))
    final = clock_of(handling, "final_response")
    # 35 business days after Mon 3 Mar 2025, seven whole weeks (this calendar has no
    # holidays): Mon 21 Apr 2025, 17:00 BST = 16:00 UTC.
    assert final.extended and final.due_at == datetime(2025, 4, 21, 16, 0, tzinfo=UTC)
    extended = [e for e in ledger_entries(handling.store) if e.kind == "clock.extended"]
    assert extended[0].detail["due_at_before"] == "2025-03-24T17:00:00+00:00"
    # The holding response met the first-reply clock days late: its breach is recorded
    # even though no sweep ran in between.
    reply = clock_of(handling, "first_reply")
    assert reply.status is ClockStatus.BREACHED and reply.met_at == clock.now
    assert "clock.breached" in kinds(handling)


def test_the_final_response_meets_the_clock_on_time(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    clock.advance(days=5)
    deliver(handling, 2, clock.now, helpdesk_status="solved")
    final = clock_of(handling, "final_response")
    assert final.status is ClockStatus.MET and final.met_at == clock.now
    met = [e for e in ledger_entries(handling.store) if e.kind == "clock.met"]
    assert {e.detail["clock"]: e.detail["on_time"] for e in met} == {
        "final_response": True,
        "first_reply": False,  # 16 business hours ran out on Tue 4 Mar at 17:00
    }
    assert "milestone.reached" in kinds(handling)


def test_a_late_final_response_after_the_breach_is_recorded_as_late(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    clock.advance(days=30)
    handling.sweep(FakeQueue())
    deliver(handling, 2, clock.now, tags=("final_sent",))
    final = clock_of(handling, "final_response")
    assert final.status is ClockStatus.BREACHED and final.met_at == clock.now
    met = next(e for e in ledger_entries(handling.store) if e.kind == "clock.met"
               and e.detail["clock"] == "final_response")  # fmt: skip
    assert met.detail["on_time"] is False


def test_a_service_clock_pauses_while_pending_but_a_regulatory_one_does_not(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    before = clock_of(handling, "final_response").due_at
    clock.advance(hours=4)  # Mon 13:00: 4 of 16 business hours used
    deliver(handling, 2, clock.now, helpdesk_status="pending")
    assert clock_of(handling, "first_reply").status is ClockStatus.PAUSED
    clock.advance(days=3)  # Thu 13:00
    deliver(handling, 3, clock.now, helpdesk_status="open")
    reply = clock_of(handling, "first_reply")
    # 12 business hours left from Thu 13:00: Thu 4 h, Fri 8 h -> Fri 7 Mar 17:00.
    assert reply.status is ClockStatus.RUNNING
    assert reply.due_at == datetime(2025, 3, 7, 17, 0, tzinfo=UTC)
    assert clock_of(handling, "final_response").due_at == before
    assert (
        kinds(handling).count("clock.paused") == 1 and kinds(handling).count("clock.resumed") == 1
    )


def test_a_policy_change_never_moves_frozen_deadlines(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    before = clock_of(handling, "final_response").due_at
    longer = [dict(POLICY["regimes"][0])]
    longer[0]["clocks"] = [
        dict(POLICY["regimes"][0]["clocks"][0], within={"amount": 20, "unit": "business_days"}),
        POLICY["regimes"][0]["clocks"][1],
    ]
    handling.policy = policy(regimes=longer)
    clock.advance(days=1)
    deliver(handling, 2, clock.now, helpdesk_status="open")
    handling.sweep(FakeQueue())
    assert clock_of(handling, "final_response").due_at == before


def test_recalculation_refreezes_open_clocks_and_records_before_and_after(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    longer = [dict(POLICY["regimes"][0])]
    longer[0]["clocks"] = [
        dict(POLICY["regimes"][0]["clocks"][0], within={"amount": 20, "unit": "business_days"}),
        POLICY["regimes"][0]["clocks"][1],
    ]
    new_policy = policy(regimes=longer)
    clock.advance(hours=1)
    current = complaint(handling)
    decision = timekeeping.recalculate(
        current, new_policy, clock.now, requested_by="admin@example.com", reason="rule change"
    )
    handling.store.commit(decision, "main")
    entry = ledger_entries(handling.store)[-1]
    assert entry.kind == "clocks.recalculated"
    report = {c["clock"]: c for c in entry.detail["clocks"]}
    assert report["final_response"]["before"]["due_at"] == "2025-03-24T17:00:00+00:00"
    assert report["final_response"]["after"]["due_at"] == "2025-03-31T16:00:00+00:00"
    assert entry.detail["frozen_under"] == handling.policy.version
    assert entry.detail["recalculated_under"] == new_policy.version
    assert complaint(handling).clocks_policy_version == new_policy.version


def test_recalculation_keeps_history_and_recorded_warnings(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    deliver(handling, 1, RECEIVED)
    clock.advance(days=12)
    handling.sweep(FakeQueue())
    current = complaint(handling)
    assert [m.recorded for m in clock_of(handling, "final_response").warnings] == [True, False]
    decision = timekeeping.recalculate(
        current, handling.policy, clock.now, requested_by="admin", reason="no change"
    )
    after = {c.clock_id: c for c in decision.complaint.clocks} if decision.complaint else {}
    assert after["first_reply"] == clock_of(handling, "first_reply")  # breached: history
    assert [m.recorded for m in after["final_response"].warnings] == [True, False]


def test_a_complaint_with_no_regime_has_no_clocks(clock: ManualClock) -> None:
    plain = policy(defaults={"is_complaint": True})
    handling = ComplaintHandling(store=MemoryStore(clock), policy=plain, clock=clock)
    deliver(handling, 1, RECEIVED)
    assert complaint(handling).clocks == ()
    assert complaint(handling).next_due_at() == RECEIVED + timedelta(hours=32)


def test_an_overdue_acknowledgement_and_a_clock_falling_due_are_one_write(
    handling: ComplaintHandling,
) -> None:
    """The sweep judges the clocks on the overdue state, then writes both as one revision."""
    deliver(handling, 1, RECEIVED)
    stored = complaint(handling)
    draft = AuditDraft(kind="clock.warning", complaint_id=stored.complaint_id,
                       policy_version=stored.policy_version, at=RECEIVED)  # fmt: skip
    overdue = Decision(complaint=stored.revised(acknowledgement_overdue=True),
                       expected_revision=stored.revision, audit=(draft,))  # fmt: skip
    assert overdue.complaint is not None
    warned = Decision(
        complaint=overdue.complaint.revised(helpdesk_status="open"),
        expected_revision=overdue.complaint.revision,
        audit=(draft, draft),
    )
    merged = warned.following(overdue)
    assert merged.expected_revision == stored.revision
    assert merged.complaint is not None and merged.complaint.revision == stored.revision + 1
    assert merged.complaint.acknowledgement_overdue and merged.complaint.helpdesk_status == "open"
    assert len(merged.audit) == 3
    with pytest.raises(ValueError, match="one complaint"):
        warned.following(Decision(complaint=None, audit=(draft,)))

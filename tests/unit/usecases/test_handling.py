"""The use cases end to end on the in-memory store: receipt, acknowledgement, retries, sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plaint.auditlog.verify import verify
from plaint.letters.acknowledgement import ACK_MARKER_TAG
from plaint.model.actions import ActionStatus, LandedWrite
from plaint.model.complaint import ComplaintStatus
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from plaint.usecases.handling import UNJUDGED_LOG_EVENT, ComplaintHandling
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError
from storage.memory import MemoryStore
from tests.conftest import ledger_entries
from tests.factories import default_policy, ticket_event
from tests.fakes import FakeFeed, FakeHelpdesk, FakeQueue, ManualClock

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def helpdesk() -> FakeHelpdesk:
    return FakeHelpdesk()


@pytest.fixture
def handling(clock: ManualClock, helpdesk: FakeHelpdesk) -> ComplaintHandling:
    return ComplaintHandling(
        store=MemoryStore(clock),
        policy=default_policy(),
        clock=clock,
        outboxes={SourceSystem.ZENDESK: helpdesk},
    )


def receive(handling: ComplaintHandling, **event: object) -> None:
    e = ticket_event(**event)
    assert handling.accept(e)
    for action in handling.process(f"zendesk:{e.delivery_id}"):
        handling.dispatch(action)


def audit_kinds(handling: ComplaintHandling) -> list[str]:
    return [e.kind for e in ledger_entries(handling.store)]


def test_complaint_is_classified_acknowledged_once_and_audited(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    receive(handling, description=COMPLAINT)
    complaint = handling.store.get_complaint("zendesk:101")
    assert complaint is not None
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.language == "az"
    assert complaint.assessment.category == "billing"
    # Received Tuesday 2025-03-04 14:00 Baku; due close of Wednesday 18:00 Baku = 14:00 UTC.
    assert complaint.acknowledgement_due_at == datetime(2025, 3, 5, 14, 0, tzinfo=UTC)
    assert [a.comment for a in helpdesk.applied] == [
        default_policy()
        .acknowledgement.templates["az"]
        .format(
            reference="101",
            received_on="2025-03-04",
            due_by="2025-03-05 18:00 (Asia/Baku, UTC+04:00)",
        )
    ]
    assert audit_kinds(handling) == [
        "complaint.received",
        "complaint.assessed",
        "acknowledgement.deadline_set",
        "acknowledgement.sent",
    ]
    entries = ledger_entries(handling.store)
    assert verify(entries, [], {}).holds
    assert {e.policy_version for e in entries} == {default_policy().version}


def test_duplicate_delivery_is_refused_and_changes_nothing(handling: ComplaintHandling) -> None:
    receive(handling, description=COMPLAINT)
    assert not handling.accept(ticket_event(description=COMPLAINT))
    assert len(audit_kinds(handling)) == 4


def test_not_a_complaint_is_judged_but_not_acknowledged(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    receive(handling)
    complaint = handling.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.status is ComplaintStatus.NOT_A_COMPLAINT
    assert helpdesk.applied == []
    assert audit_kinds(handling) == ["complaint.received", "complaint.assessed"]


def test_older_update_after_newer_one_is_ignored(handling: ComplaintHandling) -> None:
    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    receive(handling, description=COMPLAINT, created_at=t0)
    newer = dict(kind=TicketEventKind.STATUS_CHANGED, created_at=t0)
    receive(
        handling,
        delivery_id="d-3",
        occurred_at=t0 + timedelta(hours=2),
        helpdesk_status="solved",
        **newer,
    )
    receive(
        handling,
        delivery_id="d-2",
        occurred_at=t0 + timedelta(hours=1),
        helpdesk_status="open",
        **newer,
    )
    complaint = handling.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.helpdesk_status == "solved"
    assert audit_kinds(handling).count("complaint.updated") == 1
    [superseded] = [
        e for e in ledger_entries(handling.store) if e.kind == "complaint.update_superseded"
    ]
    assert superseded.detail["delivery_id"] == "d-2"
    delivery = handling.store.get_delivery("zendesk:d-2")
    assert delivery is not None and delivery.status == "processed"


def test_rate_limited_acknowledgement_is_retried_by_the_sweep(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk, clock: ManualClock
) -> None:
    helpdesk.fail_next(TransientDeliveryError("429", retry_after=90))
    receive(handling, description=COMPLAINT)
    action = handling.store.get_action("zendesk:101:acknowledge")
    assert action is not None and action.status is ActionStatus.PENDING
    assert action.next_attempt_at == clock.now + timedelta(seconds=90)
    clock.advance(seconds=60)
    assert handling.sweep(FakeQueue()).actions_dispatched == 0  # honours Retry-After
    clock.advance(seconds=31)
    assert handling.sweep(FakeQueue()).actions_dispatched == 1
    assert len(helpdesk.applied) == 1
    measures = [m.name for m in handling.outcomes.take()[0]]
    assert measures.count("ActionsRetried") == 1
    assert measures.count("AcknowledgementsOnTime") == 1


def test_lost_answer_is_not_posted_twice(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk, clock: ManualClock
) -> None:
    helpdesk.lose_answer_once = True
    receive(handling, description=COMPLAINT)
    clock.advance(minutes=5)
    handling.sweep(FakeQueue())
    assert len(helpdesk.applied) == 1
    assert ACK_MARKER_TAG in helpdesk.tags["101"]
    sent = [e for e in ledger_entries(handling.store) if e.kind == "acknowledgement.sent"]
    assert sent[0].detail["confirmed_by"] == "ticket_marker"


def test_permanent_failure_is_parked_and_audited(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    helpdesk.fail_next(PermanentDeliveryError("404 ticket not found"))
    receive(handling, description=COMPLAINT)
    action = handling.store.get_action("zendesk:101:acknowledge")
    assert action is not None and action.status is ActionStatus.PARKED
    assert "action.parked" in audit_kinds(handling)
    measures = [m.name for m in handling.outcomes.take()[0]]
    assert measures.count("ActionsParked") == 1 and "ActionsRetried" not in measures


def test_overdue_acknowledgement_is_recorded_once(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk, clock: ManualClock
) -> None:
    helpdesk.fail_next(*[PermanentDeliveryError("403 forbidden")])
    receive(handling, description=COMPLAINT)
    clock.now = datetime(2025, 3, 5, 14, 0, 1, tzinfo=UTC)
    assert handling.sweep(FakeQueue()).acknowledgements_overdue == 1
    assert handling.sweep(FakeQueue()).acknowledgements_overdue == 0
    assert audit_kinds(handling).count("acknowledgement.overdue") == 1
    assert "complaint_ack_overdue" in helpdesk.tags["101"]


def test_sweep_redrives_deliveries_the_queue_lost(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    handling.accept(ticket_event(description=COMPLAINT))
    queue = FakeQueue()
    assert handling.sweep(queue).redriven_deliveries == 0
    clock.advance(minutes=6)
    handling.sweep(queue)
    assert queue.sent == ["zendesk:d-1"]


def test_repeated_sweeps_queue_each_unprocessed_delivery_once_a_window(
    handling: ComplaintHandling, clock: ManualClock
) -> None:
    keys = [f"zendesk:d-{n}" for n in range(3)]
    for n in range(3):
        handling.accept(ticket_event(delivery_id=f"d-{n}", ticket_id=f"10{n}"))
    queue = FakeQueue()
    clock.advance(minutes=6)
    for _ in range(29):  # the local stack's 10 s sweep, for almost five minutes
        handling.sweep(queue)
        clock.advance(seconds=10)
    assert sorted(queue.sent) == keys
    # Still unprocessed a window after their redrive: their messages were lost too.
    clock.advance(seconds=20)
    assert handling.sweep(queue).redriven_deliveries == 3
    assert sorted(queue.sent) == sorted(keys * 2)


def test_a_set_aside_delivery_is_recorded_and_not_judged(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    receive(handling, description=COMPLAINT, set_aside="spam verdict FAIL")
    assert handling.store.get_complaint("zendesk:101") is None
    assert helpdesk.applied == []
    [entry] = ledger_entries(handling.store)
    assert (entry.kind, entry.detail["reason"]) == ("intake.set_aside", "spam verdict FAIL")
    delivery = handling.store.get_delivery("zendesk:d-1")
    assert delivery is not None and delivery.status == "processed"


def test_an_accepted_delivery_that_cannot_be_judged_is_set_aside_once(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk, caplog: pytest.LogCaptureFixture
) -> None:
    # Signed and accepted, but dated where the calendar cannot count a deadline.
    edge = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    receive(handling, description=COMPLAINT, created_at=edge)
    assert handling.store.get_complaint("zendesk:101") is None
    assert helpdesk.applied == []
    [entry] = ledger_entries(handling.store)
    assert entry.kind == "intake.set_aside"
    assert entry.detail["reason"].startswith("cannot be judged: CalendarError: ")
    assert entry.detail["delivery_id"] == "d-1"
    delivery = handling.store.get_delivery("zendesk:d-1")
    assert delivery is not None and delivery.status == "processed"
    assert handling.set_aside_unjudged == {"zendesk": 1}
    assert [r.getMessage().split()[0] for r in caplog.records if r.levelname == "ERROR"] == [
        UNJUDGED_LOG_EVENT
    ]
    assert handling.process("zendesk:d-1") == ()  # judged once: a retry finds it processed


def test_acknowledgement_carries_the_reply_address_for_email(handling: ComplaintHandling) -> None:
    event = ticket_event(
        description=COMPLAINT, reply_to="leyla@example.az", thread_message_id="<m1@example.az>"
    )
    handling.accept(event)
    [action] = handling.process("zendesk:d-1")
    assert (action.recipient, action.in_reply_to) == ("leyla@example.az", "<m1@example.az>")


def recovered(ticket_id: str, at: datetime, **fields: object) -> TicketEvent:
    return ticket_event(
        delivery_id=f"reconcile:{ticket_id}:{at.isoformat()}", ticket_id=ticket_id,
        created_at=datetime(2025, 3, 4, 9, tzinfo=UTC), occurred_at=at, recovered=True, **fields,
    )  # fmt: skip


def test_reconciliation_closes_only_the_gaps_webhooks_left(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    receive(handling, description=COMPLAINT, created_at=t0)  # ticket 101 came by webhook
    feed = FakeFeed(
        [
            [recovered("101", t0)],  # already known: nothing to do
            [recovered("202", t0 + timedelta(minutes=5), description=COMPLAINT)],  # lost
            [recovered("202", t0 + timedelta(minutes=5), description=COMPLAINT)],  # seen twice
        ]
    )
    report = handling.reconcile(feed)
    assert (report.pages, report.changes_seen, report.gaps_closed) == (3, 3, 1)
    assert [a.ticket_id for a in helpdesk.applied] == ["101", "202"]
    gaps = [e for e in ledger_entries(handling.store) if e.kind == "intake.gap_closed"]
    assert [g.complaint_id for g in gaps] == ["zendesk:202"]
    assert handling.store.get_cursor("reconcile:zendesk") == "3"
    # The next run starts where this one ended.
    assert handling.reconcile(feed).gaps_closed == 0
    assert feed.asked[-1] == "3"


def test_our_own_update_of_the_ticket_is_not_a_gap(handling: ComplaintHandling) -> None:
    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    receive(handling, description=COMPLAINT, created_at=t0, helpdesk_status="new")
    # The acknowledgement moved the ticket's updated time, and nothing else we track.
    own = recovered("101", t0 + timedelta(minutes=1), helpdesk_status="new")
    solved = recovered("101", t0 + timedelta(minutes=9), helpdesk_status="solved")
    report = handling.reconcile(FakeFeed([[own], [solved]]))
    assert (report.changes_seen, report.gaps_closed) == (2, 1)
    [gap] = [e for e in ledger_entries(handling.store) if e.kind == "intake.gap_closed"]
    assert gap.detail["delivery_id"] == solved.delivery_id


def test_the_ticket_our_acknowledgement_opened_is_not_a_lost_webhook(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    acked, noted = t0 + timedelta(seconds=45), t0 + timedelta(minutes=2)
    # Zendesk opens a new ticket an agent (or the API user) comments on.
    helpdesk.landing = [
        LandedWrite(before_at=t0, before_status="new", at=acked, status="open"),
        LandedWrite(before_at=acked, before_status="open", at=noted, status="open"),
    ]
    receive(handling, description=COMPLAINT, created_at=t0, helpdesk_status="new")
    complaint = handling.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.own_write is not None
    assert complaint.own_write.at == acked
    # Only our own update changed the ticket since the webhook.
    report = handling.reconcile(FakeFeed([[recovered("101", acked, helpdesk_status="open")]]))
    assert (report.changes_seen, report.gaps_closed) == (1, 0)
    assert audit_kinds(handling)[-1] == "acknowledgement.sent"


def test_a_change_before_our_own_update_is_still_a_gap(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    acked = t0 + timedelta(seconds=45)
    # An agent set the ticket pending, and that webhook was lost, before we acknowledged.
    helpdesk.landing = [
        LandedWrite(before_at=t0 + timedelta(seconds=30), before_status="pending", at=acked,
                    status="pending"),
    ]  # fmt: skip
    receive(handling, description=COMPLAINT, created_at=t0, helpdesk_status="new")
    report = handling.reconcile(FakeFeed([[recovered("101", acked, helpdesk_status="pending")]]))
    assert report.gaps_closed == 1
    assert handling.store.get_complaint("zendesk:101").helpdesk_status == "pending"  # type: ignore[union-attr]


def test_follow_up_records_what_changed_and_takes_a_later_remedy(
    handling: ComplaintHandling,
) -> None:
    from plaint.model.events import FieldChange

    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    receive(handling, description=COMPLAINT, created_at=t0, helpdesk_status="new")
    change = FieldChange(field="remedy", before=None, after="refund")
    later = t0 + timedelta(hours=1)
    update = dict(kind=TicketEventKind.UPDATED, created_at=t0, occurred_at=later)
    receive(handling, delivery_id="d-2", remedy_sought="refund", changes=(change,), **update)
    complaint = handling.store.get_complaint("zendesk:101")
    assert complaint is not None
    assert (complaint.remedy_sought, complaint.helpdesk_status) == ("refund", "new")
    [updated] = [e for e in ledger_entries(handling.store) if e.kind == "complaint.updated"]
    assert updated.detail["changes"] == [{"field": "remedy", "before": None, "after": "refund"}]


def test_a_question_becomes_a_complaint_when_the_complainant_says_so(
    handling: ComplaintHandling, helpdesk: FakeHelpdesk
) -> None:
    t0 = datetime(2025, 3, 4, 10, tzinfo=UTC)
    receive(handling, created_at=t0)  # "When will it ship?": not a complaint
    later = t0 + timedelta(days=1)
    comment = dict(kind=TicketEventKind.COMMENT_ADDED, created_at=t0, occurred_at=later)
    receive(handling, delivery_id="d-2", description=COMPLAINT, **comment)
    complaint = handling.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == later  # received when dissatisfaction was expressed
    assert [a.ticket_id for a in helpdesk.applied] == ["101"]
    kinds = audit_kinds(handling)
    assert kinds.count("complaint.received") == 2
    assert kinds[-2:] == ["acknowledgement.deadline_set", "acknowledgement.sent"]
    # A staff reply quoting the ticket again changes nothing more.
    receive(handling, delivery_id="d-3", description=COMPLAINT,
            **(comment | {"occurred_at": later + timedelta(hours=1)}))  # fmt: skip
    assert len(helpdesk.applied) == 1

"""Retention: classes at closure, legal holds, disposal past the retention date, erasure
requests, and the TTL backstop; proved over simulated years of complaints."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plaint.auditlog.chain import chain_of
from plaint.auditlog.verify import FindingKind, verify
from plaint.intake.reception import TEXT_KEY, description_digest
from plaint.model.actions import ActionKind
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint, ComplaintStatus
from plaint.model.decision import Decision
from plaint.model.events import Delivery, SourceSystem, TicketEventKind
from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.retention.decisions import (
    ErasureResult,
    answer_erasure,
    release_hold,
    set_hold,
)
from plaint.retention.officers import Actor, HoldRefusedError
from plaint.usecases.checkpointing import Checkpointer
from plaint.usecases.handling import ComplaintHandling
from storage.archive import DirectoryArchive
from storage.key_file import LocalSigner
from storage.memory import MemoryStore
from tests.factories import DEFAULT_POLICY, ticket_event
from tests.fakes import FakeHelpdesk, ManualClock
from tests.store_fixtures import T0
from tests.store_fixtures import complaint as store_complaint

START = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
LEGAL = Actor(name="legal@example.com")
COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"
RETENTION: dict[str, Any] = {
    "classes": [
        {"id": "billing-short", "keep_for": {"amount": 1, "unit": "years"},
         "categories": ["billing"], "ticket": "delete", "source": "test rule B"},
        {"id": "not-a-complaint", "keep_for": {"amount": 6, "unit": "months"},
         "outcomes": ["not_a_complaint"], "source": "test rule N"},
        {"id": "standard", "keep_for": {"amount": 3, "unit": "years"}, "source": "test rule S"},
    ],
    "grace": {"amount": 30, "unit": "calendar_days"},
    "hold_officers": ["legal@example.com"],
}  # fmt: skip


def policy(**retention: Any) -> Policy:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    return parse_policy(json.dumps(document | {"retention": RETENTION | retention}))


class Desk:
    """Plaint over the in-memory store, on a clock the test moves."""

    def __init__(self, clock: ManualClock, the_policy: Policy | None = None) -> None:
        self.clock = clock
        self.store = MemoryStore(clock)
        self.helpdesk = FakeHelpdesk()
        self.handling = ComplaintHandling(
            store=self.store,
            policy=the_policy or policy(),
            clock=clock,
            outboxes={SourceSystem.ZENDESK: self.helpdesk},
        )
        self.deliveries = 0

    def deliver(self, ticket: int, **event: Any) -> None:
        self.deliveries += 1
        e = ticket_event(
            delivery_id=f"d-{self.deliveries}", ticket_id=str(ticket), created_at=self.clock.now,
            occurred_at=self.clock.now, **event,
        )  # fmt: skip
        assert self.handling.accept(e)
        for action in self.handling.process(f"zendesk:{e.delivery_id}"):
            self.handling.dispatch(action)

    def receive(self, ticket: int, text: str = COMPLAINT, person: int = 1, **event: Any) -> None:
        self.deliver(ticket, description=text, complainant_ref=f"zendesk-user:{person}", **event)

    def close(self, ticket: int, status: str = "solved") -> None:
        self.clock.advance(minutes=1)  # a later change than the last one seen
        self.deliver(ticket, kind=TicketEventKind.UPDATED, helpdesk_status=status)

    def complaint(self, ticket: int) -> Complaint:
        found = self.store.get_complaint(f"zendesk:{ticket}")
        assert found is not None
        return found

    def entries(self, ticket: int) -> list[Any]:
        return list(self.store.audit_entries(chain_of("main", f"zendesk:{ticket}"), limit=1000))

    def sweep(self) -> Any:
        return self.handling.sweep(_NoQueue())


class _NoQueue:
    def enqueue(self, delivery_key: str) -> None:
        pass


@pytest.fixture
def desk() -> Desk:
    return Desk(ManualClock(now=START))


def kinds(desk: Desk, ticket: int) -> list[str]:
    return [e.kind for e in desk.entries(ticket)]


def test_closure_assigns_the_first_matching_class(desk: Desk) -> None:
    desk.receive(1)
    desk.receive(2, text="Filialınız şənbə günü açıqdır?")  # not a complaint
    desk.clock.advance(days=10)
    desk.close(1)
    desk.close(2)
    billing, other = desk.complaint(1), desk.complaint(2)
    assert billing.assessment.category == "billing"
    assert billing.retention is not None and other.retention is not None
    assert (billing.retention.class_id, billing.retention.ticket) == ("billing-short", "delete")
    assert other.retention.class_id == "not-a-complaint"
    # One year from the day of closure, to the end of that day in the calendar's zone.
    assert billing.retention.retain_until.date().isoformat() == "2021-01-16"
    assert billing.retention.dispose_at - billing.retention.retain_until == timedelta(days=30)
    assert "retention.assigned" in kinds(desk, 1)


def test_reopening_suspends_retention_and_closing_again_recomputes_it(desk: Desk) -> None:
    desk.receive(1)
    desk.clock.advance(days=5)
    desk.close(1)
    first = desk.complaint(1).retention
    desk.clock.advance(days=20)
    assert desk.complaint(1).reopened == 0
    desk.close(1, status="open")
    assert desk.complaint(1).retention is None
    assert desk.complaint(1).reopened == 1  # what the report counts as reopened
    desk.clock.advance(days=40)
    desk.close(1, status="closed")
    again = desk.complaint(1).retention
    assert first is not None and again is not None
    assert again.closed_at - first.closed_at == timedelta(days=60, minutes=2)
    assert kinds(desk, 1).count("retention.assigned") == 2
    assert kinds(desk, 1).count("retention.suspended") == 1


def test_disposal_pseudonymises_erases_certifies_and_asks_the_helpdesk(desk: Desk) -> None:
    desk.receive(1)
    desk.clock.advance(days=3)
    desk.close(1)
    received = desk.entries(1)[0]
    assert received.personal["complainant"].value == "zendesk-user:1"
    desk.clock.advance(days=365 + 30)
    assert desk.sweep().records_disposed == 0  # a day short of retention and grace
    desk.clock.advance(days=3)
    report = desk.sweep()
    assert report.records_disposed == 1
    disposed = desk.complaint(1)
    assert (disposed.complainant_ref, disposed.subject, disposed.description_digest,
            disposed.description_key) == (None, "[erased]", "", None)  # fmt: skip
    assert disposed.assessment.category == "billing" and disposed.received_at == START
    entries = desk.entries(1)
    assert entries[0].personal == {} and entries[0].personal_digests
    erased = next(e for e in entries if e.kind == "personal_data.erased")
    assert erased.detail["erased"] == [
        {"chain": "main/zendesk:1", "seq": 1, "fields": ["complainant", "text_key"]}
    ]
    certificate = next(e for e in entries if e.kind == "retention.disposed")
    assert entries[-1].kind == "action.delete_ticket.done"
    assert certificate.detail["class_id"] == "billing-short"
    assert certificate.detail["audit_values_erased"] == 2
    assert [a.kind for a in desk.helpdesk.applied][-1] is ActionKind.DELETE_TICKET
    result = verify(entries, [], {})
    assert result.holds and result.erased_values == 2
    assert desk.store.complaints_of("zendesk-user:1") == []
    assert desk.sweep().records_disposed == 0  # disposed once


def test_a_hold_keeps_the_record_until_it_is_released(desk: Desk) -> None:
    desk.receive(1)
    desk.close(1)
    store, the_policy = desk.store, desk.handling.policy
    with pytest.raises(HoldRefusedError):
        set_hold(desk.complaint(1), reason="claim", reference=None,
                 by=Actor(name="agent@example.com"), policy=the_policy,
                 now=desk.clock.now)  # fmt: skip
    held = set_hold(desk.complaint(1), reason="litigation", reference="Case 2021/17",
                    by=LEGAL, policy=the_policy, now=desk.clock.now)  # fmt: skip
    store.commit(held, "main")
    desk.clock.advance(days=3 * 365)
    assert desk.sweep().records_disposed == 0
    assert desk.complaint(1).complainant_ref == "zendesk-user:1"
    hold_id = desk.complaint(1).holds[0].hold_id
    store.commit(release_hold(desk.complaint(1), hold_id, LEGAL, the_policy,
                              desk.clock.now), "main")  # fmt: skip
    assert desk.sweep().records_disposed == 1
    assert kinds(desk, 1)[-4:-2] == ["legal_hold.released", "personal_data.erased"]


def test_an_erasure_request_erases_what_no_obligation_keeps_and_says_why(desk: Desk) -> None:
    desk.receive(1)  # open: still being handled
    desk.receive(2)  # closed, within its retention
    desk.receive(3, text="Filialınız şənbə günü açıqdır?")  # not a complaint, open
    desk.receive(4)  # closed, under a hold
    desk.receive(9, person=2)  # someone else's
    desk.close(2)
    desk.close(4)
    the_policy = desk.handling.policy
    desk.store.commit(set_hold(desk.complaint(4), reason="regulator's inquiry", reference="R-5",
                               by=LEGAL, policy=the_policy, now=desk.clock.now),
                      "main")  # fmt: skip
    desk.clock.advance(days=2)
    received = desk.clock.now
    desk.clock.advance(days=1)
    report = desk.handling.answer_erasure("zendesk-user:1", "er-1", received)
    results = {f.complaint_id: (f.result, f.kept_until is not None) for f in report.findings}
    assert results == {
        "zendesk:1": (ErasureResult.RESTRICTED, False),
        "zendesk:2": (ErasureResult.RESTRICTED, True),
        "zendesk:3": (ErasureResult.ERASED, False),
        "zendesk:4": (ErasureResult.RESTRICTED, False),
    }
    assert report.on_time and report.due_at.date().isoformat() == "2020-02-08"
    assert desk.complaint(3).complainant_ref is None
    assert desk.complaint(1).restricted_at == desk.clock.now
    assert desk.complaint(9).complainant_ref == "zendesk-user:2"
    answered = desk.store.audit_entries(chain_of("main", "erasure:er-1"))[0]
    assert answered.kind == "erasure.answered" and "zendesk-user:1" not in json.dumps(
        answered.detail
    )


def test_expired_items_are_never_read_even_before_dynamodb_deletes_them() -> None:
    clock = ManualClock(now=START)
    store = MemoryStore(clock)
    event = ticket_event()
    delivery = Delivery(source=event.source, delivery_id="d-1", received_at=START, event=event)
    store.accept_delivery(delivery, keep_until=START + timedelta(days=7))
    store.note_sending("t-1", START)
    clock.advance(days=7, seconds=1)
    assert store.get_delivery(delivery.key) is None
    assert store.unprocessed_deliveries(clock.now, 10) == []
    assert store.sending_noted_at("t-1") == START  # kept a month
    clock.advance(days=30)
    assert store.sending_noted_at("t-1") is None
    # A delivery id seen again after its memory lapsed is a new delivery.
    store.accept_delivery(delivery, keep_until=clock.now + timedelta(days=7))
    assert store.get_delivery(delivery.key) is not None


def statistics(desk: Desk, tickets: list[int]) -> Counter[tuple[str, str, str]]:
    """What management reports count: category, channel and month of receipt."""
    return Counter(
        (c.assessment.category, c.channel.value, c.received_at.strftime("%Y-%m"))
        for c in (desk.complaint(t) for t in tickets)
    )


def test_simulated_years_keep_nothing_too_long_and_touch_nothing_held(tmp_path: Path) -> None:
    rng = random.Random(20201)
    clock = ManualClock(now=START)
    desk = Desk(clock)
    checkpointer = Checkpointer(desk.store, DirectoryArchive(tmp_path / "archive"),
                                LocalSigner(tmp_path / "key"), clock=clock)  # fmt: skip
    texts = (COMPLAINT, "أريد تقديم شكوى بشأن الفاتورة", "Filialınız şənbə günü açıqdır?",
             "I want to complain about the staff")  # fmt: skip
    tickets: list[int] = []
    held: set[int] = set()
    the_policy = desk.handling.policy
    for week in range(6 * 52):
        for _ in range(rng.randint(0, 3)):
            ticket = 1000 + len(tickets)
            desk.receive(ticket, text=rng.choice(texts), person=rng.randint(1, 40))
            tickets.append(ticket)
        for ticket in tickets[-12:]:
            complaint = desk.complaint(ticket)
            if complaint.retention is None and rng.random() < 0.3:
                desk.close(ticket)
        if week % 26 == 5 and tickets:
            ticket = rng.choice(tickets[:-5] or tickets)
            retention = desk.complaint(ticket).retention
            if retention and not retention.disposed_at and ticket not in held:
                desk.store.commit(set_hold(desk.complaint(ticket), reason="claim", reference=None,
                                           by=LEGAL, policy=the_policy,
                                           now=clock.now), "main")  # fmt: skip
                held.add(ticket)
        before = statistics(desk, tickets)
        desk.sweep()
        checkpointer.run()
        assert statistics(desk, tickets) == before, "disposal must keep the facts statistics use"
        for ticket in tickets:
            complaint = desk.complaint(ticket)
            retention = complaint.retention
            if ticket in held:
                assert complaint.complainant_ref is not None, "a held record was touched"
            elif retention is not None and retention.dispose_at < clock.now - timedelta(days=7):
                assert complaint.complainant_ref is None, f"{ticket} kept past its date"
                assert all(not e.personal for e in desk.entries(ticket))
        clock.advance(days=7)
    checkpointer.run()
    clock.advance(minutes=5)
    checkpointer.run()
    disposed = sum(1 for t in tickets if desk.complaint(t).complainant_ref is None)
    assert disposed > 50 and held
    entries = list(desk.store.entries_between("main", START - timedelta(days=1), clock.now))
    checkpoints = [c for n in checkpointer.archive.numbers("main")
                   if (c := checkpointer.archive.get("main", n))]  # fmt: skip
    keys = {checkpointer.signer.key_id: checkpointer.signer.public_key_pem()}
    result = verify(entries, checkpoints, keys)
    assert result.holds, result.first
    assert result.erased_values >= disposed
    # Altered instead of erased through the proper path: the verification fails.
    i = next(i for i, e in enumerate(entries) if e.personal)
    entries[i] = entries[i].model_copy(update={"personal": {}})
    assert verify(entries, checkpoints, keys).first.kind is FindingKind.ERASED_UNRECORDED  # type: ignore[union-attr]
    j = next(j for j, e in enumerate(entries) if e.kind == "retention.disposed")
    entries[j] = entries[j].model_copy(update={"detail": {"class_id": "forged"}})
    assert FindingKind.MODIFIED in {f.kind for f in verify(entries, checkpoints, keys).findings}


def test_the_text_digest_is_keyed_and_confirms_nothing_once_erased(desk: Desk) -> None:
    desk.receive(1)
    received = desk.entries(1)[0]
    digest = received.detail["description_digest"]
    assert digest != "sha256:" + hashlib.sha256(COMPLAINT.encode()).hexdigest()
    key = received.personal[TEXT_KEY].value
    assert description_digest(key, COMPLAINT) == digest  # the key's holder can check a text
    assert desk.complaint(1).description_key == key
    assert desk.complaint(1).description_digest == digest
    desk.receive(2)  # the same words, another complaint: another digest
    assert desk.entries(2)[0].detail["description_digest"] != digest

    desk.clock.advance(days=3)
    desk.close(1)
    desk.clock.advance(days=365 + 33)
    assert desk.sweep().records_disposed == 1
    entries = desk.entries(1)
    assert all(TEXT_KEY not in e.personal for e in entries)
    assert desk.complaint(1).description_key is None
    # Nothing the store keeps any more keys a digest of the text to the one in the log.
    kept = json.dumps([*desk.store._audit.values(), *desk.store._state.values()], default=str)
    candidates = set(re.findall(r"[0-9a-f]{64}", kept))
    assert not any(description_digest(c, COMPLAINT) == digest for c in candidates)
    result = verify(entries, [], {})
    assert result.holds and result.erased_values == 2


def test_an_erasure_names_the_unkeyed_digests_it_cannot_remove() -> None:
    """Entries written before digests were keyed carry a plain SHA-256 the chain commits
    to: erasure removes the personal values around it, says it kept it, and the chain
    still verifies."""
    legacy = "sha256:" + hashlib.sha256(COMPLAINT.encode()).hexdigest()
    drafts = [AuditDraft(kind=AuditKind.COMPLAINT_RECEIVED, complaint_id="zendesk:101",
                         policy_version="v1", at=T0, detail={"description_digest": legacy},
                         personal={"complainant": "zendesk-user:1"})]  # fmt: skip
    record = store_complaint(description_digest=legacy, status=ComplaintStatus.NOT_A_COMPLAINT)
    store = MemoryStore(lambda: T0)
    store.commit(Decision(complaint=record, audit=tuple(drafts)), "main")
    entries = list(store.complaint_entries("main", "zendesk:101"))
    decision, _ = answer_erasure(record, entries, "er-1", policy(), T0)
    store.commit(decision, "main")
    erased = decision.audit[0]
    assert erased.detail["unkeyed_text_digests_kept"] == [{"chain": "main/zendesk:101", "seq": 1}]
    assert decision.complaint is not None and decision.complaint.description_digest == ""
    assert verify(store.complaint_entries("main", "zendesk:101"), [], {}).holds

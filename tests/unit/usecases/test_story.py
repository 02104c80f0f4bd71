"""A complaint's story for its page: from real decisions on the in-memory store, and from a
record with every part (clocks, letters, referral, retention, holds)."""

from __future__ import annotations

from datetime import timedelta

from plaint.auditlog.chain import GENESIS_HASH, chain_of, place_on_chain
from plaint.model.audit import AuditDraft, AuditKind, ChainHead
from plaint.model.complaint import (
    ClockStatus,
    LegalHold,
    Referral,
    ReferralStage,
    Retention,
    WarningMark,
)
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem
from plaint.reporting.story import story_of
from plaint.usecases.handling import ComplaintHandling
from plaint.usecases.story import complaint_story
from plaint.vocabulary.terms import (
    Duration,
    DurationUnit,
    Milestone,
    RetentionOutcome,
    TicketDisposal,
)
from storage.memory import MemoryStore
from tests.factories import default_policy, ticket_event
from tests.fakes import FakeHelpdesk, ManualClock
from tests.store_fixtures import T0, clock, complaint

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"


def test_the_story_of_a_received_and_acknowledged_complaint() -> None:
    now = ManualClock()
    store = MemoryStore(now)
    handling = ComplaintHandling(store=store, policy=default_policy(), clock=now,
                                 outboxes={SourceSystem.ZENDESK: FakeHelpdesk()})  # fmt: skip
    event = ticket_event(description=COMPLAINT, subject="Pul", complainant_ref="zendesk-user:7")
    handling.accept(event)
    for action in handling.process("zendesk:d-1"):
        handling.dispatch(action)

    story = complaint_story(store, "main", "zendesk:101")
    assert story is not None and not story.with_personal
    assert story.record.personal is None and story.record.category == "billing"
    assert [e.kind for e in story.timeline] == [
        "complaint.received", "complaint.assessed", "acknowledgement.deadline_set",
        "acknowledgement.sent",
    ]  # fmt: skip
    received = story.timeline[0]
    assert received.personal == {} and received.withheld == ("complainant", "text_key")
    assert "zendesk-user:7" not in story.model_dump_json()
    assert story.acknowledgement.on_time is True
    assert story.chain.links_hold and story.chain.entries == 4
    assert story.chain.chain == chain_of("main", "zendesk:101")

    shown = complaint_story(store, "main", "zendesk:101", with_personal=True)
    assert shown is not None and shown.record.personal is not None
    assert shown.record.personal.complainant_ref == "zendesk-user:7"
    assert shown.record.personal.subject == "Pul"
    assert shown.timeline[0].personal["complainant"] == "zendesk-user:7"
    assert set(shown.timeline[0].personal) == {"complainant", "text_key"}
    assert complaint_story(store, "main", "zendesk:404") is None


def test_every_part_of_the_story() -> None:
    warned = clock(ClockStatus.BREACHED).model_copy(update={
        "warnings": (WarningMark(fraction=0.5, at=T0 + timedelta(days=28), recorded=True),),
        "extension_by": Milestone.HOLDING_RESPONSE,
        "extension_to": Duration(amount=35, unit=DurationUnit.BUSINESS_DAYS),
        "ended_at": T0 + timedelta(days=56),
    })  # fmt: skip
    referral = Referral(referral_id="zendesk:101:fos:1", provider_id="fos", trigger="missed",
                        stage=ReferralStage.ACKNOWLEDGED, offered_at=T0, referred_at=T0,
                        acknowledged_at=T0 + timedelta(days=2))  # fmt: skip
    retention = Retention(class_id="standard", outcome=RetentionOutcome.REFERRED,
                          closed_at=T0, retain_until=T0 + timedelta(days=2000),
                          dispose_at=T0 + timedelta(days=2030), ticket=TicketDisposal.KEEP,
                          policy_version="v1")  # fmt: skip
    hold = LegalHold(hold_id="h-1", reason="litigation", set_by="legal@example.com", set_at=T0)
    record = complaint(clocks=(warned,), referrals=(referral,), retention=retention,
                       holds=(hold,))  # fmt: skip
    drafts = [
        AuditDraft(kind=AuditKind.LETTER_CHECKED, complaint_id="zendesk:101",
                   policy_version="v1", at=T0,
                   detail={"kind": "final_response", "verdict": "flag", "present": ["a"],
                           "missing": ["fos_rights"], "checked_in": {"a": "en"}}),
        AuditDraft(kind=AuditKind.REFERRAL_OFFERED, complaint_id="zendesk:101",
                   policy_version="v1", at=T0, detail={"referral": "zendesk:101:fos:1"}),
        AuditDraft(kind=AuditKind.REFERRAL_ACKNOWLEDGED, complaint_id="zendesk:101",
                   policy_version="v1", at=T0 + timedelta(days=2),
                   detail={"referral": "zendesk:101:fos:1", "by": "agent@example.com"}),
    ]  # fmt: skip
    store = MemoryStore(lambda: T0 + timedelta(days=2))  # when the last entry was written
    store.commit(Decision(complaint=record, audit=tuple(drafts)), "main")

    story = complaint_story(store, "main", "zendesk:101")

    assert story is not None
    (view,) = story.clocks
    assert view.breached_at == T0 + timedelta(days=56)
    assert view.extension is not None and not view.extension.granted
    assert [w.fraction for w in view.warnings] == [0.5]
    (letter,) = story.letters
    assert (letter.verdict, letter.missing) == ("flag", ("fos_rights",))
    (steps,) = story.referrals
    assert [(s.kind, s.by) for s in steps.steps] == [
        ("referral.offered", None), ("referral.acknowledged", "agent@example.com"),
    ]  # fmt: skip
    assert story.retention == retention and story.holds == (hold,)


def test_a_broken_link_is_shown_where_it_breaks() -> None:
    drafts = [
        AuditDraft(kind=AuditKind.COMPLAINT_UPDATED, complaint_id="zendesk:101",
                   policy_version="v1", at=T0, detail={"n": n})
        for n in range(3)
    ]  # fmt: skip
    head = ChainHead(chain=chain_of("main", "zendesk:101"), seq=0, hash=GENESIS_HASH)
    entries = list(place_on_chain(head, drafts))
    entries[1] = entries[1].model_copy(update={"detail": {"n": 99}})

    story = story_of(complaint(), entries, with_personal=False)
    assert not story.chain.links_hold and story.chain.first_break == 2

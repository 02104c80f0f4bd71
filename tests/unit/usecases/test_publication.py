"""Policy publication under the two-person rule, on the in-memory store: each refusal, the
audit entries of both acts, and the history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from plaint.auditlog.chain import chain_of
from plaint.model.publication import PolicyAct, PolicyRecord, PolicyStep
from plaint.policy import publication as decide
from plaint.policy.composition import compose_text
from plaint.policy.loading import parse_policy
from plaint.usecases.publication import PolicyPublication
from plaint.vocabulary.errors import (
    PolicyError,
    ProposalNotFoundError,
    PublicationRefusedError,
    StaleProposalError,
    TwoPersonRuleError,
)
from storage.memory import MemoryStore
from tests.factories import DEFAULT_POLICY, decided_pack
from tests.fakes import ManualClock
from tests.store_fixtures import chain_holds

UK = decided_pack("uk-fca-disp")
DEFAULT = DEFAULT_POLICY.read_text("utf-8")
LEDGER = "main"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def variant(text: str, **changes: Any) -> str:
    document = json.loads(text)
    document.update(changes)
    return json.dumps(document, indent=2, ensure_ascii=False)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(clock: ManualClock) -> MemoryStore:
    return MemoryStore(clock)


@pytest.fixture
def desk(store: MemoryStore, clock: ManualClock) -> PolicyPublication:
    return PolicyPublication(register=store, clock=clock, ledger=LEDGER)


def policy_entries(store: MemoryStore) -> list[Any]:
    return list(store.audit_entries(chain_of(LEDGER, "policy"), limit=1000))


def test_a_proposal_is_published_only_when_another_person_approves(
    desk: PolicyPublication, store: MemoryStore, clock: ManualClock
) -> None:
    version = parse_policy(UK).version
    proposed = desk.propose(UK, by="alice@example.com")
    assert proposed.awaiting_approval and store.active_policy() is None
    # A pack is kept as its effective policy: self-contained, naming its files.
    assert desk.document(version[:12]) == compose_text(UK).document() != UK

    clock.advance(hours=2)
    published = desk.approve(version[:12], by="bob@example.com")

    assert [s.act for s in published.steps] == [PolicyAct.PROPOSED, PolicyAct.PUBLISHED]
    assert store.active_policy() == (version, compose_text(UK).document())
    (publication,) = desk.publications()
    assert (publication.proposed_by, publication.approved_by) == ("alice@example.com",
                                                                  "bob@example.com")  # fmt: skip
    assert publication.replaced is None and publication.published_at == clock.now
    entries = policy_entries(store)
    assert [e.kind for e in entries] == ["policy.proposed", "policy.published"]
    assert entries[1].detail | {"proposed_at": None} == {
        "version": version, "name": parse_policy(UK).name, "proposed_by": "alice@example.com",
        "proposed_at": None, "approved_by": "bob@example.com", "previous_version": None,
        "document_approved_by": parse_policy(UK).approved_by,
    }  # fmt: skip
    assert all(e.policy_version == version for e in entries)
    assert chain_holds(entries)


def test_the_proposer_cannot_approve_their_own_proposal(
    desk: PolicyPublication, store: MemoryStore
) -> None:
    record = desk.propose(UK, by="alice@example.com")
    with pytest.raises(TwoPersonRuleError, match="another person must approve"):
        desk.approve(record.version, by="  Alice@Example.com ")
    assert store.active_policy() is None
    assert [e.kind for e in policy_entries(store)] == ["policy.proposed"]
    with pytest.raises(PublicationRefusedError, match="say who you are"):
        desk.approve(record.version, by="  ")


def test_an_invalid_policy_can_never_be_proposed(
    desk: PolicyPublication, store: MemoryStore
) -> None:
    broken = json.loads(DEFAULT)
    broken["acknowledgement"]["calendar"] = "nowhere"
    with pytest.raises(PolicyError) as refused:
        desk.propose(json.dumps(broken, indent=2), by="alice@example.com")
    assert any("acknowledgement.calendar (line" in p for p in refused.value.problems)
    with pytest.raises(PolicyError, match="line 1"):
        desk.propose('{"name": ', by="alice@example.com")
    assert store.policy_records() == [] and policy_entries(store) == []


def test_an_invalid_document_can_never_be_approved(
    desk: PolicyPublication, store: MemoryStore
) -> None:
    record = desk.propose(UK, by="alice@example.com")
    # The kept document altered behind the register's back.
    key = ("CURSOR#policy-document:" + record.version, "CURSOR")
    store._state[key] = dict(store._state[key], value=UK.replace('"amount": 8', '"amount": 9'))
    with pytest.raises(PolicyError, match="is version"):
        desk.approve(record.version, by="bob@example.com")
    store._state[key] = dict(store._state[key], value='{"name": "half')
    with pytest.raises(PolicyError):
        desk.approve(record.version, by="bob@example.com")
    assert store.active_policy() is None


def test_a_proposal_made_against_another_active_policy_is_stale(
    desk: PolicyPublication, store: MemoryStore
) -> None:
    first = desk.propose(UK, by="alice@example.com")
    second = desk.propose(DEFAULT, by="carol@example.com")
    desk.approve(first.version, by="bob@example.com")

    with pytest.raises(StaleProposalError, match="moved from the packaged policy to"):
        desk.approve(second.version, by="bob@example.com")
    assert store.active_policy() is not None
    assert store.active_policy()[0] == first.version  # type: ignore[index]
    # Proposed again against the policy in force, it can be approved.
    again = desk.propose(DEFAULT, by="carol@example.com")
    assert again.last.active_before == first.version
    with pytest.raises(PublicationRefusedError, match="already awaits approval"):
        desk.propose(DEFAULT, by="dave@example.com")
    desk.approve(second.version, by="bob@example.com")
    assert store.active_policy() == (second.version, DEFAULT)


def test_the_active_pointer_moving_during_an_approval_refuses_it(
    store: MemoryStore, clock: ManualClock
) -> None:
    class Racing(MemoryStore):
        def record_policy_change(self, change: Any, ledger: str) -> Any:
            if change.activate and self.get_cursor("policy:active") is None:
                self.publish_policy("e" * 64, DEFAULT, None)  # someone else, meanwhile
            return super().record_policy_change(change, ledger)

    racing = Racing(clock)
    desk = PolicyPublication(register=racing, clock=clock, ledger=LEDGER)
    record = desk.propose(UK, by="alice@example.com")
    with pytest.raises(StaleProposalError):
        desk.approve(record.version, by="bob@example.com")
    assert racing.active_policy() == ("e" * 64, DEFAULT)
    assert [e.kind for e in policy_entries(racing)] == ["policy.proposed"]


def test_unknown_and_already_published_versions_are_refused(desk: PolicyPublication) -> None:
    with pytest.raises(ProposalNotFoundError, match="no policy 0123456789ab was proposed"):
        desk.approve("0123456789ab" + "0" * 52, by="bob@example.com")
    record = desk.propose(UK, by="alice@example.com")
    desk.approve(record.version, by="bob@example.com")
    with pytest.raises(ProposalNotFoundError, match="awaits no approval: published by bob"):
        desk.approve(record.version, by="carol@example.com")
    with pytest.raises(StaleProposalError, match="already the active policy"):
        desk.propose(UK, by="carol@example.com")


def test_history_lists_every_version_and_a_rollback_needs_two_people_again(
    desk: PolicyPublication, store: MemoryStore, clock: ManualClock
) -> None:
    uk = desk.propose(UK, by="alice@example.com")
    desk.approve(uk.version, by="bob@example.com")
    clock.advance(days=1)
    renamed = variant(UK, name="UK DISP, second edition")
    second = desk.propose(renamed, by="carol@example.com")
    desk.approve(second.version, by="alice@example.com")
    clock.advance(days=1)
    back = desk.propose(UK, by="carol@example.com")  # back to the first version
    assert back.version == uk.version and back.revision == 3
    desk.approve(uk.version, by="bob@example.com")

    history = desk.history()
    assert [r.version for r in history] == [uk.version, second.version]
    publications = desk.publications()
    assert [(p.version, p.replaced) for p in publications] == [
        (uk.version, second.version),
        (second.version, uk.version),
        (uk.version, None),
    ]
    assert store.active_policy() == (uk.version, compose_text(UK).document())
    assert [e.detail.get("previous_version") for e in policy_entries(store)][-1] == second.version
    assert chain_holds(policy_entries(store))


def test_a_proposal_is_withdrawn_by_its_proposer_or_an_admin_and_recorded(
    desk: PolicyPublication, store: MemoryStore, clock: ManualClock
) -> None:
    version = parse_policy(UK).version
    desk.propose(UK, "Leyla")
    with pytest.raises(PublicationRefusedError, match="only they or an admin"):
        desk.withdraw(version, "Rashad", admin=False)
    with pytest.raises(PublicationRefusedError, match="at most"):
        desk.withdraw(version, "Leyla", admin=False, reason="x" * 501)
    assert [r.version for r in desk.awaiting_approval()] == [version]
    assert [e.kind for e in policy_entries(store)] == ["policy.proposed"]

    clock.advance(minutes=5)
    record = desk.withdraw(version[:12], "leyla ", admin=False, reason="wrong regime")

    assert [s.act for s in record.steps] == [PolicyAct.PROPOSED, PolicyAct.WITHDRAWN]
    assert desk.awaiting_approval() == [] and desk.publications() == []
    entries = policy_entries(store)
    assert [e.kind for e in entries] == ["policy.proposed", "policy.withdrawn"]
    assert entries[1].detail["withdrawn_by"] == "leyla" and entries[1].at == clock.now
    assert entries[1].detail["reason"] == "wrong regime" and chain_holds(entries)
    with pytest.raises(ProposalNotFoundError, match="nothing to withdraw"):
        desk.withdraw(version, "Leyla", admin=True)
    with pytest.raises(ProposalNotFoundError):
        desk.approve(version, "Rashad")  # a withdrawn proposal cannot be published
    assert store.active_policy() is None

    # Proposed again, an admin other than the proposer withdraws it.
    desk.propose(UK, "Leyla")
    desk.withdraw(version, "Rashad", admin=True)
    assert [s.act for s in desk.history()[0].steps][-1] is PolicyAct.WITHDRAWN
    assert (
        desk.document(version) == compose_text(UK).document()
    )  # the document stays kept under its version


def test_a_policy_with_a_value_to_decide_is_neither_proposed_nor_approved(
    desk: PolicyPublication, store: MemoryStore
) -> None:
    undecided = variant(DEFAULT, approved_by="REPLACE: the approver's name and role")
    with pytest.raises(PublicationRefusedError) as caught:
        desk.propose(undecided, by="alice@example.com")
    assert "approved_by (line " in str(caught.value)
    assert "still to decide: the approver's name and role" in str(caught.value)
    assert desk.history() == []
    # A document kept before the rule, or put there by hand, is refused at approval too.
    version = parse_policy(undecided).version
    step = PolicyStep(act=PolicyAct.PROPOSED, by="alice@example.com", at=NOW, active_before=None)
    record = PolicyRecord(version=version, name="Default", steps=(step,), revision=1)
    with pytest.raises(PublicationRefusedError, match=r"approved_by \(line \d+\): still to"):
        decide.approve(version, "bob@example.com", NOW, record=record, document=undecided,
                       active=None)  # fmt: skip

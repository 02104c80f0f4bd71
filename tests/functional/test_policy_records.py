"""Policy records and the active pointer: one contract, both stores. Each act is one
transaction with its audit entry; a stale one writes nothing."""

from __future__ import annotations

import pytest

from plaint.auditlog.chain import chain_of
from plaint.model.publication import PolicyChange
from plaint.policy import publication
from plaint.policy.composition import compose_text
from plaint.policy.loading import parse_policy
from plaint.vocabulary.errors import RevisionConflictError
from storage.dynamodb import DynamoStore
from storage.memory import MemoryStore
from tests.factories import DEFAULT_POLICY, decided_pack
from tests.store_fixtures import LEDGER, at, chain_holds

Store = MemoryStore | DynamoStore
UK = decided_pack("uk-fca-disp")
UK_KEPT = compose_text(UK).document()  # a pack is kept as its effective policy
DEFAULT = DEFAULT_POLICY.read_text("utf-8")
POLICY_CHAIN = chain_of(LEDGER, "policy")


def propose(store: Store, document: str, by: str, minutes: float = 0) -> PolicyChange:
    version = parse_policy(document).version
    active = store.active_policy()
    return publication.propose(
        document, by, at(minutes), record=store.policy_record(version),
        active=active[0] if active else None,
        document_kept=store.policy_document(version) is not None,
    )  # fmt: skip


def approve(store: Store, version: str, by: str, minutes: float = 0) -> PolicyChange:
    active = store.active_policy()
    return publication.approve(
        version, by, at(minutes), record=store.policy_record(version),
        document=store.policy_document(version), active=active[0] if active else None,
    )  # fmt: skip


def test_a_proposal_and_its_approval_land_with_their_entries(store: Store) -> None:
    proposal = propose(store, UK, "alice")
    entries = store.record_policy_change(proposal, LEDGER)
    version = proposal.record.version

    assert [e.chain for e in entries] == [POLICY_CHAIN]
    assert store.policy_record(version) == proposal.record
    assert store.policy_document(version) == UK_KEPT and store.active_policy() is None

    approval = approve(store, version, "bob", minutes=5)
    store.record_policy_change(approval, LEDGER)

    assert store.active_policy() == (version, UK_KEPT)
    assert store.policy_records() == [approval.record]
    kept = store.audit_entries(POLICY_CHAIN)
    assert [e.kind for e in kept] == ["policy.proposed", "policy.published"]
    assert chain_holds(kept)


def test_a_stale_act_writes_nothing(store: Store) -> None:
    uk = propose(store, UK, "alice")
    store.record_policy_change(uk, LEDGER)
    default = propose(store, DEFAULT, "carol")
    store.record_policy_change(default, LEDGER)
    late_approval = approve(store, default.record.version, "bob", minutes=1)
    store.record_policy_change(approve(store, uk.record.version, "bob", minutes=2), LEDGER)
    before = (store.policy_records(), store.active_policy(), store.chain_head(POLICY_CHAIN))

    with pytest.raises(RevisionConflictError):
        store.record_policy_change(late_approval, LEDGER)  # the pointer moved meanwhile
    with pytest.raises(RevisionConflictError):
        store.record_policy_change(uk, LEDGER)  # the record moved on
    current = store.policy_record(uk.record.version)
    assert current is not None
    again = uk.model_copy(update={"expected_revision": current.revision, "document": UK})
    with pytest.raises(RevisionConflictError):
        store.record_policy_change(again, LEDGER)  # a version's document is written once

    assert (store.policy_records(), store.active_policy()) == before[:2]
    assert store.chain_head(POLICY_CHAIN) == before[2]

"""Verification names what was tampered with: entries modified, inserted, reordered or
deleted, and checkpoints missing or forged, from the entries, checkpoints and public key
alone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plaint.auditlog.chain import chain_of, recomputed_hash
from plaint.auditlog.checkpoint import Checkpoint, Leaf
from plaint.auditlog.verify import FindingKind, Scope, Verification, verify
from plaint.model.audit import AuditDraft, AuditEntry
from plaint.model.decision import Decision
from plaint.usecases.checkpointing import Checkpointer
from plaint.vocabulary.errors import AuditWindowClosedError
from storage.archive import DirectoryArchive
from storage.key_file import LocalSigner
from storage.memory import MemoryStore

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
FAR = datetime(2100, 1, 1, tzinfo=UTC)


class History:
    """A ledger written over simulated minutes, checkpointed every two."""

    def __init__(self, root: Path, key: LocalSigner | None = None) -> None:
        self.now = START
        self.store = MemoryStore()
        self.archive = DirectoryArchive(root / "archive")
        self.signer = key or LocalSigner(root / "checkpoint.key")
        self.checkpointer = Checkpointer(
            self.store, self.archive, self.signer, clock=lambda: self.now
        )

    def write(self, complaint: int, kind: str = "complaint.updated", **detail: object) -> None:
        draft = AuditDraft(
            kind=kind,
            complaint_id=f"zendesk:{complaint}",
            policy_version="v1",
            at=self.now,
            detail={"n": len(detail), **detail},
            personal={"complainant": f"zendesk-user:{complaint}"},
        )
        self.store.commit(Decision(complaint=None, audit=(draft,)), "main")

    def tick(self, minutes: float = 2) -> None:
        self.now += timedelta(minutes=minutes)
        self.checkpointer.run()

    def entries(self) -> list[AuditEntry]:
        return list(self.store.entries_between("main", START - timedelta(days=1), FAR))

    def checkpoints(self) -> list[Checkpoint]:
        return [c for n in self.archive.numbers("main") if (c := self.archive.get("main", n))]

    def keys(self) -> dict[str, bytes]:
        return {self.signer.key_id: self.signer.public_key_pem()}


def written(tmp_path: Path, complaints: int = 3, rounds: int = 6) -> History:
    history = History(tmp_path)
    history.tick()
    for round_ in range(rounds):
        for complaint in range(complaints):
            history.write(complaint, round=round_)
        history.tick()
    history.tick()
    history.tick()  # the last window is sealed, then checkpointed
    return history


def check(
    history: History,
    entries: list[AuditEntry] | None = None,
    checkpoints: list[Checkpoint] | None = None,
    **scope: Any,
) -> Verification:
    return verify(
        history.entries() if entries is None else entries,
        checkpoints or history.checkpoints(),
        history.keys(),
        Scope(**scope),
    )


def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    history = written(tmp_path)
    result = check(history)
    assert result.holds, result.findings
    assert result.entries == 18 and result.chains == 3
    assert sum(c.body.entries for c in history.checkpoints()) == 18
    # Every window follows the one before, every checkpoint names its predecessor.
    checkpoints = history.checkpoints()
    assert [c.number for c in checkpoints] == list(range(1, len(checkpoints) + 1))


def position(entries: list[AuditEntry], complaint: int, seq: int) -> int:
    chain = chain_of("main", f"zendesk:{complaint}")
    return next(i for i, e in enumerate(entries) if e.chain == chain and e.seq == seq)


def named(result: Verification, kind: FindingKind, complaint: int, seq: int) -> None:
    first = result.first
    assert first is not None, "tampering went unnoticed"
    assert (first.kind, first.chain, first.seq) == (
        kind,
        chain_of("main", f"zendesk:{complaint}"),
        seq,
    ), result.findings


def test_an_edited_entry_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    i = position(entries, 1, 3)
    entries[i] = entries[i].model_copy(update={"detail": {"round": 99}})
    named(check(history, entries), FindingKind.MODIFIED, 1, 3)


def test_an_edit_with_every_hash_recomputed_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    chain = [e for e in entries if e.chain == chain_of("main", "zendesk:2")]
    forged, prev = [], chain[1].prev_hash
    for entry in chain[1:]:
        changed = entry.model_copy(update={"prev_hash": prev})
        if entry.seq == 2:
            changed = changed.model_copy(update={"detail": {"round": 42}})
        changed = changed.model_copy(update={"hash": recomputed_hash(changed)})
        forged.append(changed)
        prev = changed.hash
    others = [e for e in entries if e.chain != chain[0].chain]
    result = check(history, [*others, chain[0], *forged])
    named(result, FindingKind.MODIFIED, 2, 2)


def test_a_deleted_entry_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    del entries[position(entries, 0, 4)]
    named(check(history, entries), FindingKind.DELETED, 0, 4)


def test_a_deleted_last_entry_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    del entries[position(entries, 2, 6)]
    named(check(history, entries), FindingKind.DELETED, 2, 6)


def test_a_deleted_chain_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = [e for e in history.entries() if e.chain != chain_of("main", "zendesk:1")]
    named(check(history, entries), FindingKind.DELETED, 1, 1)


def test_swapped_entries_are_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    i, j = position(entries, 1, 2), position(entries, 1, 3)
    entries[i], entries[j] = entries[j], entries[i]
    named(check(history, entries), FindingKind.REORDERED, 1, 3)


def test_an_entry_inserted_into_a_checkpointed_window_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    chain = [e for e in entries if e.chain == chain_of("main", "zendesk:0")]
    last = chain[-1]
    extra = last.model_copy(
        update={"seq": last.seq + 1, "prev_hash": last.hash, "detail": {"late": True}}
    )
    extra = extra.model_copy(update={"hash": recomputed_hash(extra)})
    named(check(history, [*entries, extra]), FindingKind.INSERTED, 0, 7)


def test_an_entry_between_two_others_is_named_inserted(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    chain = [e for e in entries if e.chain == chain_of("main", "zendesk:1")]
    # Put a new entry at #3 and renumber and rechain everything after it.
    forged: list[AuditEntry] = []
    prev = chain[1].hash
    new = chain[2].model_copy(update={"detail": {"forged": True}})
    for seq, entry in enumerate([new, *chain[2:]], start=3):
        moved = entry.model_copy(update={"seq": seq, "prev_hash": prev})
        moved = moved.model_copy(update={"hash": recomputed_hash(moved)})
        forged.append(moved)
        prev = moved.hash
    others = [e for e in entries if e.chain != chain[0].chain]
    named(check(history, [*others, *chain[:2], *forged]), FindingKind.INSERTED, 1, 3)


def test_the_store_refuses_entries_dated_inside_a_sealed_window(tmp_path: Path) -> None:
    history = written(tmp_path)
    history.now -= timedelta(minutes=5)
    with pytest.raises(AuditWindowClosedError):
        history.write(0)


def test_a_missing_checkpoint_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    checkpoints = [c for c in history.checkpoints() if c.number != 3]
    result = check(history, checkpoints=checkpoints)
    first = result.first
    assert first is not None and first.kind is FindingKind.CHECKPOINT_MISSING
    assert "#3" in first.message


def test_the_newest_checkpoint_missing_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    checkpoints = history.checkpoints()[:-2]
    result = check(
        history,
        checkpoints=checkpoints,
        as_of=history.now,
        stale_after=timedelta(minutes=5),
    )
    kinds = {f.kind for f in result.findings}
    assert FindingKind.CHECKPOINT_MISSING in kinds


def test_a_checkpoint_with_an_altered_leaf_is_invalid(tmp_path: Path) -> None:
    history = written(tmp_path)
    checkpoints = history.checkpoints()
    target = next(c for c in checkpoints if c.leaves)
    leaf = target.leaves[0]
    forged_leaf = Leaf(chain=leaf.chain, seq=leaf.seq, hash="0" * 64, content=leaf.content)
    forged = target.model_copy(update={"leaves": (forged_leaf, *target.leaves[1:])})
    result = check(history, checkpoints=[forged if c is target else c for c in checkpoints])
    assert any(
        f.kind is FindingKind.CHECKPOINT_INVALID and f.checkpoint == target.number
        for f in result.findings
    )


def test_a_checkpoint_signed_by_another_key_is_invalid(tmp_path: Path) -> None:
    history = written(tmp_path)
    impostor = History(tmp_path / "other")
    checkpoints = history.checkpoints()
    body = checkpoints[1].body.model_copy(update={"key_id": history.signer.key_id})
    import base64

    from plaint.auditlog.checkpoint import signed_bytes

    signature = base64.b64encode(impostor.signer.sign(signed_bytes(body))).decode()
    checkpoints[1] = checkpoints[1].model_copy(update={"body": body, "signature": signature})
    result = check(history, checkpoints=checkpoints)
    assert any(
        f.kind is FindingKind.CHECKPOINT_INVALID and f.checkpoint == 2 and "signature" in f.message
        for f in result.findings
    )


def test_a_personal_value_removed_outside_the_erasure_path_is_named(tmp_path: Path) -> None:
    history = written(tmp_path)
    entries = history.entries()
    i = position(entries, 0, 2)
    entries[i] = entries[i].model_copy(update={"personal": {}})
    named(check(history, entries), FindingKind.ERASED_UNRECORDED, 0, 2)


def test_one_complaint_verifies_from_the_checkpoints_that_covered_it(tmp_path: Path) -> None:
    history = written(tmp_path)
    chain = chain_of("main", "zendesk:1")
    numbers = history.store.checkpoints_of_chain(chain)
    covering = [c for c in history.checkpoints() if c.number in numbers]
    newest = history.checkpoints()[-1].body.window_end
    entries = history.store.complaint_entries("main", "zendesk:1")
    scope = {"whole_log": False, "covered_until": newest, "chains": frozenset({chain})}
    assert check(history, entries, checkpoints=covering, **scope).holds
    named(check(history, entries[:2] + entries[3:], checkpoints=covering, **scope),
          FindingKind.DELETED, 1, 3)  # fmt: skip


TAMPERINGS = ("edit", "delete", "swap", "unlink")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.floats(0, 3)), min_size=4, max_size=40),
    st.sampled_from(TAMPERINGS),
    st.randoms(use_true_random=False),
)
def test_random_histories_verify_and_any_tampering_is_named(
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[int, float]],
    tampering: str,
    rng: random.Random,
) -> None:
    history = History(tmp_path_factory.mktemp("history"))
    history.tick()
    for complaint, minutes in steps:
        history.write(complaint)
        history.tick(minutes)
    for _ in range(3):
        history.tick()
    entries = history.entries()
    assert check(history, entries).holds
    chains = sorted({e.chain for e in entries if e.seq >= 2})
    if not chains:
        return
    chain = rng.choice(chains)
    mine = [e for e in entries if e.chain == chain]
    target = rng.randrange(1, len(mine))  # leave #1, so every tampering has a predecessor
    i = entries.index(mine[target])
    if tampering == "edit":
        entries[i] = entries[i].model_copy(update={"detail": {"edited": True}})
        expected = (FindingKind.MODIFIED, mine[target].seq)
    elif tampering == "delete":
        del entries[i]
        expected = (FindingKind.DELETED, mine[target].seq)
    elif tampering == "swap":
        j = entries.index(mine[target - 1])
        entries[i], entries[j] = entries[j], entries[i]
        expected = (FindingKind.REORDERED, mine[target].seq)
    else:
        entries[i] = entries[i].model_copy(update={"prev_hash": "f" * 64})
        entries[i] = entries[i].model_copy(update={"hash": recomputed_hash(entries[i])})
        expected = (FindingKind.MODIFIED, mine[target].seq)
    first = check(history, entries).first
    assert first is not None
    assert (first.kind, first.chain, first.seq) == (expected[0], chain, expected[1])

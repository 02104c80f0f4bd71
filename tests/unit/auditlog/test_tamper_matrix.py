"""Every way of tampering with the compliance log that docs/audit.md names, done to the
stored items and archive files as someone with write access to the table and the machine
would, and verified as `plaint audit verify` does (the whole log, with the auditor's
anchor). Each is detected, except the documented window after the newest checkpoint."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from plaint.auditlog.chain import chain_of, recomputed_hash
from plaint.auditlog.checkpoint import Checkpoint, Leaf
from plaint.auditlog.evidence import Anchor, anchor_of
from plaint.auditlog.verify import FindingKind, Verification
from plaint.model.audit import AuditDraft, AuditEntry, AuditFacets, ClockStanding
from plaint.model.decision import Decision
from plaint.usecases.checkpointing import Checkpointer
from plaint.usecases.verification import Asked, verify_log
from plaint.vocabulary.errors import CheckpointRollbackError
from storage import audit_codec as ac
from storage.archive import DirectoryArchive, object_name
from storage.key_file import LocalSigner
from storage.memory import MemoryStore

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
COMPLAINTS = 4


class Log:
    """A ledger written over simulated minutes and checkpointed every two, then one more
    round of entries that no checkpoint covers yet (the documented window)."""

    def __init__(self, root: Path) -> None:
        self.now = START
        self.store = MemoryStore(clock=lambda: self.now)
        self.root = root / "archive"
        self.archive = DirectoryArchive(self.root)
        self.signer = LocalSigner(root / "checkpoint.key")
        self.checkpointer = Checkpointer(
            self.store, self.archive, self.signer, clock=lambda: self.now
        )
        self.tick()
        for round_ in range(5):
            for complaint in range(COMPLAINTS):
                self.write(complaint, round_)
            self.tick()
        for _ in range(3):
            self.tick()
        self.anchor: Anchor = anchor_of(self.newest())
        for complaint in range(COMPLAINTS):
            self.write(complaint, 5)  # after the newest checkpoint

    def write(self, complaint: int, round_: int, at: datetime | None = None) -> None:
        draft = AuditDraft(
            kind="clock.warning" if round_ % 2 else "complaint.updated",
            complaint_id=f"zendesk:{complaint}",
            policy_version="v1",
            at=at or self.now,
            detail={"round": round_},
            facets=AuditFacets(
                category="billing",
                jurisdiction="GB",
                clock_status=ClockStanding.WARNED if round_ % 2 else None,
            ),
            personal={"complainant": f"zendesk-user:{complaint}"},
        )
        self.store.commit(Decision(complaint=None, audit=(draft,)), "main")

    def tick(self, minutes: float = 2) -> None:
        self.now += timedelta(minutes=minutes)
        self.checkpointer.run()

    def newest(self) -> Checkpoint:
        checkpoint = self.archive.get("main", self.archive.numbers("main")[-1])
        assert checkpoint is not None
        return checkpoint

    def verify(self) -> Verification:
        keys = {self.signer.key_id: self.signer.public_key_pem()}
        return verify_log(
            self.store, self.archive, keys, Asked(ledger="main", now=self.now), self.anchor
        )

    # Tampering with the table's items

    def item(self, complaint: int, seq: int) -> dict[str, object]:
        return self.store._audit[(ac.chain_pk(chain(complaint)), ac.seq_sk(seq))]

    def entries(self, complaint: int) -> list[AuditEntry]:
        return list(self.store.audit_entries(chain(complaint), limit=1000))

    def put(self, entry: AuditEntry, keep_index_of: dict[str, object] | None = None) -> None:
        item = ac.entry_item(entry)
        if keep_index_of is not None:  # a careful forger leaves the index keys alone
            for name in ac.PLACING[2:]:
                if name in keep_index_of:
                    item[name] = keep_index_of[name]
        self.store._audit[(item["pk"], item["sk"])] = item

    def rechain(self, complaint: int, entries: list[AuditEntry]) -> None:
        """Write `entries` as the whole chain, every hash recomputed, and move its head."""
        pk = ac.chain_pk(chain(complaint))
        for key in [k for k in self.store._audit if k[0] == pk and k[1].startswith("SEQ#")]:
            del self.store._audit[key]
        prev = "0" * 64
        for seq, entry in enumerate(entries, start=1):
            moved = entry.model_copy(update={"seq": seq, "prev_hash": prev})
            moved = moved.model_copy(update={"hash": recomputed_hash(moved)})
            self.put(moved)
            prev = moved.hash
        head = {**ac.head_key(chain(complaint)), "seq": len(entries), "hash": prev}
        self.store._audit[(head["pk"], head["sk"])] = head

    def set_item(self, complaint: int, seq: int, **attributes: object) -> None:
        self.item(complaint, seq).update(attributes)

    # Tampering with checkpoints

    def copy_key(self, number: int) -> tuple[str, str]:
        key = ac.checkpoint_key("main", number)
        return (key["pk"], key["sk"])

    def archive_file(self, number: int) -> Path:
        return self.root / "main" / object_name(number)


def chain(complaint: int) -> str:
    return chain_of("main", f"zendesk:{complaint}")


def rehashed(entry: AuditEntry, **update: object) -> AuditEntry:
    changed = entry.model_copy(update=update)
    return changed.model_copy(update={"hash": recomputed_hash(changed)})


# Each tampering: what it does to the log. COVERED is a checkpointed entry, TAIL the entry
# written after the newest checkpoint.
COVERED, TAIL = 3, 6


def edit_detail(log: Log) -> None:
    log.set_item(1, COVERED, detail=json.dumps({"round": 99}))


def edit_detail_rehashed(log: Log) -> None:
    entries = log.entries(1)
    entries[COVERED - 1] = entries[COVERED - 1].model_copy(update={"detail": {"round": 99}})
    log.rechain(1, entries)


def edit_date(log: Log) -> None:
    entry = log.entries(2)[COVERED - 1]
    log.put(rehashed(entry, at=entry.at + timedelta(seconds=30)), log.item(2, COVERED))


def edit_kind(log: Log) -> None:
    log.put(rehashed(log.entries(0)[COVERED - 1], kind="clock.met"))


def edit_facets(log: Log) -> None:
    entry = log.entries(0)[COVERED - 1]
    log.put(rehashed(entry, facets=AuditFacets(category="service", jurisdiction="AZ")))


def edit_policy_version(log: Log) -> None:
    log.put(rehashed(log.entries(3)[COVERED - 1], policy_version="v0"))


def unlink(log: Log) -> None:
    log.put(rehashed(log.entries(2)[COVERED - 1], prev_hash="f" * 64))


def delete_middle(log: Log) -> None:
    del log.store._audit[(ac.chain_pk(chain(1)), ac.seq_sk(COVERED))]


def delete_middle_rechained(log: Log) -> None:
    entries = log.entries(1)
    log.rechain(1, entries[: COVERED - 1] + entries[COVERED:])


def delete_last_covered(log: Log) -> None:
    entries = log.entries(2)
    log.rechain(2, entries[:4])  # the newest checkpointed entry and the one after it


def delete_chain(log: Log) -> None:
    pk = ac.chain_pk(chain(3))
    for key in [k for k in log.store._audit if k[0] == pk]:
        del log.store._audit[key]


def swap(log: Log) -> None:
    entries = log.entries(0)
    entries[1], entries[2] = entries[2], entries[1]
    log.rechain(0, entries)


def swap_items(log: Log) -> None:
    """Two entries' items exchanged, each keeping its content under the other's key."""
    first, second = (ac.chain_pk(chain(0)), ac.seq_sk(2)), (ac.chain_pk(chain(0)), ac.seq_sk(3))
    a, b = log.store._audit[first], log.store._audit[second]
    log.store._audit[first] = {**b, "pk": first[0], "sk": first[1]}
    log.store._audit[second] = {**a, "pk": second[0], "sk": second[1]}


def insert_between(log: Log) -> None:
    entries = log.entries(1)
    forged = entries[1].model_copy(update={"detail": {"forged": True}})
    log.rechain(1, [*entries[:2], forged, *entries[2:]])


def insert_into_sealed_window(log: Log) -> None:
    """Roll the seal back and commit an entry dated inside a checkpointed window."""
    sealed = log.store._audit[(ac.ledger_pk("main"), "SEAL")]
    kept = dict(sealed)
    sealed["sealed_until"] = "2000-01-01T00:00:00.000000Z"
    log.write(2, 42, at=START + timedelta(minutes=5))
    log.store._audit[(ac.ledger_pk("main"), "SEAL")] = kept


def append_dated_in_window(log: Log) -> None:
    """Hand-made entry at the head of a chain, dated inside a checkpointed window."""
    head = log.entries(3)[-1]
    forged = rehashed(
        head.model_copy(update={"seq": head.seq + 1, "prev_hash": head.hash}),
        at=START + timedelta(minutes=7),
        detail={"forged": True},
    )
    log.put(forged)


def future_dated(log: Log) -> None:
    """A linked entry dated 30 days ahead: no checkpoint window reaches it yet."""
    head = log.entries(0)[-1]
    forged = rehashed(
        head.model_copy(update={"seq": head.seq + 1, "prev_hash": head.hash}),
        at=log.now + timedelta(days=30),
        detail={"forged": True},
    )
    log.put(forged)
    key = ac.head_key(chain(0))
    log.store._audit[(key["pk"], key["sk"])] = {**key, "seq": forged.seq, "hash": forged.hash}


def personal_edited(log: Log) -> None:
    personal = json.loads(str(log.item(1, 2)["personal"]))
    personal["complainant"]["value"] = "zendesk-user:someone-else"
    log.set_item(1, 2, personal=json.dumps(personal))


def personal_digest_edited(log: Log) -> None:
    entry = log.entries(1)[1]
    digests = {"complainant": "0" * 64}
    log.put(rehashed(entry, personal_digests=digests), log.item(1, 2))


def erased_unrecorded(log: Log) -> None:
    del log.item(2, 2)["personal"]


def personal_added(log: Log) -> None:
    personal = json.loads(str(log.item(2, 2)["personal"]))
    personal["email"] = {"value": "someone@example.com", "salt": "00" * 16}
    log.set_item(2, 2, personal=json.dumps(personal))


def hide_by_kind(log: Log) -> None:
    log.set_item(1, COVERED, kpart="main#complaint.received#2026-03")


def hide_by_category(log: Log) -> None:
    log.set_item(1, TAIL, cpart="main#nothing#2026-03")


def hide_by_jurisdiction(log: Log) -> None:
    del log.item(2, TAIL)["jpart"]


def hide_by_clock_status(log: Log) -> None:
    del log.item(3, 2)["spart"]  # round 1: a clock.warning, so indexed as warned


def hide_by_policy_version(log: Log) -> None:
    log.set_item(0, 4, vpart="main#v9#2026-03")


def hide_from_time(log: Log) -> None:
    log.set_item(3, TAIL, tpart="main#1999-01-01")


def checkpoint_copy_deleted(log: Log) -> None:
    del log.store._audit[log.copy_key(log.newest().number)]


def checkpoint_copy_rolled_back(log: Log) -> None:
    """The newest copy overwritten with the one before."""
    number = log.newest().number
    log.store._audit[log.copy_key(number)] = {
        **log.store._audit[log.copy_key(number - 1)],
        **dict(zip(("pk", "sk"), log.copy_key(number), strict=True)),
    }


def checkpoint_archive_rolled_back(log: Log) -> None:
    """On one machine: the newest file replaced by a copy of the one before."""
    number = log.newest().number
    path = log.archive_file(number)
    os.chmod(path, 0o644)
    path.write_text(log.archive_file(number - 1).read_text())


def checkpoint_deleted_everywhere(log: Log) -> None:
    number = log.newest().number
    log.archive_file(number).unlink()
    del log.store._audit[log.copy_key(number)]


def checkpoint_deleted_then_entry_rewritten(log: Log) -> None:
    """The newest checkpoints, back to the newest that signed entries, gone from table and
    directory; an entry they covered rewritten; the next runs signing the rewritten log as
    if nothing happened."""
    while not log.newest().leaves:
        checkpoint_deleted_everywhere(log)
    leaf = log.newest().leaves[0]
    checkpoint_deleted_everywhere(log)
    complaint = int(leaf.chain.rsplit(":", 1)[1])
    entries = log.entries(complaint)
    entries[leaf.seq - 1] = entries[leaf.seq - 1].model_copy(update={"detail": {"r": 1}})
    log.rechain(complaint, entries)
    for _ in range(3):
        log.tick()


def checkpoint_middle_deleted(log: Log) -> None:
    log.archive_file(3).unlink()


def checkpoint_leaf_altered(log: Log) -> None:
    kept = next(c for n in range(1, 10) if (c := log.archive.get("main", n)) and c.leaves)
    number = kept.number
    leaf = kept.leaves[0]
    forged = Leaf(chain=leaf.chain, seq=leaf.seq, hash="0" * 64, content=leaf.content)
    path = log.archive_file(number)
    os.chmod(path, 0o644)
    forged_checkpoint = kept.model_copy(update={"leaves": (forged, *kept.leaves[1:])})
    path.write_text(forged_checkpoint.model_dump_json())


def checkpoint_resigned(log: Log, tmp: Path) -> None:
    """A checkpoint rewritten and signed again with a key that is not Plaint's."""
    import base64

    from plaint.auditlog.checkpoint import signed_bytes

    impostor = LocalSigner(tmp / "impostor.key")
    kept = log.archive.get("main", 2)
    assert kept is not None
    body = kept.body.model_copy(update={"made_at": kept.body.made_at + timedelta(seconds=1)})
    signature = base64.b64encode(impostor.sign(signed_bytes(body))).decode()
    path = log.archive_file(2)
    os.chmod(path, 0o644)
    forged = kept.model_copy(update={"body": body, "signature": signature})
    path.write_text(forged.model_dump_json())


def tail_deleted(log: Log) -> None:
    """The documented window: the newest entry of a chain, written after the newest
    checkpoint, cut off with its chain's head moved back."""
    log.rechain(1, log.entries(1)[: TAIL - 1])


def tail_rewritten(log: Log) -> None:
    """The documented window: an entry after the newest checkpoint edited, rehashed."""
    entries = log.entries(2)
    entries[TAIL - 1] = entries[TAIL - 1].model_copy(update={"detail": {"round": 99}})
    log.rechain(2, entries)


@dataclass(frozen=True)
class Tampering:
    name: str
    do: Callable[..., None]
    expected: FindingKind | None  # None: inside the documented window, not detectable


TAMPERINGS = [
    Tampering("entry edited", edit_detail, FindingKind.MODIFIED),
    Tampering("entry edited, chain rehashed", edit_detail_rehashed, FindingKind.MODIFIED),
    Tampering("entry redated", edit_date, FindingKind.MODIFIED),
    Tampering("entry's kind changed", edit_kind, FindingKind.MODIFIED),
    Tampering("entry's facets changed", edit_facets, FindingKind.MODIFIED),
    Tampering("entry's policy version changed", edit_policy_version, FindingKind.MODIFIED),
    Tampering("entry unlinked", unlink, FindingKind.MODIFIED),
    Tampering("entry deleted", delete_middle, FindingKind.DELETED),
    Tampering("entry deleted, chain rehashed", delete_middle_rechained, FindingKind.DELETED),
    Tampering("newest covered entry cut off", delete_last_covered, FindingKind.DELETED),
    Tampering("chain deleted", delete_chain, FindingKind.DELETED),
    Tampering("entries swapped, chain rehashed", swap, FindingKind.REORDERED),
    Tampering("items swapped", swap_items, FindingKind.REORDERED),
    Tampering("entry inserted, chain rehashed", insert_between, FindingKind.INSERTED),
    Tampering("seal rolled back, entry committed", insert_into_sealed_window, FindingKind.INSERTED),
    Tampering(
        "entry appended, dated in a checkpointed window",
        append_dated_in_window,
        FindingKind.INSERTED,
    ),
    Tampering("linked entry dated 30 days ahead", future_dated, FindingKind.FUTURE_DATED),
    Tampering("personal value edited", personal_edited, FindingKind.MODIFIED),
    Tampering("personal digest edited", personal_digest_edited, FindingKind.MODIFIED),
    Tampering("personal value added", personal_added, FindingKind.MODIFIED),
    Tampering(
        "personal value erased without record", erased_unrecorded, FindingKind.ERASED_UNRECORDED
    ),
    Tampering("hidden from kind queries", hide_by_kind, FindingKind.MISINDEXED),
    Tampering("hidden from category queries", hide_by_category, FindingKind.MISINDEXED),
    Tampering("hidden from jurisdiction queries", hide_by_jurisdiction, FindingKind.MISINDEXED),
    Tampering("hidden from clock-status queries", hide_by_clock_status, FindingKind.MISINDEXED),
    Tampering("hidden from policy queries", hide_by_policy_version, FindingKind.MISINDEXED),
    Tampering("hidden from time queries", hide_from_time, FindingKind.MISINDEXED),
    Tampering(
        "newest checkpoint's copy deleted",
        checkpoint_copy_deleted,
        FindingKind.CHECKPOINT_ROLLED_BACK,
    ),
    Tampering(
        "newest checkpoint's copy rolled back",
        checkpoint_copy_rolled_back,
        FindingKind.CHECKPOINT_ROLLED_BACK,
    ),
    Tampering(
        "newest archived checkpoint rolled back",
        checkpoint_archive_rolled_back,
        FindingKind.CHECKPOINT_ROLLED_BACK,
    ),
    Tampering(
        "newest checkpoint deleted everywhere",
        checkpoint_deleted_everywhere,
        FindingKind.ANCHOR_BROKEN,
    ),
    Tampering(
        "newest checkpoint deleted, covered entry rewritten, signed again",
        checkpoint_deleted_then_entry_rewritten,
        FindingKind.ANCHOR_BROKEN,
    ),
    Tampering(
        "middle checkpoint deleted", checkpoint_middle_deleted, FindingKind.CHECKPOINT_MISSING
    ),
    Tampering("checkpoint leaf altered", checkpoint_leaf_altered, FindingKind.CHECKPOINT_INVALID),
    Tampering(
        "checkpoint signed by another key", checkpoint_resigned, FindingKind.CHECKPOINT_INVALID
    ),
    Tampering("entry after the newest checkpoint cut off", tail_deleted, None),
    Tampering("entry after the newest checkpoint rewritten", tail_rewritten, None),
]


@pytest.mark.parametrize("tampering", TAMPERINGS, ids=[t.name for t in TAMPERINGS])
def test_each_tampering_is_detected_except_in_the_window(
    tmp_path: Path, tampering: Tampering
) -> None:
    log = Log(tmp_path)
    assert log.verify().holds, log.verify().findings
    if tampering.do is checkpoint_resigned:
        tampering.do(log, tmp_path)
    else:
        tampering.do(log)
    result = log.verify()
    kinds = {f.kind for f in result.findings}
    if tampering.expected is None:
        assert result.holds, "the window after the newest checkpoint is documented as open"
    else:
        assert tampering.expected in kinds, result.findings


def test_the_matrix_covers_every_finding_kind_and_thirty_kinds_of_tampering() -> None:
    detected = [t for t in TAMPERINGS if t.expected is not None]
    assert len(TAMPERINGS) >= 30
    assert {t.expected for t in detected} == set(FindingKind)


@pytest.mark.parametrize(
    "rollback",
    [checkpoint_copy_rolled_back, checkpoint_archive_rolled_back],
)
def test_checkpointing_refuses_loudly_after_a_rollback(
    tmp_path: Path, rollback: Callable[[Log], None], caplog: pytest.LogCaptureFixture
) -> None:
    log = Log(tmp_path)
    numbers = log.archive.numbers("main")
    rollback(log)
    with pytest.raises(CheckpointRollbackError, match=r"rolled back|archive"):
        log.tick()
    assert any(r.levelname == "ERROR" and "checkpoint" in r.message for r in caplog.records)
    assert log.archive.numbers("main") == numbers  # nothing signed over the rollback


def test_a_copy_lost_between_archive_and_table_is_recorded_again(tmp_path: Path) -> None:
    log = Log(tmp_path)
    checkpoint_copy_deleted(log)
    log.tick()
    log.tick()
    assert log.verify().holds


def test_the_store_refuses_entries_dated_beyond_the_clock_skew(tmp_path: Path) -> None:
    from plaint.auditlog.chain import FUTURE_TOLERANCE
    from plaint.vocabulary.errors import AuditEntryFromFutureError

    log = Log(tmp_path)
    log.write(0, 7, at=log.now + FUTURE_TOLERANCE)  # skew is tolerated
    with pytest.raises(AuditEntryFromFutureError, match="more than 0:05:00"):
        log.write(0, 8, at=log.now + timedelta(days=30))
    assert log.entries(0)[-1].detail == {"round": 7}

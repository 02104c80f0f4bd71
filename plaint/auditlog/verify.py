"""Verification of the compliance log: recompute every hash, follow every chain, check every
checkpoint's signature and Merkle root, and hold the entries against the leaves the
checkpoints signed. Needs nothing but entries, checkpoints and public keys, so an auditor
can run it on an export without access to our tables. Against the live store it also takes
Evidence (plaint.auditlog.evidence): entries whose index keys differ from their content, the
audit table's checkpoint copies to hold against the archive, and the auditor's anchor.

Each finding names an entry (chain and sequence number) or a checkpoint. Entries dated after
the last checkpoint are protected by their chain alone until the next checkpoint.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from plaint.auditlog import merkle
from plaint.auditlog.chain import (
    FUTURE_TOLERANCE,
    GENESIS_HASH,
    personal_digest,
    recomputed_hash,
)
from plaint.auditlog.checkpoint import (
    Checkpoint,
    CheckpointBody,
    Leaf,
    body_hash,
    content_digest,
)
from plaint.auditlog.evidence import Anchor, Evidence, IndexMismatch
from plaint.auditlog.signatures import PublicKeyError, signature_holds
from plaint.model.audit import AuditEntry, AuditKind
from plaint.vocabulary.base import Frozen

ERASURE_KIND = AuditKind.PERSONAL_DATA_ERASED


class FindingKind(StrEnum):
    MODIFIED = "modified"
    INSERTED = "inserted"
    DELETED = "deleted"
    REORDERED = "reordered"
    ERASED_UNRECORDED = "erased_unrecorded"
    CHECKPOINT_MISSING = "checkpoint_missing"
    CHECKPOINT_INVALID = "checkpoint_invalid"
    MISINDEXED = "misindexed"
    FUTURE_DATED = "future_dated"
    CHECKPOINT_ROLLED_BACK = "checkpoint_rolled_back"
    ANCHOR_BROKEN = "anchor_broken"


class Finding(Frozen):
    kind: FindingKind
    message: str
    chain: str | None = None
    seq: int | None = None
    checkpoint: int | None = None


class Verification(Frozen):
    findings: tuple[Finding, ...]
    entries: int
    chains: int
    checkpoints: int
    erased_values: int
    covered_until: datetime | None

    @property
    def holds(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


@dataclass(frozen=True)
class Scope:
    """What the caller handed over. `whole_log`: every checkpoint from the first, so a gap
    in their numbers is a missing checkpoint. `whole_chains`: every chain from its first
    entry. `covered_until`: the end of the newest checkpoint's window, when the checkpoints
    given are only some (one complaint's). `chains`: only these chains are in question."""

    whole_log: bool = True
    whole_chains: bool = True
    chains: frozenset[str] | None = None
    personal_withheld: bool = False
    covered_until: datetime | None = None
    as_of: datetime | None = None
    stale_after: timedelta | None = None


@dataclass
class _Findings:
    found: list[tuple[str, int, Finding]] = field(default_factory=list)
    keys: set[tuple[str | None, int | None, int | None, FindingKind]] = field(default_factory=set)

    def add(self, finding: Finding, order: str = "") -> None:
        key = (finding.chain, finding.seq, finding.checkpoint, finding.kind)
        if key not in self.keys:
            self.keys.add(key)
            self.found.append((order, len(self.found), finding))

    def sorted(self) -> tuple[Finding, ...]:
        return tuple(f for _, _, f in sorted(self.found, key=lambda item: (item[0], item[1])))


def verify(
    entries: Iterable[AuditEntry],
    checkpoints: Sequence[Checkpoint],
    public_keys: Mapping[str, bytes],
    scope: Scope | None = None,
    evidence: Evidence | None = None,
) -> Verification:
    scope = scope or Scope()
    evidence = evidence or Evidence()
    findings = _Findings()
    good = _checked_checkpoints(checkpoints, public_keys, scope, findings)
    # Entries dated in a window no valid checkpoint covers are reported with that
    # checkpoint, not one by one.
    gaps = any(f.checkpoint is not None for _, _, f in findings.found)
    _check_evidence(checkpoints, evidence, findings)
    covered_until = max(
        [c.body.window_end for c in good] + ([scope.covered_until] if scope.covered_until else []),
        default=None,
    )
    chains: dict[str, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        chains[entry.chain].append(entry)
    expected: dict[str, list[Leaf]] = defaultdict(list)
    for checkpoint in good:
        for leaf in checkpoint.leaves:
            if scope.chains is None or leaf.chain in scope.chains:
                expected[leaf.chain].append(leaf)
    erased = _erasures(e for chain in chains.values() for e in chain)
    covering = _Windows([c.body for c in good])
    erased_values = 0
    for chain in sorted(set(chains) | set(expected)):
        actual = chains.get(chain, [])
        for entry in actual:
            _check_entry(entry, findings)
            _check_date(entry, scope, findings)
            if not scope.personal_withheld:
                erased_values += _check_personal(entry, erased, findings)
        covered = [e for e in actual if covering.cover(e.at)]
        leaves = sorted(expected.get(chain, []), key=lambda leaf: leaf.seq)
        if not _align(chain, covered, leaves, findings):
            _follow(chain, actual, scope.whole_chains, findings)
        if gaps or covered_until is None:
            continue
        for entry in actual:
            if entry.at <= covered_until and not covering.cover(entry.at):
                why = "dated inside a checkpointed window, but no checkpoint saw it"
                findings.add(_about(entry, FindingKind.INSERTED, why), _at(entry))
    # After the entries' own findings, so an edit that also moved an index key is named
    # modified first.
    dated = {(e.chain, e.seq): _at(e) for chain in chains.values() for e in chain}
    for mismatch in evidence.misindexed:
        findings.add(_misindexed(mismatch), dated.get((mismatch.chain, mismatch.seq), ""))
    return Verification(
        findings=findings.sorted(),
        entries=sum(len(c) for c in chains.values()),
        chains=len(chains),
        checkpoints=len(checkpoints),
        erased_values=erased_values,
        covered_until=covered_until,
    )


class _Windows:
    """The checkpoints' windows, to find the one covering an instant by bisection."""

    def __init__(self, bodies: list[CheckpointBody]) -> None:
        ordered = sorted(bodies, key=lambda b: b.window_end)
        self._ends = [b.window_end for b in ordered]
        self._starts = [b.window_start for b in ordered]

    def cover(self, at: datetime) -> bool:
        index = bisect_left(self._ends, at)
        return index < len(self._ends) and self._starts[index] < at


def _about(entry: AuditEntry, kind: FindingKind, why: str) -> Finding:
    return Finding(
        kind=kind, chain=entry.chain, seq=entry.seq, message=f"{entry.chain} #{entry.seq}: {why}"
    )


def _at(entry: AuditEntry) -> str:
    return entry.at.isoformat()


def _check_entry(entry: AuditEntry, findings: _Findings) -> None:
    if recomputed_hash(entry) != entry.hash:
        findings.add(
            _about(entry, FindingKind.MODIFIED, "its content no longer matches its hash"),
            _at(entry),
        )


def _check_personal(
    entry: AuditEntry, erased: set[tuple[str, int, str]], findings: _Findings
) -> int:
    """Check each personal value against its digest; return how many were erased properly."""
    count = 0
    for name in sorted(set(entry.personal) - set(entry.personal_digests)):
        findings.add(
            _about(entry, FindingKind.MODIFIED, f"personal value {name!r} was added"), _at(entry)
        )
    for name, digest in sorted(entry.personal_digests.items()):
        value = entry.personal.get(name)
        if value is not None:
            if personal_digest(value.salt, value.value) != digest:
                why = f"personal value {name!r} no longer matches its digest"
                findings.add(_about(entry, FindingKind.MODIFIED, why), _at(entry))
        elif (entry.chain, entry.seq, name) in erased:
            count += 1
        else:
            why = f"personal value {name!r} was removed without an erasure record"
            findings.add(_about(entry, FindingKind.ERASED_UNRECORDED, why), _at(entry))
    return count


def _erasures(entries: Iterable[AuditEntry]) -> set[tuple[str, int, str]]:
    """(chain, seq, field) of every personal value erased through the erasure path."""
    erased: set[tuple[str, int, str]] = set()
    for entry in entries:
        if entry.kind != ERASURE_KIND:
            continue
        for item in entry.detail.get("erased", []):
            for name in item.get("fields", []):
                erased.add((str(item.get("chain")), int(item.get("seq", 0)), str(name)))
    return erased


def _align(chain: str, actual: list[AuditEntry], leaves: list[Leaf], findings: _Findings) -> bool:
    """Hold a chain's checkpointed entries against the leaves signed for it; report the
    first divergence. True when one was found."""
    have = [content_digest(e) for e in actual]
    want = [leaf.content for leaf in leaves]
    index = next(
        (i for i, (h, w) in enumerate(zip(have, want, strict=False)) if h != w),
        min(len(have), len(want)),
    )
    if index == len(have) == len(want):
        return _relinked(actual, leaves, findings)
    order = _at(actual[min(index, len(actual) - 1)]) if actual else ""
    if index == len(have):
        findings.add(
            _gone(chain, leaves[index], "signed by a checkpoint, no longer in the log"), order
        )
    elif index == len(want):
        findings.add(_about(actual[index], FindingKind.INSERTED, "no checkpoint signed it"), order)
    elif _swapped(have, want, index):
        why = f"it stood at #{leaves[index + 1].seq} when checkpointed"
        findings.add(_about(actual[index], FindingKind.REORDERED, why), order)
    elif index + 1 < len(want) and have[index] == want[index + 1]:
        findings.add(_gone(chain, leaves[index], "deleted from between its neighbours"), order)
    elif index + 1 < len(have) and have[index + 1] == want[index]:
        findings.add(_about(actual[index], FindingKind.INSERTED, "not in the checkpoint"), order)
    else:
        why = "its content differs from what the checkpoint signed"
        findings.add(_about(actual[index], FindingKind.MODIFIED, why), order)
    return True


def _swapped(have: list[str], want: list[str], i: int) -> bool:
    return i + 1 < min(len(have), len(want)) and have[i] == want[i + 1] and have[i + 1] == want[i]


def _gone(chain: str, leaf: Leaf, why: str) -> Finding:
    return Finding(
        kind=FindingKind.DELETED, chain=chain, seq=leaf.seq, message=f"{chain} #{leaf.seq}: {why}"
    )


def _relinked(actual: list[AuditEntry], leaves: list[Leaf], findings: _Findings) -> bool:
    """Same contents, in the same order: any hash that differs from the signed one means the
    chain was rebuilt around them."""
    for entry, leaf in zip(actual, leaves, strict=True):
        if entry.hash != leaf.hash or entry.seq != leaf.seq:
            why = "rechained: its hash differs from the one the checkpoint signed"
            findings.add(_about(entry, FindingKind.MODIFIED, why), _at(entry))
            return True
    return False


def _follow(chain: str, actual: list[AuditEntry], whole: bool, findings: _Findings) -> None:
    """Follow the chain link by link (entries newer than the last checkpoint rely on it)."""
    if not actual:
        return
    first = actual[0]
    if whole and first.seq != 1:
        findings.add(
            _gone(chain, _placeholder(chain, 1), "the chain's first entry is missing"), _at(first)
        )
        return
    if first.seq == 1 and first.prev_hash != GENESIS_HASH:
        findings.add(_about(first, FindingKind.INSERTED, "it claims a predecessor"), _at(first))
        return
    for before, entry in pairwise(actual):
        if entry.seq > before.seq + 1:
            why = f"deleted: the chain skips from #{before.seq} to #{entry.seq}"
            findings.add(_gone(chain, _placeholder(chain, before.seq + 1), why), _at(entry))
            return
        if entry.seq <= before.seq:
            why = f"out of order after #{before.seq}"
            findings.add(_about(entry, FindingKind.REORDERED, why), _at(entry))
            return
        if entry.prev_hash != before.hash:
            why = "the next entry's link does not match it: replaced, or inserted before it"
            findings.add(_about(before, FindingKind.MODIFIED, why), _at(before))
            return


def _placeholder(chain: str, seq: int) -> Leaf:
    return Leaf(chain=chain, seq=seq, hash="", content="")


def _checked_checkpoints(
    checkpoints: Sequence[Checkpoint],
    public_keys: Mapping[str, bytes],
    scope: Scope,
    findings: _Findings,
) -> list[Checkpoint]:
    """Checkpoints whose signature, root and links hold; findings for the others."""
    good: list[Checkpoint] = []
    ordered = sorted(checkpoints, key=lambda c: c.number)
    expected_number = 1
    previous: Checkpoint | None = None
    for checkpoint in ordered:
        order = checkpoint.body.window_start.isoformat()
        if scope.whole_log and checkpoint.number > expected_number:
            missing = f"#{expected_number}" + (
                f" to #{checkpoint.number - 1}" if checkpoint.number - 1 > expected_number else ""
            )
            findings.add(_checkpoint(checkpoint.number - 1, FindingKind.CHECKPOINT_MISSING,
                                     f"checkpoint {missing} is missing"), order)  # fmt: skip
        problem = _checkpoint_problem(checkpoint, public_keys)
        if problem is None and scope.whole_log and previous is not None:
            problem = _link_problem(previous, checkpoint)
        if problem:
            findings.add(
                _checkpoint(checkpoint.number, FindingKind.CHECKPOINT_INVALID, problem), order
            )
        else:
            good.append(checkpoint)
        previous, expected_number = checkpoint, checkpoint.number + 1
    _stale(ordered, scope, findings)
    return good


def _stale(ordered: list[Checkpoint], scope: Scope, findings: _Findings) -> None:
    if scope.as_of is None or scope.stale_after is None or not scope.whole_log:
        return
    newest = ordered[-1].body.window_end if ordered else None
    if newest is None or newest < scope.as_of - scope.stale_after:
        number = ordered[-1].number + 1 if ordered else 1
        since = newest.isoformat() if newest else "the start"
        findings.add(_checkpoint(number, FindingKind.CHECKPOINT_MISSING,
                                 f"no checkpoint covers the log since {since}"), "~")  # fmt: skip


def _checkpoint(number: int, kind: FindingKind, why: str) -> Finding:
    return Finding(kind=kind, checkpoint=number, message=f"checkpoint #{number}: {why}")


def _checkpoint_problem(checkpoint: Checkpoint, public_keys: Mapping[str, bytes]) -> str | None:
    body = checkpoint.body
    key = public_keys.get(body.key_id)
    if key is None:
        return f"signed by key {body.key_id!r}, whose public key was not given"
    try:
        if not signature_holds(checkpoint, key):
            return "its signature does not hold"
    except PublicKeyError as exc:
        return str(exc)
    if merkle.root([leaf.data() for leaf in checkpoint.leaves]) != body.merkle_root:
        return "its leaves do not hash to the signed Merkle root"
    if body.entries != len(checkpoint.leaves):
        return f"it signed {body.entries} entries but lists {len(checkpoint.leaves)}"
    return None


def _link_problem(previous: Checkpoint, checkpoint: Checkpoint) -> str | None:
    if checkpoint.number != previous.number + 1:
        return None  # the gap is reported as missing checkpoints
    if checkpoint.body.previous != previous.hash:
        return f"it does not follow checkpoint #{previous.number}"
    if checkpoint.body.window_start != previous.body.window_end:
        return f"its window does not start where #{previous.number}'s ended"
    return None


def _check_evidence(
    checkpoints: Sequence[Checkpoint], evidence: Evidence, findings: _Findings
) -> None:
    _check_copies(checkpoints, evidence, findings)
    if evidence.anchor is not None:
        _check_anchor(evidence.anchor, checkpoints, findings)


def _check_date(entry: AuditEntry, scope: Scope, findings: _Findings) -> None:
    """An entry dated ahead of the verification is a forgery waiting for a checkpoint to
    sign it: the store refuses such entries at commit."""
    if scope.as_of is not None and entry.at > scope.as_of + FUTURE_TOLERANCE:
        why = f"dated {entry.at.isoformat()}, after this verification ({scope.as_of.isoformat()})"
        findings.add(_about(entry, FindingKind.FUTURE_DATED, why), _at(entry))


def _misindexed(mismatch: IndexMismatch) -> Finding:
    names = ", ".join(mismatch.attributes)
    return Finding(
        kind=FindingKind.MISINDEXED,
        chain=mismatch.chain,
        seq=mismatch.seq,
        message=f"{mismatch.chain} #{mismatch.seq}: its query-index attributes ({names}) are "
        "not those of its content: it is hidden from, or misfiled in, queries",
    )


def _check_copies(
    checkpoints: Sequence[Checkpoint], evidence: Evidence, findings: _Findings
) -> None:
    """Hold the audit table's checkpoint copies against the write-once archive: a copy the
    archive lacks, a checkpoint the table lost, a copy that differs (rolled back)."""
    for name, inside in evidence.misfiled:
        why = f"the archive's object for #{name} holds checkpoint #{inside}"
        findings.add(_checkpoint(name, FindingKind.CHECKPOINT_ROLLED_BACK, why), "")
    if evidence.copies is None:
        return
    archived = {c.number: c for c in checkpoints}
    copies = {c.number: c for c in evidence.copies}
    for number in sorted(set(archived) | set(copies)):
        kept, copy = archived.get(number), copies.get(number)
        if kept is None:
            why = "recorded in the audit table, but not in the write-once archive"
        elif copy is None:
            why = "in the archive, but its copy in the audit table is gone"
        elif copy.body.number != number or body_hash(copy.body) != kept.hash:
            why = f"the audit table's copy is not the archived one (it holds #{copy.body.number})"
        elif copy.signature != kept.signature:
            why = "the audit table's copy carries another signature than the archived one"
        else:
            continue
        findings.add(_checkpoint(number, FindingKind.CHECKPOINT_ROLLED_BACK, why), "")


def _check_anchor(anchor: Anchor, checkpoints: Sequence[Checkpoint], findings: _Findings) -> None:
    """The anchored checkpoint is still there, unchanged, and every later one follows it."""
    by_number = {c.number: c for c in checkpoints if c.body.ledger == anchor.ledger}
    anchored = by_number.get(anchor.number)
    if anchored is None or anchored.hash != anchor.hash:
        why = "the checkpoint the auditor anchored is " + (
            "gone" if anchored is None else f"not the one anchored (hash {anchored.hash[:16]}…)"
        )
        findings.add(_checkpoint(anchor.number, FindingKind.ANCHOR_BROKEN, why), "")
        return
    previous = anchored
    for number in range(anchor.number + 1, max(by_number) + 1):
        checkpoint = by_number.get(number)
        if checkpoint is None or checkpoint.body.previous != previous.hash:
            why = f"it does not extend the anchored checkpoint #{anchor.number}" + (
                " (missing)" if checkpoint is None else ""
            )
            findings.add(_checkpoint(number, FindingKind.ANCHOR_BROKEN, why), "")
            return
        previous = checkpoint

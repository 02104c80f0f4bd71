"""Gathering what a verification needs from the live log and the checkpoint archive, for
the whole log, one complaint, or a time range. The CLI and the audit API both use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from plaint.auditlog.chain import chain_of
from plaint.auditlog.checkpoint import Checkpoint
from plaint.auditlog.evidence import Anchor, Evidence
from plaint.auditlog.verify import Scope, Verification, verify
from plaint.model.audit import AuditEntry
from plaint.usecases.ports import AuditLog, CheckpointArchive

# A log whose newest checkpoint is older than this is missing a checkpoint.
STALE_AFTER = timedelta(minutes=15)


_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class Asked:
    ledger: str
    now: datetime
    complaint_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Gathered:
    entries: list[AuditEntry]
    checkpoints: list[Checkpoint]
    scope: Scope
    evidence: Evidence = field(default_factory=Evidence)


def gather(log: AuditLog, archive: CheckpointArchive, asked: Asked) -> Gathered:
    """What a verification needs. The whole log is read from the table itself, not from an
    index, so an entry cannot hide from verification by its index keys or its date; its
    index attributes are checked against its content, and the audit table's checkpoint
    copies against the archive. A time range is read through the time index."""
    ledger = asked.ledger
    numbers = archive.numbers(ledger)
    newest = archive.get(ledger, numbers[-1]) if numbers else None
    covered = newest.body.window_end if newest else None
    if asked.complaint_id:
        chain = chain_of(ledger, asked.complaint_id)
        checkpoints, _ = kept_as_named(archive, ledger, log.checkpoints_of_chain(chain))
        scope = Scope(
            whole_log=False, covered_until=covered, chains=frozenset({chain}), as_of=asked.now
        )
        entries, misindexed = log.stored_entries(ledger, chain)
        return Gathered(entries, checkpoints, scope, Evidence(misindexed=tuple(misindexed)))
    checkpoints, misfiled = kept_as_named(archive, ledger, numbers)
    ranged = asked.since is not None or asked.until is not None
    if ranged:
        since = asked.since or datetime.min.replace(tzinfo=UTC)
        checkpoints = overlapping(checkpoints, since, asked.until or asked.now)
        scope = Scope(whole_log=False, whole_chains=False, covered_until=covered, as_of=asked.now)
        return Gathered(_entries(log, asked, checkpoints), checkpoints, scope)
    scope = Scope(as_of=asked.now, stale_after=STALE_AFTER)
    entries, misindexed = log.stored_entries(ledger)
    evidence = Evidence(
        misindexed=tuple(misindexed),
        copies=tuple(log.checkpoint_copies(ledger)),
        misfiled=tuple(misfiled),
    )
    return Gathered(entries, checkpoints, scope, evidence)


def _entries(log: AuditLog, asked: Asked, checkpoints: list[Checkpoint]) -> list[AuditEntry]:
    """The entries asked for, widened to the windows of the checkpoints that answer for
    them, so every leaf those checkpoints signed is there to be compared."""
    earliest = log.earliest_entry_at(asked.ledger)
    if earliest is None:
        return []
    since = asked.since or earliest - _BEFORE
    until = asked.until or asked.now
    if checkpoints:
        since = min(since, checkpoints[0].body.window_start)
        until = max(until, checkpoints[-1].body.window_end)
    return list(log.entries_between(asked.ledger, since, until))


def verify_log(
    log: AuditLog,
    archive: CheckpointArchive,
    keys: Mapping[str, bytes],
    asked: Asked,
    anchor: Anchor | None = None,
) -> Verification:
    found = gather(log, archive, asked)
    evidence = replace(found.evidence, anchor=anchor)
    return verify(found.entries, found.checkpoints, keys, found.scope, evidence)


def kept_as_named(
    archive: CheckpointArchive, ledger: str, numbers: list[int]
) -> tuple[list[Checkpoint], list[tuple[int, int]]]:
    """The archived checkpoints whose number is the one they are kept under; and (name,
    number inside) for any object that holds another checkpoint (a copy put in its place)."""
    good: list[Checkpoint] = []
    misfiled: list[tuple[int, int]] = []
    for number in numbers:
        checkpoint = archive.get(ledger, number)
        if checkpoint is None:
            continue
        if checkpoint.number == number and checkpoint.body.ledger == ledger:
            good.append(checkpoint)
        else:
            misfiled.append((number, checkpoint.number))
    return good, misfiled


def overlapping(
    checkpoints: list[Checkpoint], since: datetime, until: datetime
) -> list[Checkpoint]:
    """The checkpoints whose windows meet [since, until)."""
    return [c for c in checkpoints if c.body.window_start < until and c.body.window_end >= since]

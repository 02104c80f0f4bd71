"""Gathering what a verification needs from the live log and the checkpoint archive, for
the whole log, one complaint, or a time range. The CLI and the audit API both use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from plaint.auditlog.chain import chain_of
from plaint.auditlog.checkpoint import Checkpoint
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


def gather(log: AuditLog, archive: CheckpointArchive, asked: Asked) -> Gathered:
    ledger = asked.ledger
    numbers = archive.numbers(ledger)
    newest = archive.get(ledger, numbers[-1]) if numbers else None
    covered = newest.body.window_end if newest else None
    if asked.complaint_id:
        chain = chain_of(ledger, asked.complaint_id)
        checkpoints = kept(archive, ledger, log.checkpoints_of_chain(chain))
        scope = Scope(whole_log=False, covered_until=covered, chains=frozenset({chain}))
        return Gathered(log.complaint_entries(ledger, asked.complaint_id), checkpoints, scope)
    checkpoints = kept(archive, ledger, numbers)
    ranged = asked.since is not None or asked.until is not None
    if ranged:
        since = asked.since or datetime.min.replace(tzinfo=UTC)
        checkpoints = overlapping(checkpoints, since, asked.until or asked.now)
        scope = Scope(whole_log=False, whole_chains=False, covered_until=covered)
    else:
        scope = Scope(as_of=asked.now, stale_after=STALE_AFTER)
    return Gathered(_entries(log, asked, checkpoints), checkpoints, scope)


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
    log: AuditLog, archive: CheckpointArchive, keys: Mapping[str, bytes], asked: Asked
) -> Verification:
    found = gather(log, archive, asked)
    return verify(found.entries, found.checkpoints, keys, found.scope)


def kept(archive: CheckpointArchive, ledger: str, numbers: list[int]) -> list[Checkpoint]:
    return [c for n in numbers if (c := archive.get(ledger, n)) is not None]


def overlapping(
    checkpoints: list[Checkpoint], since: datetime, until: datetime
) -> list[Checkpoint]:
    """The checkpoints whose windows meet [since, until)."""
    return [c for c in checkpoints if c.body.window_start < until and c.body.window_end >= since]

"""The scheduled checkpoint run: checkpoint the window sealed last time, then seal the next.

Sealing a window one run before checkpointing it leaves the time index a whole interval to
show every entry of that window; entries dated inside a sealed window are refused by the
store, so none can arrive after its checkpoint was made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from plaint.auditlog.checkpoint import Checkpoint, CheckpointSigner, make_checkpoint
from plaint.usecases.ports import AuditLog, CheckpointArchive
from plaint.vocabulary.errors import (
    CheckpointExistsError,
    CheckpointRollbackError,
    RevisionConflictError,
)

# Decisions take at most seconds between judging and committing; one that takes longer is
# refused and judged again, so the lag only needs to cover the ordinary case.
DEFAULT_LAG = timedelta(seconds=60)


_BEFORE = timedelta(microseconds=1)


log = logging.getLogger(__name__)


# The CloudWatch metric a refused checkpoint run counts (namespace, name): alarm on it.
def rollback_refused(ledger: str, number: int, why: str) -> CheckpointRollbackError:
    """The error a run raises when the newest checkpoint's copy and the archive disagree,
    logged at error level so it is seen even where the error is swallowed."""
    message = (
        f"ledger {ledger}: the audit table's copy of checkpoint #{number} {why}; "
        "no checkpoint is made until this is looked into (plaint audit verify)"
    )
    log.error(message)
    return CheckpointRollbackError(message)


@dataclass(frozen=True)
class CheckpointRun:
    made: Checkpoint | None
    sealed_until: datetime | None


@dataclass
class Checkpointer:
    log: AuditLog
    archive: CheckpointArchive
    signer: CheckpointSigner
    clock: Callable[[], datetime]
    ledger: str = "main"
    lag: timedelta = DEFAULT_LAG

    def run(self) -> CheckpointRun:
        now = self.clock()
        sealed = self.log.sealed_until(self.ledger)
        made = self._checkpoint(sealed, now) if sealed is not None else None
        until = now - self.lag
        if sealed is None or until > sealed:
            try:
                self.log.seal(self.ledger, until, expected=sealed)
                sealed = until
            except RevisionConflictError:
                sealed = self.log.sealed_until(self.ledger)  # another run sealed it
        return CheckpointRun(made=made, sealed_until=sealed)

    def _checkpoint(self, sealed: datetime, now: datetime) -> Checkpoint | None:
        latest = self._newest_kept()
        if latest is not None and latest.body.window_end >= sealed:
            return None  # this window is checkpointed already
        start = latest.body.window_end if latest else self._first_start(sealed)
        entries = list(self.log.entries_between(self.ledger, start, sealed))
        checkpoint = make_checkpoint(
            self.ledger,
            latest,
            window_end=sealed,
            entries=entries,
            signer=self.signer,
            now=now,
            window_start=start,
        )
        try:
            self.archive.put(checkpoint)
        except CheckpointExistsError:
            # Another run made it, or a run stopped before recording it: record what is kept.
            kept = self.archive.get(self.ledger, checkpoint.number)
            if kept is not None:
                self._record(kept)
            return None
        self._record(checkpoint)
        return checkpoint

    def _newest_kept(self) -> Checkpoint | None:
        """The newest checkpoint, once the audit table's copy is found to be the archive's.
        Raises CheckpointRollbackError when they disagree: a checkpoint deleted or rolled
        back is never checkpointed over, and never silently (see rollback_refused)."""
        copy = self.log.newest_checkpoint_copy(self.ledger)
        number = copy.number if copy else 0
        latest = self.archive.get(self.ledger, number) if copy else None
        if copy is not None:
            if latest is None:
                raise rollback_refused(self.ledger, number, "is not in the write-once archive")
            if latest.number != number or copy.body != latest.body:
                raise rollback_refused(
                    self.ledger, number, f"holds checkpoint #{copy.body.number}'s body, "
                    "not the archived one: rolled back"
                )  # fmt: skip
            if copy.signature != latest.signature:
                raise rollback_refused(self.ledger, number, "carries another signature")
        ahead = self.archive.get(self.ledger, number + 1)
        if ahead is not None:
            # Archived but not recorded: a run stopped in between, or the copy was deleted.
            # The archive is what counts; record it and go on from it.
            log.warning(
                "checkpoint %s of %s was archived but its copy in the audit table is missing; "
                "recorded again from the archive",
                ahead.number,
                self.ledger,
            )
            self._record(ahead)
            return ahead
        return latest

    def _record(self, checkpoint: Checkpoint) -> None:
        try:
            self.log.record_checkpoint(checkpoint)
        except RevisionConflictError:
            log.info("checkpoint %s was recorded by another run", checkpoint.number)

    def _first_start(self, sealed: datetime) -> datetime:
        earliest = self.log.earliest_entry_at(self.ledger)
        return min(earliest, sealed) - _BEFORE if earliest else sealed - _BEFORE

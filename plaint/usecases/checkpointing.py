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
from plaint.vocabulary.errors import CheckpointExistsError, RevisionConflictError

# Decisions take at most seconds between judging and committing; one that takes longer is
# refused and judged again, so the lag only needs to cover the ordinary case.
DEFAULT_LAG = timedelta(seconds=60)


_BEFORE = timedelta(microseconds=1)


log = logging.getLogger(__name__)


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
        number = self.log.latest_checkpoint_number(self.ledger)
        latest = self.archive.get(self.ledger, number) if number else None
        if number and latest is None:
            raise LookupError(f"checkpoint {number} is recorded but not in the archive")
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

    def _record(self, checkpoint: Checkpoint) -> None:
        try:
            self.log.record_checkpoint(checkpoint)
        except RevisionConflictError:
            log.info("checkpoint %s was recorded by another run", checkpoint.number)

    def _first_start(self, sealed: datetime) -> datetime:
        earliest = self.log.earliest_entry_at(self.ledger)
        return min(earliest, sealed) - _BEFORE if earliest else sealed - _BEFORE

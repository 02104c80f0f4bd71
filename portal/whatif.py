"""What a draft policy would change, run in the background with its progress shown.

The run reads the complaints received in a period (through the log's kind index) and
re-freezes each one's clocks under the draft, as `plaint clocks recalculate` would without
--apply: nothing is written. It tells how many deadlines would move earlier or later, and
which complaints' regimes the draft no longer has.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from plaint.auditlog.query import AuditQuery
from plaint.clocks import timekeeping
from plaint.model.audit import AuditKind
from plaint.model.complaint import Complaint
from plaint.policy.document import Policy
from portal.ports import Progress, Records

MOST_COMPLAINTS = 10_000
EXAMPLES = 20
READERS = 8
_KEPT_JOBS = 20


@dataclass
class Outcome:
    examined: int = 0
    earlier: int = 0
    later: int = 0
    unchanged: int = 0
    regime_missing: int = 0
    examples: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class Job:
    job_id: str
    started_by: str
    version: str
    done: int = 0
    total: int = 0
    finished: bool = False
    error: str | None = None
    outcome: Outcome | None = None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def complaint_ids(
    records: Records, ledger: str, since: datetime, until: datetime, *, now: datetime, most: int
) -> Iterator[str]:
    cursor = None
    count = 0
    while count < most:
        query = AuditQuery(
            ledger=ledger,
            kind=AuditKind.COMPLAINT_RECEIVED,
            since=since,
            until=until,
            limit=min(1000, most - count),
            cursor=cursor,
        )
        page = records.query_audit(query, now)
        for entry in page.entries:
            if entry.complaint_id:
                count += 1
                yield entry.complaint_id
        cursor = page.cursor
        if cursor is None:
            return


def what_if(
    records: Records, ids: list[str], draft: Policy, now: datetime, progress: Progress
) -> Outcome:
    outcome = Outcome()
    total = len(ids)
    # Reading the records is the slow part (one request each): several at once.
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        records_read = pool.map(records.get_complaint, ids)
        for done, (complaint_id, complaint) in enumerate(zip(ids, records_read, strict=True), 1):
            if complaint is not None and complaint.clocks:
                _judge(outcome, complaint_id, complaint, draft, now)
            outcome.examined += 1
            if done % 50 == 0 or done == total:
                progress(done, total)
    return outcome


def _judge(
    outcome: Outcome, complaint_id: str, complaint: Complaint, draft: Policy, now: datetime
) -> None:
    try:
        decision = timekeeping.recalculate(
            complaint,
            draft,
            now,
            requested_by="what-if",
            reason="what-if",
        )
    except LookupError:
        outcome.regime_missing += 1
        return
    moved = False
    for clock in decision.audit[0].detail["clocks"]:
        before, after = clock["before"]["due_at"], clock["after"]["due_at"]
        if before == after:
            continue
        moved = True
        if before and after and after < before:
            outcome.earlier += 1
        else:
            outcome.later += 1
        if len(outcome.examples) < EXAMPLES:
            outcome.examples.append((complaint_id, clock["clock"], before or "-", after or "-"))
    outcome.unchanged += 0 if moved else 1


class WhatIfRunner:
    """Runs what-ifs on threads and keeps the last few jobs' progress for the page to ask."""

    def __init__(self, records: Records, ledger: str, clock: Callable[[], datetime]) -> None:
        self._records = records
        self._ledger = ledger
        self._clock = clock
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, draft: Policy, by: str, days: int) -> Job:
        job = Job(job_id=secrets.token_urlsafe(12), started_by=by, version=draft.version)
        with self._lock:
            self._jobs[job.job_id] = job
            for old in list(self._jobs)[:-_KEPT_JOBS]:
                del self._jobs[old]
        thread = threading.Thread(target=self._run, args=(job, draft, days), daemon=True)
        thread.start()
        return job

    def run(self, job: Job, draft: Policy, days: int) -> None:
        """Run a job on the caller's thread (the benchmark's way)."""
        self._run(job, draft, days)

    def _run(self, job: Job, draft: Policy, days: int) -> None:
        now = self._clock()
        try:
            ids = list(
                complaint_ids(
                    self._records,
                    self._ledger,
                    now - timedelta(days=days),
                    now,
                    now=now,
                    most=MOST_COMPLAINTS,
                )
            )
            job.total = len(ids)
            job.outcome = what_if(self._records, ids, draft, now, job.progress)
        except Exception as exc:  # shown on the job's page; the run changes nothing
            job.error = type(exc).__name__
        finally:
            job.finished = True

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

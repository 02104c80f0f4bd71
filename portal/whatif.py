"""What-ifs in the background with their progress shown: plaint.usecases.what_if judges
the deliveries of the last days again under the draft and the active policy, in memory,
and reports every ticket whose outcome differs. Nothing is written."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from plaint.policy.document import Policy
from plaint.usecases.what_if import WhatIfReport, what_if
from plaint.vocabulary.errors import PlaintError
from portal.ports import Records

if TYPE_CHECKING:
    from portal.sources import PolicyBook

_KEPT_JOBS = 20


@dataclass
class Job:
    job_id: str
    started_by: str
    version: str
    days: int
    done: int = 0
    total: int = 0
    finished: bool = False
    error: str | None = None
    report: WhatIfReport | None = None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total


class WhatIfRunner:
    """Runs what-ifs on threads and keeps the last few jobs for the page to ask after."""

    def __init__(
        self, records: Records, policies: PolicyBook, clock: Callable[[], datetime]
    ) -> None:
        self._records = records
        self._policies = policies
        self._clock = clock
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, draft: Policy, by: str, days: int) -> Job:
        job = Job(job_id=secrets.token_urlsafe(12), started_by=by, version=draft.version, days=days)
        with self._lock:
            self._jobs[job.job_id] = job
            for old in list(self._jobs)[:-_KEPT_JOBS]:
                del self._jobs[old]
        threading.Thread(target=self.run, args=(job, draft), daemon=True).start()
        return job

    def run(self, job: Job, draft: Policy) -> None:
        """Run a job on the caller's thread (a test's or the benchmark's way)."""
        try:
            active = self._policies.active()
            current = active[1] if active else None
            if current is None:
                raise PlaintError("no active policy to compare the draft with")
            job.report = what_if(
                self._records,
                draft,
                current,
                days=job.days,
                now=self._clock(),
                progress=job.progress,
            )
        except PlaintError as exc:
            job.error = str(exc)
        except Exception as exc:  # shown on the job's page; the run changes nothing
            job.error = type(exc).__name__
        finally:
            job.finished = True

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

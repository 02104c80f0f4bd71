"""A what-if as a job of its own: asked for by the portal, run by a worker (the `run_what_if`
function, or the local stack's worker), its start, progress and result kept in the store so
any portal container can show them.

- `request_what_if` records the job (the draft's text, who asked, the window, the active
  version it is compared with) and queues it. Its id is derived from the request's token,
  so a form sent twice records and queues one job.
- `run_what_if_job` claims the job (only a queued job, or a running one whose worker has
  not been heard of for `STALE_AFTER`: a worker that died), judges the deliveries again
  (plaint.usecases.what_if), writes its progress as it goes and its report at the end. A
  job delivered twice runs once; every write after the claim is conditional on the claim.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.usecases.ports import DeliveryLog, Queue
from plaint.usecases.what_if import WINDOW, WhatIfReport, what_if
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.errors import PlaintError, QueryInvalidError

STALE_AFTER = timedelta(minutes=3)
# Progress is written at most this often (seconds), and always at the end.
PROGRESS_EVERY = 0.5
KEPT = timedelta(days=7)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class WhatIfJob(Frozen):
    job_id: str
    requested_by: str
    requested_at: AwareDatetime
    draft_version: str
    active_version: str
    days: int
    state: JobState = JobState.QUEUED
    done: int = 0
    total: int = 0
    error: str | None = None
    runner: str | None = None
    heard_at: AwareDatetime | None = None

    @property
    def finished(self) -> bool:
        return self.state in (JobState.FINISHED, JobState.FAILED)


class WhatIfJobs(Protocol):
    """Where jobs are kept (the state table, `WHATIF#<id>`)."""

    def create_job(self, job: WhatIfJob, draft: str, keep_until: datetime) -> bool:
        """Record a new job; False (and nothing written) when its id is taken."""
        ...

    def get_job(self, job_id: str) -> WhatIfJob | None: ...

    def job_draft(self, job_id: str) -> str | None: ...

    def claim_job(self, job_id: str, runner: str, now: datetime) -> WhatIfJob | None:
        """Mark the job running by `runner` if it is queued, or running and not heard of
        since `now - STALE_AFTER`; None when another has it or it is over."""
        ...

    def job_progress(self, job_id: str, runner: str, done: int, total: int, now: datetime) -> bool:
        """False when the job is no longer `runner`'s."""
        ...

    def finish_job(
        self,
        job_id: str,
        runner: str,
        report: WhatIfReport | None,
        error: str | None,
        now: datetime,
    ) -> bool: ...

    def job_report(self, job_id: str) -> WhatIfReport | None: ...


def job_id_for(draft: Policy, active_version: str, days: int, by: str, token: str) -> str:
    raw = "\n".join((draft.version, active_version, str(days), by.casefold(), token))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def request_what_if(
    jobs: WhatIfJobs,
    queue: Queue,
    *,
    draft_text: str,
    active_version: str,
    days: int,
    by: str,
    token: str,
    now: datetime,
) -> WhatIfJob:
    """Record and queue a what-if of `draft_text` against the active version; the same
    request (same token) twice gives the same job, queued once. Raises PolicyError for a
    draft that does not parse, QueryInvalidError for a window deliveries are not kept."""
    if not 1 <= days <= WINDOW.days:
        raise QueryInvalidError(f"a what-if reads deliveries of 1 to {WINDOW.days} days")
    draft = parse_policy(draft_text)
    job = WhatIfJob(
        job_id=job_id_for(draft, active_version, days, by, token),
        requested_by=by, requested_at=now, draft_version=draft.version,
        active_version=active_version, days=days,
    )  # fmt: skip
    if jobs.create_job(job, draft_text, now + KEPT):
        queue.enqueue(job.job_id)
        return job
    existing = jobs.get_job(job.job_id)
    return existing or job


def run_what_if_job(
    jobs: WhatIfJobs,
    deliveries: DeliveryLog,
    policy_of: Callable[[str], Policy | None],
    job_id: str,
    *,
    runner: str,
    clock: Callable[[], datetime],
) -> WhatIfJob | None:
    """Run a queued job to its end; None when there is nothing to do (another runner has
    it, it is over, or there is no such job)."""
    job = jobs.claim_job(job_id, runner, clock())
    if job is None:
        return None
    last = [0.0]

    def progress(done: int, total: int) -> None:
        at = time.monotonic()
        if done == total or at - last[0] >= PROGRESS_EVERY:
            last[0] = at
            if not jobs.job_progress(job_id, runner, done, total, clock()):
                raise _SupersededError

    try:
        draft_text = jobs.job_draft(job_id)
        active = policy_of(job.active_version)
        if draft_text is None or active is None:
            raise PlaintError(f"the active policy {job.active_version[:12]} is not known")
        report = what_if(deliveries, parse_policy(draft_text), active, days=job.days,
                         now=job.requested_at, progress=progress)  # fmt: skip
    except _SupersededError:
        return None
    except PlaintError as exc:
        jobs.finish_job(job_id, runner, None, str(exc), clock())
    except Exception as exc:  # shown on the job's page; a what-if changes nothing
        jobs.finish_job(job_id, runner, None, type(exc).__name__, clock())
    else:
        jobs.finish_job(job_id, runner, report, None, clock())
    return jobs.get_job(job_id)


class _SupersededError(Exception):
    """The job was claimed by another runner meanwhile (this one was thought dead)."""

"""What-if jobs: requested once however often the form is sent, claimed by one runner at a
time, taken over only from a runner not heard of for a while, reported at the end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from plaint.usecases.what_if_jobs import (
    STALE_AFTER,
    JobState,
    request_what_if,
    run_what_if_job,
)
from plaint.vocabulary.errors import PolicyError, QueryInvalidError
from storage.what_if_jobs import MemoryWhatIfJobs
from tests.factories import DEFAULT_POLICY, default_policy
from tests.fakes import ManualClock
from tests.unit.usecases.test_what_if import stocked


class Queued:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def enqueue(self, delivery_key: str) -> None:
        self.sent.append(delivery_key)


def test_a_request_is_recorded_and_queued_once() -> None:
    clock, jobs, queue = ManualClock(), MemoryWhatIfJobs(), Queued()
    text = DEFAULT_POLICY.read_text("utf-8")
    ask: dict[str, Any] = {"draft_text": text, "active_version": "a" * 64, "days": 3, "by": "Leyla",
           "token": "t" * 20, "now": clock.now}  # fmt: skip

    first = request_what_if(jobs, queue, **ask)
    again = request_what_if(jobs, queue, **ask)
    other = request_what_if(jobs, queue, **(ask | {"token": "u" * 20}))

    assert first.job_id == again.job_id != other.job_id
    assert queue.sent == [first.job_id, other.job_id]
    assert jobs.job_draft(first.job_id) == text
    assert jobs.get_job(first.job_id).state is JobState.QUEUED  # type: ignore[union-attr]
    with pytest.raises(QueryInvalidError):
        request_what_if(jobs, queue, **(ask | {"days": 8}))
    with pytest.raises(PolicyError):
        request_what_if(jobs, queue, **(ask | {"draft_text": "{}", "token": "v" * 20}))
    assert len(queue.sent) == 2


def test_a_job_runs_once_and_reports_its_progress() -> None:
    clock = ManualClock()
    store, jobs, queue = stocked(clock), MemoryWhatIfJobs(), Queued()
    active = default_policy()
    job = request_what_if(jobs, queue, draft_text=DEFAULT_POLICY.read_text("utf-8"),
                          active_version=active.version, days=7, by="Leyla", token="t" * 20,
                          now=clock.now)  # fmt: skip
    seen: list[tuple[int, int]] = []
    progress = jobs.job_progress

    def watched(job_id: str, runner: str, done: int, total: int, now: object) -> bool:
        seen.append((done, total))
        return progress(job_id, runner, done, total, now)  # type: ignore[arg-type]

    jobs.job_progress = watched  # type: ignore[method-assign]
    policies = {active.version: active}.get

    ran = run_what_if_job(jobs, store, policies, job.job_id, runner="one", clock=lambda: clock.now)

    assert ran is not None and ran.state is JobState.FINISHED and ran.runner == "one"
    assert seen[-1] == (4, 4) and ran.done == ran.total == 4
    report = jobs.job_report(job.job_id)
    assert report is not None and report.tickets == 4 and report.unchanged == 4
    # Delivered again: nothing to do.
    assert run_what_if_job(jobs, store, policies, job.job_id, runner="two",
                           clock=lambda: clock.now) is None  # fmt: skip
    assert jobs.get_job(job.job_id).runner == "one"  # type: ignore[union-attr]


def test_a_runner_not_heard_of_is_taken_over_and_then_stops() -> None:
    clock, jobs, queue = ManualClock(), MemoryWhatIfJobs(), Queued()
    job = request_what_if(jobs, queue, draft_text=DEFAULT_POLICY.read_text("utf-8"),
                          active_version="a" * 64, days=7, by="Leyla", token="t" * 20,
                          now=clock.now)  # fmt: skip
    assert jobs.claim_job(job.job_id, "one", clock.now) is not None
    assert jobs.claim_job(job.job_id, "two", clock.now + timedelta(minutes=1)) is None
    later = clock.now + STALE_AFTER + timedelta(seconds=1)
    assert jobs.claim_job(job.job_id, "two", later) is not None
    assert not jobs.job_progress(job.job_id, "one", 1, 2, later)  # "one" has lost it
    assert not jobs.finish_job(job.job_id, "one", None, "late", later)
    assert jobs.get_job(job.job_id).state is JobState.RUNNING  # type: ignore[union-attr]


def test_an_unknown_active_version_fails_the_job_with_its_reason() -> None:
    clock = ManualClock()
    store, jobs, queue = stocked(clock), MemoryWhatIfJobs(), Queued()
    job = request_what_if(jobs, queue, draft_text=DEFAULT_POLICY.read_text("utf-8"),
                          active_version="b" * 64, days=7, by="Leyla", token="t" * 20,
                          now=clock.now)  # fmt: skip

    ran = run_what_if_job(jobs, store, lambda _: None, job.job_id, runner="one",
                          clock=lambda: clock.now)  # fmt: skip

    assert ran is not None and ran.state is JobState.FAILED
    assert ran.error is not None and "bbbbbbbbbbbb" in ran.error
    assert jobs.job_report(job.job_id) is None

"""What-if jobs in the state table: a report in several parts reads back whole, a claim
is taken once, and the local stack's snapshot keeps the binary parts across a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack import snapshot
from plaint.usecases.what_if import Change, Outcome, TicketDifference, WhatIfReport
from plaint.usecases.what_if_jobs import STALE_AFTER, JobState, WhatIfJob
from storage import what_if_jobs
from storage.tables import create_tables, table_names
from storage.what_if_jobs import DynamoWhatIfJobs

NOW = datetime(2026, 3, 9, 12, tzinfo=UTC)


def report(tickets: int) -> WhatIfReport:
    differences = tuple(
        TicketDifference(complaint_id=f"zendesk:{n}", deliveries=1, changes=(Change.CATEGORY,),
                         active=Outcome(is_complaint=True, category="billing"),
                         draft=Outcome(is_complaint=True, category=f"c-{n}"))
        for n in range(tickets)
    )  # fmt: skip
    return WhatIfReport(draft_version="d" * 64, active_version="a" * 64, since=NOW - timedelta(7),
                        until=NOW, deliveries=tickets, tickets=tickets, unchanged=0,
                        counts={Change.CATEGORY: tickets}, differences=differences)  # fmt: skip


def job() -> WhatIfJob:
    return WhatIfJob(job_id="f" * 32, requested_by="Leyla", requested_at=NOW,
                     draft_version="d" * 64, active_version="a" * 64, days=7)  # fmt: skip


def test_a_job_runs_once_and_its_report_reads_back_from_parts(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(what_if_jobs, "PART_BYTES", 500)
    jobs = DynamoWhatIfJobs(aws["dynamodb"])
    assert jobs.create_job(job(), "{draft}", NOW + timedelta(days=7))
    assert not jobs.create_job(job(), "{other}", NOW + timedelta(days=7))
    assert jobs.job_draft(job().job_id) == "{draft}"

    assert jobs.claim_job(job().job_id, "one", NOW) is not None
    assert jobs.claim_job(job().job_id, "two", NOW + timedelta(seconds=30)) is None
    assert jobs.job_progress(job().job_id, "one", 5, 10, NOW)
    assert jobs.get_job(job().job_id).done == 5  # type: ignore[union-attr]
    whole = report(400)
    assert len(what_if_jobs.report_parts(whole)) > 2
    assert jobs.finish_job(job().job_id, "one", whole, None, NOW)
    assert jobs.job_report(job().job_id) == whole
    finished = jobs.get_job(job().job_id)
    assert finished is not None and finished.state is JobState.FINISHED
    assert jobs.claim_job(job().job_id, "two", NOW + STALE_AFTER * 2) is None

    path = tmp_path / "dynamodb.json"
    assert snapshot.save(aws["dynamodb"], sorted(table_names().values()), path) > 3
    with mock_aws():
        fresh = boto3.client("dynamodb", region_name="eu-west-1")
        create_tables(fresh)
        snapshot.restore(fresh, path)
        assert DynamoWhatIfJobs(fresh).job_report(job().job_id) == whole


def test_a_runner_not_heard_of_loses_the_job_to_another(aws: dict[str, Any]) -> None:
    jobs = DynamoWhatIfJobs(aws["dynamodb"])
    jobs.create_job(job(), "{draft}", NOW + timedelta(days=7))
    assert jobs.claim_job(job().job_id, "one", NOW) is not None
    later = NOW + STALE_AFTER + timedelta(seconds=1)
    taken = jobs.claim_job(job().job_id, "two", later)
    assert taken is not None and taken.runner == "two"
    assert not jobs.job_progress(job().job_id, "one", 1, 2, later)
    assert not jobs.finish_job(job().job_id, "one", None, "late", later)
    assert jobs.finish_job(job().job_id, "two", None, "no active policy", later)
    failed = jobs.get_job(job().job_id)
    assert failed is not None and failed.state is JobState.FAILED
    assert failed.error == "no active policy" and jobs.job_report(job().job_id) is None

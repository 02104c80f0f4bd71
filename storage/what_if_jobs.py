"""What-if jobs in the state table (plaint.usecases.what_if_jobs), and their in-memory twin.

A job is a few items under `pk = WHATIF#<job id>`:

- `sk = JOB`: what was asked (`asked`, JSON: who, when, the versions, the window) and where
  it stands, as plain attributes the conditions read: `state`, `runner`, `heard_at`,
  `done`, `total`, `error`, and `parts` once the report is written;
- `sk = DRAFT`: the draft's text, as it was pasted;
- `sk = REPORT#<n>`: the report, JSON compressed with zlib, in parts of at most
  `PART_BYTES` (an item holds 400 KB; a week's report lists every ticket that changed).

Every item expires (`expires_at`, the table's TTL) a week after the job was asked for.
Creation is conditional on the id being free; the claim on the job being queued, or running
and not heard of for STALE_AFTER; every later write on the claim still being the runner's.
"""

from __future__ import annotations

import threading
import zlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from plaint.usecases.what_if import WhatIfReport
from plaint.usecases.what_if_jobs import STALE_AFTER, JobState, WhatIfJob
from plaint.vocabulary.errors import StoreUnavailableError
from storage.dynamo_wire import (
    cancellation_reasons,
    error_code,
    plain,
    read_item,
    translated,
    wire,
)
from storage.instants import sortable
from storage.layout import Item, epoch_seconds

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PART_BYTES = 300_000
ASKED = ("job_id", "requested_by", "requested_at", "draft_version", "active_version", "days")
PROGRESS = ("state", "done", "total", "error", "runner", "heard_at")


def job_pk(job_id: str) -> str:
    return f"WHATIF#{job_id}"


def _job_of(item: Item) -> WhatIfJob:
    moving = {name: item[name] for name in PROGRESS if item.get(name) is not None}
    return WhatIfJob.model_validate_json(item["asked"]).model_copy(update=_typed(moving))


def _typed(values: Item) -> Item:
    typed = dict(values)
    for name in ("done", "total"):
        if name in typed:
            typed[name] = int(typed[name])
    if "state" in typed:
        typed["state"] = JobState(typed["state"])
    if "heard_at" in typed:
        typed["heard_at"] = datetime.fromisoformat(typed["heard_at"].replace("Z", "+00:00"))
    return typed


def report_parts(report: WhatIfReport) -> list[bytes]:
    packed = zlib.compress(report.model_dump_json().encode("utf-8"), 6)
    return [packed[n : n + PART_BYTES] for n in range(0, len(packed), PART_BYTES)] or [b""]


def report_of(parts: list[bytes]) -> WhatIfReport:
    return WhatIfReport.model_validate_json(zlib.decompress(b"".join(parts)))


class DynamoWhatIfJobs:
    def __init__(self, client: DynamoDBClient, table: str = "plaint-state") -> None:
        self._client = client
        self._table = table

    def create_job(self, job: WhatIfJob, draft: str, keep_until: datetime) -> bool:
        expires = epoch_seconds(keep_until)
        pk = job_pk(job.job_id)
        head: Item = {"pk": pk, "sk": "JOB", "asked": job.model_dump_json(include=set(ASKED)),
                "state": job.state.value, "done": 0, "total": 0, "expires_at": expires}  # fmt: skip
        items: list[Item] = [head, {"pk": pk, "sk": "DRAFT", "text": draft, "expires_at": expires}]
        try:
            with translated():
                self._client.transact_write_items(
                    TransactItems=[_new(self._table, i) for i in items]
                )
        except ClientError as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            if any(code == "ConditionalCheckFailed" for _, code in cancellation_reasons(exc)):
                return False  # the same request made the job already
            # A conflict or throttling: nothing was written, and the job is not there.
            raise StoreUnavailableError(str(exc)) from exc
        return True

    def _get(self, job_id: str, sk: str) -> Item | None:
        return read_item(self._client, self._table, {"pk": job_pk(job_id), "sk": sk})

    def get_job(self, job_id: str) -> WhatIfJob | None:
        item = self._get(job_id, "JOB")
        return None if item is None else _job_of(item)

    def job_draft(self, job_id: str) -> str | None:
        item = self._get(job_id, "DRAFT")
        return None if item is None else str(item["text"])

    def _update(self, job_id: str, expression: str, condition: str, values: Item) -> Item | None:
        try:
            with translated():
                answer = self._client.update_item(
                    TableName=self._table, Key=wire({"pk": job_pk(job_id), "sk": "JOB"}),
                    UpdateExpression=expression, ConditionExpression=condition,
                    ExpressionAttributeNames=_names(expression + " " + condition),
                    ExpressionAttributeValues=wire(values), ReturnValues="ALL_NEW",
                )  # fmt: skip
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return None
            raise
        return plain(answer["Attributes"])

    def claim_job(self, job_id: str, runner: str, now: datetime) -> WhatIfJob | None:
        item = self._update(
            job_id,
            "SET #state = :running, runner = :me, heard_at = :now",
            "attribute_exists(pk) AND (#state = :queued OR "
            "(#state = :running AND heard_at < :stale))",
            {":running": JobState.RUNNING.value, ":queued": JobState.QUEUED.value,
             ":me": runner, ":now": sortable(now), ":stale": sortable(now - STALE_AFTER)},
        )  # fmt: skip
        return None if item is None else _job_of(item)

    def job_progress(self, job_id: str, runner: str, done: int, total: int, now: datetime) -> bool:
        return self._mine(job_id, runner, "SET #done = :done, #total = :total, heard_at = :now",
                          {":done": done, ":total": total, ":now": sortable(now)})  # fmt: skip

    def _mine(self, job_id: str, runner: str, expression: str, values: Item) -> bool:
        condition = "#state = :running AND runner = :me"
        values = values | {":running": JobState.RUNNING.value, ":me": runner}
        return self._update(job_id, expression, condition, values) is not None

    def finish_job(
        self,
        job_id: str,
        runner: str,
        report: WhatIfReport | None,
        error: str | None,
        now: datetime,
    ) -> bool:
        head = self._get(job_id, "JOB")
        if head is None:
            return False
        parts = report_parts(report) if report is not None else []
        for n, part in enumerate(parts):
            with translated():
                self._client.put_item(TableName=self._table, Item=wire({
                    "pk": job_pk(job_id), "sk": f"REPORT#{n:04d}", "data": part,
                    "expires_at": head["expires_at"],
                }))  # fmt: skip
        state = JobState.FINISHED if report is not None else JobState.FAILED
        return self._mine(
            job_id, runner,
            "SET #state = :end, #parts = :parts, heard_at = :now, #error = :error",
            {":end": state.value, ":parts": len(parts), ":now": sortable(now), ":error": error},
        )  # fmt: skip

    def job_report(self, job_id: str) -> WhatIfReport | None:
        head = self._get(job_id, "JOB")
        if head is None or head.get("state") != JobState.FINISHED.value:
            return None
        parts = [self._get(job_id, f"REPORT#{n:04d}") for n in range(int(head["parts"]))]
        if any(part is None for part in parts):
            return None
        return report_of([bytes(part["data"]) for part in parts if part is not None])


class MemoryWhatIfJobs:
    """The same, in a dict: for tests and for a portal without DynamoDB."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Item] = {}
        self._lock = threading.Lock()

    def create_job(self, job: WhatIfJob, draft: str, keep_until: datetime) -> bool:
        with self._lock:
            if (job.job_id, "JOB") in self._items:
                return False
            self._items[job.job_id, "JOB"] = {"job": job}
            self._items[job.job_id, "DRAFT"] = {"text": draft}
            return True

    def get_job(self, job_id: str) -> WhatIfJob | None:
        with self._lock:
            item = self._items.get((job_id, "JOB"))
            return None if item is None else item["job"]

    def job_draft(self, job_id: str) -> str | None:
        with self._lock:
            item = self._items.get((job_id, "DRAFT"))
            return None if item is None else item["text"]

    def _change(self, job_id: str, allowed: Any, **changes: Any) -> WhatIfJob | None:
        with self._lock:
            item = self._items.get((job_id, "JOB"))
            if item is None or not allowed(item["job"]):
                return None
            item["job"] = item["job"].model_copy(update=changes)
            return item["job"]  # type: ignore[no-any-return]

    def claim_job(self, job_id: str, runner: str, now: datetime) -> WhatIfJob | None:
        def free(job: WhatIfJob) -> bool:
            stale = job.heard_at is not None and job.heard_at < now - STALE_AFTER
            return job.state is JobState.QUEUED or (job.state is JobState.RUNNING and stale)

        return self._change(job_id, free, state=JobState.RUNNING, runner=runner, heard_at=now)

    def job_progress(self, job_id: str, runner: str, done: int, total: int, now: datetime) -> bool:
        changed = self._change(job_id, _runs(runner), done=done, total=total, heard_at=now)
        return changed is not None

    def finish_job(
        self,
        job_id: str,
        runner: str,
        report: WhatIfReport | None,
        error: str | None,
        now: datetime,
    ) -> bool:
        state = JobState.FINISHED if report is not None else JobState.FAILED
        changed = self._change(job_id, _runs(runner), state=state, error=error, heard_at=now)
        if changed is not None and report is not None:
            with self._lock:
                self._items[job_id, "REPORT"] = {"parts": report_parts(report)}
        return changed is not None

    def job_report(self, job_id: str) -> WhatIfReport | None:
        with self._lock:
            item = self._items.get((job_id, "REPORT"))
        return None if item is None else report_of(item["parts"])


def _new(table: str, item: Item) -> Any:
    return {"Put": {"TableName": table, "Item": wire(item),
                    "ConditionExpression": "attribute_not_exists(pk)"}}  # fmt: skip


def _names(expression: str) -> dict[str, str]:
    """`#name` for each attribute an expression names so (some are reserved words)."""
    return {f"#{name}": name for name in ("state", "done", "total", "error", "parts")
            if f"#{name}" in expression}  # fmt: skip


def _runs(runner: str) -> Any:
    return lambda job: job.state is JobState.RUNNING and job.runner == runner

"""Memory of the local stack's worker when its attempts fail.

In-process, as `make run` runs them: the embedded AWS (moto's server) holding the tables and
queues of infra/ with FILLER items of about 1 KB (a stack some weeks old), the functions
wired to it, one accepted delivery, and the audit window sealed an hour ahead, so every
commit is refused: each worker attempt makes five refused transactions (moto copies the
tables for each), raises, and hands its message back, as the local worker does. Growth is
what tracemalloc still holds after the attempts, per 1,000 attempts; `kept_by_moto` is the
same with moto's dashboard lists kept, as the stack did before it emptied them. What stays
is the tables a refused transaction leaves live (fresh copies), once, not per attempt.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import requests

from devstack import embedded_aws
from devstack.embedded_aws import EmbeddedAws
from devstack.launcher import free_port
from devstack.queues import create_queues
from devstack.stack import ROOT
from devstack.worker import QueueWorker
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from storage.tables import create_tables

FILLER = 100
REGION = "eu-west-1"
WARM_UP = 10


def environment(aws_url: str) -> dict[str, str]:
    """What the functions read, pointing them at the embedded AWS."""
    return {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "PLAINT_AWS_ENDPOINT_URL": aws_url,
        "PLAINT_POLICY_PATH": str(ROOT / "policies" / "default.json"),
    }


@contextmanager
def failing_worker(filler: int = FILLER) -> Iterator[Callable[[], bool]]:
    """An attempt of the local worker that fails: call it, it answers whether the message
    was taken. The environment and the functions' parts are restored on leaving."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    aws = EmbeddedAws("127.0.0.1", port)
    aws.start()
    saved = dict(os.environ)
    try:
        # moto's backends belong to the process, not to one server: start from empty ones,
        # and leave them empty (the sealed ledger would refuse every later commit).
        _reset(url)
        os.environ.update(environment(url))
        yield _attempts(url, filler)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _functions()  # forget the parts wired to this embedded AWS
        _reset(url)
        aws.stop()


def _reset(url: str) -> None:
    requests.post(f"{url}/moto-api/reset", timeout=10).raise_for_status()


def _attempts(url: str, filler: int) -> Callable[[], bool]:
    dynamodb = boto3.client("dynamodb", endpoint_url=url, region_name=REGION)
    sqs = boto3.client("sqs", endpoint_url=url, region_name=REGION)
    create_tables(dynamodb)
    queue_url = create_queues(sqs)["plaint-inbox"]
    for n in range(filler):
        item = {"pk": {"S": f"FILLER#{n}"}, "sk": {"S": "FILLER"}, "text": {"S": "x" * 1000}}
        dynamodb.put_item(TableName="plaint-state", Item=item)
    functions = _functions()
    rt = functions.runtime()
    now = datetime.now(UTC)
    delivery_id = uuid.uuid4().hex
    event = TicketEvent(
        source=SourceSystem.ZENDESK, delivery_id=delivery_id, ticket_id="1",
        kind=TicketEventKind.CREATED, occurred_at=now, created_at=now,
        subject="Charged twice", description="I was charged twice and I complain",
    )  # fmt: skip
    assert rt.handling.accept(event)
    rt.store.seal("main", now + timedelta(hours=1), expected=None)
    worker = QueueWorker(functions, sqs, REGION)

    def attempt() -> bool:
        sqs.send_message(QueueUrl=queue_url, MessageBody=f"zendesk:{delivery_id}")
        message = sqs.receive_message(QueueUrl=queue_url, AttributeNames=["All"])["Messages"][0]
        taken = worker.handle(message, queue_url, "process_inbox", 120)
        # Not waiting out the retry: the next attempt brings its own message.
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return taken

    return attempt


def _functions() -> Any:
    functions_dir = str(ROOT / "functions")
    if functions_dir not in sys.path:
        sys.path.insert(0, functions_dir)
    import app  # once the environment is set
    from chalicelib import wiring

    wiring.reset()
    return app


def growth(attempts: int, filler: int = FILLER) -> tuple[int, float]:
    """(bytes still held after `attempts` failed attempts, seconds they took)."""
    with failing_worker(filler) as attempt:
        for _ in range(WARM_UP):
            assert not attempt()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            started = time.perf_counter()
            for _ in range(attempts):
                assert not attempt()
            took = time.perf_counter() - started
            gc.collect()
            return tracemalloc.get_traced_memory()[0] - before, took
        finally:
            tracemalloc.stop()


def measure(attempts: int = 200, kept: int = 20) -> dict[str, object]:
    """Figures per 1,000 attempts, from `attempts` (each takes a second or more under
    tracemalloc) and `kept` with moto's lists kept."""
    # The attempts' tracebacks and moto's request lines are expected: keep them quiet.
    for name in ("plaint.local", "werkzeug"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    grown, took = growth(attempts)
    with mock.patch.object(embedded_aws, "forget_tracked_models", lambda: None):
        kept_grown, _ = growth(kept)
    return {
        "failed_attempts": attempts,
        "filler_items": FILLER,
        "grown_per_1000_mb": grown / attempts * 1000 / 2**20,
        "ms_per_attempt": took / attempts * 1000,
        "kept_by_moto_per_1000_mb": kept_grown / kept * 1000 / 2**20,
    }

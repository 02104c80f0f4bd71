"""The real Chalice app on the local stack's embedded AWS with DynamoDB faults switched on
(devstack/faults.py): throttling and conflicting transactions in DynamoDB's wire shape.
A delivery is answered 503 while DynamoDB refuses it, never 500; the helpdesk's retries and
the queue's redelivery get it recorded once, judged once and acknowledged once. A what-if
job whose creation was cancelled by a conflict is not taken for one already made."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client

from devstack.embedded_aws import FAULTS_PATH, EmbeddedAws
from devstack.fake_zendesk import FakeZendesk
from devstack.queues import create_queues
from devstack.send_webhook import sample_event
from devstack.worker import QueueWorker
from plaint.actions.attempts import CLAIM_LEASE
from plaint.usecases.what_if_jobs import WhatIfJob
from plaint.vocabulary.errors import StoreUnavailableError
from storage.dynamodb import DynamoStore
from storage.tables import create_tables
from storage.what_if_jobs import DynamoWhatIfJobs
from tests.conftest import SECRETS, dumps
from tests.factories import DEFAULT_POLICY
from tests.functional.test_webhook_api import signed
from tests.functional.test_worker_and_sweep import run_sweep

REGION = "eu-west-1"
ATTEMPTS = 40  # a helpdesk retries for hours; a few dozen tries is plenty at these shares


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local", "AWS_DEFAULT_REGION": REGION,
    }.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    port = _free_port()
    server = EmbeddedAws("127.0.0.1", port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    requests.post(url + "/moto-api/reset", timeout=5)  # moto's backends are per process
    dynamodb = boto3.client("dynamodb", endpoint_url=url, region_name=REGION)
    sqs = boto3.client("sqs", endpoint_url=url, region_name=REGION)
    create_tables(dynamodb)
    queues = create_queues(sqs)
    yield {"url": url, "dynamodb": dynamodb, "sqs": sqs, "queue": queues["plaint-inbox"]}
    requests.post(url + "/moto-api/reset", timeout=5)
    server.stop()


@pytest.fixture
def functions(
    embedded: dict[str, Any], fake_zendesk: FakeZendesk, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    monkeypatch.setenv("PLAINT_AWS_ENDPOINT_URL", embedded["url"])
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(DEFAULT_POLICY))
    monkeypatch.setenv("PLAINT_ZENDESK_WEBHOOK_SECRETS", ",".join(SECRETS))
    monkeypatch.setenv("PLAINT_ZENDESK_BASE_URL", fake_zendesk.url)
    monkeypatch.setenv("PLAINT_ZENDESK_EMAIL", "agent@example.com")
    monkeypatch.setenv("PLAINT_ZENDESK_API_TOKEN", "token")
    import app as functions_app
    from chalicelib import wiring

    wiring.reset()
    yield functions_app
    wiring.reset()


def _faults(embedded: dict[str, Any], **shares: float) -> None:
    requests.post(embedded["url"] + FAULTS_PATH, json=shares, timeout=5).raise_for_status()


def _post(client: Client, body: bytes) -> int:
    answer = client.http.post("/webhooks/zendesk", body=body, headers=signed(body))
    return int(answer.status_code)


def _deliveries(embedded: dict[str, Any]) -> list[dict[str, Any]]:
    items = embedded["dynamodb"].scan(TableName="plaint-state")["Items"]
    return [i for i in items if i["sk"]["S"] == "DELIVERY"]


def test_a_conflicting_transaction_while_recording_is_answered_503_not_500(
    functions: Any, embedded: dict[str, Any]
) -> None:
    _faults(embedded, transaction_conflict=1)
    body = dumps(sample_event(ticket_id=6101))
    with Client(functions.app) as client:
        answer = client.http.post("/webhooks/zendesk", body=body, headers=signed(body))
        assert answer.status_code == 503
        assert json.loads(answer.body)["error"] == "temporarily_unavailable"
        assert _deliveries(embedded) == []
        _faults(embedded)
        assert _post(client, body) == 202  # Zendesk's retry lands


def test_with_throttling_and_conflicts_a_delivery_sent_thrice_is_recorded_and_judged_once(
    functions: Any,
    embedded: dict[str, Any],
    fake_zendesk: FakeZendesk,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _faults(embedded, throttled=0.3, transaction_conflict=0.4, seed=3)
    body = dumps(sample_event(ticket_id=6102))
    answers: list[int] = []
    with Client(functions.app) as client:
        for _ in range(3):  # the helpdesk sends it three times, each retried on a 503
            status = 503
            for _ in range(ATTEMPTS):
                status = _post(client, body)
                answers.append(status)
                if status != 503:
                    break
            assert status in (200, 202), answers
    assert 500 not in answers
    assert answers.count(202) == 1, answers
    assert len(_deliveries(embedded)) == 1

    worker = QueueWorker(functions, embedded["sqs"], REGION)
    handled = False
    for _ in range(ATTEMPTS):  # SQS hands a message back until the handler takes it
        messages = embedded["sqs"].receive_message(
            QueueUrl=embedded["queue"], MaxNumberOfMessages=1, VisibilityTimeout=0,
            AttributeNames=["All"],
        ).get("Messages", [])  # fmt: skip
        assert messages, "the accepted delivery's message went missing"
        if worker.handle(messages[0], embedded["queue"], "process_inbox", 120):
            handled = True
            break
        embedded["sqs"].change_message_visibility(  # now, rather than in a few seconds
            QueueUrl=embedded["queue"], ReceiptHandle=messages[0]["ReceiptHandle"],
            VisibilityTimeout=0,
        )  # fmt: skip
    assert handled

    _faults(embedded)
    # An acknowledgement whose claim or outcome DynamoDB refused is the sweep's to retry.
    # A claimed one waits out its lease (attempts.CLAIM_LEASE): move the clock past it.
    from chalicelib import wiring

    later = datetime.now(UTC) + CLAIM_LEASE + timedelta(seconds=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    run_sweep(functions)
    complaint = DynamoStore(embedded["dynamodb"]).get_complaint("zendesk:6102")
    assert complaint is not None and complaint.status == "acknowledged"
    seen = requests.get(f"{fake_zendesk.url}/__fake/tickets/6102", timeout=5).json()
    assert len(seen["comments"]) == 1
    injected = requests.get(embedded["url"] + FAULTS_PATH, timeout=5).json()["injected"]
    assert injected.get("transaction_conflict", 0) > 0


def test_a_what_if_job_cancelled_by_a_conflict_is_not_taken_for_one_already_made(
    embedded: dict[str, Any],
) -> None:
    # It was: create_job answered "already made", so the job was neither stored nor queued.
    jobs = DynamoWhatIfJobs(embedded["dynamodb"])
    now = datetime.now(UTC)
    job = WhatIfJob(
        job_id="job-1", requested_by="Leyla", requested_at=now, draft_version="d" * 64,
        active_version="a" * 64, days=7,
    )  # fmt: skip
    _faults(embedded, transaction_conflict=1)
    with pytest.raises(StoreUnavailableError):
        jobs.create_job(job, "{}", now + timedelta(days=1))
    _faults(embedded)
    assert jobs.create_job(job, "{}", now + timedelta(days=1))
    assert not jobs.create_job(job, "{}", now + timedelta(days=1))  # the same request again

"""Shared fixtures: moto-backed AWS with the production table and queue definitions, the real
Chalice app on its test client, and a fake Zendesk over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from devstack.queues import create_queues
from plaint.model.audit import AuditEntry
from plaint.usecases.ports import AuditLog
from storage.tables import create_tables
from tests.factories import DEFAULT_POLICY

SECRETS = ("current-secret-0123456789", "next-secret-9876543210")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        sqs = boto3.client("sqs")
        create_tables(dynamodb)
        queues = create_queues(sqs)
        yield {"dynamodb": dynamodb, "sqs": sqs, "queues": queues}


@pytest.fixture
def fake_zendesk() -> Iterator[FakeZendesk]:
    server = FakeZendesk(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_jira() -> Iterator[FakeJira]:
    with FakeJira(host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def functions(
    aws: dict[str, Any],
    fake_zendesk: FakeZendesk,
    fake_jira: FakeJira,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    """The Chalice app module, wired to moto and the fake helpdesks."""
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(DEFAULT_POLICY))
    monkeypatch.setenv("PLAINT_ZENDESK_WEBHOOK_SECRETS", ",".join(SECRETS))
    monkeypatch.setenv("PLAINT_ZENDESK_BASE_URL", fake_zendesk.url)
    monkeypatch.setenv("PLAINT_ZENDESK_EMAIL", "agent@example.com")
    monkeypatch.setenv("PLAINT_ZENDESK_API_TOKEN", "token")
    monkeypatch.setenv("PLAINT_JIRA_WEBHOOK_SECRETS", ",".join(SECRETS))
    monkeypatch.setenv("PLAINT_JIRA_BASE_URL", fake_jira.url)
    monkeypatch.setenv("PLAINT_JIRA_EMAIL", "agent@example.com")
    monkeypatch.setenv("PLAINT_JIRA_API_TOKEN", "token")
    import app as functions_app
    from chalicelib import wiring

    wiring.reset()
    yield functions_app
    wiring.reset()


def queued_messages(aws: dict[str, Any]) -> list[dict[str, Any]]:
    """Drain the inbox queue (as the worker's event source would)."""
    url = aws["queues"]["plaint-inbox"]
    messages: list[dict[str, Any]] = []
    while batch := aws["sqs"].receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        messages.extend(batch)
        for message in batch:
            aws["sqs"].delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def table_items(aws: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return aws["dynamodb"].scan(TableName=table)["Items"]  # type: ignore[no-any-return]


def load_event(name: str, vendor: str = "zendesk") -> bytes:
    from tests.factories import EVENTS

    return (EVENTS / vendor / name).read_bytes()


def dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def ledger_entries(store: Any, ledger: str = "main", days: int = 60) -> list[AuditEntry]:
    """Every entry of a ledger's first `days` days, in time order (each complaint's in its
    chain's order). `store` is an AuditLog (handling only types it as a ComplaintStore)."""
    log: AuditLog = store
    earliest = log.earliest_entry_at(ledger)
    if earliest is None:
        return []
    since = earliest - timedelta(microseconds=1)
    return list(log.entries_between(ledger, since, since + timedelta(days=days)))


@pytest.fixture
def fake_provider() -> Iterator[Any]:
    """A fake dispute-resolution provider over real HTTP, with its default signing secret."""
    from devstack.fake_provider import FakeProvider

    with FakeProvider(host="127.0.0.1", port=0) as server:
        yield server

"""The portal on its Flask test client, over moto, with complaints made the way production
makes them: a signed webhook through the real Chalice app and worker, under the UK pack."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from flask import Flask
from flask.testing import FlaskClient

from devstack.send_webhook import sample_event
from plaint.policy.loading import load_policy
from plaint.usecases.checkpointing import Checkpointer
from portal.app import PortalSources, create_app
from portal.settings import PortalSettings
from storage.archive import DirectoryArchive
from storage.dynamodb import DynamoStore
from storage.key_file import LocalSigner
from storage.sqs import SqsQueue
from storage.what_if_jobs import DynamoWhatIfJobs
from tests.factories import ROOT
from tests.functional.test_worker_and_sweep import deliver, run_worker

AUDITOR_TOKEN = "auditor-token-for-the-portal-tests"
ADMIN_TOKEN = "admin-token-for-the-portal-tests"
UK_PACK = ROOT / "policies" / "uk-fca-disp.json"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_settings(**changes: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "auditor_token_hashes": (digest(AUDITOR_TOKEN),),
        "admin_token_hashes": (digest(ADMIN_TOKEN),),
        "portal_secret_key": "s" * 48,
    }
    return PortalSettings(**(values | changes))


@pytest.fixture
def world(functions: Any, aws: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Two complaints judged under the published UK pack, and a signed checkpoint."""
    store = DynamoStore(aws["dynamodb"])
    uk = load_policy(UK_PACK)
    store.publish_policy(uk.version, UK_PACK.read_text("utf-8"), None)
    for ticket in (5101, 5102):
        run_worker(functions, deliver(functions, aws, sample_event(ticket_id=ticket)))
    signer = LocalSigner(tmp_path / "checkpoint.key")
    archive = DirectoryArchive(tmp_path / "checkpoints")
    return {"store": store, "signer": signer, "archive": archive, "policy": uk}


def checkpoint_now(world: dict[str, Any], at: datetime) -> None:
    """Seal the log up to a minute before `at`, then checkpoint what was sealed."""
    for moment in (at - timedelta(seconds=1), at):
        Checkpointer(world["store"], world["archive"], world["signer"], _fixed(moment)).run()


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


@pytest.fixture
def clock() -> list[datetime]:
    return [datetime.now(UTC)]


@pytest.fixture
def app(world: dict[str, Any], clock: list[datetime], aws: dict[str, Any]) -> Flask:
    sources = PortalSources(
        log=world["store"],
        archive=world["archive"],
        signer=world["signer"],
        ledger="main",
        clock=lambda: clock[0],
        what_if_jobs=DynamoWhatIfJobs(aws["dynamodb"]),
        what_if_queue=SqsQueue(aws["sqs"], aws["queues"]["plaint-what-if"]),
    )
    return create_app(portal_settings(), sources)


def run_what_ifs(functions: Any, aws: dict[str, Any]) -> int:
    """Hand each queued what-if to the functions' `run_what_if`, as its SQS event source
    would; returns how many messages there were."""
    url = aws["queues"]["plaint-what-if"]
    bodies: list[str] = []
    while batch := aws["sqs"].receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in batch:
            bodies.append(message["Body"])
            aws["sqs"].delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    with Client(functions.app) as chalice:
        for body in bodies:
            event = chalice.events.generate_sqs_event(
                message_bodies=[body], queue_name="plaint-what-if"
            )
            chalice.lambda_.invoke("run_what_if", event)
    return len(bodies)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def sign_in(
    client: FlaskClient,
    name: str = "Aysel Auditor",
    token: str = AUDITOR_TOKEN,
    lang: str = "en",
    tz: str = "Asia/Baku",
) -> Any:
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post(
        "/sign-in",
        data={
            "name": name,
            "token": token,
            "lang": lang,
            "tz": tz,
            "csrf_token": csrf_of(page),
            "next": "/complaints",
        },
    )


SignIn = Callable[..., Any]

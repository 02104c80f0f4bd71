"""Hostile input against every HTTP route (issue 18): how many fuzzed inputs each route
got, how many were answered 5xx (target 0), and how many accepted deliveries were not
judged, or set aside, after one worker pass (target 0).

Runs in one process on moto with the real Chalice app and the portal's Flask app, as the
functional tests do. Webhooks: every value of devstack.hostile.HOSTILE at every field of
each channel's body, then each field with the body's bytes mangled (invalid UTF-8, a NUL
byte, cut short), all signed so they reach the decoder; then one worker pass over each
accepted delivery. Audit API: queries with hostile values (forged cursors, year 1 and 9999,
ranges of decades, 5,000-digit limits) in every parameter, chosen by a seeded random.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import random
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from devstack import local_sns
from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from devstack.hostile import HOSTILE, JUDGED, MANGLES, PATHS, HostileSender, outcome
from devstack.local_ses import LOCAL_MAILBOX
from devstack.local_sns import SnsSigner
from devstack.queues import create_queues
from devstack.stack import ROOT
from storage.dynamodb import DynamoStore
from storage.tables import create_tables

SECRET = "bench-hostile-secret-0123456789"
TOKEN = "bench-auditor-token"
AUDIT_QUERIES = 400
PARAMETERS = ("since", "until", "kind", "category", "complaint_id", "limit", "cursor")


def _forged(document: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


QUERY_VALUES = (
    "2020-01-01T00:00:00+00:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00",
    "2026-01-01T00:00:00+00:00", "complaint.received", "zendesk:900000", "billing", "0", "-1",
    "1000", "9" * 5000, "NaN", "\u202eevil", "a\x00b", "%ff", "",
    _forged({"p": 0, "k": {"pk": None, "sk": None}}), _forged({"p": -3, "k": {}}),
    _forged({"p": 0, "k": {"pk": "x", "sk": "y", "tpart": "z", "tkey": "w"}}),
    _forged({"p": 10**9, "k": None}), _forged([]), "!!!",
)  # fmt: skip


def _environment(tmp: Path, zendesk: FakeZendesk, jira: FakeJira, signer: SnsSigner) -> str:
    topic = local_sns.topic_arn("eu-west-1", "plaint-ses-inbound")
    document = json.loads((ROOT / "policies" / "default.json").read_text(encoding="utf-8"))
    document["email"] = {"sender": "care@example.az", "mailbox": LOCAL_MAILBOX}
    (tmp / "policy.json").write_text(json.dumps(document), encoding="utf-8")
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "PLAINT_POLICY_PATH": str(tmp / "policy.json"),
            "PLAINT_ZENDESK_WEBHOOK_SECRETS": SECRET,
            "PLAINT_ZENDESK_BASE_URL": zendesk.url,
            "PLAINT_ZENDESK_EMAIL": "agent@example.com",
            "PLAINT_ZENDESK_API_TOKEN": "token",
            "PLAINT_JIRA_WEBHOOK_SECRETS": SECRET,
            "PLAINT_JIRA_BASE_URL": jira.url,
            "PLAINT_JIRA_EMAIL": "agent@example.com",
            "PLAINT_JIRA_API_TOKEN": "token",
            "PLAINT_SES_TOPIC_ARNS": topic,
            "PLAINT_SNS_TRUSTED_CERTIFICATE_URLS": signer.trusted_prefix,
        }
    )
    return topic


def _webhooks(sender: HostileSender, store: DynamoStore) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for route, paths in PATHS.items():
        answers: Counter[int] = Counter()
        accepted = not_judged = 0
        cases = [(path, value, "none") for _, value in HOSTILE for path in paths]
        cases += [(path, "x", mangle) for path in paths for mangle in MANGLES[1:]]
        for path, value, mangle in cases:
            answer = sender.send(route, path, value, mangle)
            answers[answer.status] += 1
            if answer.key is None:
                continue
            accepted += 1
            # A worker that raises is counted below: its delivery did not end judged.
            with contextlib.suppress(Exception):
                sender.work(answer.key)
            not_judged += not outcome(store, answer.key) & JUDGED
        figures[route] = {
            "inputs": len(cases),
            "5xx": sum(n for status, n in answers.items() if status >= 500),
            "accepted": accepted,
            "accepted_not_judged_after_one_pass": not_judged,
            "answers": dict(sorted(answers.items())),
        }
    return figures


def _audit_api(store: DynamoStore, tmp: Path) -> dict[str, Any]:
    from portal.app import AuditSources, create_app
    from portal.settings import PortalSettings
    from storage.archive import DirectoryArchive
    from storage.key_file import LocalSigner

    sources = AuditSources(
        log=store, archive=DirectoryArchive(tmp / "archive"), signer=LocalSigner(tmp / "key"),
        ledger="main", clock=lambda: datetime.now(UTC),
    )  # fmt: skip
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    client = create_app(PortalSettings(auditor_token_hashes=(token_hash,)), sources).test_client()
    chosen = random.Random(18)
    answers: Counter[int] = Counter()
    for _ in range(AUDIT_QUERIES):
        names = chosen.sample(PARAMETERS, chosen.randint(0, 3))
        query = {name: chosen.choice(QUERY_VALUES) for name in names}
        answer = client.get(
            "/api/audit/entries", query_string=query, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        answers[answer.status_code] += 1
    return {
        "inputs": AUDIT_QUERIES,
        "5xx": sum(n for status, n in answers.items() if status >= 500),
        "answers": dict(sorted(answers.items())),
    }


def measure() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "functions"))
    with tempfile.TemporaryDirectory() as folder, FakeJira(host="127.0.0.1", port=0) as jira:
        tmp = Path(folder)
        zendesk = FakeZendesk(host="127.0.0.1", port=0)
        zendesk.start()
        signer = SnsSigner.for_stack(tmp, "http://sns.local.test")
        topic = _environment(tmp, zendesk, jira, signer)
        try:
            with mock_aws():
                create_tables(boto3.client("dynamodb"))
                create_queues(boto3.client("sqs"))
                boto3.client("sesv2").create_email_identity(EmailIdentity="care@example.az")
                return _run(tmp, signer, topic)
        finally:
            zendesk.stop()


def _run(tmp: Path, signer: SnsSigner, topic: str) -> dict[str, Any]:
    import app as functions_app
    from chalice.test import Client
    from chalicelib import wiring

    import connectors.email.webhook as email_webhook

    email_webhook.fetch_certificate = lambda *_, **__: signer.certificate  # type: ignore[assignment]
    wiring.reset()
    store = DynamoStore(boto3.client("dynamodb"))
    started = datetime.now(UTC)
    with Client(functions_app.app) as client:
        figures: dict[str, Any] = dict(
            _webhooks(HostileSender(client, SECRET, signer, topic), store)
        )
    figures["audit_api"] = _audit_api(store, tmp)
    figures["seconds"] = (datetime.now(UTC) - started) / timedelta(seconds=1)
    return figures

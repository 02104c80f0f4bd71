"""The auditors' HTTP API: read-only, apart from the webhooks, behind its own credentials."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from plaint.model.audit import AuditDraft, AuditFacets
from plaint.model.decision import Decision
from portal.app import AuditSources, create_app
from portal.settings import AuditorAuth, PortalSettings
from storage.archive import DirectoryArchive
from storage.dynamodb import DynamoStore
from storage.key_file import LocalSigner
from tests.conftest import SECRETS

TOKEN = "auditor-token-4f1c2a9e"
START = datetime(2026, 5, 1, 8, tzinfo=UTC)


@pytest.fixture
def sources(aws: dict[str, Any], tmp_path: Path) -> AuditSources:
    store = DynamoStore(aws["dynamodb"])
    for n in range(6):
        draft = AuditDraft(
            kind="clock.breached" if n % 2 else "complaint.received",
            complaint_id=f"zendesk:{n % 2}",
            policy_version="v1",
            at=START + timedelta(hours=n),
            detail={"n": n},
            facets=AuditFacets(category="billing", jurisdiction="AZ"),
            personal={"complainant": "zendesk-user:7"},
        )
        store.commit(Decision(complaint=None, audit=(draft,)), "main")
    return AuditSources(
        log=store,
        archive=DirectoryArchive(tmp_path / "archive"),
        signer=LocalSigner(tmp_path / "key"),
        ledger="main",
        clock=lambda: START + timedelta(days=1),
    )


@pytest.fixture
def client(sources: AuditSources) -> FlaskClient:
    settings = PortalSettings(auditor_token_hashes=(hashlib.sha256(TOKEN.encode()).hexdigest(),))
    return create_app(settings, sources).test_client()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_auditor_pages_through_entries_without_personal_values(client: FlaskClient) -> None:
    since = (START - timedelta(hours=1)).isoformat()
    first = client.get(
        "/api/audit/entries", query_string={"kind": "clock.breached", "since": since, "limit": 2},
        headers=auth(),
    )  # fmt: skip
    assert first.status_code == 200
    body = first.get_json()
    assert [e["detail"]["n"] for e in body["entries"]] == [1, 3]
    assert body["items_read"] == 2
    assert "personal" not in body["entries"][0]
    assert body["entries"][0]["personal_digests"]["complainant"]
    second = client.get(
        "/api/audit/entries",
        query_string={
            "kind": "clock.breached",
            "since": since,
            "limit": 2,
            "cursor": body["cursor"],
        },
        headers=auth(),
    )
    assert [e["detail"]["n"] for e in second.get_json()["entries"]] == [5]
    assert second.get_json()["cursor"] is None


def test_bad_questions_get_precise_answers(client: FlaskClient) -> None:
    wrong = client.get("/api/audit/entries", query_string={"clock_status": "late"}, headers=auth())
    assert wrong.status_code == 400 and "clock_status" in wrong.get_json()["message"]
    unknown = client.get("/api/audit/entries", query_string={"owner": "x"}, headers=auth())
    assert unknown.status_code == 400 and "owner" in unknown.get_json()["message"]
    cursor = client.get("/api/audit/entries", query_string={"cursor": "%%%"}, headers=auth())
    assert cursor.status_code == 400 and "cursor" in cursor.get_json()["message"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong", f"Bearer {SECRETS[0]}", f"Basic {TOKEN}", "Bearer "],
    ids=["none", "wrong", "webhook-secret", "basic", "empty"],
)
def test_without_an_auditor_token_nothing_is_read(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for path in ("/api/audit/entries", "/api/audit/public-key", "/api/audit/verify"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 401, path
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "entries" not in (answer.get_json() or {})


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_auditors_credentials_cannot_write(client: FlaskClient, method: str) -> None:
    for path in ("/api/audit/entries", "/api/audit/checkpoints/1"):
        answer = getattr(client, method)(path, headers=auth(), json={"kind": "forged"})
        assert answer.status_code == 405, (method, path)


def test_verification_and_the_public_key_are_served(
    client: FlaskClient, sources: AuditSources
) -> None:
    key = client.get("/api/audit/public-key", headers=auth())
    assert key.status_code == 200
    assert key.data.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert sources.signer is not None and key.headers["X-Key-Id"] == sources.signer.key_id
    whole = client.get("/api/audit/verify", headers=auth()).get_json()
    # No checkpoint has been made yet: verification says so instead of passing silently.
    assert whole["holds"] is False
    assert whole["findings"][0]["kind"] == "checkpoint_missing"
    one = client.get(
        "/api/audit/verify", query_string={"complaint_id": "zendesk:1"}, headers=auth()
    )
    assert one.get_json()["entries"] == 3


def test_behind_iam_the_gateway_is_the_gatekeeper(sources: AuditSources) -> None:
    settings = PortalSettings(auditor_auth=AuditorAuth.IAM)
    app = create_app(settings, sources).test_client()
    assert (
        app.get("/api/audit/entries", query_string={"complaint_id": "zendesk:0"}).status_code == 200
    )
    assert app.post("/api/audit/entries").status_code == 405

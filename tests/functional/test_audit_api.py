"""The auditors' HTTP API: read-only, apart from the webhooks, behind its own credentials."""

from __future__ import annotations

import base64
import hashlib
import json
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
from storage.audit_pages import MAX_FACET_SPAN, MAX_PARTITIONS_PER_PAGE, MAX_TIME_SPAN
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


def forged(document: Any) -> str:
    raw = json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        forged({"p": 0, "k": {"pk": None, "sk": None}}),
        forged({"p": 0, "k": {}}),
        forged({"p": 0, "k": []}),
        forged({"p": 0, "k": {"pk": {"S": "x"}, "sk": 1}}),
        forged({"p": -3, "k": {"pk": "a", "sk": "b"}}),
        forged({"p": 10**6, "k": {"pk": "a", "sk": "b"}}),
        forged({"p": 0, "k": {"pk": "CHAIN#other", "sk": "SEQ#1", "tpart": "x", "tkey": "y"}}),
        forged({"p": 0, "k": {"pk": "a" * 5000, "sk": "b"}}),
        forged({"p": "0", "k": None}),
        forged([1, 2]),
        "%%%",
    ],
)
@pytest.mark.parametrize("facet", [{}, {"kind": "clock.breached"}, {"complaint_id": "zendesk:1"}])
def test_a_forged_cursor_gets_a_400_that_says_so(
    client: FlaskClient, cursor: str, facet: dict[str, str]
) -> None:
    answer = client.get(
        "/api/audit/entries", query_string=facet | {"cursor": cursor}, headers=auth()
    )
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["message"].startswith("cursor: ")


@pytest.mark.parametrize(
    ("asked", "limit"),
    [
        ({"since": "2020-01-01T00:00:00+00:00"}, f"at most {MAX_TIME_SPAN.days} days"),
        ({"since": "0001-01-01T00:00:00+00:00"}, "2000"),
        ({"until": "9999-12-31T00:00:00+00:00"}, "2100"),
        ({"kind": "clock.breached", "since": "2001-01-01T00:00:00+00:00"},
         f"at most {MAX_FACET_SPAN.days} days"),
    ],
)  # fmt: skip
def test_an_unbounded_range_gets_a_400_with_the_limit(
    client: FlaskClient, asked: dict[str, str], limit: str
) -> None:
    answer = client.get("/api/audit/entries", query_string=asked, headers=auth())
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert limit in answer.get_json()["message"]


def test_a_page_reads_a_bounded_number_of_partitions(
    client: FlaskClient, sources: AuditSources
) -> None:
    """A range at its limit of mostly empty days is read a bounded number of partitions at a
    time; following the cursors finds every entry."""
    found, cursor, pages = [], None, 0
    while True:
        asked = {"since": (START - MAX_TIME_SPAN + timedelta(days=2)).isoformat(), "limit": 5}
        answer = client.get(
            "/api/audit/entries", query_string=asked | ({"cursor": cursor} if cursor else {}),
            headers=auth(),
        )  # fmt: skip
        assert answer.status_code == 200
        body = answer.get_json()
        assert body["items_read"] <= 5
        found += [e["detail"]["n"] for e in body["entries"]]
        pages += 1
        cursor = body["cursor"]
        if cursor is None:
            break
    assert found == [0, 1, 2, 3, 4, 5]
    assert pages >= MAX_TIME_SPAN.days // MAX_PARTITIONS_PER_PAGE

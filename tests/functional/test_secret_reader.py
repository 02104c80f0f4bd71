"""bootstrap/secrets.py: a parameter is read through the Parameters and Secrets Lambda
Extension when it answers (no SSM client built), through boto3 (moto) when it does not, and
kept for a while either way."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws

from bootstrap.secrets import CACHE_SECONDS, SecretReader, SecretUnavailableError

PARAMETER = "/plaint/zendesk/webhook-secrets"


class FakeExtension(ThreadingHTTPServer):
    """The extension's GET /systemsmanager/parameters/get?name=...&withDecryption=true."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.values = {PARAMETER: "from-the-extension"}
        self.seen: list[dict[str, Any]] = []


class _Handler(BaseHTTPRequestHandler):
    server: FakeExtension

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        token = self.headers.get("X-Aws-Parameters-Secrets-Token")
        self.server.seen.append({"path": parts.path, "query": query, "token": token})
        name = query.get("name", "")
        body: dict[str, Any]
        if token != "session-token":
            status, body = 401, {"message": "missing token"}
        elif name in self.server.values:
            value = self.server.values[name]
            parameter = {"Name": name, "Type": "SecureString", "Value": value}
            status, body = 200, {"Parameter": parameter}
        else:
            status, body = 400, {"message": "an error occurred (ParameterNotFound)"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def extension(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeExtension]:
    server = FakeExtension()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token")
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", str(server.server_address[1]))
    yield server
    server.shutdown()
    server.server_close()


def no_client() -> Any:
    raise AssertionError("the extension answered: no SSM client may be built")


def test_the_extension_is_asked_with_the_session_token_and_its_answer_kept(
    extension: FakeExtension,
) -> None:
    now = [0.0]
    reader = SecretReader(no_client, clock=lambda: now[0])
    assert reader.read(PARAMETER, "zendesk_webhook_secrets") == "from-the-extension"
    [asked] = extension.seen
    assert asked["path"] == "/systemsmanager/parameters/get"
    assert asked["query"] == {"name": PARAMETER, "withDecryption": "true"}
    now[0] = CACHE_SECONDS - 1
    reader.read(PARAMETER, "zendesk_webhook_secrets")
    assert len(extension.seen) == 1
    extension.values[PARAMETER] = "rotated"
    now[0] = CACHE_SECONDS + 1
    assert reader.read(PARAMETER, "zendesk_webhook_secrets") == "rotated"


def test_a_parameter_the_extension_does_not_know_is_none(extension: FakeExtension) -> None:
    assert SecretReader(no_client).read("/plaint/jira/webhook-secrets", "jira") is None


def test_an_extension_refusal_is_a_secret_unavailable_now(
    extension: FakeExtension, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", "expired")
    with pytest.raises(SecretUnavailableError, match="answered 401"):
        SecretReader(no_client).read(PARAMETER, "zendesk_webhook_secrets")


def test_without_the_extension_ssm_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "9")  # nothing listens
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "t")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name=PARAMETER, Value="from-ssm", Type="SecureString")
        built: list[Any] = []

        def client() -> Any:
            built.append(ssm)
            return ssm

        reader = SecretReader(client)
        assert reader.read(PARAMETER, "zendesk_webhook_secrets") == "from-ssm"
        assert reader.read("/plaint/missing", "zendesk_webhook_secrets") is None
        assert len(built) == 2  # once per parameter read, the same client each time


def test_with_no_parameter_named_the_local_file_is_read(tmp_path: Any) -> None:
    path = tmp_path / "secrets.json"
    reader = SecretReader(no_client, local_file=str(path))
    assert reader.read(None, "jira_webhook_secrets") is None
    path.write_text(json.dumps({"jira_webhook_secrets": "local-one"}))
    assert reader.read(None, "jira_webhook_secrets") == "local-one"


def test_the_webhook_verifies_with_the_extensions_secret_and_answers_503_when_it_cannot_read_it(
    functions: Any, aws: Any, extension: FakeExtension, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalice.test import Client
    from chalicelib import wiring

    from devstack.send_webhook import sample_event
    from tests.conftest import dumps, table_items
    from tests.functional.test_webhook_api import signed

    monkeypatch.setenv("PLAINT_ZENDESK_WEBHOOK_SECRETS_PARAMETER", PARAMETER)
    body = dumps(sample_event(ticket_id=7103))
    headers = signed(body, "from-the-extension")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "expired")
    wiring.reset()
    with Client(functions.app) as client:
        refused = client.http.post("/webhooks/zendesk", body=body, headers=headers)
    assert refused.status_code == 503  # the helpdesk retries; nothing is stored
    assert table_items(aws, "plaint-state") == []
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token")
    wiring.reset()
    with Client(functions.app) as client:
        accepted = client.http.post("/webhooks/zendesk", body=body, headers=headers)
    assert accepted.status_code == 202

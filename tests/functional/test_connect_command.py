"""`plaint connect zendesk|jira` against the fake helpdesks over real HTTP: what it sets up,
that a dry run and a second run change nothing, where the secrets go (the local data
directory, or Systems Manager parameters on moto), and that the functions then verify a
delivery signed with the stored secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from console.main import main
from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from devstack.send_webhook import jira_headers, kept_secret, sample_event, sample_jira_event
from tests.conftest import dumps
from tests.factories import DEFAULT_POLICY
from tests.functional.test_webhook_api import signed

WEBHOOK = "https://plaint.example.com/api/webhooks/zendesk"
JIRA_WEBHOOK = "https://plaint.example.com/api/webhooks/jira"
PARAMETER = "/plaint/zendesk/webhook-secrets"


@pytest.fixture(autouse=True)
def no_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    """No secrets extension answers here: a port nothing listens on."""
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "9")


def connect(helpdesk: str, url: str, *options: str) -> int:
    hook = WEBHOOK if helpdesk == "zendesk" else JIRA_WEBHOOK
    credentials = ("--email", "admin@example.com", "--api-token", "admin-token")
    return main(["connect", helpdesk, "--base-url", url, "--webhook-url", hook, *credentials,
                 *options])  # fmt: skip


def changes_sent(fake: FakeZendesk | FakeJira, since: int = 0) -> list[str]:
    seen = fake.state.requests[since:]
    return [f"{r['method']} {r['path']}" for r in seen if r["method"] != "GET"]


def local(folder: Path) -> tuple[str, ...]:
    return ("--secrets", "local", "--data-dir", str(folder))


def test_a_dry_run_prints_the_set_up_and_changes_nothing(
    fake_zendesk: FakeZendesk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert connect("zendesk", fake_zendesk.url, "--dry-run", *local(tmp_path)) == 0
    out = capsys.readouterr().out
    assert 'would create webhook "Plaint complaints"' in out
    assert 'would create trigger "Plaint: send tickets to Plaint"' in out
    assert "dry run: 6 change(s) to make, nothing changed" in out
    assert changes_sent(fake_zendesk) == []
    assert not (tmp_path / "secrets.json").exists()


def test_zendesk_is_connected_once_and_a_second_run_changes_nothing(
    fake_zendesk: FakeZendesk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert connect("zendesk", fake_zendesk.url, *local(tmp_path)) == 0
    admin = fake_zendesk.state.admin
    [webhook] = admin.webhooks.values()
    assert webhook["endpoint"] == WEBHOOK
    assert webhook["subscriptions"] == ["conditional_ticket_events"]
    [trigger] = admin.triggers
    webhook_id, body = trigger["actions"][0]["value"]
    assert webhook_id == webhook["id"]
    product, remedy = (str(f["id"]) for f in admin.ticket_fields)
    ticket = json.loads(body)["ticket"]
    assert ticket["product"] == f"{{{{ticket.ticket_field_{product}}}}}"
    assert ticket["remedy_sought"] == f"{{{{ticket.ticket_field_{remedy}}}}}"
    secrets_file = tmp_path / "secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    kept = json.loads(secrets_file.read_text())
    assert kept["zendesk_webhook_secrets"] == admin.secrets[webhook["id"]]
    assert kept["zendesk_api_token"] == "admin-token"

    seen, before = len(fake_zendesk.state.requests), secrets_file.stat().st_mtime_ns
    capsys.readouterr()
    assert connect("zendesk", fake_zendesk.url, *local(tmp_path)) == 0
    assert changes_sent(fake_zendesk, seen) == []
    assert secrets_file.stat().st_mtime_ns == before
    assert "nothing to change: already connected" in capsys.readouterr().out


def test_a_webhook_changed_by_hand_is_put_back(fake_zendesk: FakeZendesk, tmp_path: Path) -> None:
    connect("zendesk", fake_zendesk.url, *local(tmp_path))
    [webhook] = fake_zendesk.state.admin.webhooks.values()
    webhook["endpoint"] = "https://elsewhere.example.com/"
    seen = len(fake_zendesk.state.requests)
    connect("zendesk", fake_zendesk.url, *local(tmp_path))
    assert changes_sent(fake_zendesk, seen) == [f"PUT /api/v2/webhooks/{webhook['id']}"]
    assert webhook["endpoint"] == WEBHOOK


def test_rotating_keeps_the_old_secret_accepted_beside_the_new(
    fake_zendesk: FakeZendesk, tmp_path: Path
) -> None:
    connect("zendesk", fake_zendesk.url, *local(tmp_path))
    old = json.loads((tmp_path / "secrets.json").read_text())["zendesk_webhook_secrets"]
    connect("zendesk", fake_zendesk.url, "--rotate-secret", *local(tmp_path))
    [new] = fake_zendesk.state.admin.secrets.values()
    assert new != old
    stored = json.loads((tmp_path / "secrets.json").read_text())["zendesk_webhook_secrets"]
    assert stored == f"{new},{old}"


def jira_policy(tmp_path: Path, fields: dict[str, str]) -> Path:
    document = json.loads(DEFAULT_POLICY.read_text())
    document["helpdesk_fields"] = {"jira": fields}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document))
    return path


def test_jira_gets_its_fields_and_a_signed_webhook_once(
    fake_jira: FakeJira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = jira_policy(tmp_path, {"request_type_field": "customfield_10010",
                                    "product_field": "customfield_10050",
                                    "remedy_field": "summary"})  # fmt: skip
    options = ("--policy", str(policy), "--jql", "project = CARE", *local(tmp_path))
    assert connect("jira", fake_jira.url, *options) == 0
    admin = fake_jira.state.admin
    [created] = admin.fields  # the request type is JSM's own; summary exists already
    assert created["name"] == "Complaint product"
    out = capsys.readouterr().out
    assert f"names customfield_10050, which this site lacks: set it to {created['id']}" in out
    [(webhook_id, webhook)] = admin.webhooks.items()
    assert webhook["events"] == ["jira:issue_created", "jira:issue_updated", "comment_created"]
    assert webhook["filters"] == {"issue-related-events-section": "project = CARE"}
    kept = json.loads((tmp_path / "secrets.json").read_text())
    assert kept["jira_webhook_secrets"] == admin.secrets[webhook_id]

    seen = len(fake_jira.state.requests)
    assert connect("jira", fake_jira.url, *options) == 0
    assert changes_sent(fake_jira, seen) == []
    assert "nothing to change: already connected" in capsys.readouterr().out


def test_a_jira_webhook_whose_secret_is_not_stored_gets_a_fresh_one(
    fake_jira: FakeJira, tmp_path: Path
) -> None:
    connect("jira", fake_jira.url, *local(tmp_path))
    (tmp_path / "secrets.json").unlink()  # Jira never shows a webhook's secret again
    seen = len(fake_jira.state.requests)
    connect("jira", fake_jira.url, *local(tmp_path))
    [(webhook_id, secret)] = fake_jira.state.admin.secrets.items()
    assert changes_sent(fake_jira, seen) == [f"PUT /rest/webhooks/1.0/webhook/{webhook_id}"]
    assert json.loads((tmp_path / "secrets.json").read_text())["jira_webhook_secrets"] == secret


def test_a_refusal_is_answered_in_the_helpdesks_words(
    fake_zendesk: FakeZendesk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeZendesk(auth=("someone@example.com", "other")) as strict:
        assert connect("zendesk", strict.url, *local(tmp_path)) == 1
    assert "answered 401: Couldn't authenticate you" in capsys.readouterr().out


def test_in_the_cloud_the_secrets_are_secure_string_parameters_the_functions_verify_with(
    functions: Any, fake_zendesk: FakeZendesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert connect("zendesk", fake_zendesk.url, "--secrets", "ssm") == 0
    ssm = boto3.client("ssm")
    stored = ssm.get_parameter(Name=PARAMETER, WithDecryption=True)
    assert stored["Parameter"]["Type"] == "SecureString"
    [secret] = fake_zendesk.state.admin.secrets.values()
    assert stored["Parameter"]["Value"] == secret
    assert connect("zendesk", fake_zendesk.url, "--secrets", "ssm") == 0
    again = ssm.get_parameter(Name=PARAMETER)["Parameter"]
    assert again["Version"] == stored["Parameter"]["Version"]  # the second run wrote nothing

    # The functions read the parameter, not the plain environment variable.
    monkeypatch.setenv("PLAINT_ZENDESK_WEBHOOK_SECRETS_PARAMETER", PARAMETER)
    from chalicelib import wiring

    wiring.reset()
    body = dumps(sample_event(ticket_id=7101))
    with Client(functions.app) as client:
        accepted = client.http.post("/webhooks/zendesk", body=body, headers=signed(body, secret))
        refused = client.http.post("/webhooks/zendesk", body=body, headers=signed(body))
    assert accepted.status_code == 202
    assert refused.status_code == 401  # signed with the environment's secret: not the stored one


def test_locally_the_functions_verify_with_the_data_directorys_secret(
    functions: Any, fake_jira: FakeJira, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import wiring

    connect("jira", fake_jira.url, *local(tmp_path))
    [secret] = fake_jira.state.admin.secrets.values()
    monkeypatch.setenv("PLAINT_SECRETS_FILE", str(tmp_path / "secrets.json"))
    wiring.reset()
    body = dumps(sample_jira_event(7102))
    with Client(functions.app) as client:
        answer = client.http.post("/webhooks/jira", body=body, headers=jira_headers(body, secret))
    assert answer.status_code == 202, answer.body


def test_the_local_sender_signs_with_the_secret_connect_stored(
    fake_zendesk: FakeZendesk, tmp_path: Path
) -> None:
    (tmp_path / "webhook-secret").write_text("the-stacks-own")
    assert kept_secret(tmp_path, "zendesk") == "the-stacks-own"
    connect("zendesk", fake_zendesk.url, *local(tmp_path))
    [secret] = fake_zendesk.state.admin.secrets.values()
    assert kept_secret(tmp_path, "zendesk") == secret
    assert kept_secret(tmp_path, "jira") == "the-stacks-own"

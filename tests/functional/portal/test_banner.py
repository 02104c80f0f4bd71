"""`make run`'s banner says where the portal is and how to sign in."""

from __future__ import annotations

import shlex
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from devstack import send_webhook
from devstack.__main__ import banner
from devstack.stack import StackConfig, admin_token, auditor_token


def test_the_banner_names_the_portal_and_both_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAINT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    config = StackConfig(data_dir=tmp_path)
    text = banner(SimpleNamespace(config=config, secret="s"))  # type: ignore[arg-type]
    assert f"portal           {config.portal_url}/" in text
    assert auditor_token(tmp_path) in text and admin_token(tmp_path) in text
    assert "sign in with your name and a token" in text


def test_the_banners_send_command_works_whatever_the_secret_begins_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """token_urlsafe may begin a secret with "-", which must not read as an option: the
    banner's line reads it from the data directory."""
    monkeypatch.setenv("PLAINT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    (tmp_path / "webhook-secret").write_text("-Xy_secret\n")
    config = StackConfig(data_dir=tmp_path)
    text = banner(SimpleNamespace(config=config, secret="-Xy_secret"))  # type: ignore[arg-type]
    line = next(ln for ln in text.splitlines() if "send_webhook" in ln and "--email" not in ln)
    arguments = shlex.split(line.split("-m devstack.send_webhook", 1)[1])
    sent: list[dict[str, str]] = []

    def post(url: str, data: bytes, headers: dict[str, str], timeout: float) -> Any:
        sent.append(headers)
        return SimpleNamespace(status_code=202, text="")

    made: list[str] = []

    def request(method: str, url: str, json: Any, timeout: float) -> Any:
        made.append(url)  # the sample ticket, made in the fake Zendesk first
        return SimpleNamespace(raise_for_status=lambda: None)

    monkeypatch.setattr("devstack.send_webhook.requests.post", post)
    monkeypatch.setattr("devstack.send_webhook.requests.request", request)
    assert send_webhook.main(arguments) == 0
    assert len(sent) == 1 and sent[0]["X-Zendesk-Webhook-Signature"]
    assert "-Xy_secret" not in line
    assert made == ["http://127.0.0.1:8765/__fake/tickets"]


def test_the_banner_prints_one_line_to_paste_for_another_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAINT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.delenv("PLAINT_CHECKPOINT_KEY_FILE", raising=False)
    config = StackConfig(data_dir=tmp_path, aws_port=5999)
    text = banner(SimpleNamespace(config=config, secret="s"))  # type: ignore[arg-type]
    line = next(ln.strip() for ln in text.splitlines() if ln.strip().startswith("export "))
    pasted = dict(word.split("=", 1) for word in shlex.split(line)[1:])
    assert pasted == {
        "PLAINT_AWS_ENDPOINT_URL": "http://127.0.0.1:5999",
        "AWS_DEFAULT_REGION": config.region,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "PLAINT_CHECKPOINT_KEY_FILE": str(tmp_path / "checkpoint.key"),
        "PLAINT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }


def test_the_banners_commands_name_fake_helpdesks_on_other_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample makes its ticket in the fake Zendesk, and the act changes it there: on
    other ports than the usual, the pasted commands must say where."""
    monkeypatch.setenv("PLAINT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    config = StackConfig(data_dir=tmp_path, api_port=8100, zendesk_port=8102, jira_port=8103)
    text = banner(SimpleNamespace(config=config, secret="s"))  # type: ignore[arg-type]
    for module in ("devstack.send_webhook", "devstack.ticket respond"):
        line = next(ln for ln in text.splitlines() if f"-m {module}" in ln)
        assert "--api http://127.0.0.1:8100" in line
        assert "--zendesk http://127.0.0.1:8102" in line
        assert "--jira-url http://127.0.0.1:8103" in line

"""The `plaint` command against the local stack with nothing exported: it finds the running
stack by its data directory's stack.json, and once the stack stops it says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from console.main import main as plaint
from devstack.launcher import StackProcess, wait_until
from devstack.send_webhook import signed_headers
from storage.key_file import LocalSigner
from tests.e2e.test_local_stack import COMPLAINTS, acknowledgements, deliveries

pytestmark = pytest.mark.e2e

EXPORTS = ("PLAINT_AWS_ENDPOINT_URL", "PLAINT_CHECKPOINT_KEY_FILE", "PLAINT_CHECKPOINT_DIR",
           "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
           "AWS_DEFAULT_REGION", "AWS_REGION")  # fmt: skip


def nothing_exported(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """A fresh shell: no AWS configuration at all, the stack started with --data-dir."""
    for name in EXPORTS:  # set first, so the test's end restores each as it was
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(data_dir / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(data_dir / "no-aws-credentials"))
    monkeypatch.setenv("PLAINT_LOCAL_DATA_DIR", str(data_dir))


def test_the_command_finds_the_running_stack_by_itself(
    stack: StackProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for body in deliveries():
        headers = signed_headers(body, stack.secret)
        assert requests.post(stack.webhook_url, data=body, headers=headers, timeout=10).ok
    wait_until(lambda: all(n == 1 for n in acknowledgements(stack).values()), "acks", 60)
    nothing_exported(monkeypatch, stack.data_dir)
    capsys.readouterr()
    answers: list[tuple[int, str, str]] = []

    def every_acknowledgement_logged() -> bool:
        # The helpdesk has the acknowledgement a moment before the worker commits its entry.
        code = plaint(["audit", "query", "--kind", "acknowledgement.sent"])
        found = capsys.readouterr()
        answers.append((code, found.out, found.err))
        return f"# {len(COMPLAINTS)} entries" in found.out

    wait_until(every_acknowledgement_logged, "acknowledgement entries", 30)
    code, out, err = answers[-1]
    assert code == 0
    assert f"# the local stack at {stack.aws_url}" in err
    assert f"# {len(COMPLAINTS)} entries" in out
    # The stack's own checkpoint key, not a new one made elsewhere.
    assert plaint(["audit", "public-key"]) == 0
    stacks_key = LocalSigner(stack.data_dir / "checkpoint.key").key_id
    assert capsys.readouterr().out.startswith(f"# key id {stacks_key}, ")

    stack.stop()
    assert not (stack.data_dir / "stack.json").exists()
    assert plaint(["audit", "query"]) == 2
    said = capsys.readouterr().out.splitlines()
    assert len(said) == 1 and "no local stack running: start one with `make run`" in said[0]

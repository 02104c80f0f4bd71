"""Start the local stack as a separate process, as a user would, on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import requests

from devstack.local_ses import SENT_MESSAGES_PATH
from devstack.local_sns import SnsSigner
from devstack.stack import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def reachable(url: str) -> bool:
    try:
        requests.get(url, timeout=1)
    except requests.RequestException:  # refused, or too slow to answer yet: not ready
        return False
    return True


class StackProcess:
    """`python -m devstack` in a subprocess, its output appended to data_dir/stack.log."""

    def __init__(
        self,
        data_dir: Path,
        sweep_seconds: float = 1.0,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.sweep_seconds = sweep_seconds
        self.environment = environment or {}
        self.ports = {name: free_port() for name in ("api", "aws", "zendesk", "jira", "portal")}
        self.process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}/webhooks/zendesk"

    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['aws']}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    @property
    def jira_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['jira']}"

    @property
    def zendesk_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['zendesk']}"

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['portal']}"

    @property
    def auditor_token(self) -> str:
        return (self.data_dir / "auditor-token").read_text(encoding="utf-8").strip()

    @property
    def secret(self) -> str:
        return (self.data_dir / "webhook-secret").read_text(encoding="utf-8").strip()

    @property
    def sns_signer(self) -> SnsSigner:
        """The stack's SNS signer, to sign SES receipts as SNS would deliver them."""
        return SnsSigner.load(self.data_dir)

    def sent_emails(self) -> list[dict[str, Any]]:
        """What the stack's SES (moto) accepted, oldest first."""
        answer = requests.get(self.aws_url + SENT_MESSAGES_PATH, timeout=5)
        answer.raise_for_status()
        return list(answer.json()["messages"])

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "devstack",
            "--api-port", str(self.ports["api"]), "--aws-port", str(self.ports["aws"]),
            "--zendesk-port", str(self.ports["zendesk"]), "--jira-port", str(self.ports["jira"]),
            "--portal-port", str(self.ports["portal"]),
            "--data-dir", str(self.data_dir),
            "--sweep-seconds", str(self.sweep_seconds),
        ]  # fmt: skip
        self._log = (self.data_dir / "stack.log").open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | {"PYTHONUNBUFFERED": "1"} | self.environment,
            stdout=self._log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        wait_until(lambda: reachable(self.webhook_url), "the webhook API to answer", 60)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=90)
        if self._log is not None:
            self._log.close()

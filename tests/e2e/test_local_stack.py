"""The local stack as a user runs it: a subprocess, real signed HTTP webhooks built from
recorded Zendesk payloads, each sent three times, and a restart that keeps the data."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack.send_webhook import signed_headers
from tests.factories import EVENTS, ROOT

pytestmark = pytest.mark.e2e

COMPLAINTS = {
    "9001": ("az", "Kartımdan pul iki dəfə çıxılıb, bu qəbuledilməzdir. Şikayət edirəm."),
    "9002": ("ar", "أريد تقديم شكوى: تم خصم المبلغ مرتين من حسابي ولم يتم الاسترداد."),
    "9003": ("fa", "از خدمات شما ناراضی هستم. مبلغ دو بار کسر شده و شکایت دارم."),
    "9004": ("en", "I want to complain: the parcel never arrived and nobody answers."),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalStack:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.ports = {name: free_port() for name in ("api", "aws", "zendesk")}
        self.process: subprocess.Popen[str] | None = None

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}/webhooks/zendesk"

    @property
    def zendesk_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['zendesk']}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "devstack",
            "--api-port",
            str(self.ports["api"]),
            "--aws-port",
            str(self.ports["aws"]),
            "--zendesk-port",
            str(self.ports["zendesk"]),
            "--data-dir",
            str(self.data_dir),
            "--sweep-seconds",
            "1",
        ]
        env = os.environ | {"PYTHONUNBUFFERED": "1"}
        self.log = (self.data_dir / "stack.log").open("a")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True
        )
        wait_until(lambda: reachable(self.webhook_url), "the webhook API to answer", 60)

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()

    @property
    def secret(self) -> str:
        return (self.data_dir / "zendesk-webhook-secret").read_text().strip()


def reachable(url: str) -> bool:
    try:
        requests.get(url, timeout=1)
    except requests.ConnectionError:
        return False
    return True


def wait_until(predicate: Any, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    local = LocalStack(tmp_path)
    local.start()
    yield local
    if local.process and local.process.poll() is None:
        local.stop()


def deliveries() -> list[bytes]:
    """Recorded Zendesk ticket.created events, each turned into a complaint of its own."""
    recorded = json.loads((EVENTS / "zendesk" / "event_ticket_created_docs.json").read_text())
    bodies = []
    for ticket_id, (_, text) in COMPLAINTS.items():
        event = json.loads(json.dumps(recorded))
        event["id"] = f"e2e-{ticket_id}"
        event["subject"] = f"zen:ticket:{ticket_id}"
        event["detail"] |= {"id": ticket_id, "description": text, "subject": text[:40]}
        bodies.append(json.dumps(event, ensure_ascii=False).encode("utf-8"))
    return bodies


def fake_ticket(stack: LocalStack, ticket_id: str) -> dict[str, Any]:
    return requests.get(f"{stack.zendesk_url}/__fake/tickets/{ticket_id}", timeout=5).json()  # type: ignore[no-any-return]


def acknowledgements(stack: LocalStack) -> dict[str, int]:
    counts = {}
    for ticket_id in COMPLAINTS:
        answer = requests.get(f"{stack.zendesk_url}/__fake/tickets/{ticket_id}", timeout=5)
        counts[ticket_id] = len(answer.json().get("comments", [])) if answer.ok else 0
    return counts


def test_each_complaint_gets_exactly_one_acknowledgement_and_survives_a_restart(
    stack: LocalStack,
) -> None:
    bodies = deliveries()
    statuses = []
    for _ in range(3):  # every delivery three times, interleaved, as helpdesk retries arrive
        for body in bodies:
            answer = requests.post(
                stack.webhook_url, data=body, headers=signed_headers(body, stack.secret), timeout=10
            )
            statuses.append(answer.status_code)
    assert statuses.count(202) == len(bodies)
    assert statuses.count(200) == 2 * len(bodies)
    wait_until(
        lambda: all(n >= 1 for n in acknowledgements(stack).values()),
        "an acknowledgement on every ticket",
        60,
    )
    time.sleep(3)  # give any duplicate the chance to show up
    assert acknowledgements(stack) == dict.fromkeys(COMPLAINTS, 1)
    for ticket_id, (language, _) in COMPLAINTS.items():
        ticket = fake_ticket(stack, ticket_id)
        assert "plaint_ack_sent" in ticket["ticket"]["tags"]
        if language in ("ar", "fa"):
            assert any("\u0600" <= ch <= "\u06ff" for ch in ticket["comments"][0]["body"])

    stack.stop()
    stack.start()
    # The restarted stack remembers the deliveries: a late retry is still a duplicate.
    answer = requests.post(
        stack.webhook_url,
        data=bodies[0],
        headers=signed_headers(bodies[0], stack.secret),
        timeout=10,
    )
    assert answer.status_code == 200
    assert json.loads(answer.text)["status"] == "duplicate"

"""Webhook answer latency through the local stack: real signed HTTP, each a new complaint.

Two runs: `paced` sends one webhook every 300 ms, so the worker has finished the previous
complaint (the answer path alone); `burst` sends back to back while the worker, the embedded
AWS and the fake Zendesk share the same Python process with the API. Lambda runs the API and
the worker in separate processes, so `burst` is an upper bound.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import requests

from devstack.launcher import StackProcess
from devstack.send_webhook import sample_event, signed_headers


def _send(stack: StackProcess, count: int, pause: float, first_ticket: int) -> list[float]:
    session = requests.Session()
    timings = []
    for n in range(count):
        body = json.dumps(sample_event(ticket_id=first_ticket + n)).encode()
        headers = signed_headers(body, stack.secret)
        started = time.perf_counter()
        answer = session.post(stack.webhook_url, data=body, headers=headers, timeout=10)
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 202, answer.text
        time.sleep(pause)
    return sorted(timings)


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "n": len(timings),
        "median_ms": statistics.median(timings),
        "p99_ms": timings[max(0, round(len(timings) * 0.99) - 1)],
    }


def measure(paced: int = 100, burst: int = 300) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        stack = StackProcess(Path(tmp), sweep_seconds=60)
        stack.start()
        try:
            paced_timings = _send(stack, paced, 0.3, 100_000)
            burst_timings = _send(stack, burst, 0.0, 200_000)
        finally:
            stack.stop()
    return {"paced": _summary(paced_timings), "burst": _summary(burst_timings)}

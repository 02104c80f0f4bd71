"""The local stack's worker does not grow with failed attempts (issue 19: each failed
attempt grew the stack by about 17 MB, until it ran out of memory after 75 minutes).

The leak was moto's: it keeps every model object it makes, including the copy of each
table a DynamoDB transaction takes, and a failed worker attempt makes five refused
transactions. The attempts here are the local worker's own, against the embedded AWS.
"""

from __future__ import annotations

import logging

import pytest

from bench.worker_memory import growth

ATTEMPTS = 25
# Kept by moto, 25 attempts grew by about 65 MB here; emptied, by about 0.25 MB, once
# (the tables a refused transaction leaves live are fresh copies), not per attempt.
BOUND = 8 * 2**20


def test_failed_worker_attempts_do_not_grow_the_local_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.CRITICAL, logger="plaint.local")  # 25 expected tracebacks
    grown, _ = growth(ATTEMPTS)
    assert grown < BOUND, f"{ATTEMPTS} failed attempts kept {grown / 2**20:.1f} MB"

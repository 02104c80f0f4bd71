"""A small run of the load-and-fault bench (bench/load_and_faults.py): deliveries from the
three channels, each sent three times and reordered, while DynamoDB throttles and cancels
transactions, the helpdesks rate-limit, and the stack is stopped and started again.
Nothing accepted is lost, no ticket is acknowledged twice, and nothing accepted before the
restart is missing after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load_and_faults import Options, measure

pytestmark = pytest.mark.e2e


def test_a_short_stream_under_faults_and_a_restart_loses_nothing_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    # 5xx and lost answers on the helpdesks retry after 30 s (attempts.RETRY_BACKOFF):
    # the full bench has them; here 429s, retried at once after Retry-After, keep it short.
    options = Options(
        deliveries=9, rate=6.0, server_error=0, answer_lost=0, rate_limited=0.2,
        throttled=0.15, transaction_conflict=0.15, seconds=120, drain_seconds=45,
        data_dir=tmp_path,
    )  # fmt: skip
    figures = measure(options)

    assert figures["accepted"] == 9, figures
    assert figures["accepted_twice"] == 0, figures
    assert figures["complaints"] == 9, figures
    assert figures["acknowledgements"] == 9, figures
    assert figures["duplicates"] == 0, figures
    assert figures["lost"] == 0, figures
    assert figures["restart"]["data_kept"] and figures["restart"]["missing_after"] == 0
    assert figures["restart"]["accepted_before"] > 0, figures
    assert figures["injected"].get("throttled", 0) > 0, figures
    assert "500" not in figures["answers"], figures

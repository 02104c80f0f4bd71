"""What a cold webhook container loads before it can record a delivery (bench/import_time
measures how long that takes): the intake sections of the policy, never the whole policy
model, the survey engine or Powertools."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.import_time import PATHS
from tests.factories import DEFAULT_POLICY, ROOT

NEVER_ON_THE_WEBHOOK_PATH = (
    "plaint.policy.document",
    "plaint.policy.loading",
    "plaint.surveys",
    "aws_lambda_powertools",
)


@pytest.mark.parametrize("source", sorted(PATHS))
def test_a_cold_webhook_loads_only_what_recording_needs(source: str) -> None:
    code = PATHS[source] + ("; import sys, json; print(json.dumps(sorted(m for m in sys.modules)))")
    environment = os.environ | {
        "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}",
        "PLAINT_POLICY_PATH": str(DEFAULT_POLICY),
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "cold-start",
        "AWS_SECRET_ACCESS_KEY": "cold-start",
        "PLAINT_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/plaint-inbox",
    }
    answer = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "functions", env=environment,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    loaded = json.loads(answer.stdout.splitlines()[-1])
    found = [m for m in loaded if m.startswith(NEVER_ON_THE_WEBHOOK_PATH)]
    assert found == []

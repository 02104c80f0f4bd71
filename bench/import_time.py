"""Cold-start import cost: the Lambda handler module against a bare `import boto3`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from devstack.stack import ROOT


def _median_seconds(code: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT / "functions", check=True,
            env={"PYTHONPATH": f"{ROOT}:{ROOT / 'functions'}", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(runs: int = 7) -> dict[str, float]:
    baseline = _median_seconds("pass", runs)
    return {
        "interpreter_ms": baseline * 1000,
        "import_boto3_ms": (_median_seconds("import boto3", runs) - baseline) * 1000,
        "import_app_ms": (_median_seconds("import app", runs) - baseline) * 1000,
        "import_app_and_first_runtime_ms": (
            _median_seconds(
                "import os; os.environ['PLAINT_POLICY_PATH']='../policies/default.json';"
                "os.environ['AWS_DEFAULT_REGION']='eu-west-1';"
                "os.environ['PLAINT_QUEUE_URL']='https://sqs.eu-west-1.amazonaws.com/1/q';"
                "import app; from chalicelib.wiring import runtime; runtime()",
                runs,
            )
            - baseline
        )
        * 1000,
    }

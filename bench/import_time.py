"""Cold start: how long a fresh Lambda container takes before it can record a webhook,
side by side with the least any function touching DynamoDB pays
(`import boto3; boto3.client("dynamodb")`).

"Ready to record" is everything the webhook path imports and builds before its first call
to DynamoDB: the Chalice app, the container's Root with its store and queue, the vendor's
webhook reader and the accept use case (for Jira and email, the packaged policy too, which
their payloads are read with). Network calls are left out: each run is a new interpreter
with dummy credentials, so the figures measure this code, not AWS. Times are CPU time
(user + system) of the whole interpreter, the fastest of several runs and their median.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys

from devstack.stack import ROOT

BASELINE = "import boto3; boto3.client('dynamodb')"
READY = (
    "import app; from chalicelib.wiring import runtime; rt = runtime(); rt.store; rt.queue; "
    "from plaint.usecases.intake import accept; "
)
PATHS = {
    "zendesk": READY + "from connectors.zendesk import webhook",
    "jira": READY + "from connectors.jira import webhook; rt.packaged_policy",
    "email": READY + "from connectors.email import webhook; rt.ses_inbox; rt.packaged_policy",
}
TARGET_RATIO = 1.5


def _environment() -> dict[str, str]:
    return {
        "PYTHONPATH": f"{ROOT}:{ROOT / 'functions'}",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "cold-start",
        "AWS_SECRET_ACCESS_KEY": "cold-start",
        "PLAINT_POLICY_PATH": str(ROOT / "policies" / "default.json"),
        "PLAINT_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/plaint-inbox",
    }


def _seconds(code: str, runs: int) -> tuple[float, float]:
    """(fastest, median) CPU time (user + system) of `runs` fresh interpreters running
    `code`. CPU time, not wall time, so that other work on the machine does not count."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], cwd=ROOT / "functions", check=True,
                       env=_environment())  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(samples), statistics.median(samples)


def measure(runs: int = 15) -> dict[str, float | str]:
    _seconds("pass", 2)  # warm the file cache, as a provisioned image would be
    base_fastest, base_median = _seconds(BASELINE, runs)
    figures: dict[str, float | str] = {
        "baseline_boto3_dynamodb_client_ms": base_fastest * 1000,
        "baseline_median_ms": base_median * 1000,
    }
    for name, code in PATHS.items():
        fastest, median = _seconds(code, runs)
        figures[f"{name}_ready_to_record_ms"] = fastest * 1000
        figures[f"{name}_ratio_to_baseline"] = fastest / base_fastest
        figures[f"{name}_median_ratio"] = median / base_median
    figures["target_ratio"] = f"<= {TARGET_RATIO}"
    return figures

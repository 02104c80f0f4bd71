"""Cold start: how long a fresh Lambda container takes before it can record a webhook,
side by side with the least any function touching DynamoDB pays
(`import boto3; boto3.client("dynamodb")`).

Both run the way Lambda runs them: from the unpacked artifact that `chalice package` builds
(infra/build.py), beside a folder holding only what Lambda's Python runtime ships, with the
functions' own environment variables (functions/.chalice/config.json), no site packages, and
no bytecode written (/var/task is read-only, so what the artifact does not carry compiled is
compiled again on every cold start).

"Ready to record" is everything the webhook path imports and builds before its first call
to DynamoDB: the Chalice app, the container's Root with its delivery inbox and queue, the vendor's
webhook reader and the accept use case (for Jira and email, the packaged policy's intake
sections their payloads are read with too; looking for a published policy is a DynamoDB
call). Network calls are left out: each run is a new interpreter with
dummy credentials, so the figures measure this code, not AWS. Times are CPU time (user +
system) of the whole interpreter, the fastest of several runs and their median, baseline
and paths interleaved so that the machine's load falls on both.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from devstack.stack import ROOT
from infra.build import FUNCTIONS, lambda_runtime, package, stage_sources

BASELINE = "import boto3; boto3.client('dynamodb')"
READY = (
    "import app; from chalicelib.wiring import runtime; rt = runtime(); rt.inbox; rt.queue; "
    "from plaint.usecases.intake import accept; "
)
PATHS = {
    "zendesk": READY + "from connectors.zendesk import webhook",
    "jira": READY + "from connectors.jira import webhook; rt.packaged_intake",
    "email": READY + "from connectors.email import webhook; rt.ses_inbox; rt.packaged_intake",
}
TARGET_RATIO = 1.5


def _environment(task: Path, runtime: Path) -> dict[str, str]:
    config = json.loads((FUNCTIONS / ".chalice" / "config.json").read_text())
    variables: dict[str, str] = config["environment_variables"]
    return variables | {
        "PYTHONPATH": f"{task}:{runtime}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "cold-start",
        "AWS_SECRET_ACCESS_KEY": "cold-start",
        "PLAINT_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/plaint-inbox",
    }


def _seconds(code: str, task: Path, environment: dict[str, str]) -> float:
    """CPU time (user + system) of a fresh interpreter running `code`: CPU time, not wall
    time, so that other work on the machine counts as little as it can."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-S", "-c", code], cwd=task, env=environment, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def measure(runs: int = 15) -> dict[str, float | str]:
    stage_sources(ROOT / "policies" / "default.json")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with zipfile.ZipFile(package(folder / "build")) as archive:
            archive.extractall(folder / "task")
        task, runtime = folder / "task", lambda_runtime(folder / "runtime")
        environment = _environment(task, runtime)
        codes = {"baseline": BASELINE, **PATHS}
        samples: dict[str, list[float]] = {name: [] for name in codes}
        _seconds("pass", task, environment)  # warm the file cache, as a warm host would be
        for _ in range(runs):
            for name, code in codes.items():
                samples[name].append(_seconds(code, task, environment))
    base = samples.pop("baseline")
    figures: dict[str, float | str] = {
        "baseline_boto3_dynamodb_client_ms": min(base) * 1000,
        "baseline_median_ms": statistics.median(base) * 1000,
    }
    for name, times in samples.items():
        figures[f"{name}_ready_to_record_ms"] = min(times) * 1000
        figures[f"{name}_ratio_to_baseline"] = min(times) / min(base)
        figures[f"{name}_median_ratio"] = statistics.median(times) / statistics.median(base)
    figures["target_ratio"] = f"<= {TARGET_RATIO}"
    return figures

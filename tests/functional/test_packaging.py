"""The Lambda artifact carries everything the functions import: built with `chalice package`,
unpacked into a clean directory and invoked there without the source tree on the path."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import holidays
import pytest
import requests
from moto.server import ThreadedMotoServer

from devstack.fake_zendesk import FakeZendesk
from devstack.launcher import free_port
from devstack.queues import create_queues
from devstack.send_webhook import sample_event, signed_headers
from infra.build import package, stage_sources
from storage.dynamodb import DynamoStore
from storage.tables import create_tables
from tests.factories import DEFAULT_POLICY
from tests.functional.conftest import stdlib_paths

pytestmark = pytest.mark.packaging

# What the Lambda Python runtime provides besides the standard library.
SECRET = "packaging-secret"

INVOKE = r"""
import json, sys
sys.path[:] = [ARTIFACT, RUNTIME] + STDLIB
import app
for module in ("plaint", "connectors", "storage", "pydantic", "requests", "holidays", "chalice"):
    where = sys.modules[module].__file__ if module in sys.modules else __import__(module).__file__
    assert where.startswith(ARTIFACT), (module, where)
assert not any(p.startswith(SOURCE) for p in sys.path), sys.path

class Context:
    function_name = "plaint-dev"
    memory_limit_in_mb = 512
    aws_request_id = "req-1"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:plaint-dev"
    def get_remaining_time_in_millis(self):
        return 30000

answer = app.app(API_EVENT, Context())
print(json.dumps({"api": answer}))
key = "zendesk:" + json.loads(API_EVENT["body"])["id"]
app.process_inbox({"Records": [{"messageId": "m1", "receiptHandle": "r1", "body": key,
    "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
    "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:plaint-inbox",
    "awsRegion": "eu-west-1"}]}, Context())
print(json.dumps({"worker": "done"}))
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    stage_sources(DEFAULT_POLICY)
    package(out)
    return out


@pytest.fixture(scope="module")
def artifact(build: Path) -> Path:
    unpacked = build / "unpacked"
    with zipfile.ZipFile(build / "deployment.zip") as archive:
        archive.extractall(unpacked)
    return unpacked


def test_packaged_template_passes_cfn_lint(build: Path) -> None:
    template = json.loads((build / "sam.json").read_text())
    assert {"StateTable", "AuditTable", "InboxQueue", "ParkedQueue"} <= set(template["Resources"])
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(build / "sam.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # What cfn-lint checked includes the alarms, their parameter and the dashboard.
    template = json.loads((build / "sam.json").read_text())
    kinds = {name: r["Type"] for name, r in template["Resources"].items() if "Type" in r}
    assert kinds["Dashboard"] == "AWS::CloudWatch::Dashboard"
    assert {"ActionsParkedAlarm", "ClockBreachAlarm", "CheckpointAgeAlarm"} <= set(kinds)
    assert "ReconciliationGapThreshold" in template["Parameters"]


@pytest.fixture
def local_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    for key, value in {
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(key, value)
    create_tables(boto3.client("dynamodb", endpoint_url=url))
    create_queues(boto3.client("sqs", endpoint_url=url))
    yield url
    server.stop()


def api_gateway_event(body: bytes) -> dict[str, Any]:
    headers = signed_headers(body, SECRET)
    return {
        "resource": "/webhooks/zendesk",
        "path": "/webhooks/zendesk",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/webhooks/zendesk",
            "httpMethod": "POST",
            "stage": "api",
            "path": "/api/webhooks/zendesk",
            "requestId": "r",
        },
        "body": body.decode("utf-8"),
        "isBase64Encoded": False,
    }


def test_every_module_carries_bytecode_that_lambda_uses_unchecked(artifact: Path) -> None:
    """/var/task is read-only: without bytecode in the artifact, every cold start compiles."""
    sources = [p for p in artifact.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(sources) > 500
    for source in sources:
        compiled = Path(importlib.util.cache_from_source(str(source)))
        header = compiled.read_bytes()[:8]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(header[4:8], "little") == 0b01, source  # hash-based, unchecked


def test_the_artifact_leaves_out_what_the_functions_never_read(artifact: Path) -> None:
    assert not (artifact / "cryptography").exists()  # KMS signs; SNS checks are pure Python
    assert not list((artifact / "holidays" / "locale").rglob("*.mo"))  # holiday names
    assert (artifact / "rsa").is_dir() and (artifact / "asn1crypto").is_dir()
    assert not (artifact / "pydantic" / "v1").exists()  # the version 1 API
    assert not (artifact / "pyasn1").exists()  # python-rsa's key files
    powertools = artifact / "aws_lambda_powertools"
    assert (powertools / "logging").is_dir() and (powertools / "metrics").is_dir()
    assert not (powertools / "event_handler").exists()
    assert {p.name for p in (powertools / "utilities").iterdir()} <= {
        "__init__.py", "__pycache__", "jmespath_utils",
    }  # fmt: skip


SNS_CHECK = r"""
import sys
sys.path[:] = [ARTIFACT, RUNTIME] + STDLIB
from connectors.email.signature import verify_sns_message
from connectors.errors import SignatureRejectedError
verify_sns_message(MESSAGE, lambda url: PEM)
try:
    verify_sns_message({**MESSAGE, "Subject": "changed"}, lambda url: PEM)
except SignatureRejectedError:
    print("checked")
assert "pyasn1" not in sys.modules
"""


def test_an_sns_signature_is_checked_from_the_artifact(artifact: Path, runtime_dir: Path) -> None:
    """The artifact leaves out pyasn1: python-rsa checks a signature without it."""
    from tests.connectors.email.test_sns import certificate_pem, load, signed

    message = signed(load("sns_http_Notification_docs.json"))
    given = {"MESSAGE": message, "PEM": certificate_pem()}
    assert from_the_artifact(artifact, runtime_dir, given, SNS_CHECK).strip() == "checked"


def from_the_artifact(artifact: Path, runtime: Path, given: dict[str, Any], script: str) -> str:
    """What `script` prints, run by a clean interpreter that sees only the artifact, the
    runtime's own packages and the standard library (ARTIFACT, RUNTIME, STDLIB), with each
    of `given` as a global."""
    lines = [f"ARTIFACT={str(artifact)!r}", f"RUNTIME={str(runtime)!r}",
             f"STDLIB={stdlib_paths()!r}", *(f"{k}={v!r}" for k, v in given.items())]  # fmt: skip
    packaged = subprocess.run(
        [sys.executable, "-S", "-c", "\n".join(lines) + "\n" + script], cwd=artifact,
        capture_output=True, text=True, timeout=60, check=True,
        env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    return packaged.stdout


HOLIDAY_COUNTRIES = ("AZ", "SA", "IR", "AE", "GB", "US", "TR", "RU")
HOLIDAY_DATES = r"""
import json, sys
sys.path[:] = [ARTIFACT, RUNTIME] + STDLIB
import holidays
assert holidays.__file__.startswith(ARTIFACT)
dates = {code: sorted(map(str, holidays.country_holidays(code, years=[2026, 2027])))
         for code in COUNTRIES}
print(json.dumps(dates))
"""


def test_holiday_dates_are_the_same_without_the_translations(
    artifact: Path, runtime_dir: Path
) -> None:
    """The artifact leaves out holiday names' translations; the dates clocks use stay."""
    given = {"COUNTRIES": HOLIDAY_COUNTRIES}
    printed = from_the_artifact(artifact, runtime_dir, given, HOLIDAY_DATES)
    here = {
        code: sorted(map(str, holidays.country_holidays(code, years=[2026, 2027])))
        for code in HOLIDAY_COUNTRIES
    }
    assert json.loads(printed) == here and all(here.values())


def test_packaged_handlers_run_from_a_clean_directory(
    artifact: Path, runtime_dir: Path, local_aws: str, tmp_path: Path
) -> None:
    assert (artifact / "chalicelib" / "policy.json").exists()
    body = json.dumps(sample_event(ticket_id=6060)).encode()
    stdlib = stdlib_paths()
    script = (
        f"ARTIFACT={str(artifact)!r}\nRUNTIME={str(runtime_dir)!r}\nSTDLIB={stdlib!r}\n"
        f"SOURCE={str(Path(__file__).resolve().parents[2])!r}\n"
        f"API_EVENT={api_gateway_event(body)!r}\n" + INVOKE
    )
    with FakeZendesk(host="127.0.0.1", port=0) as zendesk:
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only
            "AWS_ACCESS_KEY_ID": "t",
            "AWS_SECRET_ACCESS_KEY": "t",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "PLAINT_POLICY_PATH": "chalicelib/policy.json",
            "PLAINT_AWS_ENDPOINT_URL": local_aws,
            "PLAINT_ZENDESK_WEBHOOK_SECRETS": SECRET,
            "PLAINT_ZENDESK_BASE_URL": zendesk.url,
            "PLAINT_ZENDESK_EMAIL": "a@example.com",
            "PLAINT_ZENDESK_API_TOKEN": "t",
        }
        result = subprocess.run(
            [sys.executable, "-S", "-c", script],
            cwd=artifact,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        (api,) = [line["api"] for line in lines if "api" in line]
        assert api["statusCode"] == 202
        # The packaged functions log and count through what the artifact kept of Powertools.
        assert any(line.get("message") == "decision committed" for line in lines)
        assert any("Decisions" in line and "_aws" in line for line in lines)
        ticket = requests.get(f"{zendesk.url}/__fake/tickets/6060", timeout=5).json()
        assert len(ticket["comments"]) == 1
    store = DynamoStore(boto3.client("dynamodb", endpoint_url=local_aws))
    complaint = store.get_complaint("zendesk:6060")
    assert complaint is not None and complaint.status == "acknowledged"

"""The portal's Lambda package, made by `zappa package` without AWS credentials, unpacked
into a clean directory and asked for pages there, with only what Lambda's runtime ships
(boto3) beside it and the source tree out of reach."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from devstack.launcher import free_port
from infra.portal_package import PackagingError, package, stage_settings
from tests.functional.conftest import stdlib_paths

pytestmark = pytest.mark.packaging
OUTPUTS = {
    "CheckpointBucketName": "plaint-checkpoints-123456789012-eu-west-1",
    "CheckpointKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/0f4e8a52",
}

INVOKE = r"""
import json, sys
sys.path[:] = [PACKAGE, RUNTIME] + STDLIB
from zappa.handler import lambda_handler
import portal
assert portal.__file__.startswith(PACKAGE), portal.__file__
assert not any(p.startswith(SOURCE) for p in sys.path)
import boto3
assert boto3.__file__.startswith(RUNTIME), boto3.__file__

class Context:
    function_name = "plaint-portal-portal"
    memory_limit_in_mb = 512
    aws_request_id = "req-1"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:plaint-portal"
    def get_remaining_time_in_millis(self):
        return 30000

def event(path):
    return {"resource": "/{proxy+}", "path": path, "httpMethod": "GET",
            "headers": {"Host": "portal.example.com", "X-Forwarded-Proto": "https"},
            "multiValueHeaders": {}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": {"proxy": path[1:]},
            "stageVariables": None, "body": None, "isBase64Encoded": False,
            "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": "GET",
                               "stage": "portal", "path": "/portal" + path, "requestId": "r",
                               "identity": {"sourceIp": "203.0.113.9", "userAgent": "test"}}}

PATHS = ("/healthz", "/sign-in", "/no-such-page", "/static/portal.css")
answers = {p: lambda_handler(event(p), Context()) for p in PATHS}
print(json.dumps(answers))
"""


def test_the_settings_take_names_from_the_stack_not_the_file() -> None:
    settings = stage_settings(
        OUTPUTS, {"PLAINT_PORTAL_SECRET_KEY": "k" * 48, "PLAINT_COGNITO_CLIENT_ID": "client"}
    )
    stage = settings["portal"]
    variables = stage["environment_variables"]
    assert variables["PLAINT_CHECKPOINT_BUCKET"] == OUTPUTS["CheckpointBucketName"]
    assert variables["PLAINT_STATE_TABLE"] == "plaint-state"
    assert variables["PLAINT_COGNITO_CLIENT_ID"] == "client"
    assert "PLAINT_PORTAL_SECRET_KEY" not in variables
    assert stage["aws_environment_variables"] == {"PLAINT_PORTAL_SECRET_KEY": "k" * 48}
    assert "s3_bucket" not in stage and stage["debug"] is False and stage["log_level"] == "INFO"
    assert {"boto3", "botocore"} <= set(stage["exclude"])
    with pytest.raises(PackagingError, match="PLAINT_CHECKPOINT_BUCKET"):
        stage_settings({}, {})


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("portal-build")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    artifact = package(out, OUTPUTS, environ)
    folder = tmp_path_factory.mktemp("portal-package")
    with zipfile.ZipFile(artifact) as archive:
        names = archive.namelist()
        archive.extractall(folder)
    assert not any(n.startswith(("boto3/", "botocore/")) for n in names)
    return folder


@pytest.fixture
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    server.start()
    yield f"http://127.0.0.1:{server._port}"
    server.stop()


def test_the_unpacked_package_serves_pages(
    unpacked: Path, runtime_dir: Path, moto_url: str
) -> None:
    stdlib = stdlib_paths()
    script = (
        f"PACKAGE={str(unpacked)!r}\nRUNTIME={str(runtime_dir)!r}\nSTDLIB={stdlib!r}\n"
        f"SOURCE={str(Path(__file__).resolve().parents[2])!r}\n" + INVOKE
    )
    env = {
        "PATH": os.environ["PATH"],
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "PLAINT_AWS_ENDPOINT_URL": moto_url,
        "PLAINT_PORTAL_SECRET_KEY": "k" * 48,
        "PLAINT_COGNITO_REGION": "eu-west-1",
        "PLAINT_COGNITO_USER_POOL_ID": "eu-west-1_POOL",
        "PLAINT_COGNITO_CLIENT_ID": "client",
        "PLAINT_COGNITO_DOMAIN": "https://plaint.auth.eu-west-1.amazoncognito.com",
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert answers["/healthz"]["statusCode"] == 200
    headers = answers["/healthz"]["multiValueHeaders"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"][0]
    sign_in = answers["/sign-in"]
    assert sign_in["statusCode"] == 302
    location = sign_in["multiValueHeaders"]["Location"][0]
    assert location.startswith("https://plaint.auth.eu-west-1.amazoncognito.com/oauth2/authorize")
    missing = answers["/no-such-page"]
    assert missing["statusCode"] == 404 and "Plaint portal" in missing["body"]
    assert answers["/static/portal.css"]["statusCode"] == 200

"""The two stores every contract test runs on: MemoryStore, and DynamoStore on moto with the
tables of infra/resources.json."""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.build import lambda_runtime
from storage.dynamodb import DynamoStore
from storage.memory import MemoryStore
from storage.tables import create_tables
from tests.store_fixtures import T0, serialize_requests

REGION = "eu-west-1"


@pytest.fixture
def dynamo_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client)
        serialize_requests(client)
        yield client


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> MemoryStore | DynamoStore:
    # The stores read TTLs against their clock: the contract's clock stands at T0.
    if request.param == "memory":
        return MemoryStore(clock=lambda: T0)
    return DynamoStore(request.getfixturevalue("dynamo_client"), clock=lambda: T0)


def stdlib_paths() -> list[str]:
    """The standard library's folders: sys.path for a package run with `python -S`, as
    Lambda runs it, beside the runtime folder and nothing of this environment."""
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})
    return sorted({base["stdlib"], base["platstdlib"], str(Path(base["stdlib"]) / "lib-dynload")})


@pytest.fixture
def runtime_dir(tmp_path: Path) -> Path:
    """Only what Lambda's Python runtime ships: boto3 and its dependencies."""
    return lambda_runtime(tmp_path / "runtime")

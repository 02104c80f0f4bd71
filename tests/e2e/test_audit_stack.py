"""The compliance log through the local stack, over real HTTP: complaints judged, the log
checkpointed by the scheduler, read and verified through the auditors' API with its own
token, verified again by `plaint audit verify`, and a tampered entry named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from console.main import main as plaint
from devstack.launcher import StackProcess, wait_until
from devstack.send_webhook import signed_headers
from tests.e2e.test_local_stack import COMPLAINTS, acknowledgements, deliveries

pytestmark = pytest.mark.e2e


@pytest.fixture
def fast_stack(tmp_path: Path) -> Iterator[StackProcess]:
    # Checkpoints every 12 ticks of 0.25 s, windows sealed 1 s behind now.
    local = StackProcess(tmp_path, sweep_seconds=0.25,
                         environment={"PLAINT_CHECKPOINT_LAG_SECONDS": "1"})  # fmt: skip
    local.start()
    yield local
    local.stop()


def audit_api(stack: StackProcess, path: str, token: str | None = None, **params: Any) -> Any:
    token = stack.auditor_token if token is None else token
    return requests.get(
        f"{stack.portal_url}/api/audit/{path}",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_the_log_is_checkpointed_queried_and_verified_over_http(
    fast_stack: StackProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = fast_stack
    for body in deliveries():
        headers = signed_headers(body, stack.secret)
        assert requests.post(stack.webhook_url, data=body, headers=headers, timeout=10).ok
    wait_until(lambda: all(n == 1 for n in acknowledgements(stack).values()), "acks", 60)

    def covered() -> bool:
        answer = audit_api(stack, "verify").json()
        return (
            bool(answer["holds"])
            and answer["entries"] >= 4 * len(COMPLAINTS)
            and all(f["kind"] != "inserted" for f in answer["findings"])
        )

    wait_until(covered, "a checkpoint over every entry", 60)
    sent = audit_api(stack, "entries", kind="acknowledgement.sent").json()
    assert sorted(e["complaint_id"] for e in sent["entries"]) == sorted(
        f"zendesk:{t}" for t in COMPLAINTS
    )
    assert sent["items_read"] == len(COMPLAINTS)
    assert audit_api(stack, "entries", token=stack.secret).status_code == 401
    denied = requests.post(f"{stack.portal_url}/api/audit/entries", timeout=10,
                           headers={"Authorization": f"Bearer {stack.auditor_token}"})  # fmt: skip
    assert denied.status_code == 405

    for name, value in {
        "PLAINT_AWS_ENDPOINT_URL": stack.aws_url,
        "PLAINT_CHECKPOINT_KEY_FILE": str(stack.data_dir / "checkpoint.key"),
        "PLAINT_CHECKPOINT_DIR": str(stack.data_dir / "checkpoints"),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    assert plaint(["audit", "verify", "--complaint", "zendesk:9002"]) == 0
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_url)
    dynamodb.update_item(
        TableName="plaint-audit",
        Key={"pk": {"S": "CHAIN#main/zendesk:9002"}, "sk": {"S": "SEQ#000000000001"}},
        UpdateExpression="SET policy_version = :v",
        ExpressionAttributeValues={":v": {"S": "forged"}},
    )
    capsys.readouterr()
    assert plaint(["audit", "verify", "--complaint", "zendesk:9002"]) == 1
    assert "first: modified: main/zendesk:9002 #1" in capsys.readouterr().out
    answer = audit_api(stack, "verify").json()
    assert answer["holds"] is False
    assert answer["findings"][0]["chain"] == "main/zendesk:9002"

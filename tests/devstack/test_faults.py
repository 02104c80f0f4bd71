"""The local stack's fault switches (devstack/faults.py): off by default, and when on they
answer in the wire shape of DynamoDB and the helpdesks, so the clients read them as they
would read the real ones."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from devstack.embedded_aws import FAULTS_PATH, EmbeddedAws
from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from storage.dynamo_wire import cancellation_reasons, error_code
from storage.tables import create_tables

NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})
CREDENTIALS = ("agent@example.com", "token")
COMMENT = {"ticket": {"comment": {"body": "We have your complaint.", "public": True}}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def embedded() -> Iterator[tuple[EmbeddedAws, str]]:
    port = _free_port()
    server = EmbeddedAws("127.0.0.1", port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    requests.post(url + "/moto-api/reset", timeout=5)  # moto's backends are per process
    yield server, url
    requests.post(url + "/moto-api/reset", timeout=5)
    server.stop()


def _dynamodb(url: str) -> Any:
    return boto3.client(
        "dynamodb", endpoint_url=url, region_name="eu-west-1", config=NO_RETRIES,
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip


def _put(key: str) -> dict[str, Any]:
    item = {"pk": {"S": key}, "sk": {"S": "DELIVERY"}}
    return {"Put": {"TableName": "plaint-state", "Item": item}}


def test_faults_are_off_until_switched_on(embedded: tuple[EmbeddedAws, str]) -> None:
    _, url = embedded
    client = _dynamodb(url)
    create_tables(client)
    for n in range(30):
        client.transact_write_items(TransactItems=[_put(f"a{n}"), _put(f"b{n}")])
    shown = requests.get(url + FAULTS_PATH, timeout=5).json()
    assert shown["injected"] == {}
    assert shown["faults"]["throttled"] == 0


def test_throttled_requests_get_dynamodbs_own_400(embedded: tuple[EmbeddedAws, str]) -> None:
    _, url = embedded
    client = _dynamodb(url)
    create_tables(client)
    requests.post(url + FAULTS_PATH, json={"throttled": 1}, timeout=5).raise_for_status()

    raw = requests.post(
        url, data=b'{"TableName": "plaint-state", "Key": {}}', timeout=5,
        headers={"X-Amz-Target": "DynamoDB_20120810.GetItem",
                 "Content-Type": "application/x-amz-json-1.0"},
    )  # fmt: skip
    assert raw.status_code == 400
    assert raw.headers["x-amzn-ErrorType"] == "ProvisionedThroughputExceededException"
    assert raw.json()["__type"] == (
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
    )
    with pytest.raises(ClientError) as caught:
        client.get_item(TableName="plaint-state", Key={"pk": {"S": "x"}, "sk": {"S": "y"}})
    assert error_code(caught.value) == "ProvisionedThroughputExceededException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # The stack's own snapshot (a scan) is never faulted.
    assert client.scan(TableName="plaint-state")["Items"] == []


def test_a_conflicting_transaction_is_cancelled_with_a_reason_per_item(
    embedded: tuple[EmbeddedAws, str],
) -> None:
    server, url = embedded
    client = _dynamodb(url)
    create_tables(client)
    requests.post(url + FAULTS_PATH, json={"transaction_conflict": 1}, timeout=5)

    client.put_item(**_put("single")["Put"])  # not a transaction: never a conflict
    with pytest.raises(ClientError) as caught:
        client.transact_write_items(TransactItems=[_put("one"), _put("two"), _put("three")])
    assert error_code(caught.value) == "TransactionCanceledException"
    assert cancellation_reasons(caught.value) == [(0, "TransactionConflict")]
    assert [r["Code"] for r in caught.value.response["CancellationReasons"]] == [
        "TransactionConflict", "None", "None",
    ]  # fmt: skip
    assert server.faults.answer()["injected"] == {"transaction_conflict": 1}
    keys = {i["pk"]["S"] for i in client.scan(TableName="plaint-state")["Items"]}
    assert keys == {"single"}  # nothing of the cancelled transaction was written


def test_a_fault_switch_with_a_wrong_share_is_refused_naming_it(
    embedded: tuple[EmbeddedAws, str],
) -> None:
    _, url = embedded
    answer = requests.post(url + FAULTS_PATH, json={"throttled": 2}, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["problems"][0].startswith("throttled:")
    answer = requests.post(url + FAULTS_PATH, json={"throttle": 0.1}, timeout=5)
    assert answer.status_code == 400
    assert "throttle:" in answer.json()["problems"][0]


def test_a_helpdesk_rate_limits_with_retry_after_or_fails_with_a_5xx() -> None:
    with FakeZendesk(host="127.0.0.1", port=0) as fake:
        ticket = f"{fake.url}/api/v2/tickets/42.json"
        shares = {"rate_limited": 1, "retry_after": 3}
        requests.post(f"{fake.url}/__fake/fault-shares", json=shares, timeout=5)
        limited = requests.put(ticket, json=COMMENT, auth=CREDENTIALS, timeout=5)
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
        requests.post(f"{fake.url}/__fake/fault-shares", json={"server_error": 1}, timeout=5)
        assert requests.put(ticket, json=COMMENT, auth=CREDENTIALS, timeout=5).status_code == 503
        requests.post(f"{fake.url}/__fake/fault-shares", json={}, timeout=5)
        assert requests.put(ticket, json=COMMENT, auth=CREDENTIALS, timeout=5).status_code == 200
        seen = requests.get(f"{fake.url}/__fake/tickets/42", timeout=5).json()
    assert len(seen["comments"]) == 1  # only the call that got through changed the ticket


def test_a_lost_answer_is_carried_out_then_the_connection_closes() -> None:
    with FakeJira(host="127.0.0.1", port=0) as fake:
        requests.post(f"{fake.url}/__fake/fault-shares", json={"answer_lost": 1}, timeout=5)
        body = {"body": "We have your complaint.", "public": True}
        with pytest.raises(requests.ConnectionError):
            requests.post(
                f"{fake.url}/rest/servicedeskapi/request/CARE-7/comment",
                json=body, auth=CREDENTIALS, timeout=5,
            )  # fmt: skip
        requests.post(f"{fake.url}/__fake/fault-shares", json={}, timeout=5)
        issue = requests.get(f"{fake.url}/__fake/issues/CARE-7", timeout=5).json()
        shown = requests.get(f"{fake.url}/__fake/fault-shares", timeout=5).json()
    assert len(issue["comments"]) == 1
    assert shown["injected"] == {"answer_lost": 1}

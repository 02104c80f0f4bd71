"""Stopping the local stack loses nothing it answered: deliveries sent continuously while
it gets SIGTERM are either refused (503, or the connection) or present after a restart
(issue 19: the stack saved its data before it stopped the API, and 3 of 120 deliveries
answered 202 in between were lost)."""

from __future__ import annotations

import itertools
import json
import signal
import threading
import time

import boto3
import pytest
import requests

from devstack.launcher import StackProcess, wait_until
from devstack.send_webhook import sample_event, signed_headers

pytestmark = pytest.mark.e2e

SENDERS = 3


def stored(stack: StackProcess, delivery_ids: list[str]) -> set[str]:
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=stack.aws_url, region_name="eu-west-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    found = set()
    for delivery_id in delivery_ids:
        key = {"pk": {"S": f"DELIVERY#zendesk:{delivery_id}"}, "sk": {"S": "DELIVERY"}}
        if "Item" in dynamodb.get_item(TableName="plaint-state", Key=key):
            found.add(delivery_id)
    return found


def test_every_delivery_answered_2xx_survives_a_sigterm_mid_stream(stack: StackProcess) -> None:
    answered: list[str] = []  # delivery ids answered 2xx
    statuses: list[int] = []
    tickets = itertools.count(70_000)
    sending = threading.Event()
    sending.set()

    def send() -> None:
        session = requests.Session()  # keep-alive, as a helpdesk's sender would
        while sending.is_set():
            event = sample_event(ticket_id=next(tickets))
            body = json.dumps(event, ensure_ascii=False).encode()
            try:
                answer = session.post(
                    stack.webhook_url, data=body, headers=signed_headers(body, stack.secret),
                    timeout=30,
                )  # fmt: skip
            except requests.RequestException:
                time.sleep(0.05)  # refused or cut off: not answered, so not owed
                continue
            statuses.append(answer.status_code)
            if 200 <= answer.status_code < 300:
                answered.append(event["id"])

    senders = [threading.Thread(target=send) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    try:
        wait_until(lambda: len(answered) >= 30, "30 deliveries answered", 60)
        assert stack.process is not None
        stack.process.send_signal(signal.SIGTERM)
        stack.process.wait(timeout=90)
    finally:
        sending.clear()
        for sender in senders:
            sender.join(timeout=40)
    stack.stop()
    assert set(statuses) <= {202, 503}, statuses

    stack.start()
    missing = set(answered) - stored(stack, answered)
    assert not missing, f"{len(missing)} of {len(answered)} answered deliveries lost"

"""DynamoDB requests per webhook on the answering path, and per processed complaint.

Counted on the real Chalice handlers (chalice.test.Client) against moto, by hooking every
DynamoDB call that botocore makes.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import Any

import boto3
from moto import mock_aws

from devstack.fake_zendesk import FakeZendesk
from devstack.queues import create_queues
from devstack.send_webhook import sample_event, signed_headers
from devstack.stack import ROOT
from storage.tables import create_tables

SECRET = "bench-secret"


def measure(complaints: int = 50) -> dict[str, float]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="b", AWS_SECRET_ACCESS_KEY="b", AWS_DEFAULT_REGION="eu-west-1",
        PLAINT_POLICY_PATH=str(ROOT / "policies" / "default.json"),
        PLAINT_ZENDESK_WEBHOOK_SECRETS=SECRET,
        # Counted without the outbound pacer, so every acknowledgement lands in this run.
        PLAINT_ZENDESK_REQUESTS_PER_MINUTE="100000",
    )  # fmt: skip
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    with mock_aws(), FakeZendesk() as zendesk:
        os.environ.update(
            PLAINT_ZENDESK_BASE_URL=zendesk.url, PLAINT_ZENDESK_EMAIL="b@example.com",
            PLAINT_ZENDESK_API_TOKEN="t",
        )  # fmt: skip
        create_tables(boto3.client("dynamodb"))
        create_queues(boto3.client("sqs"))
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-call.dynamodb", count)
        sys.path.insert(0, str(ROOT / "functions"))
        import app as functions_app
        from chalice.test import Client
        from chalicelib import wiring

        wiring.reset()
        answering, processing = Counter[str](), Counter[str]()
        with Client(functions_app.app) as client:
            for n in range(complaints):
                body = json.dumps(sample_event(ticket_id=200_000 + n)).encode()
                calls.clear()
                client.http.post(
                    "/webhooks/zendesk", body=body, headers=signed_headers(body, SECRET)
                )
                answering += calls
                key = "zendesk:" + json.loads(body)["id"]
                calls.clear()
                event = client.events.generate_sqs_event([key], queue_name="plaint-inbox")
                client.lambda_.invoke("process_inbox", event)
                processing += calls
        wiring.reset()
    return {
        "complaints": complaints,
        "answering_requests_per_webhook": sum(answering.values()) / complaints,
        "answering_by_operation": dict(answering),  # type: ignore[dict-item]
        "processing_requests_per_complaint": sum(processing.values()) / complaints,
        "processing_by_operation": dict(processing),  # type: ignore[dict-item]
    }

"""POST /webhooks/jira through the real Chalice app, and the worker acknowledging on the
fake Jira, with recorded Jira payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from chalice.test import Client

from connectors.jira.signature import sign
from devstack.fake_jira import FakeJira
from plaint.policy.loading import parse_policy
from storage.dynamodb import DynamoStore
from tests.conftest import SECRETS, dumps, load_event, queued_messages, table_items
from tests.factories import DEFAULT_POLICY

COMPLAINT = "Hesabımdan pul iki dəfə çıxılıb. Bu qəbuledilməzdir, şikayət edirəm."


def complaint_body(sent_at: datetime | None = None) -> bytes:
    """A recorded issue_created delivery, sent now: Jira's only signed time is in the body."""
    issue = json.loads(
        load_event("mattermost_webhook-cloud-issue-created-many-fields.json", "jira")
    )
    issue["issue"]["fields"]["description"] = COMPLAINT
    issue["timestamp"] = int((sent_at or datetime.now(UTC)).timestamp() * 1000)
    return dumps(issue)


def post(functions: Any, body: bytes, headers: dict[str, str]) -> Any:
    with Client(functions.app) as client:
        return client.http.post("/webhooks/jira", body=body, headers=headers)


def signed(
    body: bytes, delivery: str = "jira-delivery-1", secret: str = SECRETS[0]
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature": sign(body, secret),
        "X-Atlassian-Webhook-Identifier": delivery,
    }


def test_complaint_from_jira_is_acknowledged_once(
    functions: Any, aws: Any, fake_jira: FakeJira
) -> None:
    body = complaint_body()
    assert [post(functions, body, signed(body)).status_code for _ in range(3)] == [202, 200, 200]
    keys = [m["Body"] for m in queued_messages(aws)]
    assert keys == ["jira:jira-delivery-1"]
    with Client(functions.app) as client:
        for key in keys * 2:
            client.lambda_.invoke(
                "process_inbox", client.events.generate_sqs_event([key], queue_name="plaint-inbox")
            )
    complaint = DynamoStore(aws["dynamodb"]).get_complaint("jira:KT-22")
    assert complaint is not None and complaint.status == "acknowledged"
    assert complaint.language == "az"
    issue = requests.get(f"{fake_jira.url}/__fake/issues/KT-22", timeout=5).json()
    assert len(issue["comments"]) == 1
    assert "plaint_ack_sent" in issue["issue"]["fields"]["labels"]


@pytest.mark.parametrize(
    ("headers", "check"),
    [
        ({"Content-Type": "application/json"}, "missing_signature"),
        ({"X-Hub-Signature": "sha256=zz"}, "malformed_signature"),
        ({"X-Hub-Signature": sign(b"other", SECRETS[0])}, "signature_mismatch"),
    ],
)
def test_unsigned_or_tampered_jira_deliveries_get_401(
    functions: Any, aws: Any, headers: dict[str, str], check: str
) -> None:
    answer = post(functions, complaint_body(), headers)
    assert answer.status_code == 401
    assert json.loads(answer.body)["check"] == check
    assert not table_items(aws, "plaint-state")


def test_deleted_comment_is_ignored(functions: Any, aws: Any) -> None:
    body = load_event("mattermost_webhook-cloud-comment-deleted.json", "jira")
    answer = post(functions, body, signed(body, secret=SECRETS[1]))
    assert answer.status_code == 200
    assert json.loads(answer.body)["status"] == "ignored"
    assert not table_items(aws, "plaint-state")


def test_a_published_policy_names_the_fields_the_webhook_reads(functions: Any, aws: Any) -> None:
    policy = json.loads(DEFAULT_POLICY.read_text("utf-8"))
    policy["helpdesk_fields"] = {"jira": {"product_field": "customfield_10078"}}
    document = json.dumps(policy)
    store = DynamoStore(aws["dynamodb"])
    store.publish_policy(parse_policy(document).version, document, None)
    body = complaint_body()
    assert post(functions, body, signed(body)).status_code == 202
    delivery = store.get_delivery("jira:jira-delivery-1")
    assert delivery is not None and delivery.event.product == "some value"
    # Found through the webhook's inbox: neither the whole store nor the policy was built.
    built = functions.runtime().__dict__
    assert "inbox" in built and "store" not in built and "_policy_book" not in built


@pytest.mark.parametrize("identifier", ["jira-delivery-2", None])
def test_a_captured_body_resent_under_another_identifier_or_none_is_a_duplicate(
    functions: Any, aws: Any, fake_jira: FakeJira, identifier: str | None
) -> None:
    """Jira signs neither the identifier nor a time: a replay is recognised by its signature,
    however it is named, and leaves no second audit entry."""
    from tests.conftest import ledger_entries
    from tests.functional.test_worker_and_sweep import run_worker

    body = complaint_body()
    assert post(functions, body, signed(body)).status_code == 202
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])
    store = DynamoStore(aws["dynamodb"])
    entries = ledger_entries(store)
    assert entries

    headers = signed(body, identifier or "unused")
    if identifier is None:
        del headers["X-Atlassian-Webhook-Identifier"]
    answer = post(functions, body, headers)
    assert (answer.status_code, json.loads(answer.body)["status"]) == (200, "duplicate")
    # Either case of the signature's hex verifies; it is the same signature.
    headers["X-Hub-Signature"] = headers["X-Hub-Signature"].upper().replace("SHA256=", "sha256=")
    assert json.loads(post(functions, body, headers).body)["status"] == "duplicate"
    assert queued_messages(aws) == []  # nothing for the worker
    assert ledger_entries(store) == entries


@pytest.mark.parametrize(
    ("age", "detail"),
    [
        (timedelta(hours=73), "signed 73 h ago; at most 72 h is accepted"),
        (timedelta(days=30), "signed 720 h ago"),
        (-timedelta(minutes=10), "dated 600 s ahead of now"),
    ],
)
def test_a_body_signed_outside_the_window_is_refused_and_never_recorded(
    functions: Any, aws: Any, age: timedelta, detail: str
) -> None:
    """A capture kept past the delivery memory cannot be replayed: its signed event time
    gives it away, whatever identifier it is sent under."""
    body = complaint_body(sent_at=datetime.now(UTC) - age)
    answer = post(functions, body, signed(body, "a-fresh-identifier"))
    assert answer.status_code == 401
    refusal = json.loads(answer.body)
    assert refusal["check"] == "timestamp_out_of_window"
    assert detail in refusal["detail"]
    assert not table_items(aws, "plaint-state")
    assert queued_messages(aws) == []

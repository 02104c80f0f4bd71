"""POST /webhooks/zendesk through the real Chalice app (chalice.test.Client) on moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from connectors.zendesk.signature import sign
from devstack.send_webhook import sample_event
from tests.conftest import SECRETS, dumps, load_event, queued_messages, table_items


def signed(body: bytes, secret: str = SECRETS[0], at: datetime | None = None) -> dict[str, str]:
    stamp = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": sign(body, secret, stamp),
    }


def post(functions: Any, body: bytes, headers: dict[str, str]) -> Any:
    with Client(functions.app) as client:
        return client.http.post("/webhooks/zendesk", body=body, headers=headers)


def nothing_stored(aws: dict[str, Any]) -> bool:
    return not table_items(aws, "plaint-state") and not queued_messages(aws)


def test_signed_delivery_is_recorded_queued_and_answered_202(functions: Any, aws: Any) -> None:
    body = dumps(sample_event(ticket_id=5158))
    answer = post(functions, body, signed(body))
    assert answer.status_code == 202
    assert json.loads(answer.body)["status"] == "accepted"
    [message] = queued_messages(aws)
    assert message["Body"].startswith("zendesk:")
    delivery, signature = sorted(table_items(aws, "plaint-state"), key=lambda i: i["pk"]["S"])
    assert delivery["status"]["S"] == "accepted"
    # What the signature covered is remembered too, by a digest of the signature alone.
    assert signature["pk"]["S"].startswith("SIGNED#zendesk:zendesk-signed:")
    assert signature["delivery_key"]["S"] == message["Body"]


def test_every_retry_of_a_delivery_is_recognised(functions: Any, aws: Any) -> None:
    body = dumps(sample_event())
    answers = [post(functions, body, signed(body)).status_code for _ in range(3)]
    assert answers == [202, 200, 200]
    assert len(queued_messages(aws)) == 1
    assert len(table_items(aws, "plaint-state")) == 2  # the delivery and its signature


def test_second_secret_is_accepted_during_rotation(functions: Any, aws: Any) -> None:
    body = load_event("event_ticket_created_docs.json")
    assert post(functions, body, signed(body, SECRETS[1])).status_code == 202


@pytest.mark.parametrize(
    ("mangle", "check"),
    [
        (lambda b, h: (b, {"Content-Type": "application/json"}), "missing_signature"),
        (lambda b, h: (b + b" ", h), "signature_mismatch"),
        (
            lambda b, h: (b, h | {"X-Zendesk-Webhook-Signature": sign(b, "wrong", "x")}),
            "signature_mismatch",
        ),
        (
            lambda b, h: (b, signed(b, at=datetime.now(UTC) - timedelta(seconds=400))),
            "timestamp_out_of_window",
        ),
        (
            lambda b, h: (b, signed(b, at=datetime.now(UTC) + timedelta(seconds=400))),
            "timestamp_out_of_window",
        ),
        (
            lambda b, h: (b, h | {"X-Zendesk-Webhook-Signature-Timestamp": "yesterday"}),
            "malformed_timestamp",
        ),
    ],
)
def test_unsigned_tampered_or_stale_deliveries_get_401_and_store_nothing(
    functions: Any, aws: Any, mangle: Any, check: str
) -> None:
    body = load_event("event_ticket_created_docs.json")
    sent_body, headers = mangle(body, signed(body))
    answer = post(functions, sent_body, headers)
    assert answer.status_code == 401
    assert json.loads(answer.body)["check"] == check
    assert nothing_stored(aws)


def test_broken_json_gets_400_naming_the_place(functions: Any, aws: Any) -> None:
    body = b'{"type": "zen:event-type:ticket.created",\n "detail": {'
    answer = post(functions, body, signed(body))
    assert answer.status_code == 400
    assert "line 2" in json.loads(answer.body)["detail"]
    assert nothing_stored(aws)


def test_wrong_shape_gets_400_naming_the_field(functions: Any, aws: Any) -> None:
    event = json.loads(load_event("event_ticket_created_docs.json"))
    del event["detail"]["id"]
    body = dumps(event)
    answer = post(functions, body, signed(body))
    assert answer.status_code == 400
    assert "detail.id" in json.loads(answer.body)["detail"]
    assert nothing_stored(aws)


def test_oversized_body_gets_413(functions: Any, aws: Any) -> None:
    body = b'{"pad": "' + b"x" * (256 * 1024) + b'"}'
    answer = post(functions, body, signed(body))
    assert answer.status_code == 413
    assert json.loads(answer.body)["limit_bytes"] == 256 * 1024
    assert nothing_stored(aws)


def test_unknown_event_type_is_acknowledged_and_ignored(functions: Any, aws: Any) -> None:
    body = load_event("event_user_group_membership_created_zendesk-go.json")
    answer = post(functions, body, signed(body))
    assert answer.status_code == 200
    assert json.loads(answer.body)["status"] == "ignored"
    assert nothing_stored(aws)


def test_store_outage_while_recording_gets_503_so_zendesk_retries(
    functions: Any, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plaint.vocabulary.errors import StoreUnavailableError
    from storage.inbox import DynamoInbox

    def throttled(*_: Any, **__: Any) -> None:
        raise StoreUnavailableError("ProvisionedThroughputExceededException")

    monkeypatch.setattr(DynamoInbox, "accept_delivery", throttled)
    body = dumps(sample_event())
    answer = post(functions, body, signed(body))
    assert answer.status_code == 503
    assert json.loads(answer.body)["error"] == "temporarily_unavailable"
    assert nothing_stored(aws)
    monkeypatch.undo()
    assert post(functions, body, signed(body)).status_code == 202  # Zendesk's retry lands


def test_charset_parameter_is_accepted_and_other_media_types_refused(
    functions: Any, aws: Any
) -> None:
    body = dumps(sample_event())
    headers = signed(body) | {"Content-Type": "application/json; charset=utf-8"}
    assert post(functions, body, headers).status_code == 202
    refused = post(functions, body, signed(body) | {"Content-Type": "application/xml"})
    assert refused.status_code == 415


def test_a_captured_trigger_delivery_resent_under_a_new_invocation_id_is_a_duplicate(
    functions: Any, aws: Any
) -> None:
    """The invocation id is not signed: a replay inside the 300 s window, under a new one,
    is recognised by its signature and leaves no second audit entry."""
    from storage.dynamodb import DynamoStore
    from tests.conftest import ledger_entries
    from tests.functional.test_worker_and_sweep import run_worker

    body = load_event("trigger_rendered_az_created_CONSTRUCTED.json")
    captured = signed(body) | {
        "X-Zendesk-Webhook-Id": "01HWEBHOOK",
        "X-Zendesk-Webhook-Invocation-Id": "1001",
    }
    assert post(functions, body, captured).status_code == 202
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])
    store = DynamoStore(aws["dynamodb"])
    entries = ledger_entries(store)
    assert entries

    for replay in ({"X-Zendesk-Webhook-Invocation-Id": "1002"}, {"X-Zendesk-Webhook-Id": "x"}):
        answer = post(functions, body, captured | replay)
        assert (answer.status_code, json.loads(answer.body)["status"]) == (200, "duplicate")
    assert queued_messages(aws) == []  # nothing for the worker
    assert ledger_entries(store) == entries


def api_gateway_event(path: str, body: bytes, headers: list[tuple[str, str]]) -> dict[str, Any]:
    """A REST API proxy event as API Gateway sends it: `headers` keeps the last copy of a
    repeated header, `multiValueHeaders` every copy."""
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        multi.setdefault(name, []).append(value)
    return {
        "resource": path,
        "path": path,
        "httpMethod": "POST",
        "headers": {name: values[-1] for name, values in multi.items()},
        "multiValueHeaders": multi,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"httpMethod": "POST", "resourcePath": path, "stage": "api"},
        "body": body.decode("utf-8"),
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize(
    ("path", "repeated"),
    [
        ("/webhooks/zendesk", "X-Zendesk-Webhook-Signature"),
        ("/webhooks/zendesk", "X-Zendesk-Webhook-Invocation-Id"),
        ("/webhooks/jira", "X-Hub-Signature"),
        ("/webhooks/jira", "X-Atlassian-Webhook-Identifier"),
    ],
)
def test_a_repeated_signature_or_id_header_gets_400_naming_it(
    functions: Any, aws: Any, path: str, repeated: str
) -> None:
    from connectors.jira.signature import sign as jira_sign
    from tests.functional.test_jira_webhook import complaint_body

    jira = path.endswith("jira")
    body = complaint_body() if jira else load_event("trigger_rendered_az_created_CONSTRUCTED.json")
    headers = [
        *signed(body).items(),
        ("X-Zendesk-Webhook-Invocation-Id", "1001"),
        ("X-Hub-Signature", jira_sign(body, SECRETS[0])),
        ("X-Atlassian-Webhook-Identifier", "jira-1"),
    ]
    copy = next(value for name, value in headers if name == repeated)
    twice = functions.app(api_gateway_event(path, body, [*headers, (repeated.lower(), copy)]), None)
    assert twice["statusCode"] == 400
    assert json.loads(twice["body"]) | {"detail": ""} == {
        "error": "duplicate_header",
        "header": repeated,
        "detail": "",
    }
    assert nothing_stored(aws)
    # Each header once, the same event is accepted: it is read as API Gateway's.
    assert functions.app(api_gateway_event(path, body, headers), None)["statusCode"] == 202

"""A retried acknowledgement email is never sent twice: SES's Send events (configuration set
event publishing, through SNS to /webhooks/ses) are kept as evidence, and a retry consults
them, through the real Chalice app on moto. The outcome of the first send is lost the two
ways it can be: a timeout after SES accepted the message, and a worker that dies before
recording the outcome."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_string, policy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from chalice.test import Client
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from connectors.email.client import ACTION_HEADER, action_token
from connectors.email.mapper import ticket_for_message_id
from connectors.email.sending_events import ACTION_TAG
from plaint.model.actions import ActionStatus
from plaint.model.complaint import ComplaintStatus
from storage.dynamodb import DynamoStore
from tests.conftest import ledger_entries, table_items
from tests.connectors.email.test_sns import signed
from tests.factories import EVENTS
from tests.fakes import ManualClock
from tests.functional.test_ses_webhook import (  # noqa: F401 - `ses` is a fixture
    KEY,
    TOPIC,
    envelope,
    post,
    run_worker,
    ses,
)

CONFIGURATION_SET = "plaint-acknowledgements"
EVENTS_TOPIC = "arn:aws:sns:eu-west-1:123456789012:plaint-ses-sending-events"
RECEIPT = "ses_sns_notification_received_arabic_email_ASSEMBLED.json"
COMPLAINT = "email:" + ticket_for_message_id("<ar-1256-qp-0001@example.com>")
ACTION = f"{COMPLAINT}:acknowledge"
# A little after the receipt's SES timestamp, so the acknowledgement is not yet overdue.
START = datetime(2024, 3, 4, 6, 16, tzinfo=UTC)


class WorkerDiedError(Exception):
    """The function was killed between SES's answer and recording it."""


class SesFaults:
    """What happens to SendEmail after SES (moto) accepted the message: nothing, or the
    answer is lost to a timeout, or the worker dies."""

    def __init__(self) -> None:
        self.pending: list[Exception] = []

    def __call__(self, **_: Any) -> None:
        if self.pending:
            raise self.pending.pop(0)


@pytest.fixture
def app(
    ses: Any,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Any, ManualClock, SesFaults]]:
    monkeypatch.setenv("PLAINT_SES_CONFIGURATION_SET", CONFIGURATION_SET)
    monkeypatch.setenv("PLAINT_SES_EVENT_TOPIC_ARNS", EVENTS_TOPIC)
    clock = ManualClock(now=START)
    monkeypatch.setattr("chalicelib.wiring.utc_now", clock)
    faults = SesFaults()
    # Clients copy the session's handlers when made: register before the runtime is built.
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events
    events.register("after-call.sesv2.SendEmail", faults, unique_id="ses-faults")
    from chalicelib import wiring

    wiring.reset()
    yield ses, clock, faults
    events.unregister("after-call.sesv2.SendEmail", unique_id="ses-faults")
    wiring.reset()


def sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages)


def send_event(message: Any, at: datetime, key: rsa.RSAPrivateKey = KEY) -> dict[str, Any]:
    """The Send record SES publishes for a message it accepted, as SNS delivers it: the
    documented record with this message's id and tags."""
    record = json.loads((EVENTS / "ses" / "ses_event_publishing_send_record_docs.json").read_text())
    header = message_from_string(message.raw_data, policy=policy.default)[ACTION_HEADER]
    token = str(header).strip("<>").split("@")[0]
    record["mail"] |= {"messageId": message.id, "timestamp": at.isoformat()}
    record["mail"]["tags"] |= {"ses:configuration-set": [CONFIGURATION_SET], ACTION_TAG: [token]}
    base = json.loads((EVENTS / "ses" / "sns_http_Notification_docs.json").read_text())
    notification = base | {"TopicArn": EVENTS_TOPIC, "Message": json.dumps(record)}
    notification.pop("Subject")
    event: dict[str, Any] = signed(notification, key=key)
    return event


def run_sweep(functions: Any) -> dict[str, int]:
    with Client(functions.app) as client:
        event = client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        return client.lambda_.invoke("sweep", event).payload  # type: ignore[no-any-return]


def acknowledgement(aws: Any) -> tuple[Any, Any]:
    store = DynamoStore(aws["dynamodb"])
    return store.get_action(ACTION), store.get_complaint(COMPLAINT)


def answer(response: Any) -> tuple[int, str | None]:
    body = json.loads(response.body)
    return response.status_code, body.get("status") or body.get("check")


def test_a_send_whose_answer_was_lost_is_not_repeated_once_ses_reported_it(
    app: Any, aws: Any
) -> None:
    functions, clock, faults = app
    assert post(functions, envelope(RECEIPT)).status_code == 202
    faults.pending.append(ReadTimeoutError(endpoint_url="https://email.eu-west-1.amazonaws.com"))
    run_worker(functions, aws)
    assert len(sent()) == 1  # SES accepted it; the worker only saw a timeout
    action, _ = acknowledgement(aws)
    assert action.status is ActionStatus.PENDING and action.attempts == 1
    clock.advance(seconds=2)
    assert answer(post(functions, send_event(sent()[0], clock()))) == (200, "recorded")
    clock.advance(minutes=1)
    assert run_sweep(functions)["actions_dispatched"] == 0  # the retry waits for the report
    clock.advance(minutes=5)
    assert run_sweep(functions)["actions_dispatched"] == 1
    action, complaint = acknowledgement(aws)
    assert (action.status, action.attempts) == (ActionStatus.DONE, 2)
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert len(sent()) == 1
    [entry] = [
        e for e in ledger_entries(DynamoStore(aws["dynamodb"])) if e.kind == "acknowledgement.sent"
    ]
    assert entry.detail["confirmed_by"] == "ses_send_event"


def test_without_a_report_the_retry_waits_for_one_then_sends(app: Any, aws: Any) -> None:
    functions, clock, faults = app
    assert post(functions, envelope(RECEIPT)).status_code == 202
    faults.pending.append(WorkerDiedError())
    with pytest.raises(WorkerDiedError):
        run_worker(functions, aws)
    assert len(sent()) == 1
    clock.advance(minutes=3)  # the claim's lease ran out: the sweep takes the action again
    assert run_sweep(functions)["actions_dispatched"] == 1
    action, _ = acknowledgement(aws)
    assert (action.status, action.attempts, len(sent())) == (ActionStatus.PENDING, 2, 1)
    assert "waiting for SES's report" in (action.last_error or "")
    clock.advance(minutes=2)  # five minutes since the send, and still no report
    assert run_sweep(functions)["actions_dispatched"] == 1
    action, complaint = acknowledgement(aws)
    assert (action.status, action.attempts) == (ActionStatus.DONE, 3)
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    first, second = sent()
    headers = [message_from_string(m.raw_data, policy=policy.default) for m in (first, second)]
    assert headers[0][ACTION_HEADER] == headers[1][ACTION_HEADER]  # a recognisable copy


def test_unsigned_forged_or_foreign_reports_are_refused(app: Any, aws: Any) -> None:
    functions, clock, _ = app
    assert post(functions, envelope(RECEIPT)).status_code == 202
    run_worker(functions, aws)
    genuine = send_event(sent()[0], clock())
    unsigned = {k: v for k, v in genuine.items() if k != "Signature"}
    forged = send_event(sent()[0], clock(), key=rsa.generate_private_key(65537, 2048))
    # Events are taken only from the events topic: not from another, nor the receipts one.
    foreign = signed(genuine | {"TopicArn": EVENTS_TOPIC + "-other"}, key=KEY)
    on_receipts = signed(genuine | {"TopicArn": TOPIC}, key=KEY)
    answers = [answer(post(functions, m)) for m in (unsigned, forged, foreign, on_receipts)]
    assert answers == [
        (401, "missing_field"),
        (401, "signature_mismatch"),
        (401, "untrusted_topic"),
        (401, "untrusted_topic"),
    ]
    # Nor is a receipt taken from the events topic.
    assert answer(post(functions, envelope(RECEIPT, topic=EVENTS_TOPIC)))[0] == 401
    assert DynamoStore(aws["dynamodb"]).accepted_at(action_token(ACTION)) is None


def test_repeated_reports_are_harmless(app: Any, aws: Any) -> None:
    functions, clock, faults = app
    assert post(functions, envelope(RECEIPT)).status_code == 202
    faults.pending.append(ReadTimeoutError(endpoint_url="https://email.eu-west-1.amazonaws.com"))
    run_worker(functions, aws)
    report = send_event(sent()[0], clock())
    # SNS retries the same delivery, and may deliver the same event as a new message.
    redelivered = signed(report | {"MessageId": "another-sns-message-id"}, key=KEY)
    answers = [answer(post(functions, m)) for m in (report, report, redelivered)]
    assert answers == [(200, "recorded"), (200, "duplicate"), (200, "duplicate")]
    clock.advance(minutes=6)
    run_sweep(functions)
    action, _ = acknowledgement(aws)
    assert action.status is ActionStatus.DONE and len(sent()) == 1


@pytest.mark.parametrize(
    "record",
    [
        "ses_event_publishing_send_record_docs.json",
        "ses_event_publishing_delivery_record_docs.json",
    ],
)
def test_events_that_are_not_about_an_acknowledgement_are_ignored(
    app: Any, aws: Any, record: str
) -> None:
    functions, _, _ = app
    base = json.loads((EVENTS / "ses" / "sns_http_Notification_docs.json").read_text())
    message = (EVENTS / "ses" / record).read_text()
    envelope_ = signed(base | {"TopicArn": EVENTS_TOPIC, "Message": message}, key=KEY)
    assert answer(post(functions, envelope_)) == (200, "ignored")
    assert not table_items(aws, "plaint-state")


@pytest.mark.parametrize("configured", [True, False])
def test_wiring_says_when_a_lost_outcome_may_mean_a_second_copy(
    ses: Any,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    configured: bool,
) -> None:
    if configured:
        monkeypatch.setenv("PLAINT_SES_CONFIGURATION_SET", CONFIGURATION_SET)
    else:
        monkeypatch.delenv("PLAINT_SES_CONFIGURATION_SET", raising=False)
    from chalicelib import wiring

    wiring.reset()
    with caplog.at_level("WARNING", logger="bootstrap.root"):
        assert wiring.runtime().handling.outboxes  # the worker's parts: the SES mailer among them
    warned = any("PLAINT_SES_CONFIGURATION_SET" in r.getMessage() for r in caplog.records)
    assert warned is not configured

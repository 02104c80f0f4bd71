"""POST /webhooks/ses: SES receipts through an SNS HTTPS subscription, signed as SNS signs,
through the real Chalice app; the worker answers by SES (moto)."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from storage.dynamodb import DynamoStore
from tests.conftest import queued_messages, table_items
from tests.factories import DEFAULT_POLICY, EVENTS
from tests.unit.test_sns_signature import certificate_pem, signed, signing_key

TOPIC = "arn:aws:sns:eu-west-1:123456789012:plaint-ses-inbound"
SENDER = "care@example.az"
MAILBOX = "complaints@example.az"
KEY = signing_key()


@pytest.fixture
def ses(functions: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["email"] = {"sender": SENDER, "mailbox": MAILBOX}
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(policy_path))
    monkeypatch.setenv("PLAINT_SES_TOPIC_ARNS", TOPIC)
    monkeypatch.setattr("chalicelib.readers.fetch_certificate", lambda url: certificate_pem(KEY))
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    from chalicelib import wiring

    wiring.reset()
    return functions


def envelope(notification: str, topic: str = TOPIC) -> Any:
    base = json.loads(
        (EVENTS / "ses" / "ses_received_via_sns_https_envelope_assembled.json").read_text()
    )
    ses_message = (EVENTS / "ses" / notification).read_text(encoding="utf-8")
    return signed(base | {"TopicArn": topic, "Message": ses_message}, key=KEY)


def post(functions: Any, message: dict[str, Any]) -> Any:
    headers = {
        "Content-Type": "text/plain; charset=UTF-8",
        "x-amz-sns-message-type": message["Type"],
    }
    with Client(functions.app) as client:
        return client.http.post("/webhooks/ses", body=json.dumps(message), headers=headers)


def run_worker(functions: Any, aws: Any) -> None:
    with Client(functions.app) as client:
        for message in queued_messages(aws):
            event = client.events.generate_sqs_event([message["Body"]], queue_name="plaint-inbox")
            client.lambda_.invoke("process_inbox", event)


def test_arabic_email_complaint_is_acknowledged_by_email(ses: Any, aws: Any) -> None:
    message = envelope("ses_sns_notification_received_arabic_email_ASSEMBLED.json")
    assert [post(ses, message).status_code for _ in range(2)] == [202, 200]
    run_worker(ses, aws)
    entries = DynamoStore(aws["dynamodb"]).audit_entries("main")
    assert [e.kind for e in entries][-1] == "acknowledgement.sent"
    complaint = DynamoStore(aws["dynamodb"]).get_complaint(entries[0].complaint_id or "")
    assert complaint is not None and complaint.language == "ar"
    [sent] = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    answer = message_from_bytes(sent.raw_data.encode("ascii"), policy=policy.default)
    assert answer["From"].addresses[0].addr_spec == SENDER
    assert answer["Reply-To"].addresses[0].addr_spec.startswith("complaints+")
    html = answer.get_body(preferencelist=("html",))
    assert html is not None and 'dir="rtl"' in html.get_content()


def test_failed_verdicts_are_recorded_and_set_aside(ses: Any, aws: Any) -> None:
    message = envelope("ses_sns_notification_received_failed_verdicts_persian_ASSEMBLED.json")
    assert post(ses, message).status_code == 202
    run_worker(ses, aws)
    [entry] = DynamoStore(aws["dynamodb"]).audit_entries("main")
    assert entry.kind == "intake.set_aside"
    assert ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages == []


def test_messages_from_other_topics_or_tampered_are_refused(ses: Any, aws: Any) -> None:
    other = envelope("ses_sns_notification_received_arabic_email_ASSEMBLED.json", topic=TOPIC + "x")
    answer = post(ses, other)
    assert (answer.status_code, json.loads(answer.body)["check"]) == (401, "untrusted_topic")
    tampered = envelope("ses_sns_notification_received_arabic_email_ASSEMBLED.json")
    tampered["Message"] = tampered["Message"].replace("Received", "Recieved")
    answer = post(ses, tampered)
    assert (answer.status_code, json.loads(answer.body)["check"]) == (401, "signature_mismatch")
    assert not table_items(aws, "plaint-state")


def test_subscription_is_confirmed_only_for_our_topic(
    ses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    confirmed: list[str] = []
    monkeypatch.setattr(
        "chalicelib.readers.confirm_subscription", lambda m: confirmed.append(m["SubscribeURL"])
    )
    base = json.loads((EVENTS / "ses" / "sns_http_SubscriptionConfirmation_docs.json").read_text())
    answer = post(ses, signed(base | {"TopicArn": TOPIC}, key=KEY))
    assert (answer.status_code, json.loads(answer.body)["status"]) == (200, "subscribed")
    assert confirmed == [base["SubscribeURL"]]
    assert post(ses, signed(base, key=KEY)).status_code == 401
    assert len(confirmed) == 1


def test_message_stored_in_s3_is_read_from_there(ses: Any, aws: Any) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket="plaint-mail", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    raw = (EVENTS / "eml" / "constructed_az_complaint_utf-8_8bit_q-subject.eml").read_bytes()
    s3.put_object(Bucket="plaint-mail", Key="inbound/az-1", Body=raw)
    alert = json.loads(
        (EVENTS / "ses" / "ses_sns_notification_received_action_S3_alert_docs.json").read_text()
    )
    alert["receipt"]["action"] |= {"bucketName": "plaint-mail", "objectKey": "inbound/az-1"}
    base = json.loads(
        (EVENTS / "ses" / "ses_received_via_sns_https_envelope_assembled.json").read_text()
    )
    message = signed(base | {"TopicArn": TOPIC, "Message": json.dumps(alert)}, key=KEY)
    assert post(ses, message).status_code == 202
    run_worker(ses, aws)
    entries = DynamoStore(aws["dynamodb"]).audit_entries("main")
    assert entries[0].kind == "complaint.received"
    assert entries[0].detail["language"] == "az"
    s3.delete_object(Bucket="plaint-mail", Key="inbound/az-1")
    alert["mail"]["messageId"] = "another-message"
    gone = signed(base | {"TopicArn": TOPIC, "Message": json.dumps(alert)}, key=KEY)
    # The object is gone: the receipt is still recorded, set aside as unreadable.
    assert post(ses, gone).status_code == 202
    run_worker(ses, aws)
    last = DynamoStore(aws["dynamodb"]).audit_entries("main")[-1]
    assert last.kind == "intake.set_aside"
    assert last.detail["reason"].startswith("unparseable: s3://plaint-mail/inbound/az-1")

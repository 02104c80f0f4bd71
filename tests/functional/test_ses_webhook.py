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
from tests.conftest import ledger_entries, queued_messages, table_items
from tests.connectors.email.test_sns import certificate_pem, signed, signing_key
from tests.factories import DEFAULT_POLICY, EVENTS

TOPIC = "arn:aws:sns:eu-west-1:123456789012:plaint-ses-inbound"
SENDER = "care@example.az"
MAILBOX = "complaints@example.az"
KEY = signing_key()


class Certificates:
    """Stands in for fetching: the test key's certificate, whatever the URL; remembers the
    URLs and the trusted prefixes it was asked with."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def __call__(self, url: str, trusted_prefixes: tuple[str, ...] = ()) -> bytes:
        self.asked.append((url, trusted_prefixes))
        return certificate_pem(KEY)


@pytest.fixture
def ses(functions: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["email"] = {"sender": SENDER, "mailbox": MAILBOX}
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(policy_path))
    monkeypatch.setenv("PLAINT_SES_TOPIC_ARNS", TOPIC)
    monkeypatch.setattr("connectors.email.webhook.fetch_certificate", Certificates())
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
    entries = ledger_entries(DynamoStore(aws["dynamodb"]))
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
    [entry] = ledger_entries(DynamoStore(aws["dynamodb"]))
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
        "connectors.email.webhook.confirm_subscription",
        lambda m: confirmed.append(m["SubscribeURL"]),
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
    entries = ledger_entries(DynamoStore(aws["dynamodb"]))
    assert entries[0].kind == "complaint.received"
    assert entries[0].detail["language"] == "az"
    s3.delete_object(Bucket="plaint-mail", Key="inbound/az-1")
    alert["mail"]["messageId"] = "another-message"
    gone = signed(base | {"TopicArn": TOPIC, "Message": json.dumps(alert)}, key=KEY)
    # The object is gone: the receipt is still recorded, set aside as unreadable.
    assert post(ses, gone).status_code == 202
    run_worker(ses, aws)
    last = ledger_entries(DynamoStore(aws["dynamodb"]))[-1]
    assert last.kind == "intake.set_aside"
    assert last.detail["reason"].startswith("unparseable: s3://plaint-mail/inbound/az-1")


LOCAL_PREFIX = "http://127.0.0.1:5400/__local/sns/"


def test_a_certificate_outside_sns_is_refused_unless_its_folder_is_trusted(
    ses: Any, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = envelope("ses_sns_notification_received_arabic_email_ASSEMBLED.json")
    local = signed(base, key=KEY, url=LOCAL_PREFIX + "SimpleNotificationService-local.pem")
    answer = post(ses, local)
    assert (answer.status_code, json.loads(answer.body)["check"]) == (
        401,
        "untrusted_certificate_url",
    )
    monkeypatch.setenv("PLAINT_SNS_TRUSTED_CERTIFICATE_URLS", LOCAL_PREFIX)
    from chalicelib import wiring

    wiring.reset()
    assert post(ses, local).status_code == 202
    # Amazon SNS hosts stay trusted beside the local folder; other places stay refused.
    assert (
        post(ses, envelope("ses_sns_notification_received_action_SNS_docs.json")).status_code == 202
    )
    beside = signed(base, key=KEY, url="http://127.0.0.1:5400/__local/other/cert.pem")
    assert json.loads(post(ses, beside).body)["check"] == "untrusted_certificate_url"


@pytest.mark.parametrize(
    "prefixes",
    ["http://127.0.0.1:5400", "http://127.0.0.1:5400/__local/sns", "ftp://host/x/", "/x/",
     "http://user@127.0.0.1:5400/x/"],
)  # fmt: skip
def test_a_trusted_prefix_must_be_a_whole_folder(
    prefixes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bootstrap.settings import Settings

    monkeypatch.setenv("PLAINT_POLICY_PATH", "policy.json")
    monkeypatch.setenv("PLAINT_SNS_TRUSTED_CERTIFICATE_URLS", prefixes)
    with pytest.raises(ValueError, match="trusted certificate prefix"):
        Settings()

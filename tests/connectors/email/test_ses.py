import json
from datetime import UTC, datetime

import pytest

from connectors.email.client import action_token
from connectors.email.mime import parse_message
from connectors.email.sending_events import ACTION_TAG, is_sending_event, parse_sending_event
from connectors.email.wire import parse_notification
from connectors.errors import PayloadInvalidError, UnsupportedEventError
from tests.factories import EVENTS as EVENTS_DIR

EVENTS = EVENTS_DIR / "ses"
EML = EVENTS_DIR / "eml"


def text(name):
    return (EVENTS / name).read_text()


def test_sns_action_notification_with_utf8_content():
    note = parse_notification(text("ses_sns_notification_received_action_SNS_docs.json"))
    assert note.notification_type == "Received"
    assert note.receipt.action.type == "SNS"
    assert note.receipt.spam_verdict is not None and note.receipt.spam_verdict.passed
    assert note.mail.message_id
    assert note.mail.timestamp.tzinfo is not None
    raw = note.raw_email()
    assert raw is not None and parse_message(raw).subject
    assert note.s3_location() is None
    assert not note.is_suspect


def test_base64_content_decodes_to_the_documented_message():
    note = parse_notification(text("ses_sns_message_received_base64_content_docs.json"))
    assert note.receipt.action.encoding == "BASE64"
    assert note.receipt.dkim_verdict is not None and note.receipt.dkim_verdict.status == "GRAY"
    assert note.raw_email() == (EML / "awsdocs_ses_sns_base64_content_decoded.eml").read_bytes()
    assert note.mail.timestamp == datetime(2019, 9, 6, 18, 52, 14, 965000, tzinfo=UTC)


def test_s3_action_carries_location_and_no_content():
    note = parse_notification(text("ses_sns_notification_received_action_S3_alert_docs.json"))
    assert note.receipt.action.type == "S3"
    assert note.raw_email() is None
    assert note.s3_location() == ("my-S3-bucket", "email")


def test_failed_verdicts_and_dmarc_policy_mark_the_message_suspect():
    note = parse_notification(
        text("ses_sns_notification_received_failed_verdicts_persian_ASSEMBLED.json")
    )
    receipt = note.receipt
    assert receipt.spam_verdict is not None and receipt.spam_verdict.failed
    assert receipt.dmarc_verdict is not None and receipt.dmarc_verdict.failed
    assert receipt.dmarc_policy == "reject"
    assert note.is_suspect
    assert note.mail.common_headers.message_id == "<fa-utf8-mixed-0002@example.com>"
    raw = note.raw_email()
    assert raw is not None
    assert parse_message(raw).subject == "شکایت: عدم ارسال سفارش ۷۷۴۱۲ و کسر وجه"


def test_arabic_notification_content_is_the_constructed_message():
    note = parse_notification(text("ses_sns_notification_received_arabic_email_ASSEMBLED.json"))
    raw = note.raw_email()
    assert raw is not None
    assert parse_message(raw).from_name == "أحمد العلي"
    assert note.mail.common_headers.from_


def test_message_inside_the_sns_envelopes_parses():
    envelope = json.loads(text("ses_received_via_sns_https_envelope_assembled.json"))
    assert parse_notification(envelope["Message"]).receipt.action.type == "SNS"
    record = json.loads(text("ses_lambda_event_via_sns_assembled_docs.json"))["Records"][0]
    assert parse_notification(record["Sns"]["Message"]).receipt.action.encoding == "BASE64"


def test_extra_fields_are_ignored():
    document = json.loads(text("ses_sns_notification_received_action_S3_alert_docs.json"))
    document["receipt"]["newVerdict"] = {"status": "PASS"}
    document["receipt"]["spamVerdict"]["detail"] = "x"
    assert parse_notification(document).receipt.spam_verdict is not None


@pytest.mark.parametrize("kind", ["Bounce", "Complaint", "Delivery"])
def test_other_notification_types_are_unsupported(kind):
    with pytest.raises(UnsupportedEventError):
        parse_notification(json.dumps({"notificationType": kind}))


@pytest.mark.parametrize(
    "body", ["", "not json", "[]", b"\xff\xfe", '{"notificationType": "Received"}', "{}"]
)
def test_broken_notifications_are_invalid(body):
    with pytest.raises(PayloadInvalidError):
        parse_notification(body)


def test_missing_message_id_names_the_field():
    document = json.loads(text("ses_sns_notification_received_action_S3_alert_docs.json"))
    del document["mail"]["messageId"]
    with pytest.raises(PayloadInvalidError, match=r"mail\.messageId"):
        parse_notification(document)


# SES event publishing: the Send record SES publishes for each acknowledgement it accepts


def send_record(**tags):
    document = json.loads(text("ses_event_publishing_send_record_docs.json"))
    document["mail"]["tags"] |= tags
    return document


def test_send_record_reads_as_the_documentation_shows_it():
    document = send_record()
    assert is_sending_event(document)
    event = parse_sending_event(document)
    assert event.event_type == "Send"
    assert event.mail.message_id == "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000"
    assert event.mail.timestamp == datetime(2016, 10, 14, 5, 2, 16, 645000, tzinfo=UTC)
    assert event.mail.tags["ses:configuration-set"] == ("ConfigSet",)
    assert event.action_token is None  # mail someone else sent through the configuration set


def test_send_record_names_the_acknowledgement_by_its_tag():
    token = action_token("email:m-0123456789abcdef01234567:acknowledge")
    event = parse_sending_event(send_record(**{ACTION_TAG: [token]}))
    assert event.action_token == token


@pytest.mark.parametrize(
    "values",
    [[], ["not-a-token"], ["A" * 32], ["0" * 31], ["0" * 32, "1" * 32]],
)
def test_a_tag_that_is_not_one_token_names_no_acknowledgement(values):
    assert parse_sending_event(send_record(**{ACTION_TAG: values})).action_token is None


def test_other_event_types_are_not_send_events():
    delivery = json.loads(text("ses_event_publishing_delivery_record_docs.json"))
    assert is_sending_event(delivery)
    with pytest.raises(UnsupportedEventError, match="Delivery"):
        parse_sending_event(delivery)


def test_receipts_are_not_event_records():
    receipt = json.loads(text("ses_sns_notification_received_action_SNS_docs.json"))
    assert not is_sending_event(receipt)


@pytest.mark.parametrize("broken", ["mail", "mail.messageId", "mail.timestamp"])
def test_a_send_record_of_the_wrong_shape_is_invalid(broken):
    document = send_record()
    parent, _, name = broken.rpartition(".")
    del (document[parent] if parent else document)[name]
    with pytest.raises(PayloadInvalidError, match=broken.split(".")[0]):
        parse_sending_event(document)

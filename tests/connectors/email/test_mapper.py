import base64
import hashlib

import pytest

from connectors.email.mapper import (
    AUTO_SUBMITTED_TAG,
    complainant_ref,
    disposition,
    email_event,
    reply_address,
    ticket_for_message_id,
    ticket_from_recipients,
)
from connectors.email.mime import parse_message
from connectors.email.wire import ReceivedNotification, parse_notification
from plaint.model.events import Channel, SourceSystem, TicketEventKind
from plaint.policy.intake import EmailIntakePolicy, VerdictHandling
from tests.factories import EVENTS as EVENTS_DIR

EVENTS = EVENTS_DIR
EML = EVENTS / "eml"
SES = EVENTS / "ses"
POLICY = EmailIntakePolicy(mailbox="support@example.com")


def notification(
    raw: bytes, recipients=("support@example.com",), source="x@example.com", **receipt
):
    document = {
        "notificationType": "Received",
        "receipt": {
            "timestamp": "2024-03-06T06:15:01.512Z",
            "recipients": list(recipients),
            "action": {"type": "SNS", "encoding": "BASE64"},
            **receipt,
        },
        "mail": {
            "timestamp": "2024-03-06T06:15:01.512Z",
            "source": source,
            "messageId": "ses-" + hashlib.sha256(raw).hexdigest()[:40],
            "destination": list(recipients),
        },
        "content": base64.b64encode(raw).decode(),
    }
    return parse_notification(document)


def mapped(name, policy=POLICY, **kwargs):
    raw = (EML / name).read_bytes()
    note = notification(raw, **kwargs)
    parsed = parse_message(raw)
    return note, parsed, email_event(note, parsed, policy)


@pytest.mark.parametrize(
    ("name", "language", "words"),
    [
        ("constructed_ar_complaint_windows-1256_qp.eml", "ar", "أتقدم بشكوى رسمية"),
        (
            "constructed_fa_complaint_multipart_alternative_base64_rfc2231_attachment.eml",
            "fa",
            "سفارش شماره ۷۷۴۱۲",
        ),
        ("constructed_az_complaint_utf-8_8bit_q-subject.eml", "az", "kartımdan 85 manat"),
        ("constructed_tr_complaint_iso-8859-9_qp.eml", "tr", "çamaşır makinesi"),
    ],
)
def test_constructed_complaints_are_created_events(name, language, words):
    note, parsed, event = mapped(name)
    assert event.kind is TicketEventKind.CREATED
    assert event.source is SourceSystem.EMAIL and event.channel is Channel.EMAIL
    assert event.delivery_id == note.mail.message_id
    assert parsed.message_id is not None
    assert event.ticket_id == ticket_for_message_id(parsed.message_id)
    assert event.thread_message_id == parsed.message_id
    assert event.language == language
    assert words in event.description
    assert event.subject == parsed.subject and event.subject
    assert event.occurred_at == event.created_at == note.mail.timestamp
    assert event.tags == () and event.set_aside is None
    assert event.reply_to == parsed.from_address


def test_complainant_ref_is_a_digest_of_the_address():
    _, parsed, event = mapped("constructed_ar_complaint_windows-1256_qp.eml")
    assert parsed.from_address == "ahmed.example@example.com"
    assert event.complainant_ref == complainant_ref("Ahmed.Example@Example.com")
    assert event.complainant_ref is not None
    assert "ahmed" not in event.complainant_ref
    assert event.complainant_ref.startswith("email:")


def test_ticket_ids_are_compact_and_stable():
    ticket = ticket_for_message_id("<AR-1256-qp-0001@example.com>")
    assert ticket == ticket_for_message_id(" ar-1256-qp-0001@example.com ")
    assert ticket.startswith("m-") and len(ticket) == 26
    assert ticket != ticket_for_message_id("<ar-1256-qp-0002@example.com>")


def test_arabic_gmail_reply_joins_its_root_ticket():
    _, root_parsed, root = mapped("constructed_ar_complaint_windows-1256_qp.eml")
    _, parsed, reply = mapped("constructed_ar_reply_quoted_history_gmail_style.eml")
    assert parsed.references[0] == root_parsed.message_id  # References: root first
    assert reply.kind is TicketEventKind.COMMENT_ADDED
    assert reply.ticket_id == root.ticket_id
    assert reply.language == "ar"
    assert "المشكلة لم تُحل" in reply.description
    assert "أتقدم بشكوى رسمية" not in reply.description  # quoted history removed
    assert reply.thread_message_id == "<ar-reply-0005@example.com>"


def test_persian_outlook_reply_threads_by_in_reply_to():
    _, parsed, reply = mapped("constructed_fa_reply_outlook_style_qp.eml")
    assert parsed.references == () and parsed.in_reply_to == "<support-ack-77412@example.com>"
    root_raw = b"From: a@example.com\r\nMessage-ID: <support-ack-77412@example.com>\r\n\r\nx\r\n"
    root = email_event(notification(root_raw), parse_message(root_raw), POLICY)
    assert root.kind is TicketEventKind.CREATED
    assert reply.kind is TicketEventKind.COMMENT_ADDED
    assert reply.ticket_id == root.ticket_id
    assert reply.language == "fa"
    assert reply.description.startswith("پیگیری دوم")
    assert "From: Support" not in reply.description


def test_plus_address_token_wins_over_headers():
    ticket = "m-0123456789abcdef01234567"
    address = reply_address("support@example.com", ticket)
    assert address == f"support+T-{ticket}@example.com"
    _, _, reply = mapped(
        "constructed_ar_reply_quoted_history_gmail_style.eml",
        recipients=("other@example.com", address.upper()),
    )
    assert reply.ticket_id == ticket
    assert reply.kind is TicketEventKind.COMMENT_ADDED
    # Even a message with no thread headers at all is a reply when it names a ticket.
    _, _, fresh = mapped("constructed_tr_complaint_iso-8859-9_qp.eml", recipients=(address,))
    assert fresh.ticket_id == ticket and fresh.kind is TicketEventKind.COMMENT_ADDED


def test_plus_address_of_another_mailbox_is_not_a_token():
    assert ticket_from_recipients(["a+T-m-1@elsewhere.org"], ["support@example.com"]) is None
    assert ticket_from_recipients(["support+T-m-1@example.com"], ["support@example.com"]) == "m-1"
    assert ticket_from_recipients(["support+other@example.com"]) is None
    assert ticket_from_recipients(["support+T-bad/id@example.com"]) is None


@pytest.mark.parametrize(
    ("mailbox", "ticket"),
    [("no-at-sign", "m-1"), ("a+b@example.com", "m-1"), ("support@example.com", "bad id")],
)
def test_reply_address_refuses_what_an_address_cannot_carry(mailbox, ticket):
    with pytest.raises(ValueError):
        reply_address(mailbox, ticket)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("nodemailer_delivery-status.eml", "delivery_status"),
        ("flanker_arf_feedback_report_yahoo.eml", "feedback_report"),
    ],
)
def test_bounces_and_feedback_reports_are_set_aside(name, reason):
    note, parsed, event = mapped(name)
    judged = disposition(note, parsed, POLICY)
    assert judged.outcome == "ignore_automatic"
    assert judged.reason is not None and reason in judged.reason
    assert event.set_aside == judged.reason
    assert AUTO_SUBMITTED_TAG in event.tags


def test_auto_reply_is_set_aside():
    raw = (
        b"From: ooo@example.org\r\nTo: support@example.com\r\nSubject: Out of office\r\n"
        b"Auto-Submitted: auto-replied\r\nMessage-ID: <ooo-1@example.org>\r\n"
        b"In-Reply-To: <x@example.com>\r\n\r\nI am away.\r\n"
    )
    note = notification(raw)
    parsed = parse_message(raw)
    assert disposition(note, parsed, POLICY).outcome == "ignore_automatic"
    event = email_event(note, parsed, POLICY)
    assert event.set_aside is not None and "auto-replied" in event.set_aside


def test_null_reverse_path_is_a_bounce():
    raw = b"From: someone@example.org\r\nMessage-ID: <b-1@example.org>\r\n\r\nx\r\n"
    note = notification(raw, source="")
    judged = disposition(note, parse_message(raw), POLICY)
    assert judged.outcome == "ignore_automatic"
    assert judged.reason == "automatic: null reverse path"


def ses_fixture(name) -> ReceivedNotification:
    return parse_notification((SES / name).read_text())


def test_arabic_ses_notification_is_accepted():
    note = ses_fixture("ses_sns_notification_received_arabic_email_ASSEMBLED.json")
    raw = note.raw_email()
    assert raw is not None
    parsed = parse_message(raw)
    assert disposition(note, parsed, POLICY).outcome == "accept"
    event = email_event(note, parsed, POLICY)
    assert event.kind is TicketEventKind.CREATED
    assert event.delivery_id == "constructed0000example0000000000000001"
    assert event.ticket_id == ticket_for_message_id("<ar-1256-qp-0001@example.com>")
    assert event.language == "ar" and event.set_aside is None


def test_failed_verdicts_persian_notification_is_rejected_as_suspect():
    note = ses_fixture("ses_sns_notification_received_failed_verdicts_persian_ASSEMBLED.json")
    raw = note.raw_email()
    assert raw is not None and note.is_suspect
    parsed = parse_message(raw)
    judged = disposition(note, parsed, POLICY)
    assert judged.outcome == "reject_suspect"
    assert judged.reason == "ses_spam_verdict_fail"
    event = email_event(note, parsed, POLICY)
    assert event.set_aside == "ses_spam_verdict_fail"
    assert event.language == "fa"


def test_policy_can_accept_spam_and_flag_failed_authentication():
    note = ses_fixture("ses_sns_notification_received_failed_verdicts_persian_ASSEMBLED.json")
    raw = note.raw_email()
    assert raw is not None
    parsed = parse_message(raw)
    lenient = EmailIntakePolicy(on_spam=VerdictHandling.ACCEPT, on_dmarc_fail=VerdictHandling.FLAG)
    judged = disposition(note, parsed, lenient)
    assert judged.outcome == "accept" and judged.tags == (lenient.flag_tag,)
    event = email_event(note, parsed, lenient)
    assert event.set_aside is None and event.tags == (lenient.flag_tag,)
    dmarc_only = EmailIntakePolicy(on_spam=VerdictHandling.ACCEPT)
    assert disposition(note, parsed, dmarc_only).reason == "ses_dmarc_fail_reject"


def test_gray_verdicts_are_accepted_unflagged():
    raw = (EML / "constructed_ar_complaint_windows-1256_qp.eml").read_bytes()
    note = notification(raw, dkimVerdict={"status": "GRAY"}, spfVerdict={"status": "PASS"})
    assert disposition(note, parse_message(raw), POLICY) == ("accept", None, ())


def test_message_without_any_message_id_uses_the_ses_id():
    raw = b"From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n"
    note = notification(raw)
    event = email_event(note, parse_message(raw), POLICY)
    assert event.kind is TicketEventKind.CREATED
    assert event.ticket_id == ticket_for_message_id(f"ses:{note.mail.message_id}")
    assert event.thread_message_id is None

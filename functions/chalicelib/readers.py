"""Reading one delivery per helpdesk: signature first, then the vendor's payload in the
engine's words. Imported on the first request, not at deploy time."""

from __future__ import annotations

from functools import partial
from typing import Any

from chalicelib.wiring import runtime
from connectors.email.mapper import email_event, unparseable_event
from connectors.email.mime import parse_message
from connectors.email.s3 import fetch_raw_email
from connectors.email.ses import ReceivedNotification, decode_message, parse_notification
from connectors.email.ses_events import SendingEvent, is_sending_event, parse_sending_event
from connectors.email.sns import sns_envelope, verify_sns_message
from connectors.email.sns_calls import confirm_subscription, fetch_certificate
from connectors.errors import PayloadInvalidError, SignatureRejectedError, UnsupportedEventError
from connectors.jira.mapper import parse_delivery as parse_jira_delivery
from connectors.jira.signature import verify_signature as verify_jira_signature
from connectors.zendesk.mapper import parse_delivery as parse_zendesk_delivery
from connectors.zendesk.signature import verify_signature as verify_zendesk_signature
from plaint.model.events import TicketEvent

# What a reader hands back: an event to accept, or the body of a 200 answer that ends the
# exchange (an SNS subscription confirmed, SES's report on a message it accepted kept).
Reading = TicketEvent | dict[str, Any]


def read_zendesk(headers: dict[str, str], body: bytes) -> Reading:
    rt = runtime()
    secrets = [s.get_secret_value() for s in rt.settings.zendesk_webhook_secrets]
    verify_zendesk_signature(headers, body, secrets, now=rt.clock())
    return parse_zendesk_delivery(headers, body)


def read_jira(headers: dict[str, str], body: bytes) -> Reading:
    rt = runtime()
    secrets = [s.get_secret_value() for s in rt.settings.jira_webhook_secrets]
    verify_jira_signature(headers, body, secrets)
    return parse_jira_delivery(headers, body, rt.handling.policy.helpdesk_fields.jira)


def read_ses(headers: dict[str, str], body: bytes) -> Reading:
    """An SES receipt, or SES's Send event for an acknowledgement email, delivered by an SNS
    HTTPS subscription to one of our topics."""
    rt = runtime()
    envelope = sns_envelope(body)
    trusted = rt.settings.sns_trusted_certificate_urls
    verify_sns_message(envelope, partial(fetch_certificate, trusted_prefixes=trusted), trusted)
    topic = envelope.get("TopicArn")
    receipts, events = rt.settings.ses_topic_arns, rt.settings.ses_event_topic_arns
    _check_topic(topic, (*receipts, *events), "ours")
    if envelope["Type"] == "SubscriptionConfirmation":
        confirm_subscription(envelope)
        return {"status": "subscribed", "topic": topic}
    if envelope["Type"] != "Notification":
        raise UnsupportedEventError(f"SNS {envelope['Type']}")
    document = decode_message(envelope.get("Message", ""))
    if is_sending_event(document):
        _check_topic(topic, events, "a topic of sending events")
        return _keep_sending_report(parse_sending_event(document))
    _check_topic(topic, receipts, "a topic of receipts")
    return _receipt_event(parse_notification(document))


def _check_topic(topic: object, allowed: tuple[str, ...], what: str) -> None:
    if topic not in allowed:
        raise SignatureRejectedError("untrusted_topic", f"topic {str(topic)[:200]!r} is not {what}")


def _receipt_event(notification: ReceivedNotification) -> TicketEvent:
    try:
        parsed = parse_message(_raw_email(notification))
    except PayloadInvalidError as exc:
        return unparseable_event(notification, str(exc))
    return email_event(notification, parsed, runtime().handling.policy.email)


def _raw_email(notification: ReceivedNotification) -> bytes:
    """Inline for an SNS action; read from S3 for an S3 action."""
    raw = notification.raw_email()
    if raw is not None:
        return raw
    location = notification.s3_location()
    if location is None:
        raise UnsupportedEventError(f"SES {notification.receipt.action.type} action")
    return fetch_raw_email(runtime().s3, *location)


def _keep_sending_report(event: SendingEvent) -> Reading:
    """SES accepted an acknowledgement email: keep that, once, for the retry to find."""
    token = event.action_token
    if token is None:
        raise UnsupportedEventError("SES Send event of a message that is no acknowledgement")
    kept = runtime().sent_mail.record_accepted(token, event.mail.timestamp, event.mail.message_id)
    return {"status": "recorded" if kept else "duplicate", "event": event.event_type}

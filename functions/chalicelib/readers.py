"""Reading one delivery per helpdesk: signature first, then the vendor's payload in the
engine's words. Imported on the first request, not at deploy time."""

from __future__ import annotations

from typing import Any

from chalicelib.wiring import runtime
from connectors.email.mapper import email_event, unparseable_event
from connectors.email.mime import parse_message
from connectors.email.s3 import fetch_raw_email
from connectors.email.ses import ReceivedNotification, parse_notification
from connectors.email.sns import sns_envelope, verify_sns_message
from connectors.email.sns_calls import confirm_subscription, fetch_certificate
from connectors.errors import PayloadInvalidError, SignatureRejectedError, UnsupportedEventError
from connectors.jira.mapper import parse_delivery as parse_jira_delivery
from connectors.jira.signature import verify_signature as verify_jira_signature
from connectors.zendesk.mapper import parse_delivery as parse_zendesk_delivery
from connectors.zendesk.signature import verify_signature as verify_zendesk_signature
from plaint.model import TicketEvent

# What a reader hands back: an event to accept, or the body of a 200 answer that ends the
# exchange (an SNS subscription confirmed).
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
    """An SES receipt, delivered by an SNS HTTPS subscription."""
    rt = runtime()
    envelope = sns_envelope(body)
    verify_sns_message(envelope, fetch_certificate)
    topic = envelope.get("TopicArn")
    if topic not in rt.settings.ses_topic_arns:
        raise SignatureRejectedError("untrusted_topic", f"topic {str(topic)[:200]!r} is not ours")
    if envelope["Type"] == "SubscriptionConfirmation":
        confirm_subscription(envelope)
        return {"status": "subscribed", "topic": topic}
    if envelope["Type"] != "Notification":
        raise UnsupportedEventError(f"SNS {envelope['Type']}")
    notification = parse_notification(envelope.get("Message", ""))
    try:
        parsed = parse_message(_raw_email(notification))
    except PayloadInvalidError as exc:
        return unparseable_event(notification, str(exc))
    return email_event(notification, parsed, rt.handling.policy.email)


def _raw_email(notification: ReceivedNotification) -> bytes:
    """Inline for an SNS action; read from S3 for an S3 action."""
    raw = notification.raw_email()
    if raw is not None:
        return raw
    location = notification.s3_location()
    if location is None:
        raise UnsupportedEventError(f"SES {notification.receipt.action.type} action")
    return fetch_raw_email(runtime().s3, *location)

"""POST /webhooks/{zendesk,jira,ses}: verify, parse, deduplicate, enqueue, answer.

Every refusal is a JSON body saying which check failed. Accepted means durably recorded: if
the queue hiccups afterwards, the scheduler's sweep hands the delivery to the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from chalice.app import Blueprint, Response

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
from connectors.zendesk.mapper import parse_delivery
from connectors.zendesk.signature import verify_signature
from plaint.errors import PlaintError
from plaint.model import TicketEvent

log = logging.getLogger(__name__)
webhooks = Blueprint(__name__)

# Chalice answers 415 for content types a route does not list; helpdesks send JSON, but an
# admin's misconfigured webhook must still get our 400 with a reason, not a bare 415.
ACCEPTED_CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
]


def _answer(code: int, **body: Any) -> Response:
    return Response(body=body, status_code=code, headers={"Content-Type": "application/json"})


Reader = Callable[[dict[str, str], bytes], "TicketEvent | Response"]


@webhooks.route("/webhooks/zendesk", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES)
def zendesk_webhook() -> Response:
    def read(headers: dict[str, str], body: bytes) -> TicketEvent:
        rt = runtime()
        secrets = [s.get_secret_value() for s in rt.settings.zendesk_webhook_secrets]
        verify_signature(headers, body, secrets, now=rt.clock())
        return parse_delivery(headers, body)

    return _receive("zendesk", read)


@webhooks.route("/webhooks/jira", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES)
def jira_webhook() -> Response:
    def read(headers: dict[str, str], body: bytes) -> TicketEvent:
        rt = runtime()
        secrets = [s.get_secret_value() for s in rt.settings.jira_webhook_secrets]
        verify_jira_signature(headers, body, secrets)
        return parse_jira_delivery(headers, body, rt.handling.policy.helpdesk_fields.jira)

    return _receive("jira", read)


@webhooks.route("/webhooks/ses", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES)
def ses_webhook() -> Response:
    """Amazon SES receipts, delivered by an SNS HTTPS subscription."""
    return _receive("ses", _read_ses)


def _read_ses(headers: dict[str, str], body: bytes) -> TicketEvent | Response:
    rt = runtime()
    envelope = sns_envelope(body)
    verify_sns_message(envelope, fetch_certificate)
    topic = envelope.get("TopicArn")
    if topic not in rt.settings.ses_topic_arns:
        raise SignatureRejectedError("untrusted_topic", f"topic {str(topic)[:200]!r} is not ours")
    if envelope["Type"] == "SubscriptionConfirmation":
        confirm_subscription(envelope)
        return _answer(200, status="subscribed", topic=topic)
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


def _receive(source: str, read: Reader) -> Response:
    """Size, signature and shape checks in that order, then accept."""
    request = webhooks.current_request
    raw = request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    limit = runtime().settings.max_body_bytes
    if len(body) > limit:
        return _answer(413, error="body_too_large", limit_bytes=limit)
    try:
        event = read(dict(request.headers), body)
    except PlaintError as exc:
        return _refusal(source, exc)
    return event if isinstance(event, Response) else _accept(event)


def _refusal(source: str, exc: PlaintError) -> Response:
    """The answer to a delivery that could not be read: every reason has its own."""
    if isinstance(exc, SignatureRejectedError):
        return _answer(401, error="signature_rejected", check=exc.check, detail=str(exc))
    if isinstance(exc, UnsupportedEventError):
        log.info("ignored %s event: %s", source, exc)
        return _answer(200, status="ignored", detail=str(exc))
    if isinstance(exc, PayloadInvalidError):
        return _answer(400, error="invalid_payload", detail=str(exc))
    log.warning("%s delivery could not be read: %s", source, exc)
    return _answer(503, error="temporarily_unavailable", detail="retry later")


def _accept(event: TicketEvent) -> Response:
    rt = runtime()
    try:
        if not rt.handling.accept(event):
            return _answer(200, status="duplicate", delivery_id=event.delivery_id)
    except PlaintError as exc:
        log.warning("could not record delivery %s: %s", event.delivery_id, exc)
        return _answer(503, error="temporarily_unavailable", detail="retry later")
    key = f"{event.source}:{event.delivery_id}"
    try:
        rt.queue.enqueue(key)
    except PlaintError as exc:
        log.warning("accepted %s but could not enqueue it; the sweep will: %s", key, exc)
    return _answer(202, status="accepted", delivery_id=event.delivery_id)

"""Email's webhook: what arrives at /webhooks/ses from an SNS HTTPS subscription, read into
the engine's words.

An SNS message is verified (connectors.email.signature) with a certificate fetched only from
SNS hosts or the local stack's trusted prefixes, and must come from one of our topics. Then
it is one of: a subscription to confirm; an SES receipt (the message inline, or stored in S3
by the S3 action), mapped into a ticket event; or SES's Send event for an acknowledgement
Plaint sent, kept as evidence so a retry never sends it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Final

import urllib3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.httpsession import get_cert_path

from connectors.email.mapper import email_event, unparseable_event
from connectors.email.mime import parse_message
from connectors.email.sending_events import SendingEvent, is_sending_event, parse_sending_event
from connectors.email.signature import (
    MAX_CERTIFICATE_BYTES,
    check_certificate_url,
    check_sns_url,
    sns_envelope,
    verify_sns_message,
)
from connectors.email.wire import ReceivedNotification, decode_message, parse_notification
from connectors.errors import PayloadInvalidError, SignatureRejectedError, UnsupportedEventError
from plaint.model.events import TicketEvent
from plaint.policy.intake import EmailIntakePolicy
from plaint.vocabulary.errors import StoreUnavailableError

if TYPE_CHECKING:  # the store, once a Send event needs it: not the webhook's first imports
    from plaint.usecases.ports import SentMailEvidence

# An SNS host answers in milliseconds; these bound a slow one well inside the webhook's time.
SNS_TIMEOUT: Final = urllib3.Timeout(connect=3.05, read=10.0)
# SES accepts messages up to 40 MB; a complaint with more than this is attachments, which
# Plaint records as metadata only, and reading it would hold up the webhook's answer.
MAX_RAW_EMAIL_BYTES: Final = 10 * 1024 * 1024
_MISSING: Final = frozenset({"NoSuchKey", "NoSuchBucket", "404", "AccessDenied", "403"})

# What reading hands back: an event to accept, or the body of a 200 answer that ends the
# exchange (an SNS subscription confirmed, SES's report on a message it accepted kept).
Reading = TicketEvent | dict[str, Any]


@dataclass(frozen=True)
class SesInbox:
    """What reading an SNS delivery needs, each part built only when it is used."""

    receipt_topics: tuple[str, ...]  # SNS topics whose SES receipts are ours
    event_topics: tuple[str, ...]  # topics the configuration set publishes Send events to
    trusted_certificate_urls: tuple[str, ...]  # local stack only
    intake: Callable[[], EmailIntakePolicy]  # the policy's email section, as judged by now
    s3: Callable[[], Any]  # an S3 client, for messages the S3 action stored
    sent_mail: Callable[[], SentMailEvidence]


def read(headers: Mapping[str, str], body: bytes, inbox: SesInbox) -> Reading:
    """An SES receipt, or SES's Send event for an acknowledgement email, delivered by an SNS
    HTTPS subscription to one of our topics."""
    envelope = sns_envelope(body)
    trusted = inbox.trusted_certificate_urls
    verify_sns_message(envelope, partial(fetch_certificate, trusted_prefixes=trusted), trusted)
    topic = envelope.get("TopicArn")
    _check_topic(topic, (*inbox.receipt_topics, *inbox.event_topics), "ours")
    if envelope["Type"] == "SubscriptionConfirmation":
        confirm_subscription(envelope)
        return {"status": "subscribed", "topic": topic}
    if envelope["Type"] != "Notification":
        raise UnsupportedEventError(f"SNS {envelope['Type']}")
    document = decode_message(envelope.get("Message", ""))
    if is_sending_event(document):
        _check_topic(topic, inbox.event_topics, "a topic of sending events")
        return _keep_sending_report(parse_sending_event(document), inbox.sent_mail())
    _check_topic(topic, inbox.receipt_topics, "a topic of receipts")
    return _receipt_event(parse_notification(document), inbox)


def _check_topic(topic: object, allowed: tuple[str, ...], what: str) -> None:
    if topic not in allowed:
        raise SignatureRejectedError("untrusted_topic", f"topic {str(topic)[:200]!r} is not {what}")


def _receipt_event(notification: ReceivedNotification, inbox: SesInbox) -> TicketEvent:
    try:
        parsed = parse_message(_raw_email(notification, inbox))
    except PayloadInvalidError as exc:
        return unparseable_event(notification, str(exc))
    return email_event(notification, parsed, inbox.intake())


def _raw_email(notification: ReceivedNotification, inbox: SesInbox) -> bytes:
    """Inline for an SNS action; read from S3 for an S3 action."""
    raw = notification.raw_email()
    if raw is not None:
        return raw
    location = notification.s3_location()
    if location is None:
        raise UnsupportedEventError(f"SES {notification.receipt.action.type} action")
    return fetch_raw_email(inbox.s3(), *location)


def _keep_sending_report(event: SendingEvent, sent_mail: SentMailEvidence) -> Reading:
    """SES accepted an acknowledgement email: keep that, once, for the retry to find."""
    token = event.action_token
    if token is None:
        raise UnsupportedEventError("SES Send event of a message that is no acknowledgement")
    kept = sent_mail.record_accepted(token, event.mail.timestamp, event.mail.message_id)
    return {"status": "recorded" if kept else "duplicate", "event": event.event_type}


@lru_cache(maxsize=1)
def _sns_http() -> urllib3.PoolManager:
    """urllib3, which botocore has already loaded, rather than requests: the two SNS calls
    need no session, and importing requests would add a quarter to the email webhook's cold
    start. Redirects are not followed: only the checked URL is ever read."""
    return urllib3.PoolManager(
        timeout=SNS_TIMEOUT,
        retries=False,
        ca_certs=get_cert_path(True),  # the CA bundle botocore trusts AWS with
        cert_reqs="CERT_REQUIRED",
    )


def _sns_get(url: str, max_bytes: int) -> bytes:
    """The body at `url`, up to `max_bytes` + 1 bytes. urllib3.exceptions.HTTPError when it
    could not be read or the answer was not a 2xx."""
    answer = _sns_http().request("GET", url, preload_content=False, redirect=False)
    try:
        if not 200 <= answer.status < 300:
            raise urllib3.exceptions.HTTPError(f"HTTP {answer.status}")
        return bytes(answer.read(max_bytes + 1, decode_content=True))
    finally:
        answer.release_conn()


@lru_cache(maxsize=16)
def fetch_certificate(url: str, trusted_prefixes: tuple[str, ...] = ()) -> bytes:
    """The PEM at `url`, once per URL for the life of the function."""
    check_certificate_url(url, trusted_prefixes)
    try:
        pem = _sns_get(url, MAX_CERTIFICATE_BYTES)
    except urllib3.exceptions.HTTPError as exc:
        raise SignatureRejectedError(
            "signature_mismatch", f"signing certificate unavailable: {_reason(exc)}"
        ) from exc
    if len(pem) > MAX_CERTIFICATE_BYTES:
        raise SignatureRejectedError("signature_mismatch", "signing certificate is too large")
    return pem


def confirm_subscription(message: Mapping[str, Any]) -> None:
    """Visit the SubscribeURL of a verified SubscriptionConfirmation."""
    url = message.get("SubscribeURL")
    if not isinstance(url, str):
        raise PayloadInvalidError("SubscribeURL: missing")
    check_sns_url(url, "SubscribeURL")
    try:
        _sns_get(url, MAX_CERTIFICATE_BYTES)
    except urllib3.exceptions.HTTPError as exc:
        raise PayloadInvalidError(f"SubscribeURL did not confirm: {_reason(exc)}") from exc


def _reason(exc: urllib3.exceptions.HTTPError) -> str:
    """What went wrong, without the URL's query (a SubscribeURL carries a token)."""
    return str(exc) if str(exc).startswith("HTTP ") else exc.__class__.__name__


def fetch_raw_email(
    client: Any, bucket: str, key: str, max_bytes: int = MAX_RAW_EMAIL_BYTES
) -> bytes:
    """The raw message at s3://bucket/key. PayloadInvalidError when it is missing or over
    `max_bytes`; StoreUnavailableError when S3 could not answer (worth a retry)."""
    try:
        size = int(client.head_object(Bucket=bucket, Key=key)["ContentLength"])
        if size > max_bytes:
            raise PayloadInvalidError(f"s3://{bucket}/{key}: {size} bytes, over {max_bytes}")
        raw: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read(max_bytes + 1)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _MISSING:
            raise PayloadInvalidError(f"s3://{bucket}/{key}: {code}") from exc
        raise StoreUnavailableError(f"s3://{bucket}/{key}: {code}") from exc
    except BotoCoreError as exc:
        raise StoreUnavailableError(f"s3://{bucket}/{key}: {exc}") from exc
    if len(raw) > max_bytes:
        raise PayloadInvalidError(f"s3://{bucket}/{key}: over {max_bytes} bytes")
    return raw

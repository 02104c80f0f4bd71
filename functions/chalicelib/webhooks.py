"""POST /webhooks/{zendesk,jira,ses}: verify, parse, deduplicate, enqueue, answer.

Every refusal is a JSON body saying which check failed. Accepted means durably recorded: if
the queue hiccups afterwards, the scheduler's sweep hands the delivery to the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib.telemetry import configure, count, json_logger
from chalicelib.wiring import runtime
from connectors.errors import PayloadInvalidError, SignatureRejectedError, UnsupportedEventError
from plaint.vocabulary.errors import PlaintError

if TYPE_CHECKING:
    from plaint.model.events import TicketEvent

log = json_logger("plaint.webhooks")
configure()
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


Reader = Callable[[dict[str, str], bytes], "TicketEvent | dict[str, Any]"]


@webhooks.route("/webhooks/zendesk", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES)
def zendesk_webhook() -> Response:
    from connectors.zendesk import webhook

    rt = runtime()
    return _receive("zendesk", lambda headers, body: webhook.read(
        headers, body, rt.webhook_secrets("zendesk"), rt.clock()))  # fmt: skip


@webhooks.route("/webhooks/jira", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES)
def jira_webhook() -> Response:
    from connectors.jira import webhook

    rt = runtime()
    return _receive("jira", lambda headers, body: webhook.read(
        headers, body, rt.webhook_secrets("jira"), rt.jira_fields(), rt.clock()))  # fmt: skip


@webhooks.route("/webhooks/ses", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES)
def ses_webhook() -> Response:
    """Amazon SES receipts and Send events, delivered by an SNS HTTPS subscription."""
    from connectors.email import webhook

    inbox = runtime().ses_inbox
    return _receive("ses", lambda headers, body: webhook.read(headers, body, inbox))


def _receive(source: str, read: Reader) -> Response:
    """Repeated headers, size, signature and shape checks in that order, then accept."""
    from connectors.headers import event_header_pairs, repeated_header

    request = webhooks.current_request
    repeated = repeated_header(event_header_pairs(request.to_original_event()))
    if repeated is not None:
        _refused(source, "duplicate_header")
        return _answer(400, error="duplicate_header", header=repeated,
                       detail=f"{repeated} appears more than once")  # fmt: skip
    raw = request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    limit = runtime().settings.max_body_bytes
    if len(body) > limit:
        _refused(source, "body_too_large")
        return _answer(413, error="body_too_large", limit_bytes=limit)
    try:
        event = read(dict(request.headers), body)
    except PlaintError as exc:
        return _refusal(source, exc)
    return _answer(200, **event) if isinstance(event, dict) else _accept(event)


def _refused(source: str, reason: str) -> None:
    """Counted and logged by reason alone: the body may hold a person's data."""
    count("DeliveriesRefused", source=source, reason=reason)
    log.info("delivery refused", extra={"source": source, "reason": reason})


def _refusal(source: str, exc: PlaintError) -> Response:
    """The answer to a delivery that could not be read: every reason has its own."""
    if isinstance(exc, SignatureRejectedError):
        _refused(source, "signature_rejected")
        return _answer(401, error="signature_rejected", check=exc.check, detail=str(exc))
    if isinstance(exc, UnsupportedEventError):
        log.info("event ignored", extra={"source": source, "reason": type(exc).__name__})
        return _answer(200, status="ignored", detail=str(exc))
    if isinstance(exc, PayloadInvalidError):
        _refused(source, "invalid_payload")
        return _answer(400, error="invalid_payload", detail=str(exc))
    _refused(source, "temporarily_unavailable")
    log.warning("delivery could not be read", extra={"source": source, "error": type(exc).__name__})
    return _answer(503, error="temporarily_unavailable", detail="retry later")


def _accept(event: TicketEvent) -> Response:
    from plaint.usecases.intake import accept

    rt = runtime()
    inbox, queue = rt.inbox, rt.queue  # all the webhook needs, built together on first use
    source = event.source.value
    context = {"delivery_id": event.delivery_id, "complaint_id": event.complaint_id,
               "source": source}  # fmt: skip
    try:
        if not accept(inbox, event, rt.clock()):
            count("DeliveriesDuplicate", source=source)
            log.info("delivery duplicate", extra=context)
            return _answer(200, status="duplicate", delivery_id=event.delivery_id)
    except PlaintError as exc:
        _refused(source, "temporarily_unavailable")
        log.warning("could not record delivery", extra=context | {"error": type(exc).__name__})
        return _answer(503, error="temporarily_unavailable", detail="retry later")
    count("DeliveriesAccepted", source=source)
    key = f"{event.source}:{event.delivery_id}"
    try:
        queue.enqueue(key)
    except PlaintError as exc:
        # The sweep queues it again (docs/architecture.md#the-sweeps-redrive).
        log.warning("delivery accepted, not queued", extra=context | {"error": type(exc).__name__})
        return _answer(202, status="accepted", delivery_id=event.delivery_id)
    log.info("delivery accepted", extra=context)
    return _answer(202, status="accepted", delivery_id=event.delivery_id)

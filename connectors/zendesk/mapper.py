"""Turn a verified Zendesk webhook delivery into the engine's TicketEvent."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError

from connectors.errors import PayloadInvalidError, UnsupportedEventError
from connectors.payload import decode_object, plain_address, validate, validation_message
from connectors.signing import header_value
from connectors.zendesk.wire import (
    EVENT_TYPE_PREFIX,
    TRIGGER_TEMPLATE_MARKER,
    ChangeEvent,
    CommentEvent,
    EventEnvelope,
    SatisfactionRating,
    TicketDetail,
    TriggerBody,
)
from plaint.model.events import Channel, FieldChange, SourceSystem, TicketEvent, TicketEventKind
from plaint.model.survey import HelpdeskRating

WEBHOOK_ID_HEADER: Final = "X-Zendesk-Webhook-Id"
INVOCATION_ID_HEADER: Final = "X-Zendesk-Webhook-Invocation-Id"
TEMPLATE_HINT: Final = (
    "the body matches neither a Zendesk event-subscription envelope nor the Plaint trigger "
    f'template (a JSON object with "plaint_template": "{TRIGGER_TEMPLATE_MARKER}"); '
    "see connectors/zendesk/trigger_template.json and docs/zendesk.md"
)

_EVENT_KINDS: Final = {
    "ticket.created": TicketEventKind.CREATED,
    "ticket.comment_added": TicketEventKind.COMMENT_ADDED,
    "ticket.status_changed": TicketEventKind.STATUS_CHANGED,
}


def parse_delivery(headers: Mapping[str, str], body: bytes) -> TicketEvent:
    """Map one delivery (already signature-checked) onto a TicketEvent.

    Raises PayloadInvalidError for broken or unknown bodies and UnsupportedEventError for
    valid events that are not about tickets.
    """
    document = decode_object(body)
    if "plaint_template" in document:
        return _from_trigger(headers, body, document)
    if str(document.get("type", "")).startswith(EVENT_TYPE_PREFIX):
        return _from_envelope(document)
    raise PayloadInvalidError(TEMPLATE_HINT)


# --- event-subscription envelope ---------------------------------------------------------


def _from_envelope(document: dict[str, Any]) -> TicketEvent:
    envelope = validate(EventEnvelope, document)
    name = envelope.event_name
    if not name.startswith("ticket."):
        raise UnsupportedEventError(envelope.type)
    detail = validate(TicketDetail, envelope.detail, "detail")
    kind = _EVENT_KINDS.get(name, TicketEventKind.UPDATED)
    return _event(
        delivery_id=envelope.id,
        ticket_id=detail.id,
        kind=kind,
        occurred_at=envelope.time,
        created_at=detail.created_at,
        channel=channel_for(detail.via.channel if detail.via else None),
        complainant_ref=complainant_ref(detail.requester_id),
        language=None,
        subject=detail.subject or "",
        description=_envelope_description(kind, detail, envelope.event),
        agent_reply=_agent_reply(kind, envelope.event),
        tags=detail.tags,
        helpdesk_status=status_name(detail.status or _new_status(kind, envelope.event)),
        changes=_changes(name, envelope.event),
        actor=f"zendesk-user:{detail.actor_id}" if detail.actor_id else None,
        helpdesk_rating=rating_of(detail.satisfaction_rating),
    )


def _changes(name: str, event: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Event types named ticket.<field>_changed carry {current, previous}."""
    if not name.endswith("_changed") or "current" not in event:
        return ()
    change = validate(ChangeEvent, event, "event")
    return (
        FieldChange(
            field=name.removeprefix("ticket.").removesuffix("_changed"),
            before=_text(change.previous),
            after=_text(change.current),
        ),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _new_status(kind: TicketEventKind, event: dict[str, Any]) -> str | None:
    if kind is not TicketEventKind.STATUS_CHANGED:
        return None
    current = validate(ChangeEvent, event, "event").current
    return current if isinstance(current, str) else None


def _envelope_description(
    kind: TicketEventKind, detail: TicketDetail, event: dict[str, Any]
) -> str:
    if kind is TicketEventKind.COMMENT_ADDED:
        comment = validate(CommentEvent, event, "event").comment
        # An agent's reply is not the complainant's words: assess the ticket's description.
        staff = comment.author is not None and comment.author.is_staff
        if comment.body and not staff:
            return comment.body
    return detail.description or ""


def _agent_reply(kind: TicketEventKind, event: dict[str, Any]) -> str | None:
    """An agent's public comment: the only text checked as a letter."""
    if kind is not TicketEventKind.COMMENT_ADDED:
        return None
    comment = validate(CommentEvent, event, "event").comment
    staff = comment.author is not None and comment.author.is_staff is True
    return comment.body if staff and comment.is_public is not False and comment.body else None


# --- trigger / automation body -----------------------------------------------------------


def _from_trigger(headers: Mapping[str, str], body: bytes, document: dict[str, Any]) -> TicketEvent:
    trigger = validate(TriggerBody, document)
    ticket, requester = trigger.ticket, trigger.requester
    # {{ticket.created_at_with_timestamp}} and {{ticket.updated_at_with_timestamp}} are equal
    # only on the update that created the ticket.
    created = ticket.created_at == ticket.updated_at
    kind = TicketEventKind.CREATED if created else TicketEventKind.UPDATED
    # The latest public comment is the complainant's word only when the requester made the
    # update: an agent's reply ("sorry for the trouble") must not be judged as theirs. A
    # body without current_user (an older template) cannot tell, and is read as before.
    updater = trigger.current_user.id
    by_complainant = updater is None or updater == requester.id
    latest = ticket.latest_public_comment if by_complainant and not created else None
    # An update an agent made (current_user known, not the requester): its latest public
    # comment is the agent's reply, the text a letter is checked in.
    by_agent = updater is not None and updater != requester.id and not created
    return _event(
        delivery_id=_trigger_delivery_id(headers, body, ticket.id, ticket.updated_at.isoformat()),
        ticket_id=ticket.id,
        kind=kind,
        occurred_at=ticket.updated_at,
        created_at=ticket.created_at,
        channel=channel_for(ticket.via),
        complainant_ref=complainant_ref(requester.id),
        contact_email=plain_address(requester.email),
        language=language_for(requester.locale) or language_for(requester.language),
        subject=ticket.title or "",
        description=latest or ticket.description or "",
        agent_reply=(ticket.latest_public_comment or None) if by_agent else None,
        product=ticket.product,
        remedy_sought=ticket.remedy_sought,
        tags=ticket.tags,
        helpdesk_status=status_name(ticket.status),
    )


def _trigger_delivery_id(
    headers: Mapping[str, str], body: bytes, ticket_id: str, updated_at: str
) -> str:
    """Every webhook request carries X-Zendesk-Webhook-Invocation-Id, and Zendesk files each
    retry as another *attempt* of the same invocation (GET /api/v2/webhooks/{webhook_id}/
    invocations/{invocation_id}/attempts), so the id is stable across retries
    (https://developer.zendesk.com/documentation/webhooks/anatomy-of-a-webhook-request/,
    https://developer.zendesk.com/api-reference/webhooks/introduction/).

    Without it (a proxy dropped it) we fall back on a digest. {{ticket.updated_at_with_timestamp}}
    has minute precision, so the digest covers the body too: a retry resends the same body,
    two updates within one minute do not.
    """
    webhook_id = header_value(headers, WEBHOOK_ID_HEADER) or ""
    invocation_id = header_value(headers, INVOCATION_ID_HEADER)
    if invocation_id:
        return f"invocation:{webhook_id}:{invocation_id}" if webhook_id else invocation_id
    seed = f"{webhook_id}\n{ticket_id}\n{updated_at}\n".encode() + hashlib.sha256(body).digest()
    return f"digest:{hashlib.sha256(seed).hexdigest()}"


# --- shared -------------------------------------------------------------------------------


# Zendesk's legacy CSAT is two-valued; the API's filters also name the `*_with_comment`
# states. `offered` and `unoffered` are not answers.
_RATING_SCORES = {"good": 1, "good_with_comment": 1, "bad": 0, "bad_with_comment": 0}


def rating_of(rating: SatisfactionRating | None) -> HelpdeskRating | None:
    """The requester's rating on Zendesk's own scale (bad 0, good 1), with its comment and
    the reason for a bad one; None while it is only offered, or not at all."""
    score = _RATING_SCORES.get((rating.score or "").strip().lower()) if rating else None
    if rating is None or score is None:
        return None
    comment = "\n".join(part for part in (rating.comment, rating.reason) if part) or None
    return HelpdeskRating(
        via="zendesk_rating", score=score, lowest=0, highest=1, comment=comment,
        rating_id=rating.id,
    )  # fmt: skip


def _event(**fields: Any) -> TicketEvent:
    try:
        return TicketEvent(source=SourceSystem.ZENDESK, **fields)
    except ValidationError as exc:
        raise PayloadInvalidError(validation_message(exc)) from exc


def complainant_ref(requester_id: str | None) -> str | None:
    return f"zendesk-user:{requester_id}" if requester_id else None


def status_name(status: str | None) -> str | None:
    return status.strip().lower() if status and status.strip() else None


# Via types (https://developer.zendesk.com/documentation/ticketing/reference-guides/via-types/)
# as the envelope sends them, and their descriptions as {{ticket.via}} renders them.
_CHANNELS: Final = {
    "web": Channel.WEB,
    "web_form": Channel.WEB,
    "web_widget": Channel.WEB,
    "dropbox": Channel.WEB,
    "feedback_tab": Channel.WEB,
    "help_center": Channel.WEB,
    "mail": Channel.EMAIL,
    "email": Channel.EMAIL,
    "web_service": Channel.API,
    "api": Channel.API,
    "ticket_sharing": Channel.API,
    "chat": Channel.CHAT,
    "messaging": Channel.CHAT,
    "native_messaging": Channel.CHAT,
    "chat_offline_message": Channel.CHAT,
    "sms": Channel.CHAT,
    "text_message": Channel.CHAT,
    "voice": Channel.PHONE,
    "phone": Channel.PHONE,
    "voicemail": Channel.PHONE,
    "x": Channel.SOCIAL,
}
_CHANNEL_PREFIXES: Final = (
    ("web_service", Channel.API),
    ("phone_call", Channel.PHONE),
    ("twitter", Channel.SOCIAL),
    ("x_", Channel.SOCIAL),
    ("facebook", Channel.SOCIAL),
    ("instagram", Channel.SOCIAL),
    ("whatsapp", Channel.SOCIAL),
    ("line", Channel.SOCIAL),
    ("wechat", Channel.SOCIAL),
    ("telegram", Channel.SOCIAL),
    ("viber", Channel.SOCIAL),
    ("kakao", Channel.SOCIAL),
    ("linkedin", Channel.SOCIAL),
    ("google_business", Channel.SOCIAL),
    ("apple_business", Channel.SOCIAL),
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def channel_for(via: str | None) -> Channel:
    """Zendesk's via channel ("web_form", "mail", or "Web form", "Web service (API)")."""
    if not via:
        return Channel.OTHER
    key = _NON_WORD.sub("_", via.lower()).strip("_")
    if key in _CHANNELS:
        return _CHANNELS[key]
    return next((c for prefix, c in _CHANNEL_PREFIXES if key.startswith(prefix)), Channel.OTHER)


_LANGUAGE_NAMES: Final = {
    "english": "en",
    "arabic": "ar",
    "العربية": "ar",
    "persian": "fa",
    "farsi": "fa",
    "فارسی": "fa",
    "azerbaijani": "az",
    "azeri": "az",
    "azərbaycan": "az",
    "azərbaycan dili": "az",
    "turkish": "tr",
    "türkçe": "tr",
    "russian": "ru",
    "русский": "ru",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "hebrew": "he",
    "urdu": "ur",
    "ukrainian": "uk",
    "kurdish": "ku",
    "chinese": "zh",
    "japanese": "ja",
}
_LOCALE_CODE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*")
_QUALIFIER = re.compile(r"\s*\(.*\)\s*$")


def language_for(value: str | None) -> str | None:
    """A lowercase primary language tag from a locale code ("en-US", "fa") or a language
    name as {{ticket.requester.language}} renders it ("English", "Persian"); else None."""
    if not value:
        return None
    text = _QUALIFIER.sub("", value.strip().lower())
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    match = _LOCALE_CODE.fullmatch(text)
    return match.group(1) if match else None

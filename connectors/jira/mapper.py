"""Turn a verified Jira (Service Management) webhook delivery into the engine's TicketEvent."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError

from connectors.errors import PayloadInvalidError, UnsupportedEventError
from connectors.jira.wire import Comment, Issue, IssueFields, User, WebhookPayload, adf_text
from connectors.payload import decode_object, validate, validation_message
from connectors.signing import header_value
from plaint.model.events import Channel, FieldChange, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.intake import JiraFieldMapping

DELIVERY_ID_HEADER: Final = "X-Atlassian-Webhook-Identifier"

ISSUE_CREATED: Final = "jira:issue_created"
ISSUE_UPDATED: Final = "jira:issue_updated"
COMMENT_CREATED: Final = "comment_created"
# Server/DC (and older Cloud sites) report a new comment as an issue update of this type,
# with the comment embedded next to the issue.
ISSUE_COMMENTED: Final = "issue_commented"


def parse_delivery(
    headers: Mapping[str, str], body: bytes, mapping: JiraFieldMapping | None = None
) -> TicketEvent:
    """Map one delivery (already signature-checked) onto a TicketEvent.

    Raises PayloadInvalidError for broken or wrongly shaped bodies and UnsupportedEventError
    for valid events that are not a new or changed issue or a new comment.
    """
    mapping = mapping or JiraFieldMapping()
    payload = validate(WebhookPayload, decode_object(body))
    kind = _kind(payload)
    if payload.issue is None:
        raise PayloadInvalidError(f"issue: missing; a {payload.webhook_event} event names no issue")
    issue = validate(Issue, payload.issue, "issue")
    fields = issue.fields
    comment = payload.comment if kind is TicketEventKind.COMMENT_ADDED else None
    if kind is TicketEventKind.COMMENT_ADDED and comment is None:
        raise PayloadInvalidError(f"comment: missing from a {payload.webhook_event} event")
    occurred_at = payload.timestamp or fields.updated or _comment_time(comment)
    if occurred_at is None:
        raise PayloadInvalidError("timestamp: missing, and issue.fields.updated too")
    reporter = fields.reporter or fields.creator
    author_speaks = comment is not None and _from_complainant(comment, reporter)
    complainant = reporter.ref if reporter else None
    if complainant is None and comment is not None and _is_customer(comment.author):
        complainant = comment.author.ref if comment.author else None
    return _event(
        delivery_id=delivery_id(headers, payload, issue),
        ticket_id=issue.key,
        kind=kind,
        occurred_at=occurred_at,
        # Comment webhooks embed a slim issue without `created`: the change's own time is the
        # best bound left. An issue seen first through jira:issue_created has its real one.
        created_at=fields.created or occurred_at,
        channel=channel_for(field_text(fields.value_of(mapping.channel_field or ""))),
        complainant_ref=f"jira-user:{complainant}" if complainant else None,
        language=language_for(field_text(fields.value_of(mapping.language_field or ""))),
        subject=fields.summary or "",
        description=(comment.body if author_speaks and comment else None)
        or fields.description
        or "",
        agent_reply=_agent_reply(comment, reporter),
        product=mapped_field(fields, mapping.product_field),
        remedy_sought=mapped_field(fields, mapping.remedy_field),
        tags=fields.labels,
        helpdesk_status=status_name(fields),
        changes=field_changes(payload, mapping),
        actor=f"jira-user:{payload.user.ref}" if payload.user and payload.user.ref else None,
    )


def field_changes(payload: WebhookPayload, mapping: JiraFieldMapping) -> tuple[FieldChange, ...]:
    """The changelog in the engine's words; the admin's custom fields under their roles."""
    if payload.changelog is None:
        return ()
    roles = {
        field_id: role.removesuffix("_field")
        for role, field_id in mapping.model_dump().items()
        if field_id
    }
    return tuple(
        FieldChange(
            field=roles.get(item.field_id or "", item.field or item.field_id or "unknown"),
            before=item.from_string if item.from_string is not None else item.from_value,
            after=item.to_string if item.to_string is not None else item.to_value,
        )
        for item in payload.changelog.items
    )


def _kind(payload: WebhookPayload) -> TicketEventKind:
    event = payload.webhook_event
    if event == ISSUE_CREATED:
        return TicketEventKind.CREATED
    if event == COMMENT_CREATED:
        return TicketEventKind.COMMENT_ADDED
    if event == ISSUE_UPDATED:
        if payload.changelog is not None and payload.changelog.changed("status"):
            return TicketEventKind.STATUS_CHANGED
        if payload.issue_event_type_name == ISSUE_COMMENTED and payload.comment is not None:
            return TicketEventKind.COMMENT_ADDED
        return TicketEventKind.UPDATED
    raise UnsupportedEventError(event)


def delivery_id(headers: Mapping[str, str], payload: WebhookPayload, issue: Issue) -> str:
    """X-Atlassian-Webhook-Identifier names the delivery and stays the same when Jira
    retries it (https://developer.atlassian.com/cloud/jira/platform/webhooks/, "Retry
    policy"; the failed-webhooks API reports the same id). Server/DC sends no such header:
    then a digest of what tells one event from another, which a retry repeats unchanged."""
    identifier = header_value(headers, DELIVERY_ID_HEADER)
    if identifier:
        return identifier
    stamp = str(int(payload.timestamp.timestamp() * 1000)) if payload.timestamp else ""
    parts = (
        payload.webhook_event,
        issue.id or issue.key,
        stamp,
        payload.comment.id if payload.comment and payload.comment.id else "",
        payload.changelog.id if payload.changelog and payload.changelog.id else "",
    )
    return "digest:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _event(**fields: Any) -> TicketEvent:
    try:
        return TicketEvent(source=SourceSystem.JIRA, **fields)
    except ValidationError as exc:
        raise PayloadInvalidError(validation_message(exc)) from exc


def _comment_time(comment: Comment | None) -> Any:
    return (comment.updated or comment.created) if comment else None


def _from_complainant(comment: Comment, reporter: User | None) -> bool:
    """Whether a comment is the complainant's words rather than an agent's. Jira has no
    "is staff" flag: an internal JSM note (jsdPublic false) is an agent's; otherwise the
    reporter wrote it, or a JSM customer account did; with neither known, it counts."""
    if comment.jsd_public is False:
        return False
    author = comment.author.ref if comment.author else None
    if reporter is not None and reporter.ref and author:
        return author == reporter.ref
    if comment.author is not None and comment.author.account_type:
        return comment.author.account_type == "customer"
    return True


def _agent_reply(comment: Comment | None, reporter: User | None) -> str | None:
    """An agent's comment the customer sees: the only text checked as a letter. An internal
    note (jsdPublic false) is not a letter, nor a comment whose author cannot be told apart
    from the complainant."""
    if comment is None or comment.jsd_public is False or not comment.body:
        return None
    return None if _from_complainant(comment, reporter) else comment.body


def _is_customer(user: User | None) -> bool:
    """A JSM customer account: on Cloud, the only kind that is surely the complainant."""
    return user is not None and user.account_type == "customer"


def status_name(fields: IssueFields) -> str | None:
    name = fields.status.name if fields.status else None
    return name.strip().lower() if name and name.strip() else None


def mapped_field(fields: IssueFields, field_id: str | None) -> str | None:
    return field_text(fields.value_of(field_id)) if field_id else None


def field_text(value: Any) -> str | None:
    """The text of a field value as Jira sends it: a string or number; an option
    {"value": ...}; a user, version or component {"name"/"displayName": ...}; a JSM
    request type {"requestType": {"name": ...}}; an ADF document; a list of these (joined
    with ", "); None when empty."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        texts = [text for text in (field_text(item) for item in value) if text]
        return ", ".join(texts) or None
    if isinstance(value, dict):
        return _object_text(value)
    return None


def _object_text(value: dict[str, Any]) -> str | None:
    if value.get("type") == "doc":
        return adf_text(value) or None
    if isinstance(value.get("requestType"), dict):
        return field_text(value["requestType"].get("name"))
    text = next(
        (t for t in (field_text(value.get(k)) for k in ("value", "name", "displayName")) if t),
        None,
    )
    child = value.get("child")  # a cascading select: "parent - child"
    suffix = _object_text(child) if text and isinstance(child, dict) else None
    return f"{text} - {suffix}" if suffix else text


_CHANNELS: Final = {
    "email": Channel.EMAIL,
    "mail": Channel.EMAIL,
    "portal": Channel.WEB,
    "customer_portal": Channel.WEB,
    "web": Channel.WEB,
    "web_form": Channel.WEB,
    "widget": Channel.WEB,
    "help_center": Channel.WEB,
    "api": Channel.API,
    "jira": Channel.API,
    "phone": Channel.PHONE,
    "voice": Channel.PHONE,
    "call": Channel.PHONE,
    "chat": Channel.CHAT,
    "slack": Channel.CHAT,
    "msteams": Channel.CHAT,
    "microsoft_teams": Channel.CHAT,
    "virtual_agent": Channel.CHAT,
    "sms": Channel.CHAT,
    "social": Channel.SOCIAL,
    "twitter": Channel.SOCIAL,
    "x": Channel.SOCIAL,
    "facebook": Channel.SOCIAL,
    "whatsapp": Channel.SOCIAL,
    "in_person": Channel.IN_PERSON,
    "walk_in": Channel.IN_PERSON,
}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def channel_for(value: str | None) -> Channel:
    """The channel named by the admin's channel field ("Email", "Portal", "Phone"...)."""
    if not value:
        return Channel.OTHER
    return _CHANNELS.get(_NON_WORD.sub("_", value.lower()).strip("_"), Channel.OTHER)


_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*")


def language_for(value: str | None) -> str | None:
    """A lowercase primary language tag from a locale code ("en-US", "fa", "az_AZ")."""
    if not value:
        return None
    match = _LANGUAGE_TAG.fullmatch(value.strip().lower())
    return match.group(1) if match else None

"""Zendesk's wire formats, with Zendesk's own field names.

Two kinds of webhook body reach us:

* the event-subscription envelope (https://developer.zendesk.com/api-reference/webhooks/
  event-types/ticket-events/): fixed shape, ids as strings, UPPERCASE status, `time` with
  nanoseconds;
* a trigger or automation body, free JSON the admin writes from placeholders, where every
  value arrives as text. We accept one shape of it, the template below.

Lenient where Zendesk is (unknown fields are ignored, optional values may be null), strict
where the engine needs a value (ticket number, timestamps).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from connectors.payload import BoundedId, BoundedTags, plausible

TRIGGER_TEMPLATE_MARKER: Final = "zendesk-trigger/1"
EVENT_TYPE_PREFIX: Final = "zen:event-type:"

# The recommended trigger body (shipped as trigger_template.json next to this module).
# Replace PRODUCT_FIELD_ID and REMEDY_FIELD_ID with the ids of your custom ticket fields.
TRIGGER_TEMPLATE: Final[dict[str, Any]] = {
    "plaint_template": TRIGGER_TEMPLATE_MARKER,
    "ticket": {
        "id": "{{ticket.id}}",
        "created_at": "{{ticket.created_at_with_timestamp}}",
        "updated_at": "{{ticket.updated_at_with_timestamp}}",
        "title": "{{ticket.title}}",
        "description": "{{ticket.description}}",
        "latest_public_comment": "{{ticket.latest_public_comment}}",
        "status": "{{ticket.status}}",
        "tags": "{{ticket.tags}}",
        "via": "{{ticket.via}}",
        "brand": "{{ticket.brand.name}}",
        "product": "{{ticket.ticket_field_option_title_PRODUCT_FIELD_ID}}",
        "remedy_sought": "{{ticket.ticket_field_REMEDY_FIELD_ID}}",
    },
    "requester": {
        "id": "{{ticket.requester.id}}",
        "language": "{{ticket.requester.language}}",
        "locale": "{{ticket.requester.locale}}",
        # Where a satisfaction survey goes (plaint.surveys), when the policy sends them.
        "email": "{{ticket.requester.email}}",
    },
    # Who made the update that fired the trigger: an agent's reply is no complainant's word.
    "current_user": {"id": "{{current_user.id}}"},
}

_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")
_FRACTION = re.compile(r"(\.\d{6})\d+")


def is_rendered(value: str) -> bool:
    """False for text Zendesk left as a bare placeholder, and for blank text."""
    stripped = value.strip()
    return bool(stripped) and not _PLACEHOLDER.fullmatch(stripped)


def to_datetime(value: Any) -> Any:
    """Read a Zendesk timestamp. Python keeps microseconds, Zendesk sends nanoseconds: the
    extra digits are cut. Zendesk's timestamps are UTC, so one without an offset is UTC
    (https://developer.zendesk.com/api-reference/introduction/requests)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _optional_text(value: Any) -> Any:
    if isinstance(value, str) and not is_rendered(value):
        return None
    return value


def _required_text(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not is_rendered(value)):
        raise ValueError("missing, or left unrendered by Zendesk")
    return value.strip() if isinstance(value, str) else value


def _required_time(value: Any) -> Any:
    return to_datetime(_required_text(value))


def _tag_list(value: Any) -> Any:
    # {{ticket.tags}} renders as one space-separated string; the envelope sends a list.
    value = _optional_text(value)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    return value


ZendeskTime = Annotated[datetime, BeforeValidator(to_datetime), AfterValidator(plausible)]
RequiredTime = Annotated[datetime, BeforeValidator(_required_time), AfterValidator(plausible)]
TicketNumber = Annotated[str, BeforeValidator(_required_text), Field(pattern=r"^\d{1,20}$")]
Text = Annotated[str | None, BeforeValidator(_optional_text)]
Id = BoundedId | None
TextId = Annotated[Id, BeforeValidator(_optional_text)]
Tags = Annotated[BoundedTags, BeforeValidator(_tag_list)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


# --- event-subscription envelope -------------------------------------------------------


class Via(Wire):
    channel: str | None = None


class SatisfactionRating(Wire):
    """A ticket's legacy CSAT rating, as the Tickets API and the incremental export show it:
    {"id", "score": good|bad|offered|unoffered, "comment", "reason"}
    (https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/)."""

    id: Id = None
    score: Annotated[str, Field(max_length=40)] | None = None
    comment: Text = None
    reason: Text = None


class TicketDetail(Wire):
    """`detail` of a zen:event-type:ticket.* event: the ticket after the change. The same
    shape as the incremental export's tickets, which also carry `satisfaction_rating`."""

    id: TicketNumber
    created_at: ZendeskTime
    updated_at: ZendeskTime | None = None
    subject: Text = None
    description: Text = None
    status: str | None = None
    priority: str | None = None
    type: str | None = None
    tags: Tags = ()
    via: Via | None = None
    requester_id: Id = None
    submitter_id: Id = None
    assignee_id: Id = None
    brand_id: Id = None
    group_id: Id = None
    organization_id: Id = None
    form_id: Id = None
    external_id: Id = None
    actor_id: Id = None
    custom_status: Id = None
    is_public: bool | None = None
    satisfaction_rating: SatisfactionRating | None = None


class CommentAuthor(Wire):
    id: Id = None
    is_staff: bool | None = None
    name: str | None = None


class EventComment(Wire):
    id: str | None = None
    body: str | None = None
    is_public: bool | None = None
    author: CommentAuthor | None = None


class CommentEvent(Wire):
    """`event` of ticket.comment_added (and the other comment events)."""

    comment: EventComment


class ChangeEvent(Wire):
    """`event` of the *_changed events: what the property was and is now."""

    current: Any = None
    previous: Any = None


class EventEnvelope(Wire):
    type: Annotated[str, Field(pattern=r"^zen:event-type:\S+$")]
    account_id: int
    id: Annotated[str, Field(min_length=1, max_length=256)]
    subject: str
    time: ZendeskTime
    zendesk_event_version: str
    detail: dict[str, Any]
    event: dict[str, Any] = Field(default_factory=dict)

    @property
    def event_name(self) -> str:
        """`ticket.created` for `zen:event-type:ticket.created`."""
        return self.type.removeprefix(EVENT_TYPE_PREFIX)


# --- trigger / automation body (our template) --------------------------------------------


class TriggerTicket(Wire):
    id: TicketNumber
    created_at: RequiredTime
    updated_at: RequiredTime
    title: Text = None
    description: Text = None
    latest_public_comment: Text = None
    status: Text = None
    tags: Tags = ()
    via: Text = None
    brand: Text = None
    product: Text = None
    remedy_sought: Text = None


class TriggerRequester(Wire):
    id: TextId = None
    language: Text = None
    locale: Text = None
    email: Text = None


class TriggerUpdater(Wire):
    id: TextId = None


class TriggerBody(Wire):
    plaint_template: Literal["zendesk-trigger/1"]
    ticket: TriggerTicket
    requester: TriggerRequester = TriggerRequester()
    current_user: TriggerUpdater = TriggerUpdater()


# --- REST API ----------------------------------------------------------------------------


class ApiWire(Wire):
    """The REST API's answers: read by the worker's outbound calls, never by a webhook, so
    their validators are built on first use rather than when a webhook imports this."""

    model_config = ConfigDict(defer_build=True)


class ApiTicket(ApiWire):
    """The part of GET /api/v2/tickets/{id}.json the outbound side reads."""

    id: int
    tags: list[str] = Field(default_factory=list)
    # Kept as sent: it goes back verbatim as `updated_stamp` for a safe update.
    updated_at: str | None = None
    status: str | None = None
    subject: str | None = None


class ApiTicketResponse(ApiWire):
    ticket: ApiTicket


class ApiUser(ApiWire):
    """A user as Show User answers it (https://developer.zendesk.com/api-reference/
    ticketing/users/users/): only what a survey needs."""

    id: Id = None
    email: str | None = Field(default=None, max_length=320)


class ApiUserResponse(ApiWire):
    user: ApiUser


class CursorMeta(ApiWire):
    """`meta` of a cursor-paginated list (https://developer.zendesk.com/api-reference/
    introduction/pagination/)."""

    has_more: bool = False
    after_cursor: str | None = None


class ApiAttachment(ApiWire):
    id: int | None = None
    file_name: str | None = None
    content_url: str | None = None
    deleted: bool = False


class ApiComment(ApiWire):
    """One entry of GET /api/v2/tickets/{id}/comments.json."""

    id: int
    type: str | None = None
    body: str | None = None
    html_body: str | None = None
    plain_body: str | None = None
    attachments: list[ApiAttachment] = Field(default_factory=list)


class ApiCommentPage(ApiWire):
    comments: list[ApiComment] = Field(default_factory=list)
    meta: CursorMeta = CursorMeta()


class ApiDeletedTicket(ApiWire):
    id: int


class ApiDeletedTicketPage(ApiWire):
    """A page of GET /api/v2/deleted_tickets.json: the soft-deleted tickets not yet
    deleted for good."""

    deleted_tickets: list[ApiDeletedTicket] = Field(default_factory=list)
    meta: CursorMeta = CursorMeta()


class ApiJobStatus(ApiWire):
    """A background job (https://developer.zendesk.com/api-reference/ticketing/
    ticket-management/job_statuses/): `status` is queued, working, failed or completed."""

    id: str
    status: str | None = None
    message: str | None = None
    results: Any = None


class ApiJobStatusResponse(ApiWire):
    job_status: ApiJobStatus

"""What the helpdesk tells us: ticket events in the engine's own words, and the deliveries
that carried them. Connectors map their wire models onto these."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from plaint.model.survey import HelpdeskRating
from plaint.vocabulary.base import AwareDatetime, Frozen


class SourceSystem(StrEnum):
    ZENDESK = "zendesk"
    JIRA = "jira"
    EMAIL = "email"
    # Where referral actions go: an external dispute-resolution provider (ISO 10003).
    PROVIDER = "provider"


class Channel(StrEnum):
    """How the complainant reached the organisation (ISO 10002 7.2: receipt by any channel)."""

    EMAIL = "email"
    WEB = "web"
    PHONE = "phone"
    CHAT = "chat"
    SOCIAL = "social"
    API = "api"
    IN_PERSON = "in_person"
    OTHER = "other"


class TicketEventKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    COMMENT_ADDED = "comment_added"
    STATUS_CHANGED = "status_changed"


class FieldChange(Frozen):
    """One field the helpdesk says changed, in the helpdesk's words: status, priority,
    labels, request type, or the admin's own fields under the names the policy gives them."""

    field: str = Field(min_length=1, max_length=200)
    before: str | None = None
    after: str | None = None


class TicketEvent(Frozen):
    """One change to one helpdesk ticket, in the engine's words.

    `occurred_at` is the helpdesk's own time of the change; it orders updates, because
    helpdesks promise no delivery order. `created_at` is when the ticket was opened,
    which is the receipt time of the complaint.
    """

    source: SourceSystem
    delivery_id: str = Field(min_length=1, max_length=256)
    ticket_id: str = Field(min_length=1, max_length=128)
    kind: TicketEventKind
    occurred_at: AwareDatetime
    created_at: AwareDatetime
    channel: Channel = Channel.OTHER
    complainant_ref: str | None = None
    language: str | None = None
    subject: str = ""
    description: str = ""
    product: str | None = None
    remedy_sought: str | None = None
    tags: tuple[str, ...] = ()
    helpdesk_status: str | None = None
    changes: tuple[FieldChange, ...] = ()
    reply_to: str | None = Field(
        default=None, description="Where to answer, for channels with no helpdesk (email)."
    )
    thread_message_id: str | None = None
    contact_email: str | None = Field(
        default=None,
        max_length=320,
        description="The complainant's email address when the helpdesk sends it (a Zendesk "
        "trigger's requester email): where a satisfaction survey may go.",
    )
    helpdesk_rating: HelpdeskRating | None = Field(
        default=None,
        description="The complainant's satisfaction rating the helpdesk collected, when this "
        "event carries one (ISO 10004): recorded as the survey's `overall` answer.",
    )
    actor: str | None = Field(
        default=None,
        max_length=256,
        description="Who made the change, when the helpdesk says: an agent's user id.",
    )
    agent_reply: str | None = Field(
        default=None,
        description="The text of an agent's public reply this event carries: the only text "
        "a final response, summary resolution or holding response is checked in. None when "
        "the change carries no reply, or the complainant's or an internal note.",
    )
    recovered: bool = Field(
        default=False,
        description="Found by reconciliation with the helpdesk, not delivered by a webhook.",
    )
    set_aside: str | None = Field(
        default=None,
        description="Why intake recorded this delivery without judging it (spam, a bounce, "
        "an unparseable message...).",
    )
    signed_digest: str | None = Field(
        default=None,
        max_length=128,
        description="A digest of the delivery's verified signature, itself a keyed digest of "
        "what it covers. The vendor's delivery id is not signed, so a captured request re-sent "
        "under a new id has the same one: intake remembers both, and either marks a duplicate.",
    )

    @property
    def complaint_id(self) -> str:
        return complaint_id_for(self.source, self.ticket_id)


def complaint_id_for(source: SourceSystem, ticket_id: str) -> str:
    return f"{source.value}:{ticket_id}"


class DeliveryStatus(StrEnum):
    ACCEPTED = "accepted"
    PROCESSED = "processed"


class Delivery(Frozen):
    """A webhook delivery we accepted: durable before we answer 2xx, kept at least 76 hours
    so that the helpdesk's retries are recognised."""

    source: SourceSystem
    delivery_id: str
    received_at: AwareDatetime
    event: TicketEvent
    status: DeliveryStatus = DeliveryStatus.ACCEPTED
    outcome: str | None = None

    @property
    def key(self) -> str:
        return f"{self.source.value}:{self.delivery_id}"

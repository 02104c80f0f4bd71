"""What Plaint owes the helpdesk: outbound actions and the conditional updates of their state."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from plaint.model.events import SourceSystem
from plaint.vocabulary.base import AwareDatetime, Frozen


class ActionKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    FLAG_OVERDUE = "flag_overdue"
    CLOCK_ALERT = "clock_alert"  # a warning or a breach: tags, fields, a note to agents
    AGENT_NOTE = "agent_note"  # a private note and tags, e.g. what a blocked letter lacks
    # Past its retention date, the policy may ask the helpdesk to dispose of the ticket too.
    REDACT_TICKET = "redact_ticket"  # remove the complainant's words and identity, keep the ticket
    DELETE_TICKET = "delete_ticket"  # delete it for good
    # ISO 10003: tell the complainant where to go next; send the referral packet to a provider.
    INFORM = "inform"  # a public reply on the ticket (or an email) to the complainant
    REFER = "refer"  # fields["packet"]: the referral packet, JSON; fields["provider"]: its id
    # ISO 10004: the satisfaction survey email (fields["html"]: its HTML part with the links)
    SURVEY = "survey"


class ActionStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    PARKED = "parked"


class OutboundAction(Frozen):
    """Something owed to the helpdesk: recorded with its decision, carried out at least once.

    `action_id` is the idempotency key. `marker_tag` is written in the same helpdesk update as
    the comment, so a retry after an unknown outcome can see the first attempt landed.
    """

    action_id: str
    complaint_id: str
    kind: ActionKind
    source: SourceSystem
    ticket_id: str
    language: str
    comment: str | None = None
    public: bool = True
    recipient: str | None = None
    in_reply_to: str | None = None
    add_tags: tuple[str, ...] = ()
    # Tags that no longer hold (letter_blocked once a letter passes); taken off in the update.
    remove_tags: tuple[str, ...] = ()
    fields: dict[str, str] = Field(default_factory=dict)
    marker_tag: str
    status: ActionStatus = ActionStatus.PENDING
    attempts: int = 0
    next_attempt_at: AwareDatetime
    last_error: str | None = None


class LandedWrite(Frozen):
    """What Plaint's own update left on the ticket, as the helpdesk answered it: the
    ticket's version (its updated time) and status just before the update and after it.
    Reconciliation reads a ticket last changed by this update as no lost webhook."""

    before_at: AwareDatetime | None = None
    before_status: str | None = None
    at: AwareDatetime
    status: str | None = None


class ActionUpdate(Frozen):
    """A new state for a recorded action, written only if nobody moved it meanwhile."""

    action: OutboundAction
    expected_status: ActionStatus
    expected_attempts: int

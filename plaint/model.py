"""The complaint-handling domain: what a helpdesk tells us, what we decide, what we owe.

Field names follow ISO 10002 (7.2 receipt, 7.5 initial assessment). Vendor names never
appear here: connectors map their wire models onto these.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from plaint.base import AwareDatetime, Frozen
from plaint.providers import Money
from plaint.regime import ClockKind, Duration, Expiry, Milestone
from plaint.retention_policy import RetentionOutcome, TicketDisposal


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
    recovered: bool = Field(
        default=False,
        description="Found by reconciliation with the helpdesk, not delivered by a webhook.",
    )
    set_aside: str | None = Field(
        default=None,
        description="Why intake recorded this delivery without judging it (spam, a bounce, "
        "an unparseable message...).",
    )

    @property
    def complaint_id(self) -> str:
        return complaint_id_for(self.source, self.ticket_id)


def complaint_id_for(source: SourceSystem, ticket_id: str) -> str:
    return f"{source.value}:{ticket_id}"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Flag(StrEnum):
    """ISO 10002 7.5: matters that change how a complaint must be handled."""

    SAFETY = "safety"
    REGULATORY = "regulatory"
    VULNERABILITY = "vulnerability"


class RuleMatch(Frozen):
    """Which policy rule decided which part of an assessment."""

    attribute: str
    value: str
    rule_id: str


class Assessment(Frozen):
    """ISO 10002 7.5 initial assessment."""

    is_complaint: bool
    category: str
    severity: Severity
    regime: str | None = None
    flags: tuple[Flag, ...] = ()
    matches: tuple[RuleMatch, ...] = ()

    def rule_for(self, attribute: str) -> str | None:
        return next((m.rule_id for m in self.matches if m.attribute == attribute), None)


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    NOT_A_COMPLAINT = "not_a_complaint"


class ClockStatus(StrEnum):
    WAITING = "waiting"  # its start milestone has not happened yet
    RUNNING = "running"
    PAUSED = "paused"  # a service clock while the helpdesk status says so
    MET = "met"
    DISCHARGED = "discharged"  # another branch made it unnecessary
    LAPSED = "lapsed"  # a window that closed
    BREACHED = "breached"

    @property
    def is_open(self) -> bool:
        return self in (ClockStatus.WAITING, ClockStatus.RUNNING, ClockStatus.PAUSED)


class WarningMark(Frozen):
    fraction: float
    at: AwareDatetime
    recorded: bool = False


class Clock(Frozen):
    """One clock of one complaint. Its length is frozen at receipt with the policy version
    the complaint was received under; only an audited recalculation changes it."""

    clock_id: str
    regime: str
    kind: ClockKind
    on_expiry: Expiry
    calendar: str
    starts_on: Milestone = Milestone.RECEIPT
    met_by: tuple[Milestone, ...]
    discharged_by: tuple[str, ...] = ()
    within: Duration
    extension_by: Milestone | None = None
    extension_to: Duration | None = None
    status: ClockStatus = ClockStatus.WAITING
    started_at: AwareDatetime | None = None
    due_at: AwareDatetime | None = None
    extended: bool = False
    warn_fractions: tuple[float, ...] = ()
    warnings: tuple[WarningMark, ...] = ()
    paused_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    met_at: AwareDatetime | None = None

    def next_instant(self) -> datetime | None:
        """When the sweep next has something to record for this clock."""
        if self.status is not ClockStatus.RUNNING or self.due_at is None:
            return None
        pending = [mark.at for mark in self.warnings if not mark.recorded]
        return min([*pending, self.due_at])


class LegalHold(Frozen):
    """An authorised person's order to keep a complaint's record whatever its retention
    date says (litigation, a regulator's investigation)."""

    hold_id: str
    reason: str = Field(min_length=1)
    reference: str | None = None
    set_by: str
    set_at: AwareDatetime
    released_by: str | None = None
    released_at: AwareDatetime | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None


class Retention(Frozen):
    """The retention class a closed complaint got, and when its record falls to be
    disposed of. Recomputed, and audited, if the complaint is reopened and closed again."""

    class_id: str
    outcome: RetentionOutcome
    closed_at: AwareDatetime
    retain_until: AwareDatetime
    dispose_at: AwareDatetime = Field(description="retain_until plus the policy's grace.")
    ticket: TicketDisposal
    policy_version: str
    disposed_at: AwareDatetime | None = None


class ReferralStage(StrEnum):
    INELIGIBLE = "ineligible"  # told where to go next, but outside the provider's rules
    OFFERED = "offered"  # told of the right to refer; the packet is the complainant's to send
    REFERRED = "referred"  # the packet is on its way, or was sent
    ACKNOWLEDGED = "acknowledged"  # the provider took the case: the response clock runs
    RESPONDED = "responded"  # the organisation answered the provider
    DECIDED = "decided"  # settled, recommendation, or determination
    IMPLEMENTED = "implemented"  # the outcome carried out (redress paid)
    CLOSED = "closed"


class ReferralOutcome(StrEnum):
    SETTLED = "settled"
    RECOMMENDATION_ACCEPTED = "recommendation_accepted"
    RECOMMENDATION_REJECTED = "recommendation_rejected"
    DETERMINATION_UPHELD = "determination_upheld"  # for the complainant
    DETERMINATION_NOT_UPHELD = "determination_not_upheld"

    @property
    def overturns(self) -> bool:
        """The provider disagreed with the organisation's decision (ISO 10002 8.6 review)."""
        return self in (
            ReferralOutcome.RECOMMENDATION_ACCEPTED,
            ReferralOutcome.RECOMMENDATION_REJECTED,
            ReferralOutcome.DETERMINATION_UPHELD,
        )


class Referral(Frozen):
    referral_id: str
    provider_id: str
    trigger: str
    stage: ReferralStage
    reasons: tuple[str, ...] = Field(default=(), description="Why it is ineligible, if it is.")
    offered_at: AwareDatetime
    referred_at: AwareDatetime | None = None
    acknowledged_at: AwareDatetime | None = None
    responded_at: AwareDatetime | None = None
    outcome: ReferralOutcome | None = None
    decided_at: AwareDatetime | None = None
    redress: Money | None = None
    implemented_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None


class Complaint(Frozen):
    """The compliance record of one complaint. The helpdesk keeps the conversation; we keep
    the least personal data the evidence needs (a digest of the description, not its text)."""

    complaint_id: str
    source: SourceSystem
    ticket_id: str
    channel: Channel
    received_at: AwareDatetime
    complainant_ref: str | None
    language: str
    subject: str
    product: str | None
    description_digest: str
    remedy_sought: str | None
    assessment: Assessment
    status: ComplaintStatus
    policy_version: str
    acknowledgement_due_at: AwareDatetime | None
    acknowledged_at: AwareDatetime | None = None
    acknowledgement_overdue: bool = False
    helpdesk_status: str | None = None
    clocks_policy_version: str | None = Field(
        default=None, description="Set when an audited recalculation re-froze the clocks."
    )
    regime: str | None = None
    clocks: tuple[Clock, ...] = ()
    milestones: dict[Milestone, AwareDatetime] = Field(default_factory=dict)
    retention: Retention | None = None
    holds: tuple[LegalHold, ...] = ()
    amount_claimed: Money | None = None
    referrals: tuple[Referral, ...] = ()
    restricted_at: AwareDatetime | None = Field(
        default=None, description="Processing restricted at the complainant's request."
    )
    source_version: AwareDatetime
    revision: int = Field(ge=1)

    @property
    def held(self) -> bool:
        return any(hold.active for hold in self.holds)

    @property
    def disposal_due_at(self) -> datetime | None:
        """When the retention sweep must dispose of this record; None while held."""
        retention = self.retention
        if retention is None or retention.disposed_at is not None or self.held:
            return None
        return retention.dispose_at

    @property
    def acknowledgement_owed(self) -> bool:
        """Not acknowledged, and not yet recorded as overdue."""
        return (
            self.status is ComplaintStatus.RECEIVED
            and self.acknowledged_at is None
            and not self.acknowledgement_overdue
        )

    def next_due_at(self) -> datetime | None:
        """The next instant the sweep must look at this complaint: an acknowledgement
        falling due, a clock's warning, its deadline, the end of its retention."""
        instants = [c.next_instant() for c in self.clocks] + [self.disposal_due_at]
        if self.acknowledgement_owed:
            instants.append(self.acknowledgement_due_at)
        return min((i for i in instants if i is not None), default=None)


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
    fields: dict[str, str] = Field(default_factory=dict)
    marker_tag: str
    status: ActionStatus = ActionStatus.PENDING
    attempts: int = 0
    next_attempt_at: AwareDatetime
    last_error: str | None = None


class ClockStanding(StrEnum):
    """Where a clock stood when an entry was written: what an auditor filters by."""

    ON_TIME = "on_time"
    WARNED = "warned"
    BREACHED = "breached"
    LAPSED = "lapsed"
    DISCHARGED = "discharged"


class AuditFacets(Frozen):
    """What the compliance log is queried by, besides complaint, kind, time and policy
    version. Part of the hashed entry, so an entry cannot be hidden from a query unseen."""

    category: str | None = None
    jurisdiction: str | None = None
    clock_status: ClockStanding | None = None


class AuditDraft(Frozen):
    """An audit entry before it is placed on the chain. `personal` holds the values that
    identify a person: the entry commits to salted digests of them, so they can be erased
    later without breaking the chain."""

    kind: str
    complaint_id: str | None
    policy_version: str
    at: AwareDatetime
    rule_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    facets: AuditFacets = AuditFacets()
    personal: dict[str, str] = Field(default_factory=dict)


class PersonalValue(Frozen):
    """A personal value kept beside its entry, with the salt of its digest. Erasure removes
    both; the digest stays in the hashed entry and still verifies."""

    value: str
    salt: str


class AuditEntry(Frozen):
    """An append-only, hash-chained record of one decision, on its complaint's chain."""

    chain: str
    seq: int = Field(ge=1)
    kind: str
    complaint_id: str | None
    policy_version: str
    at: AwareDatetime
    rule_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    facets: AuditFacets = AuditFacets()
    personal_digests: dict[str, str] = Field(default_factory=dict)
    personal: dict[str, PersonalValue] = Field(default_factory=dict)
    prev_hash: str
    hash: str


class Erasure(Frozen):
    """Personal values to remove from a written entry, through the erasure path: the entry's
    digests stay, and a `personal_data.erased` entry in the same decision names them.
    `expected` is the entry's personal values as read, so a concurrent change fails."""

    chain: str
    seq: int = Field(ge=1)
    fields: tuple[str, ...] = Field(min_length=1)
    expected: dict[str, PersonalValue]


class ChainHead(Frozen):
    chain: str
    seq: int = Field(ge=0)
    hash: str


class ActionUpdate(Frozen):
    """A new state for a recorded action, written only if nobody moved it meanwhile."""

    action: OutboundAction
    expected_status: ActionStatus
    expected_attempts: int


class Decision(Frozen):
    """Everything one judgement changes, committed in one transaction.

    `complaint` is the new state (None when the decision changes no complaint, such as
    parking an action). `expected_revision` is None when the complaint must not exist yet;
    otherwise the stored revision must equal it (optimistic concurrency). `new_actions` must
    not exist yet; `action_updates` apply to actions still in their expected state.
    """

    complaint: Complaint | None
    expected_revision: int | None = None
    audit: tuple[AuditDraft, ...]
    new_actions: tuple[OutboundAction, ...] = ()
    action_updates: tuple[ActionUpdate, ...] = ()
    erasures: tuple[Erasure, ...] = ()


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

"""The complaint-handling domain: what a helpdesk tells us, what we decide, what we owe.

Field names follow ISO 10002 (7.2 receipt, 7.5 initial assessment). Vendor names never
appear here: connectors map their wire models onto these.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from plaint.model.events import Channel, SourceSystem
from plaint.model.recognition import Reading, Review
from plaint.model.survey import Survey
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.terms import (
    ClockKind,
    Duration,
    Expiry,
    Milestone,
    Money,
    RetentionOutcome,
    TicketDisposal,
)


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
    """ISO 10002 7.5 initial assessment. `review`: a possible complaint, for an agent to
    confirm or dismiss (is_complaint stays False until one does)."""

    is_complaint: bool
    category: str
    severity: Severity
    regime: str | None = None
    flags: tuple[Flag, ...] = ()
    matches: tuple[RuleMatch, ...] = ()
    review: bool = False
    recognition: Reading | None = Field(
        default=None, description="The embedded recogniser's reading, when it ran."
    )

    def rule_for(self, attribute: str) -> str | None:
        return next((m.rule_id for m in self.matches if m.attribute == attribute), None)


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    NOT_A_COMPLAINT = "not_a_complaint"
    POSSIBLE_COMPLAINT = "possible_complaint"  # put to an agent to confirm or dismiss


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
    # What proved set_by ("aws-sts", "portal"); None: a name typed, unproven.
    set_by_vouched: str | None = None
    set_at: AwareDatetime
    released_by: str | None = None
    released_by_vouched: str | None = None
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


class ComplaintOutcome(StrEnum):
    """The organisation's own decision on a complaint, as a regulator's return counts it."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


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


class OwnWrite(Frozen):
    """The ticket's version after Plaint's own latest update, when nothing else had moved
    its status before it: the status the ticket shows because of us (Zendesk opens a new
    ticket an agent or the API comments on)."""

    at: AwareDatetime
    status: str | None = None


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
    description_key: str | None = Field(
        default=None,
        description="The key of description_digest (plaint.intake.reception); None on "
        "records written when the digest was unkeyed, and once erased.",
    )
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
    jurisdiction: str | None = Field(
        default=None,
        description="Its regime's jurisdiction in the policy of its latest decision; what "
        "complaint search filters by.",
    )
    clocks: tuple[Clock, ...] = ()
    milestones: dict[Milestone, AwareDatetime] = Field(default_factory=dict)
    retention: Retention | None = None
    holds: tuple[LegalHold, ...] = ()
    amount_claimed: Money | None = None
    referrals: tuple[Referral, ...] = ()
    restricted_at: AwareDatetime | None = Field(
        default=None, description="Processing restricted at the complainant's request."
    )
    review: Review | None = Field(
        default=None, description="The latest review of the ticket as a possible complaint."
    )
    own_write: OwnWrite | None = Field(
        default=None, description="The ticket as Plaint's own latest update left it."
    )
    contact_address: str | None = Field(
        default=None,
        description="The complainant's email address, when the channel gives one: where the "
        "satisfaction survey goes. Personal data, erased with the rest.",
    )
    survey_opted_out: bool = Field(
        default=False, description="The ticket carried a survey opt-out tag at some point."
    )
    survey: Survey | None = Field(default=None, description="The satisfaction survey (ISO 10004).")
    outcome: ComplaintOutcome | None = Field(
        default=None,
        description="Whether the organisation upheld it, as the ticket's outcome tags last said.",
    )
    outcome_decided_at: AwareDatetime | None = Field(
        default=None, description="When the ticket first showed the current outcome."
    )
    reopened: int = Field(
        default=0, ge=0, description="Times the helpdesk reopened it after it was closed."
    )
    source_version: AwareDatetime
    revision: int = Field(ge=1)

    @staticmethod
    def revision_after(previous: Complaint | None) -> int:
        """The first revision of a record, or the one after `previous` it replaces."""
        return 1 if previous is None else previous.revision + 1

    def revised(self, **changes: Any) -> Complaint:
        """The complaint's next revision: `changes` applied and the revision moved on by one.
        A decision commits it only while the stored complaint is still at this revision."""
        return self.model_copy(update={**changes, "revision": self.revision + 1})

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

    @property
    def review_owed(self) -> bool:
        """A possible complaint no agent has answered, not yet recorded as overdue."""
        review = self.review
        return (
            self.status is ComplaintStatus.POSSIBLE_COMPLAINT
            and review is not None
            and review.answer is None
            and not review.overdue_recorded
        )

    def next_due_at(self) -> datetime | None:
        """The next instant the sweep must look at this complaint: an acknowledgement
        falling due, a possible complaint still unanswered by then, a clock's warning, its
        deadline, the end of its retention, a survey or its reminder to send."""
        instants = [c.next_instant() for c in self.clocks] + [self.disposal_due_at]
        if self.survey is not None:
            instants.append(self.survey.next_instant())
        if self.acknowledgement_owed:
            instants.append(self.acknowledgement_due_at)
        if self.review_owed and self.review is not None:
            instants.append(self.review.due_at)
        return min((i for i in instants if i is not None), default=None)

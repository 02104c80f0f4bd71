"""Entries of the compliance log: drafts as decisions make them, entries as the chain keeps
them, their query facets, personal values and erasures."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from plaint.vocabulary.base import AwareDatetime, Frozen


class ClockStanding(StrEnum):
    """Where a clock stood when an entry was written: what an auditor filters by."""

    ON_TIME = "on_time"
    WARNED = "warned"
    BREACHED = "breached"
    LAPSED = "lapsed"
    DISCHARGED = "discharged"


class AuditKind(StrEnum):
    """Every kind of decision the compliance log records. Auditors query by these values,
    so a value never changes once entries carry it."""

    # Intake and initial assessment (ISO 10002 7.2, 7.5)
    COMPLAINT_RECEIVED = "complaint.received"
    COMPLAINT_ASSESSED = "complaint.assessed"
    COMPLAINT_UPDATED = "complaint.updated"
    COMPLAINT_UPDATE_SUPERSEDED = "complaint.update_superseded"
    INTAKE_SET_ASIDE = "intake.set_aside"
    # The review band: a possible complaint put to an agent, and the agent's answer
    COMPLAINT_REVIEW_REQUESTED = "complaint.review_requested"
    COMPLAINT_CONFIRMED = "complaint.confirmed"
    COMPLAINT_DISMISSED = "complaint.dismissed"
    COMPLAINT_REVIEW_OVERDUE = "complaint.review_overdue"
    INTAKE_GAP_CLOSED = "intake.gap_closed"
    # The acknowledgement and the regime's clocks
    ACKNOWLEDGEMENT_DEADLINE_SET = "acknowledgement.deadline_set"
    ACKNOWLEDGEMENT_SENT = "acknowledgement.sent"
    ACKNOWLEDGEMENT_OVERDUE = "acknowledgement.overdue"
    MILESTONE_REACHED = "milestone.reached"
    CLOCK_STARTED = "clock.started"
    CLOCK_MET = "clock.met"
    CLOCK_EXTENDED = "clock.extended"
    CLOCK_DISCHARGED = "clock.discharged"
    CLOCK_PAUSED = "clock.paused"
    CLOCK_RESUMED = "clock.resumed"
    CLOCK_WARNING = "clock.warning"
    CLOCK_BREACHED = "clock.breached"
    CLOCK_LAPSED = "clock.lapsed"
    CLOCKS_RECALCULATED = "clocks.recalculated"
    # Letters
    LETTER_CHECKED = "letter.checked"
    LETTER_UNCHECKABLE = "letter.uncheckable"
    # The organisation's outcome: upheld, partly upheld or not upheld
    OUTCOME_RECORDED = "outcome.recorded"
    OUTCOME_CHANGED = "outcome.changed"
    # Actions on the helpdesk (the acknowledgement's own is ACKNOWLEDGEMENT_SENT)
    ACTION_PARKED = "action.parked"
    ACTION_FLAG_OVERDUE_DONE = "action.flag_overdue.done"
    ACTION_CLOCK_ALERT_DONE = "action.clock_alert.done"
    ACTION_AGENT_NOTE_DONE = "action.agent_note.done"
    ACTION_REDACT_TICKET_DONE = "action.redact_ticket.done"
    ACTION_DELETE_TICKET_DONE = "action.delete_ticket.done"
    ACTION_INFORM_DONE = "action.inform.done"
    ACTION_REFER_DONE = "action.refer.done"
    # External dispute resolution (ISO 10003)
    REFERRAL_NO_PROVIDER = "referral.no_provider"
    REFERRAL_OFFERED = "referral.offered"
    REFERRAL_SENT = "referral.sent"
    REFERRAL_INELIGIBLE = "referral.ineligible"
    REFERRAL_REFERRED = "referral.referred"
    REFERRAL_ACKNOWLEDGED = "referral.acknowledged"
    REFERRAL_RESPONDED = "referral.responded"
    REFERRAL_DECIDED = "referral.decided"
    REFERRAL_IMPLEMENTED = "referral.implemented"
    REFERRAL_CLOSED = "referral.closed"
    # Retention, holds and erasure
    RETENTION_ASSIGNED = "retention.assigned"
    RETENTION_SUSPENDED = "retention.suspended"
    RETENTION_DISPOSED = "retention.disposed"
    LEGAL_HOLD_SET = "legal_hold.set"
    LEGAL_HOLD_RELEASED = "legal_hold.released"
    PERSONAL_DATA_ERASED = "personal_data.erased"
    PERSONAL_DATA_RESTRICTED = "personal_data.restricted"
    ERASURE_ANSWERED = "erasure.answered"
    # Satisfaction surveys (ISO 10004): asked once, or never with the reason
    SURVEY_SCHEDULED = "survey.scheduled"
    SURVEY_SKIPPED = "survey.skipped"
    SURVEY_SENT = "survey.sent"
    SURVEY_ANSWERED = "survey.answered"
    SURVEY_ANSWER_CHANGED = "survey.answer_changed"
    # The policy itself, under the two-person rule (on the ledger's policy chain)
    POLICY_PROPOSED = "policy.proposed"
    POLICY_PUBLISHED = "policy.published"
    POLICY_WITHDRAWN = "policy.withdrawn"

    @classmethod
    def of_clock(cls, change: str) -> AuditKind:
        """The kind that records a clock change (started, met, warning...)."""
        return cls(f"clock.{change}")

    @classmethod
    def of_referral_step(cls, stage: str) -> AuditKind:
        return cls(f"referral.{stage}")

    @classmethod
    def of_action_done(cls, action_kind: str) -> AuditKind:
        return cls(f"action.{action_kind}.done")


class AuditFacets(Frozen):
    """What the compliance log is queried by, besides complaint, kind, time and policy
    version. Part of the hashed entry, so an entry cannot be hidden from a query unseen."""

    category: str | None = None
    jurisdiction: str | None = None
    clock_status: ClockStanding | None = None


class AuditDraft(Frozen):
    """An audit entry before it is placed on the chain. `personal` holds the values that
    identify a person: the entry commits to salted digests of them, so they can be erased
    later without breaking the chain. Decisions name their kind by `AuditKind` (see
    plaint.auditlog.drafts.record); the log itself keeps whatever kind it is given."""

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

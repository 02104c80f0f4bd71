"""A complaint's whole story, as its page shows it: the record, the acknowledgement and
each clock (deadlines, warnings, breaches, extensions), the letter checks, the referral's
steps, retention and legal holds, and every audit entry of its chain, with whether the
chain's links hold.

Personal values (who complained, the subject and the remedy they wrote, the values kept
beside audit entries) are in the story only when the caller may see them: `with_personal`.
Otherwise the story names what it withheld, so a page can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from plaint.auditlog.chain import GENESIS_HASH, personal_digest, recomputed_hash
from plaint.model.audit import AuditEntry, AuditFacets, AuditKind
from plaint.model.complaint import (
    Clock,
    ClockStatus,
    Complaint,
    ComplaintStatus,
    Flag,
    LegalHold,
    Referral,
    ReferralOutcome,
    ReferralStage,
    Retention,
    Severity,
)
from plaint.model.events import Channel, SourceSystem
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.terms import ClockKind, Duration, Expiry, Milestone, Money

PERSONAL_FIELDS = ("complainant_ref", "subject", "remedy_sought")


class Complainant(Frozen):
    """The record's personal values."""

    complainant_ref: str | None
    subject: str
    remedy_sought: str | None


class RecordView(Frozen):
    complaint_id: str
    source: SourceSystem
    ticket_id: str
    channel: Channel
    received_at: AwareDatetime
    language: str
    status: ComplaintStatus
    is_complaint: bool
    category: str
    severity: Severity
    flags: tuple[Flag, ...]
    assessed_by_rules: dict[str, str] = Field(description="Attribute -> the rule that set it.")
    regime: str | None
    jurisdiction: str | None
    product: str | None
    description_digest: str
    policy_version: str
    clocks_policy_version: str | None
    helpdesk_status: str | None
    milestones: dict[Milestone, AwareDatetime]
    restricted_at: AwareDatetime | None
    revision: int
    personal: Complainant | None = Field(description="None when withheld.")


class AcknowledgementView(Frozen):
    due_at: AwareDatetime | None
    acknowledged_at: AwareDatetime | None
    overdue: bool
    on_time: bool | None = Field(description="None while it is still owed, or not owed.")


class WarningView(Frozen):
    fraction: float
    at: AwareDatetime
    recorded: bool


class ExtensionView(Frozen):
    by: Milestone
    to: Duration
    granted: bool


class ClockView(Frozen):
    clock_id: str
    regime: str
    kind: ClockKind
    status: ClockStatus
    calendar: str
    starts_on: Milestone
    met_by: tuple[Milestone, ...]
    within: Duration
    on_expiry: Expiry
    started_at: AwareDatetime | None
    due_at: AwareDatetime | None
    paused_at: AwareDatetime | None
    met_at: AwareDatetime | None
    ended_at: AwareDatetime | None
    breached_at: AwareDatetime | None
    warnings: tuple[WarningView, ...]
    extension: ExtensionView | None


class TimelineEntry(Frozen):
    seq: int
    kind: str
    at: AwareDatetime
    policy_version: str
    rule_id: str | None
    detail: dict[str, Any]
    facets: AuditFacets
    hash: str
    prev_hash: str
    personal: dict[str, str] = Field(description="Personal values, when the caller may see.")
    withheld: tuple[str, ...] = Field(description="Personal values kept but not shown.")
    erased: tuple[str, ...] = Field(description="Personal values erased: the digest stays.")


class LetterCheckView(Frozen):
    seq: int
    at: AwareDatetime
    letter: str
    verdict: str
    present: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    checked_in: dict[str, str] = Field(default_factory=dict)
    reason: str | None = Field(default=None, description="Why it could not be checked.")


class ReferralStep(Frozen):
    seq: int
    kind: str
    at: AwareDatetime
    by: str | None


class ReferralView(Frozen):
    referral_id: str
    provider_id: str
    trigger: str
    stage: ReferralStage
    reasons: tuple[str, ...]
    outcome: ReferralOutcome | None
    redress: Money | None
    offered_at: AwareDatetime
    referred_at: AwareDatetime | None
    closed_at: AwareDatetime | None
    steps: tuple[ReferralStep, ...]


class ChainView(Frozen):
    chain: str | None
    entries: int
    head_hash: str
    links_hold: bool = Field(
        description="Every hash recomputes and links to the one before; checkpoints are "
        "checked by `plaint audit verify --complaint`."
    )
    first_break: int | None = Field(description="The seq where the links first fail.")


class ComplaintStory(Frozen):
    record: RecordView
    acknowledgement: AcknowledgementView
    clocks: tuple[ClockView, ...]
    timeline: tuple[TimelineEntry, ...]
    letters: tuple[LetterCheckView, ...]
    referrals: tuple[ReferralView, ...]
    retention: Retention | None
    holds: tuple[LegalHold, ...]
    chain: ChainView
    with_personal: bool


def story_of(
    complaint: Complaint, entries: Sequence[AuditEntry], *, with_personal: bool
) -> ComplaintStory:
    """The story of `complaint` from its record and its chain's entries, in order."""
    return ComplaintStory(
        record=_record(complaint, with_personal),
        acknowledgement=_acknowledgement(complaint),
        clocks=tuple(_clock(c) for c in complaint.clocks),
        timeline=tuple(_entry(e, with_personal) for e in entries),
        letters=tuple(_letter(e) for e in entries if e.kind in _LETTER_KINDS),
        referrals=tuple(_referral(r, entries) for r in complaint.referrals),
        retention=complaint.retention,
        holds=complaint.holds,
        chain=_chain(entries),
        with_personal=with_personal,
    )


def _record(complaint: Complaint, with_personal: bool) -> RecordView:
    assessment = complaint.assessment
    personal = Complainant(
        complainant_ref=complaint.complainant_ref,
        subject=complaint.subject,
        remedy_sought=complaint.remedy_sought,
    )
    return RecordView(
        complaint_id=complaint.complaint_id, source=complaint.source,
        ticket_id=complaint.ticket_id, channel=complaint.channel,
        received_at=complaint.received_at, language=complaint.language,
        status=complaint.status, is_complaint=assessment.is_complaint,
        category=assessment.category, severity=assessment.severity, flags=assessment.flags,
        assessed_by_rules={m.attribute: m.rule_id for m in assessment.matches},
        regime=complaint.regime, jurisdiction=complaint.jurisdiction,
        product=complaint.product, description_digest=complaint.description_digest,
        policy_version=complaint.policy_version,
        clocks_policy_version=complaint.clocks_policy_version,
        helpdesk_status=complaint.helpdesk_status, milestones=complaint.milestones,
        restricted_at=complaint.restricted_at, revision=complaint.revision,
        personal=personal if with_personal else None,
    )  # fmt: skip


def _acknowledgement(complaint: Complaint) -> AcknowledgementView:
    due, sent = complaint.acknowledgement_due_at, complaint.acknowledged_at
    on_time = None if due is None or sent is None else sent <= due
    if complaint.acknowledgement_overdue:
        on_time = False
    overdue = complaint.acknowledgement_overdue
    return AcknowledgementView(due_at=due, acknowledged_at=sent, overdue=overdue, on_time=on_time)


def _clock(clock: Clock) -> ClockView:
    extension = None
    if clock.extension_by is not None and clock.extension_to is not None:
        extension = ExtensionView(by=clock.extension_by, to=clock.extension_to,
                                  granted=clock.extended)  # fmt: skip
    breached = clock.status is ClockStatus.BREACHED
    return ClockView(
        clock_id=clock.clock_id, regime=clock.regime, kind=clock.kind, status=clock.status,
        calendar=clock.calendar, starts_on=clock.starts_on, met_by=clock.met_by,
        within=clock.within, on_expiry=clock.on_expiry, started_at=clock.started_at,
        due_at=clock.due_at, paused_at=clock.paused_at, met_at=clock.met_at,
        ended_at=clock.ended_at, breached_at=(clock.ended_at or clock.due_at) if breached else None,
        warnings=tuple(WarningView(fraction=w.fraction, at=w.at, recorded=w.recorded)
                       for w in clock.warnings),
        extension=extension,
    )  # fmt: skip


def _entry(entry: AuditEntry, with_personal: bool) -> TimelineEntry:
    kept = sorted(entry.personal)
    erased = tuple(sorted(set(entry.personal_digests) - set(entry.personal)))
    return TimelineEntry(
        seq=entry.seq, kind=entry.kind, at=entry.at, policy_version=entry.policy_version,
        rule_id=entry.rule_id, detail=entry.detail, facets=entry.facets, hash=entry.hash,
        prev_hash=entry.prev_hash,
        personal={n: entry.personal[n].value for n in kept} if with_personal else {},
        withheld=() if with_personal else tuple(kept),
        erased=erased,
    )  # fmt: skip


_LETTER_KINDS = (AuditKind.LETTER_CHECKED, AuditKind.LETTER_UNCHECKABLE)


def _letter(entry: AuditEntry) -> LetterCheckView:
    detail = entry.detail
    return LetterCheckView(
        seq=entry.seq, at=entry.at, letter=str(detail.get("kind", "")),
        verdict=str(detail.get("verdict", "")), present=tuple(detail.get("present", ())),
        missing=tuple(detail.get("missing", ())), checked_in=dict(detail.get("checked_in", {})),
        reason=detail.get("reason"),
    )  # fmt: skip


def _referral(referral: Referral, entries: Sequence[AuditEntry]) -> ReferralView:
    steps = tuple(
        ReferralStep(seq=e.seq, kind=e.kind, at=e.at, by=e.detail.get("by"))
        for e in entries
        if e.detail.get("referral") == referral.referral_id
    )
    return ReferralView(
        referral_id=referral.referral_id, provider_id=referral.provider_id,
        trigger=referral.trigger, stage=referral.stage, reasons=referral.reasons,
        outcome=referral.outcome, redress=referral.redress, offered_at=referral.offered_at,
        referred_at=referral.referred_at, closed_at=referral.closed_at, steps=steps,
    )  # fmt: skip


def _chain(entries: Sequence[AuditEntry]) -> ChainView:
    previous, first_break = GENESIS_HASH, None
    for position, entry in enumerate(entries, start=1):
        values_hold = all(
            personal_digest(p.salt, p.value) == entry.personal_digests.get(name)
            for name, p in entry.personal.items()
        )
        links = entry.seq == position and entry.prev_hash == previous
        if not (links and values_hold and recomputed_hash(entry) == entry.hash):
            first_break = entry.seq
            break
        previous = entry.hash
    return ChainView(
        chain=entries[0].chain if entries else None,
        entries=len(entries),
        head_hash=entries[-1].hash if entries else GENESIS_HASH,
        links_hold=first_break is None,
        first_break=first_break,
    )

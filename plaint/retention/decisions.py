"""Keeping what the law requires and no more: retention at closure, legal holds, disposal
past the retention date, and a complainant's erasure request.

Disposal pseudonymises Plaint's own record (who complained, their words and subject go;
dates, category, channel, clocks and outcome stay, so statistics and audits still add up),
erases the personal values in the complaint's audit entries through the erasure path (the
chain still verifies), asks the helpdesk to redact or delete the ticket where the policy
says so, and writes a deletion certificate to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditEntry, AuditKind, Erasure
from plaint.model.complaint import Complaint, ComplaintStatus, LegalHold, Retention
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem
from plaint.policy.document import Policy
from plaint.retention.officers import Actor, authorise
from plaint.vocabulary.base import Frozen
from plaint.vocabulary.terms import Milestone, RetentionOutcome, TicketDisposal

ERASED_SUBJECT = "[erased]"


class ErasureResult(StrEnum):
    ERASED = "erased"
    RESTRICTED = "restricted"  # kept because the law requires it; processing restricted


class ErasureFinding(Frozen):
    complaint_id: str
    result: ErasureResult
    reason: str
    kept_until: datetime | None = None


def outcome_of(complaint: Complaint) -> RetentionOutcome:
    if complaint.status is ComplaintStatus.NOT_A_COMPLAINT:
        return RetentionOutcome.NOT_A_COMPLAINT
    if Milestone.REFERRAL in complaint.milestones:
        return RetentionOutcome.REFERRED
    return RetentionOutcome.RESOLVED


def jurisdiction_of(complaint: Complaint, policy: Policy) -> str | None:
    regime = policy.regime(complaint.regime) if complaint.regime else None
    return regime.jurisdiction if regime else None


def follow_closure(
    complaint: Complaint, status: str | None, at: datetime, policy: Policy, now: datetime
) -> tuple[Complaint, tuple[AuditDraft, ...]]:
    """Assign a retention class when the helpdesk closes the complaint; suspend it when the
    complaint is reopened. A disposed record stays disposed."""
    rules = policy.retention
    current = complaint.retention
    if current is not None and current.disposed_at is not None:
        return complaint, ()
    closing = rules.closes(status)
    if closing and current is None:
        retention = _assigned(complaint, at, policy)
        detail = retention.model_dump(mode="json") | {"source": _source(policy, retention)}
        entry = record(
            AuditKind.RETENTION_ASSIGNED, complaint.complaint_id, policy, now, detail=detail
        )
        return complaint.model_copy(update={"retention": retention}), (entry,)
    if not closing and current is not None:
        detail = {"status": status, "was": current.model_dump(mode="json")}
        entry = record(
            AuditKind.RETENTION_SUSPENDED, complaint.complaint_id, policy, now, detail=detail
        )
        reopened = complaint.reopened + 1  # what the report counts (ISO 10004)
        return complaint.model_copy(update={"retention": None, "reopened": reopened}), (entry,)
    return complaint, ()


def _assigned(complaint: Complaint, closed_at: datetime, policy: Policy) -> Retention:
    rules = policy.retention
    outcome = outcome_of(complaint)
    chosen = rules.class_for(
        jurisdiction_of(complaint, policy), complaint.assessment.category, outcome
    )
    calendar = timekeeping.calendars(policy)(policy.acknowledgement.calendar)
    retain_until = calendar.end_of_day_after(closed_at, chosen.keep_for)
    return Retention(
        class_id=chosen.id,
        outcome=outcome,
        closed_at=closed_at,
        retain_until=retain_until,
        dispose_at=calendar.end_of_day_after(retain_until, rules.grace),
        ticket=chosen.ticket,
        policy_version=policy.version,
    )


def _source(policy: Policy, retention: Retention) -> str:
    return next((c.source for c in policy.retention.classes if c.id == retention.class_id), "")


def set_hold(
    complaint: Complaint,
    *,
    reason: str,
    reference: str | None,
    by: Actor,
    policy: Policy,
    now: datetime,
) -> Decision:
    authorise(by, policy.retention.hold_officers, policy.version)
    disposed = complaint.retention.disposed_at if complaint.retention else None
    if disposed is not None:
        raise ValueError(f"{complaint.complaint_id} was disposed of on {disposed.date()}")
    hold = LegalHold(
        hold_id=f"hold-{secrets.token_hex(4)}", reason=reason, reference=reference,
        set_by=by.name, set_by_vouched=by.vouched_by, set_at=now,
    )  # fmt: skip
    updated = complaint.revised(holds=(*complaint.holds, hold))
    entry = record(AuditKind.LEGAL_HOLD_SET, complaint.complaint_id, policy, now,
                   detail=hold.model_dump(mode="json"))  # fmt: skip
    return Decision(complaint=updated, expected_revision=complaint.revision, audit=(entry,))


def release_hold(
    complaint: Complaint, hold_id: str, by: Actor, policy: Policy, now: datetime
) -> Decision:
    authorise(by, policy.retention.hold_officers, policy.version)
    hold = next((h for h in complaint.holds if h.hold_id == hold_id and h.active), None)
    if hold is None:
        raise LookupError(f"{complaint.complaint_id} has no active hold {hold_id}")
    released = hold.model_copy(
        update={"released_by": by.name, "released_by_vouched": by.vouched_by, "released_at": now}
    )
    holds = tuple(released if h is hold else h for h in complaint.holds)
    updated = complaint.revised(holds=holds)
    entry = record(AuditKind.LEGAL_HOLD_RELEASED, complaint.complaint_id, policy, now,
                   detail=released.model_dump(mode="json"))  # fmt: skip
    return Decision(complaint=updated, expected_revision=complaint.revision, audit=(entry,))


def disposal_due(complaint: Complaint, now: datetime) -> bool:
    due = complaint.disposal_due_at
    return due is not None and due <= now


def dispose(
    complaint: Complaint, entries: list[AuditEntry], policy: Policy, now: datetime
) -> Decision:
    """Past the retention date and grace, with no hold: pseudonymise, erase, certify."""
    retention = complaint.retention
    if retention is None or not disposal_due(complaint, now):
        raise ValueError(f"{complaint.complaint_id} is not due for disposal")
    erased = _pseudonymised(complaint, now)
    erasures, erasure_entry = _erasures(complaint, entries, "retention", policy, now)
    certificate = record(
        AuditKind.RETENTION_DISPOSED, complaint.complaint_id, policy, now,
        detail={
            "class_id": retention.class_id,
            "source": _source(policy, retention),
            "closed_at": retention.closed_at.isoformat(),
            "retain_until": retention.retain_until.isoformat(),
            "dispose_at": retention.dispose_at.isoformat(),
            "holds": [h.model_dump(mode="json") for h in complaint.holds],
            "record_fields_erased": list(PSEUDONYMISED_FIELDS),
            "audit_values_erased": sum(len(e.fields) for e in erasures),
            "ticket": retention.ticket,
            "kept": list(KEPT_FACTS),
        },
    )  # fmt: skip
    audit = (*((erasure_entry,) if erasure_entry else ()), certificate)
    return Decision(
        complaint=erased,
        expected_revision=complaint.revision,
        audit=audit,
        erasures=erasures,
        new_actions=_ticket_disposal(complaint, retention, now),
    )


PSEUDONYMISED_FIELDS = (
    "complainant_ref",
    "subject",
    "remedy_sought",
    "description_digest",
    "description_key",
    "contact_address",
)


KEPT_FACTS = ("received_at", "channel", "language", "assessment", "regime", "clocks",
              "milestones", "acknowledged_at", "retention")  # fmt: skip


def _pseudonymised(complaint: Complaint, now: datetime) -> Complaint:
    """The record without what identifies the complainant; its retention, if it has one,
    marked disposed of `now`."""
    retention = complaint.retention
    survey = complaint.survey
    return complaint.revised(
        contact_address=None,
        survey=survey.model_copy(update={"comment_digest": None}) if survey else None,
        complainant_ref=None,
        subject=ERASED_SUBJECT,
        remedy_sought=None,
        description_digest="",
        description_key=None,
        retention=retention.model_copy(update={"disposed_at": now}) if retention else None,
    )


def _erasures(
    complaint: Complaint, entries: list[AuditEntry], why: str, policy: Policy, now: datetime
) -> tuple[tuple[Erasure, ...], AuditDraft | None]:
    erasures = tuple(
        Erasure(chain=e.chain, seq=e.seq, fields=tuple(sorted(e.personal)), expected=e.personal)
        for e in entries
        if e.personal
    )
    if not erasures:
        return (), None
    detail: dict[str, object] = {
        "reason": why,
        "erased": [{"chain": e.chain, "seq": e.seq, "fields": list(e.fields)} for e in erasures],
    }
    unkeyed = [{"chain": e.chain, "seq": e.seq} for e in entries if _unkeyed_text_digest(e)]
    if unkeyed:
        # Written before text digests were keyed: the chain commits to them, so they stay.
        detail["unkeyed_text_digests_kept"] = unkeyed
    return erasures, record(
        AuditKind.PERSONAL_DATA_ERASED, complaint.complaint_id, policy, now, detail=detail
    )


def _unkeyed_text_digest(entry: AuditEntry) -> bool:
    """An entry carrying a plain SHA-256 of the complaint's text (written before digests
    were keyed), which no erasure can remove without breaking the chain."""
    digests = (entry.detail.get("description_digest"), entry.detail.get("text_digest"))
    return any(isinstance(d, str) and d.startswith("sha256:") for d in digests)


def _ticket_disposal(
    complaint: Complaint, retention: Retention, now: datetime
) -> tuple[OutboundAction, ...]:
    if retention.ticket is TicketDisposal.KEEP or complaint.source is SourceSystem.EMAIL:
        return ()  # an email complaint's "ticket" is a mailbox Plaint does not manage
    kind = (
        ActionKind.DELETE_TICKET
        if retention.ticket is TicketDisposal.DELETE
        else ActionKind.REDACT_TICKET
    )
    return (
        OutboundAction(
            action_id=f"{complaint.complaint_id}:{kind.value}",
            complaint_id=complaint.complaint_id,
            kind=kind,
            source=complaint.source,
            ticket_id=complaint.ticket_id,
            language=complaint.language,
            public=False,
            marker_tag="plaint_disposed",
            next_attempt_at=now,
        ),
    )


def complainant_digest(complainant_ref: str) -> str:
    """How an erasure request names its complainant in reports: not the reference itself."""
    return hashlib.sha256(complainant_ref.encode("utf-8")).hexdigest()[:16]


def answer_erasure(
    complaint: Complaint,
    entries: list[AuditEntry],
    request_id: str,
    policy: Policy,
    now: datetime,
) -> tuple[Decision, ErasureFinding]:
    """Erase what no legal obligation requires; restrict the rest, saying why and until when."""
    keep = _kept_because(complaint, policy, now)
    if keep is None:
        erased = _pseudonymised(complaint, now)
        erasures, entry = _erasures(
            complaint, entries, f"erasure request {request_id}", policy, now
        )
        finding = ErasureFinding(complaint_id=complaint.complaint_id, result=ErasureResult.ERASED,
                                 reason="no legal obligation to keep it")  # fmt: skip
        audit = (entry,) if entry else ()
        decision = Decision(complaint=erased, expected_revision=complaint.revision,
                            audit=audit, erasures=erasures)  # fmt: skip
        return decision, finding
    reason, until = keep
    restricted = complaint.revised(restricted_at=complaint.restricted_at or now)
    entry = record(
        AuditKind.PERSONAL_DATA_RESTRICTED, complaint.complaint_id, policy, now,
        detail={"request": request_id, "reason": reason,
                "until": until.isoformat() if until else None},
    )  # fmt: skip
    finding = ErasureFinding(complaint_id=complaint.complaint_id, result=ErasureResult.RESTRICTED,
                             reason=reason, kept_until=until)  # fmt: skip
    decision = Decision(complaint=restricted, expected_revision=complaint.revision, audit=(entry,))
    return decision, finding


def _kept_because(
    complaint: Complaint, policy: Policy, now: datetime
) -> tuple[str, datetime | None] | None:
    if complaint.held:
        holds = "; ".join(
            f"{h.reason} ({h.reference or h.hold_id})" for h in complaint.holds if h.active
        )
        return f"under legal hold: {holds}", None
    retention = complaint.retention
    if retention is None:
        if complaint.status is ComplaintStatus.NOT_A_COMPLAINT:
            return None
        return "the complaint is still being handled; its record is required until closure", None
    if retention.disposed_at is not None:
        return None
    if now < retention.retain_until:
        return (
            f"retention class {retention.class_id}: {_source(policy, retention)}",
            retention.retain_until,
        )
    return None


class ErasureReport(Frozen):
    """What an erasure request led to: each record erased or kept, and why."""

    request_id: str
    complainant: str = "the complainant's reference, digested; the reference is not repeated"
    received_at: datetime
    due_at: datetime
    answered_at: datetime
    findings: tuple[ErasureFinding, ...]

    @property
    def on_time(self) -> bool:
        return self.answered_at <= self.due_at


def erasure_report(
    request_id: str,
    complainant_ref: str,
    *,
    received_at: datetime,
    findings: list[ErasureFinding],
    policy: Policy,
    now: datetime,
) -> tuple[ErasureReport, AuditDraft]:
    calendar = timekeeping.calendars(policy)(policy.acknowledgement.calendar)
    report = ErasureReport(
        request_id=request_id,
        complainant=complainant_digest(complainant_ref),
        received_at=received_at,
        due_at=calendar.end_of_day_after(received_at, policy.retention.erasure_within),
        answered_at=now,
        findings=tuple(findings),
    )
    entry = record(
        AuditKind.ERASURE_ANSWERED, f"erasure:{request_id}", policy, now,
        detail=report.model_dump(mode="json") | {"on_time": report.on_time},
        personal={"complainant": complainant_ref},
    )  # fmt: skip
    return report, entry

"""Before a final response, a summary resolution or a holding response counts as sent, its
text is checked against the regime's required elements (plaint.letters); a letter the
policy blocks does not reach its milestone, and the agents are told what it lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.letters.wording import LetterCheckError, Verdict, check_letter
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Complaint
from plaint.model.events import SourceSystem, TicketEvent
from plaint.policy.document import Policy
from plaint.policy.letters import LetterKind, LetterRule, ProviderDetails
from plaint.vocabulary.terms import Milestone

LETTERS = {
    Milestone.FINAL_RESPONSE: LetterKind.FINAL_RESPONSE,
    Milestone.SUMMARY_RESOLUTION: LetterKind.SUMMARY_RESOLUTION,
    Milestone.HOLDING_RESPONSE: LetterKind.HOLDING_RESPONSE,
}


BLOCKED_TAG = "letter_blocked"


FLAGGED_TAG = "letter_flagged"


@dataclass(frozen=True)
class Judged:
    reached: tuple[Milestone, ...]
    audit: tuple[AuditDraft, ...]
    actions: tuple[OutboundAction, ...]


def judge(
    event: TicketEvent, complaint: Complaint, shown: list[Milestone], policy: Policy, now: datetime
) -> Judged:
    """Which shown milestones the letters let through, and what was found."""
    reached: list[Milestone] = []
    audit: list[AuditDraft] = []
    actions: list[OutboundAction] = []
    for milestone in shown:
        kind = LETTERS.get(milestone)
        rules = policy.letters.rules_for(complaint.regime) if kind and complaint.regime else ()
        rules = tuple(r for r in rules if r.kind is kind)
        if kind is None or not rules:
            reached.append(milestone)
            continue
        verdict, entry = _checked(event, complaint, kind, rules=rules, policy=policy, now=now)
        audit.append(entry)
        if verdict is not Verdict.BLOCK:
            reached.append(milestone)
        if verdict is not Verdict.OK and complaint.source is not SourceSystem.EMAIL:
            actions.append(_tell_agents(complaint, kind, verdict, entry, now))
    return Judged(tuple(reached), tuple(audit), tuple(actions))


def _checked(
    event: TicketEvent,
    complaint: Complaint,
    kind: LetterKind,
    *,
    rules: tuple[LetterRule, ...],
    policy: Policy,
    now: datetime,
) -> tuple[Verdict, AuditDraft]:
    try:
        check = check_letter(event.description, complaint.language, kind, rules,
                             provider_details(complaint, policy))  # fmt: skip
    except LetterCheckError as exc:
        detail = {"kind": kind, "verdict": Verdict.FLAG, "reason": str(exc)}
        return Verdict.FLAG, record(
            AuditKind.LETTER_UNCHECKABLE, complaint.complaint_id, policy, now, detail=detail
        )
    detail = check.model_dump(mode="json") | {"delivery_id": event.delivery_id}
    return check.verdict, record(
        AuditKind.LETTER_CHECKED, complaint.complaint_id, policy, now, detail=detail
    )


def provider_details(complaint: Complaint, policy: Policy) -> ProviderDetails | None:
    """The provider the complaint's regime refers to, as a letter must name it."""
    regime = policy.regime(complaint.regime) if complaint.regime else None
    provider = None
    if regime and regime.providers:
        provider = policy.escalation.provider(regime.providers[0])
    if provider is None:
        return None
    return ProviderDetails(name=provider.name, names=provider.names, website=provider.website,
                           time_limit=provider.time_limit_text)  # fmt: skip


def _tell_agents(
    complaint: Complaint, kind: LetterKind, verdict: Verdict, entry: AuditDraft, now: datetime
) -> OutboundAction:
    missing = ", ".join(entry.detail.get("missing", ())) or entry.detail.get("reason", "")
    if verdict is Verdict.BLOCK:
        note = f"This {kind.value.replace('_', ' ')} was NOT recorded as sent: it lacks {missing}."
    else:
        note = f"This {kind.value.replace('_', ' ')} lacks {missing}; recorded, and flagged."
    return OutboundAction(
        action_id=f"{complaint.complaint_id}:letter:{kind.value}:{entry.at.isoformat()}",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.AGENT_NOTE,
        source=complaint.source,
        ticket_id=complaint.ticket_id,
        language=complaint.language,
        comment=note,
        public=False,
        add_tags=(BLOCKED_TAG if verdict is Verdict.BLOCK else FLAGGED_TAG,),
        marker_tag=f"plaint_letter_{kind.value}",
        next_attempt_at=now,
    )

"""Before a final response, a summary resolution or a holding response counts as sent, its
text is checked against the regime's required elements (plaint.letters); a letter the
policy blocks does not reach its milestone, and the agents are told what it lacks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.letters import notes
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
    """Which shown milestones the letters let through, and what was found.

    The tags stay on the ticket after the letter, so a milestone already reached is not
    checked again, and only an agent's public reply is a letter: the complainant's answer
    to it ("I do not accept your decision") never is."""
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
        if milestone in complaint.milestones or event.agent_reply is None:
            continue
        verdict, entry = _checked(event, event.agent_reply, complaint, kind, rules=rules,
                                  policy=policy, now=now)  # fmt: skip
        audit.append(entry)
        if verdict is not Verdict.BLOCK:
            reached.append(milestone)
        if complaint.source is SourceSystem.EMAIL:
            continue
        if verdict is not Verdict.OK or BLOCKED_TAG in event.tags:
            actions.append(_tell_agents(event, complaint, kind, rules=rules, verdict=verdict,
                                        entry=entry, policy=policy, now=now))  # fmt: skip
    return Judged(tuple(reached), tuple(audit), tuple(actions))


def _checked(
    event: TicketEvent,
    letter: str,
    complaint: Complaint,
    kind: LetterKind,
    *,
    rules: tuple[LetterRule, ...],
    policy: Policy,
    now: datetime,
) -> tuple[Verdict, AuditDraft]:
    try:
        check = check_letter(letter, complaint.language, kind, rules,
                             provider_details(complaint, policy))  # fmt: skip
    except LetterCheckError as exc:
        detail = {"kind": kind, "verdict": Verdict.FLAG, "reason": str(exc),
                  "delivery_id": event.delivery_id}  # fmt: skip
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


def letter_marker(kind: LetterKind, delivery_id: str) -> str:
    """The note's marker names the letter (the delivery that carried it), not only its kind:
    a note about an earlier letter on the same ticket is no proof that this one was sent."""
    digest = hashlib.sha256(delivery_id.encode("utf-8")).hexdigest()[:12]
    return f"plaint_letter_{kind.value}_{digest}"


def _tell_agents(
    event: TicketEvent,
    complaint: Complaint,
    kind: LetterKind,
    *,
    rules: tuple[LetterRule, ...],
    verdict: Verdict,
    entry: AuditDraft,
    policy: Policy,
    now: datetime,
) -> OutboundAction:
    """A private note saying what the letter lacks, and its tag; once a letter passes, the
    blocked tag an earlier one left comes off."""
    language = policy.default_language
    name = notes.letter_name(kind, language)
    if entry.kind is AuditKind.LETTER_UNCHECKABLE:
        note = notes.UNCHECKABLE.get(language, notes.UNCHECKABLE["en"]).format(
            letter=name, reason=entry.detail.get("reason", "")
        )
    elif verdict is Verdict.OK:
        note = notes.RECORDED.get(language, notes.RECORDED["en"]).format(letter=name)
    else:
        note = notes.missing_note(
            kind, blocked=verdict is Verdict.BLOCK, missing=entry.detail.get("missing", ()),
            rules=rules, letters=policy.letters, regime=complaint.regime or "",
            letter_language=complaint.language, note_language=language,
            provider=provider_details(complaint, policy),
        )  # fmt: skip
    blocked = verdict is Verdict.BLOCK
    return OutboundAction(
        action_id=f"{complaint.complaint_id}:letter:{kind.value}:{entry.at.isoformat()}",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.AGENT_NOTE,
        source=complaint.source,
        ticket_id=complaint.ticket_id,
        language=language,
        comment=note,
        public=False,
        add_tags=(BLOCKED_TAG,) if blocked else (FLAGGED_TAG,) if verdict is Verdict.FLAG else (),
        remove_tags=() if blocked else (BLOCKED_TAG,),
        marker_tag=letter_marker(kind, event.delivery_id),
        next_attempt_at=now,
    )

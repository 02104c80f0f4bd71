"""ISO 10003: when a complaint is not resolved inside the organisation, tell the complainant
where to go next, refer it to the provider the policy names, and follow the referral to its
close. Every step is a decision in the compliance log.

Triggers: the complainant rejects the answer (a status, a tag, or words in a reply), the
final-response deadline passes without a final response, or an agent asks (a tag, or
`plaint referral offer`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.clocks import timekeeping
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import (
    Clock,
    ClockStatus,
    Complaint,
    Referral,
    ReferralOutcome,
    ReferralStage,
)
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem, TicketEvent
from plaint.policy.document import Policy
from plaint.policy.providers import Provider, ReferralMethod
from plaint.retention.decisions import jurisdiction_of
from plaint.vocabulary.canonical import canonical_json
from plaint.vocabulary.language import normalise
from plaint.vocabulary.terms import ClockKind, Expiry, Milestone, Money

RESPONSE_CLOCK = "provider_response"


ESCALATION_REGIME = "escalation"


_DONE = (ReferralStage.CLOSED, ReferralStage.INELIGIBLE)


class ReferralStepError(ValueError):
    """A lifecycle step that does not follow from where the referral stands."""


def open_referral(complaint: Complaint) -> Referral | None:
    return next((r for r in complaint.referrals if r.stage not in _DONE), None)


def trigger_in(event: TicketEvent, complaint: Complaint, policy: Policy) -> str | None:
    """Why this helpdesk event escalates the complaint, if it does."""
    rules = policy.escalation
    tags = set(event.tags)
    if tags & set(rules.request_tags):
        return "agent_request"
    if event.helpdesk_status and event.helpdesk_status in rules.rejection_statuses:
        return "rejected"
    if tags & set(rules.rejection_tags):
        return "rejected"
    if any(c.after in rules.rejection_fields.get(c.field, ()) for c in event.changes):
        return "rejected"
    phrases = rules.rejection_phrases.get(complaint.language, ())
    text = normalise(event.description or "", complaint.language)
    if any(normalise(p, complaint.language) in text for p in phrases):
        return "rejected_in_reply"
    return None


def final_deadline_missed(complaint: Complaint) -> bool:
    """A final-response clock breached and no final response was recorded."""
    return Milestone.FINAL_RESPONSE not in complaint.milestones and any(
        c.status is ClockStatus.BREACHED and Milestone.FINAL_RESPONSE in c.met_by
        for c in complaint.clocks
    )


def choose(complaint: Complaint, policy: Policy, provider_id: str | None = None) -> Provider | None:
    rules = policy.escalation
    if provider_id:
        return rules.provider(provider_id)
    regime = policy.regime(complaint.regime) if complaint.regime else None
    if regime and regime.providers:
        return rules.provider(regime.providers[0])
    jurisdiction = jurisdiction_of(complaint, policy)
    return next((p for p in rules.providers if p.covers(jurisdiction, complaint.product)), None)


def ineligibility(
    complaint: Complaint, provider: Provider, policy: Policy, now: datetime
) -> tuple[str, ...]:
    """Why the provider's rules keep this complaint out, if they do: a time limit passed
    (counted in whole days, to the end of the last one) or a claim above the award cap."""
    reasons = []
    calendar = timekeeping.calendars(policy)(policy.acknowledgement.calendar)
    for limit in provider.eligibility.time_limits:
        anchor = (
            complaint.received_at
            if limit.after is Milestone.RECEIPT
            else complaint.milestones.get(limit.after)
        )
        if anchor is None:
            continue  # the limit has not started running
        ends = calendar.end_of_day_after(anchor, limit.within)
        if now > ends:
            reasons.append(
                f"referred after {ends.date().isoformat()}: more than {limit.within.amount} "
                f"{limit.within.unit} after the {limit.after.value.replace('_', ' ')}"
            )
    cap, claimed = provider.eligibility.monetary_cap, complaint.amount_claimed
    if cap and claimed and claimed.currency == cap.currency and claimed.amount > cap.amount:
        reasons.append(f"the claim of {claimed.amount} {claimed.currency} is above the "
                       f"provider's limit of {cap.amount} {cap.currency}")  # fmt: skip
    return tuple(reasons)


def escalate(
    complaint: Complaint,
    trigger: str,
    policy: Policy,
    now: datetime,
    *,
    provider_id: str | None = None,
    amount_claimed: Money | None = None,
) -> Decision | None:
    """Tell the complainant of the right to refer and, where eligible and the policy says
    so, send the packet. None when a referral is already open."""
    if open_referral(complaint) is not None:
        return None
    if amount_claimed is not None:
        complaint = complaint.model_copy(update={"amount_claimed": amount_claimed})
    provider = choose(complaint, policy, provider_id)
    if provider is None:
        entry = record(AuditKind.REFERRAL_NO_PROVIDER, complaint.complaint_id, policy, now,
                       detail={"trigger": trigger, "asked_for": provider_id})  # fmt: skip
        return Decision(complaint=None, audit=(entry,))
    reasons = ineligibility(complaint, provider, policy, now)
    sending = (
        not reasons
        and policy.escalation.send_packet
        and provider.method is not ReferralMethod.MANUAL
    )
    stage = (
        ReferralStage.INELIGIBLE
        if reasons
        else (ReferralStage.REFERRED if sending else ReferralStage.OFFERED)
    )
    referral = Referral(
        referral_id=f"{complaint.complaint_id}:{provider.id}:{len(complaint.referrals) + 1}",
        provider_id=provider.id, trigger=trigger, stage=stage, reasons=reasons, offered_at=now,
        referred_at=now if sending else None,
    )  # fmt: skip
    updated = complaint.revised(referrals=(*complaint.referrals, referral))
    audit: list[AuditDraft] = [
        record(
            AuditKind.REFERRAL_OFFERED,
            complaint.complaint_id,
            policy,
            now,
            detail={
                "referral": referral.referral_id,
                "provider": provider.id,
                "trigger": trigger,
                "eligible": not reasons,
                "reasons": list(reasons),
                "method": provider.method,
            },
        )
    ]
    actions = [_inform(updated, referral, provider, policy, now)]
    if sending:
        packet = referral_packet(updated, referral, provider, policy, now)
        actions.append(_refer(updated, referral, provider, packet, now))
        digest = hashlib.sha256(packet.encode("utf-8")).hexdigest()
        detail = {
            "referral": referral.referral_id,
            "provider": provider.id,
            "packet_sha256": digest,
        }
        audit.append(
            record(AuditKind.REFERRAL_SENT, complaint.complaint_id, policy, now, detail=detail)
        )
        update = timekeeping.reach_milestones(updated, (Milestone.REFERRAL,), now, policy, now)
        updated = updated.model_copy(
            update={"clocks": update.clocks, "milestones": update.milestones}
        )
        audit.extend(update.audit)
    return Decision(
        complaint=updated,
        expected_revision=complaint.revision,
        audit=tuple(audit),
        new_actions=tuple(a for a in actions if a is not None),
    )


def wording(provider: Provider, referral: Referral, language: str, policy: Policy) -> str:
    """What the complainant is told, in their language (else the policy's default)."""
    lang = language if language in provider.wording else policy.default_language
    template = provider.wording.get(lang) or next(iter(provider.wording.values()))
    values = {
        "provider_name": provider.name_in(lang),
        "provider_website": provider.website,
        "time_limit": provider.time_limit_text.get(lang, ""),
        "reference": referral.referral_id,
        "fees": provider.fees,
    }
    # Provider checks its placeholders when the policy loads.
    return template.format(**values)


# Email has no ticket to comment on: the information goes as a message of its own.
INFORM_SUBJECTS = {
    "en": "Your right to refer your complaint",
    "az": "Şikayətinizi müstəqil orqana vermək hüququnuz",
    "ar": "حقك في إحالة شكواك",
    "fa": "حق شما برای ارجاع شکایت",
    "tr": "Şikâyetinizi bağımsız bir kuruluşa iletme hakkınız",
    "ru": "Ваше право передать жалобу на рассмотрение",
}


def _inform(
    complaint: Complaint, referral: Referral, provider: Provider, policy: Policy, now: datetime
) -> OutboundAction:
    fields = {}
    if complaint.source is SourceSystem.EMAIL:
        fields["subject"] = INFORM_SUBJECTS.get(complaint.language, INFORM_SUBJECTS["en"])
    return OutboundAction(
        fields=fields,
        action_id=f"{referral.referral_id}:inform",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.INFORM,
        source=complaint.source,
        ticket_id=complaint.ticket_id,
        language=complaint.language,
        comment=wording(provider, referral, complaint.language, policy),
        public=True,
        add_tags=policy.escalation.inform_tags,
        marker_tag=f"plaint_referral_{provider.id}".replace("-", "_")[:80],
        next_attempt_at=now,
    )


def _refer(
    complaint: Complaint, referral: Referral, provider: Provider, packet: str, now: datetime
) -> OutboundAction:
    fields = {"provider": provider.id, "packet": packet, "method": provider.method.value}
    fields |= {k: v for k, v in (("url", provider.url), ("secret_env", provider.secret_env),
                                 ("email", provider.email)) if v}  # fmt: skip
    return OutboundAction(
        action_id=f"{referral.referral_id}:refer",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.REFER,
        source=SourceSystem.PROVIDER,
        ticket_id=referral.referral_id,
        language=complaint.language,
        public=False,
        fields=fields,
        marker_tag="plaint_referred",
        next_attempt_at=now,
    )


def referral_packet(
    complaint: Complaint, referral: Referral, provider: Provider, policy: Policy, now: datetime
) -> str:
    """The case file the provider receives: the facts, the timeline, the decision and where
    the correspondence is. Canonical JSON, so its digest in the log identifies it."""
    assessment = complaint.assessment
    packet = {
        "referral_id": referral.referral_id,
        "provider": provider.id,
        "organisation": policy.name,
        "sent_at": now.isoformat(),
        "trigger": referral.trigger,
        "complaint": {
            "reference": complaint.complaint_id,
            "received_at": complaint.received_at.isoformat(),
            "channel": complaint.channel,
            "language": complaint.language,
            "category": assessment.category,
            "severity": assessment.severity,
            "product": complaint.product,
            "remedy_sought": complaint.remedy_sought,
            "amount_claimed": complaint.amount_claimed.model_dump(mode="json")
            if complaint.amount_claimed else None,
            "regime": complaint.regime,
            "jurisdiction": jurisdiction_of(complaint, policy),
        },
        "complainant": {"reference": complaint.complainant_ref},
        "timeline": _timeline(complaint),
        "clocks": [_clock_summary(c) for c in complaint.clocks],
        "decision": {
            "final_response_at": _at(complaint.milestones.get(Milestone.FINAL_RESPONSE)),
            "helpdesk_status": complaint.helpdesk_status,
        },
        "correspondence": {"helpdesk": complaint.source, "ticket": complaint.ticket_id,
                           "audit_chain": f"{complaint.complaint_id}"},
    }  # fmt: skip
    return canonical_json(packet).decode("utf-8")


def _timeline(complaint: Complaint) -> list[dict[str, str]]:
    steps = [{"event": m.value, "at": at.isoformat()} for m, at in complaint.milestones.items()]
    return sorted(steps, key=lambda step: step["at"])


def _clock_summary(clock: Clock) -> dict[str, str | None]:
    return {
        "clock": clock.clock_id,
        "status": clock.status.value,
        "due_at": _at(clock.due_at),
        "met_at": _at(clock.met_at),
    }


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def advance(
    complaint: Complaint,
    referral_id: str,
    step: ReferralStage,
    policy: Policy,
    now: datetime,
    *,
    by: str,
    outcome: ReferralOutcome | None = None,
    redress: Money | None = None,
) -> Decision:
    """Record the next step of a referral's life (each one a decision in the log)."""
    referral = next((r for r in complaint.referrals if r.referral_id == referral_id), None)
    if referral is None:
        raise ReferralStepError(f"{complaint.complaint_id} has no referral {referral_id}")
    changes, clocks, milestones = _step(
        complaint, referral, step, policy, now, outcome=outcome, redress=redress
    )
    moved = referral.model_copy(update={"stage": step, **changes})
    referrals = tuple(moved if r is referral else r for r in complaint.referrals)
    updated = complaint.revised(
        referrals=referrals, clocks=clocks.clocks, milestones=clocks.milestones
    )
    detail = {"referral": referral_id, "provider": referral.provider_id, "by": by,
              "from": referral.stage, **{k: _plain(v) for k, v in changes.items()}}  # fmt: skip
    entry = record(
        AuditKind.of_referral_step(step), complaint.complaint_id, policy, now, detail=detail
    )
    return Decision(complaint=updated, expected_revision=complaint.revision,
                    audit=(entry, *milestones, *clocks.audit))  # fmt: skip


_AFTER = {
    ReferralStage.REFERRED: (ReferralStage.OFFERED,),
    ReferralStage.ACKNOWLEDGED: (ReferralStage.REFERRED, ReferralStage.OFFERED),
    ReferralStage.RESPONDED: (ReferralStage.ACKNOWLEDGED,),
    ReferralStage.DECIDED: (ReferralStage.ACKNOWLEDGED, ReferralStage.RESPONDED),
    ReferralStage.IMPLEMENTED: (ReferralStage.DECIDED,),
    # A referral may close at any stage: the complainant withdraws, or the provider declines.
    ReferralStage.CLOSED: tuple(s for s in ReferralStage if s not in _DONE),
}


def _step(
    complaint: Complaint,
    referral: Referral,
    step: ReferralStage,
    policy: Policy,
    now: datetime,
    *,
    outcome: ReferralOutcome | None,
    redress: Money | None,
) -> tuple[dict[str, object], timekeeping.ClockUpdate, tuple[AuditDraft, ...]]:
    if referral.stage not in _AFTER.get(step, ()):
        raise ReferralStepError(
            f"{referral.referral_id} is {referral.stage}: it cannot be {step} next"
        )
    changes: dict[str, object] = {}
    reached: tuple[Milestone, ...] = ()
    clocks = list(complaint.clocks)
    if step is ReferralStage.REFERRED:
        changes["referred_at"] = now
        reached = (Milestone.REFERRAL,)
    elif step is ReferralStage.ACKNOWLEDGED:
        changes["acknowledged_at"] = now
        provider = policy.escalation.provider(referral.provider_id)
        if provider is not None:
            clocks.append(_response_clock(complaint, provider, policy, now))
        if referral.referred_at is None:
            changes["referred_at"] = now
            reached = (Milestone.REFERRAL,)
    elif step is ReferralStage.RESPONDED:
        changes["responded_at"] = now
        reached = (Milestone.PROVIDER_RESPONSE,)
    elif step is ReferralStage.DECIDED:
        if outcome is None:
            raise ReferralStepError("a decided referral names its outcome")
        changes |= {"outcome": outcome, "decided_at": now}
    elif step is ReferralStage.IMPLEMENTED:
        changes |= {"implemented_at": now, "redress": redress}
    else:
        changes["closed_at"] = now
    base = complaint.model_copy(update={"clocks": tuple(clocks)})
    started: tuple[AuditDraft, ...] = ()
    if len(clocks) > len(complaint.clocks):
        detail = {"clock": RESPONSE_CLOCK, "at": now.isoformat(), "due_at": _at(clocks[-1].due_at)}
        started = (
            record(AuditKind.CLOCK_STARTED, complaint.complaint_id, policy, now, detail=detail),
        )
    update = timekeeping.reach_milestones(base, reached, now, policy, now)
    return changes, update, started


def _response_clock(
    complaint: Complaint, provider: Provider, policy: Policy, now: datetime
) -> Clock:
    calendar_id = policy.acknowledgement.calendar
    calendar = timekeeping.calendars(policy)(calendar_id)
    return Clock(
        clock_id=RESPONSE_CLOCK, regime=complaint.regime or ESCALATION_REGIME,
        kind=ClockKind.REGULATORY, on_expiry=Expiry.BREACH, calendar=calendar_id,
        starts_on=Milestone.REFERRAL, met_by=(Milestone.PROVIDER_RESPONSE,),
        within=provider.response_within, status=ClockStatus.RUNNING, started_at=now,
        due_at=calendar.add(now, provider.response_within),
    )  # fmt: skip


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Money):
        return value.model_dump(mode="json")
    return value

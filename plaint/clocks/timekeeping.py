"""Decisions about complaint clocks: opening them at receipt, following milestones and
helpdesk statuses, recording warnings and breaches once, and the admin's audited
recalculation. Pure: plaint.services and plaint.handling carry the results through ports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from plaint.auditlog.drafts import record
from plaint.clocks import deadlines as clockwork
from plaint.clocks.calendars import BusinessCalendar
from plaint.clocks.deadlines import CalendarFor, ClockChange, Clocks
from plaint.clocks.notes import BREACH, WARNING, agent_note
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.complaint import Clock, Complaint
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem, TicketEvent
from plaint.policy.document import Policy
from plaint.policy.regimes import ClockPolicy, ClockReaction
from plaint.vocabulary.terms import Milestone

# The calendars of the last few policies judged by, by the policy object's identity (held
# here, so the identity is not reused): built once per policy, not once per ticket.
_CALENDARS_KEPT = 8
_calendars: dict[int, tuple[Policy, CalendarFor]] = {}


def calendars(policy: Policy) -> CalendarFor:
    """Calendars by id. A clock frozen under an earlier policy whose calendar has since
    been removed counts on the acknowledgement calendar rather than stopping the sweep."""
    kept = _calendars.get(id(policy))
    if kept is not None and kept[0] is policy:
        return kept[1]
    built = _calendars_of(policy)
    while len(_calendars) >= _CALENDARS_KEPT:
        _calendars.pop(next(iter(_calendars)), None)
    _calendars[id(policy)] = (policy, built)
    return built


def _calendars_of(policy: Policy) -> CalendarFor:
    known = {c.id: c for c in policy.calendars}
    fallback = known[policy.acknowledgement.calendar]

    @cache
    def calendar_for(calendar_id: str) -> BusinessCalendar:
        return BusinessCalendar(known.get(calendar_id, fallback))

    return calendar_for


@dataclass(frozen=True)
class ClockUpdate:
    clocks: Clocks
    milestones: dict[Milestone, datetime]
    audit: tuple[AuditDraft, ...]


def open_clocks(
    complaint_id: str, regime_id: str | None, received_at: datetime, policy: Policy, now: datetime
) -> ClockUpdate:
    """The regime's clocks for a new complaint, frozen now under this policy."""
    regime = policy.regime(regime_id) if regime_id else None
    if regime is None:
        return ClockUpdate((), {Milestone.RECEIPT: received_at}, ())
    opened, changes = clockwork.plan(regime, received_at, calendars(policy))
    audit = tuple(_clock_audit(complaint_id, changes, policy, now))
    return ClockUpdate(opened, {Milestone.RECEIPT: received_at}, audit)


def signalled(event: TicketEvent, policy: Policy) -> list[Milestone]:
    """Milestones the helpdesk shows on this event, by the policy's signals."""
    tags = set(event.tags)
    return [
        signal.milestone
        for signal in policy.milestones
        if tags & set(signal.tags) or (event.helpdesk_status in signal.statuses)
    ]


def reach_milestones(
    complaint: Complaint,
    milestones: Iterable[Milestone],
    at: datetime,
    policy: Policy,
    now: datetime,
    *,
    announce: bool = True,
) -> ClockUpdate:
    """Record milestones not reached before, and what they do to the clocks. `announce`
    False when the caller's own entry records the milestone (acknowledgement.sent)."""
    reached = dict(complaint.milestones)
    current = complaint.clocks
    calendar_for = calendars(policy)
    audit: list[AuditDraft] = []
    for milestone in milestones:
        if milestone in reached:
            continue
        reached[milestone] = at
        if announce:
            audit.append(
                record(
                    AuditKind.MILESTONE_REACHED,
                    complaint.complaint_id,
                    policy,
                    now,
                    detail={"milestone": milestone.value, "at": at.isoformat()},
                )
            )
        current, changes = clockwork.reach(current, milestone, at, calendar_for)
        audit.extend(_clock_audit(complaint.complaint_id, changes, policy, now))
    return ClockUpdate(current, reached, tuple(audit))


def follow_status(
    complaint: Complaint, status: str | None, at: datetime, policy: Policy, now: datetime
) -> ClockUpdate:
    """Pause or resume service clocks on the helpdesk status."""

    def pauses(clock: Clock) -> tuple[str, ...]:
        spec = _spec(policy, clock)
        return spec.pause_on_statuses if spec else ()

    current, changes = clockwork.follow_status(
        complaint.clocks, status, at, pauses, calendars(policy)
    )
    audit = tuple(_clock_audit(complaint.complaint_id, changes, policy, now))
    return ClockUpdate(current, dict(complaint.milestones), audit)


def _spec(policy: Policy, clock: Clock) -> ClockPolicy | None:
    regime = policy.regime(clock.regime)
    if regime is None:
        return None
    return next((c for c in regime.clocks if c.id == clock.clock_id), None)


def _clock_audit(
    complaint_id: str, changes: Iterable[ClockChange], policy: Policy, now: datetime
) -> list[AuditDraft]:
    return [
        record(
            AuditKind.of_clock(change.kind),
            complaint_id,
            policy,
            now,
            detail={"clock": change.clock.clock_id, "at": change.at.isoformat(), **change.detail},
        )
        for change in changes
    ]


def sweep_due(complaint: Complaint, policy: Policy, now: datetime) -> Decision | None:
    """Warnings, breaches and lapses that fell due, each recorded once (the new clock
    state rides in the same transaction, conditional on the revision read)."""
    updated, changes = clockwork.due(complaint.clocks, now)
    if not changes:
        return None
    audit = _clock_audit(complaint.complaint_id, changes, policy, now)
    calendar_for = calendars(policy)
    actions = tuple(
        action
        for change in changes
        if (action := _reaction(complaint, change, policy, calendar_for, now)) is not None
    )
    changed = complaint.revised(clocks=updated)
    return Decision(
        complaint=changed,
        expected_revision=complaint.revision,
        audit=tuple(audit),
        new_actions=actions,
    )


def _reaction(
    complaint: Complaint,
    change: ClockChange,
    policy: Policy,
    calendar_for: CalendarFor,
    now: datetime,
) -> OutboundAction | None:
    """What the helpdesk is asked to do about a warning or a breach; email complaints have
    no helpdesk ticket to mark, so the audit entry is their whole record."""
    if change.kind not in ("warning", "breached") or complaint.source is SourceSystem.EMAIL:
        return None
    spec = _spec(policy, change.clock)
    warning = change.kind == "warning"
    reaction = (spec.on_warning if warning else spec.on_breach) if spec else ClockReaction()
    if reaction.is_empty:
        return None
    clock = change.clock
    step = f"warn{round(change.detail['fraction'] * 100)}" if warning else "breach"
    if clock.extended:
        step += "x"
    due_by = clock.due_at.astimezone(calendar_for(clock.calendar).zone) if clock.due_at else None
    note = agent_note(
        WARNING if warning else BREACH,
        policy.default_language,
        clock=clock.clock_id,
        regime=clock.regime,
        percent=str(round(change.detail.get("fraction", 1) * 100)),
        due_by=due_by.strftime("%Y-%m-%d %H:%M %Z") if due_by else "-",
    )
    return OutboundAction(
        action_id=f"{complaint.complaint_id}:clock:{clock.regime}:{clock.clock_id}:{step}",
        complaint_id=complaint.complaint_id,
        kind=ActionKind.CLOCK_ALERT,
        source=complaint.source,
        ticket_id=complaint.ticket_id,
        language=policy.default_language,
        comment=note if reaction.notify_agents else None,
        public=False,
        add_tags=reaction.add_tags,
        fields=reaction.fields,
        marker_tag=f"plaint_{clock.clock_id}_{step}".replace(".", "_")[:80],
        next_attempt_at=now,
    )


def recalculate(
    complaint: Complaint, policy: Policy, now: datetime, *, requested_by: str, reason: str
) -> Decision:
    """Re-freeze a complaint's open clocks under `policy`: the admin's explicit command,
    recorded with every clock's deadline before and after."""
    regime = policy.regime(complaint.regime) if complaint.regime else None
    if regime is None:
        raise LookupError(
            f"{complaint.complaint_id}: regime {complaint.regime!r} is not in this policy"
        )
    updated, report = clockwork.recalculate(complaint.clocks, regime, calendars(policy))
    audit = record(
        AuditKind.CLOCKS_RECALCULATED,
        complaint.complaint_id,
        policy,
        now,
        detail={
            "requested_by": requested_by,
            "reason": reason,
            "frozen_under": complaint.clocks_policy_version or complaint.policy_version,
            "recalculated_under": policy.version,
            "clocks": report,
        },
    )
    changed = complaint.revised(clocks=updated, clocks_policy_version=policy.version)
    return Decision(complaint=changed, expected_revision=complaint.revision, audit=(audit,))

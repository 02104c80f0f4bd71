"""What the golden tests ask of a pack: the deadlines its clocks give a complaint received
at a local instant, after the milestones that happened, in each clock's local time."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from plaint.clocks import deadlines as clockwork
from plaint.clocks.timekeeping import calendars
from plaint.intake.assessment import assess
from plaint.model.complaint import Clock
from plaint.policy.document import CalendarPolicy, Policy
from plaint.policy.loading import load_policy
from plaint.vocabulary.terms import Milestone
from tests.factories import ticket_event

PACKS = Path(__file__).resolve().parents[2] / "policies"


@cache
def pack(name: str) -> Policy:
    return load_policy(PACKS / f"{name}.json")


def with_calendar(policy: Policy, calendar_id: str, **changes: object) -> Policy:
    """The policy with one calendar changed (e.g. the UK pack counted on Scotland's days)."""
    replaced: list[CalendarPolicy] = [
        c.model_copy(update=changes) if c.id == calendar_id else c for c in policy.calendars
    ]
    return policy.model_copy(update={"calendars": tuple(replaced)})


def local(text: str, zone: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def clocks_for(
    policy: Policy,
    regime_id: str,
    received: datetime,
    milestones: tuple[tuple[Milestone, datetime], ...] = (),
) -> dict[str, Clock]:
    regime = policy.regime(regime_id)
    assert regime is not None, f"no regime {regime_id!r}"
    calendar_for = calendars(policy)
    state, _ = clockwork.plan(regime, received, calendar_for)
    for milestone, at in milestones:
        state, _ = clockwork.reach(state, milestone, at, calendar_for)
    return {clock.clock_id: clock for clock in state}


def due_local(
    policy: Policy,
    regime_id: str,
    received: str,
    milestones: tuple[tuple[Milestone, str], ...] = (),
) -> dict[str, str]:
    """Deadlines as local 'YYYY-MM-DD HH:MM' per clock (only clocks that started), for a
    receipt and milestones given in the regime calendar's local time."""
    regime = policy.regime(regime_id)
    assert regime is not None, f"no regime {regime_id!r}"
    zone = policy.calendar(regime.calendar).timezone
    state = clocks_for(
        policy,
        regime_id,
        local(received, zone),
        tuple((m, local(at, zone)) for m, at in milestones),
    )
    calendar_for = calendars(policy)
    return {
        clock_id: clock.due_at.astimezone(calendar_for(clock.calendar).zone).strftime(
            "%Y-%m-%d %H:%M"
        )
        for clock_id, clock in state.items()
        if clock.due_at is not None
    }


def regime_chosen(policy: Policy, subject: str, tags: tuple[str, ...], language: str) -> str | None:
    """The regime the pack's rules give a new ticket with this subject and these tags."""
    event = ticket_event(subject=subject, description="", tags=tags)
    return assess(event, policy, language).regime

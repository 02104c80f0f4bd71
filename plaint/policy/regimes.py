"""Regimes and their clocks, as the admin's policy declares them.

A regime is one regulator's (or the organisation's own) set of complaint clocks: when each
starts, how long it runs on which calendar, which milestone meets it, and what happens at
the warning fractions and at the deadline. Two kinds are kept apart: regulatory clocks run
whatever the helpdesk says; service (SLA) clocks may pause on helpdesk statuses the policy
names.

Branches the regimes use are built from four parts: a clock met by one of several
milestones (CFPB's 15-day "in progress" response), a clock that another one's being met on
time discharges (UK summary resolution stands in for the final response), an extension a
milestone earns before the deadline (PSD2's holding reply, 15 -> 35 business days), and a
clock that starts at a later milestone and lapses rather than breaches (the complainant's
window to refer to an ombudsman after the final response).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from plaint.vocabulary.base import Frozen
from plaint.vocabulary.terms import ClockKind, Duration, Expiry, FigureBasis, Identifier, Milestone


class MilestoneSignal(Frozen):
    """How the helpdesk shows that a milestone happened: a tag on the ticket or a status.
    The acknowledgement Plaint sends itself is recorded without a signal."""

    milestone: Milestone
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = Field(
        default=(), description="Helpdesk status values (e.g. Zendesk 'solved')."
    )

    @model_validator(mode="after")
    def _says_something(self) -> MilestoneSignal:
        if not (self.tags or self.statuses):
            raise ValueError("a milestone signal needs tags or statuses")
        if self.milestone is Milestone.RECEIPT:
            raise ValueError("receipt is the complaint's arrival; it needs no signal")
        return self


class ClockReaction(Frozen):
    """What the helpdesk is asked to do at a warning or a breach."""

    add_tags: tuple[str, ...] = ()
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="Helpdesk field id -> value; an escalation sets priority or group here.",
    )
    notify_agents: bool = Field(
        default=True, description="Add a private note for agents saying what fell due."
    )

    @property
    def is_empty(self) -> bool:
        return not (self.add_tags or self.fields or self.notify_agents)


Fraction = Annotated[float, Field(gt=0, lt=1)]


class Extension(Frozen):
    """More time, earned by a milestone reached before the original deadline (PSD2 Art. 101:
    a holding reply with the reasons for the delay)."""

    by: Milestone = Milestone.HOLDING_RESPONSE
    to: Duration = Field(description="The whole time allowed from the clock's start.")
    source: str = ""


class ClockPolicy(Frozen):
    id: Identifier
    description: str = ""
    source: str = Field(default="", description="The rule this clock implements, cited.")
    basis: FigureBasis = FigureBasis.LAW
    kind: ClockKind = ClockKind.REGULATORY
    starts_on: Milestone = Milestone.RECEIPT
    within: Duration
    calendar: Identifier | None = Field(
        default=None, description="The calendar to count on; the regime's when left out."
    )
    met_by: tuple[Milestone, ...] = Field(min_length=1)
    discharged_by: tuple[Identifier, ...] = Field(
        default=(),
        description="Clocks of the same regime whose being met on time makes this one "
        "unnecessary (a summary resolution in place of a final response).",
    )
    extension: Extension | None = None
    on_expiry: Expiry = Expiry.BREACH
    warn_at: tuple[Fraction, ...] = Field(
        default=(0.5, 0.8), description="Fractions of the time allowed that raise a warning."
    )
    on_warning: ClockReaction = ClockReaction()
    on_breach: ClockReaction = ClockReaction()
    pause_on_statuses: tuple[str, ...] = Field(
        default=(),
        description="Helpdesk statuses that pause a service clock (e.g. 'pending' while "
        "waiting on the customer). Regulatory clocks never pause.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ClockPolicy:
        if self.pause_on_statuses and self.kind is ClockKind.REGULATORY:
            raise ValueError(
                "a regulatory clock cannot pause; make it a service clock or drop pause_on_statuses"
            )
        if self.starts_on in self.met_by:
            raise ValueError(f"starts_on {self.starts_on} cannot also be in met_by")
        if self.extension is not None and self.extension.by in self.met_by:
            raise ValueError("the extension's milestone cannot also meet the clock")
        if list(self.warn_at) != sorted(set(self.warn_at)):
            raise ValueError("warn_at must be distinct fractions in increasing order")
        return self


class Regime(Frozen):
    """One set of complaint clocks: a regulator's, or the organisation's own."""

    id: Identifier
    name: str = Field(min_length=1)
    source: str = Field(
        min_length=1, description="The law, rule or standard the regime implements, cited."
    )
    jurisdiction: str | None = Field(
        default=None,
        pattern=r"^(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?)$",
        description="Where the regime applies: ISO 3166-1 alpha-2 (GB, AZ), a 3166-2 "
        "subdivision (AU-NSW) or EU. The compliance log is queried by it.",
    )
    calendar: Identifier
    clocks: tuple[ClockPolicy, ...] = Field(min_length=1)
    providers: tuple[Identifier, ...] = Field(
        default=(),
        description="The dispute-resolution providers (escalation.providers) a complainant "
        "under this regime is referred to, in order; empty: those covering its jurisdiction.",
    )

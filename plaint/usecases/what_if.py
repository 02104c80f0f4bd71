"""What a draft policy would change: the deliveries of the last days judged again, in
memory, under the draft and under the active policy, ticket by ticket, and the two
outcomes compared. Nothing is written.

Each ticket is judged from a fresh state with the real decisions (plaint.intake.reception
`receive`), its deliveries in the order they arrived, each at the instant it arrived; so a
ticket opened before the window is judged as if first seen in it. The window is bounded by
how long deliveries are remembered (plaint.usecases.intake.DELIVERY_MEMORY, a week): the
events carry the complainant's words, which Plaint does not keep longer than retries need.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from plaint.intake.reading import readings_remembered
from plaint.intake.reception import receive
from plaint.model.complaint import Complaint, Severity
from plaint.model.events import Delivery
from plaint.policy.document import Policy
from plaint.usecases.intake import DELIVERY_MEMORY
from plaint.usecases.ports import DeliveryLog
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.errors import PlaintError, QueryInvalidError

# Called with (tickets judged, tickets in all) as the run goes, at most about 200 times.
Progress = Callable[[int, int], None]

WINDOW = DELIVERY_MEMORY
PROGRESS_STEPS = 200


class Outcome(Frozen):
    """Where one ticket ends up under one policy."""

    is_complaint: bool
    category: str | None = None
    severity: Severity | None = None
    regime: str | None = None
    acknowledgement_due_at: AwareDatetime | None = None
    deadlines: dict[str, AwareDatetime | None] = Field(
        default_factory=dict, description="Clock id -> its deadline."
    )
    judged: bool = Field(default=True, description="False: every delivery was set aside.")


class Change(StrEnum):
    NEWLY_RECOGNISED = "newly_recognised"
    NO_LONGER_RECOGNISED = "no_longer_recognised"
    CATEGORY = "category"
    SEVERITY = "severity"
    REGIME = "regime"
    ACKNOWLEDGEMENT_DEADLINE = "acknowledgement_deadline"
    CLOCK_DEADLINES = "clock_deadlines"


class TicketDifference(Frozen):
    complaint_id: str
    deliveries: int
    changes: tuple[Change, ...]
    active: Outcome
    draft: Outcome


class WhatIfReport(Frozen):
    draft_version: str
    active_version: str
    since: AwareDatetime
    until: AwareDatetime
    deliveries: int
    tickets: int
    unchanged: int
    counts: dict[Change, int] = Field(description="Tickets per kind of change.")
    differences: tuple[TicketDifference, ...]
    not_judged: dict[str, str] = Field(
        default_factory=dict, description="Tickets a policy could not judge, and why."
    )


def what_if(
    deliveries: DeliveryLog,
    draft: Policy,
    active: Policy,
    *,
    days: int,
    now: datetime,
    progress: Progress | None = None,
) -> WhatIfReport:
    """Judge the deliveries of the last `days` again under `draft` and `active`; report
    every ticket whose outcome differs. Raises QueryInvalidError for a window longer than
    deliveries are remembered."""
    if not 1 <= days <= WINDOW.days:
        raise QueryInvalidError(
            f"a what-if reads deliveries of 1 to {WINDOW.days} days (they are remembered "
            f"{WINDOW.days} days); {days} asked"
        )
    with readings_remembered():
        return _judged_again(deliveries, draft, active, (now - timedelta(days=days), now),
                             progress=progress)  # fmt: skip


def _judged_again(
    deliveries: DeliveryLog,
    draft: Policy,
    active: Policy,
    window: tuple[datetime, datetime],
    *,
    progress: Progress | None,
) -> WhatIfReport:
    since, now = window
    tickets = _by_ticket(deliveries.deliveries_between(since, now))
    differences: list[TicketDifference] = []
    not_judged: dict[str, str] = {}
    step = max(1, len(tickets) // PROGRESS_STEPS)
    for done, (complaint_id, arrived) in enumerate(sorted(tickets.items()), start=1):
        try:
            before, after = replay(arrived, active), replay(arrived, draft)
        except PlaintError as exc:
            not_judged[complaint_id] = f"{type(exc).__name__}: {exc}"
        else:
            changes = compare(before, after)
            if changes:
                differences.append(TicketDifference(
                    complaint_id=complaint_id, deliveries=len(arrived), changes=changes,
                    active=before, draft=after,
                ))  # fmt: skip
        if progress is not None and (done % step == 0 or done == len(tickets)):
            progress(done, len(tickets))
    counts = Counter(change for d in differences for change in d.changes)
    return WhatIfReport(
        draft_version=draft.version, active_version=active.version, since=since, until=now,
        deliveries=sum(len(a) for a in tickets.values()), tickets=len(tickets),
        unchanged=len(tickets) - len(differences) - len(not_judged),
        counts={change: counts[change] for change in Change}, differences=tuple(differences),
        not_judged=not_judged,
    )  # fmt: skip


def _by_ticket(deliveries: Iterable[Delivery]) -> dict[str, list[Delivery]]:
    tickets: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        tickets[delivery.event.complaint_id].append(delivery)
    for arrived in tickets.values():
        arrived.sort(key=lambda d: (d.received_at, d.delivery_id))
    return tickets


def replay(arrived: Sequence[Delivery], policy: Policy) -> Outcome:
    """One ticket's deliveries judged from a fresh state, in the order they arrived."""
    current: Complaint | None = None
    for delivery in arrived:
        decision = receive(delivery.event, current, policy, delivery.received_at)
        if decision.complaint is not None:
            current = decision.complaint
    return _outcome(current)


def _outcome(complaint: Complaint | None) -> Outcome:
    if complaint is None:
        return Outcome(is_complaint=False, judged=False)
    assessment = complaint.assessment
    return Outcome(
        is_complaint=assessment.is_complaint,
        category=assessment.category,
        severity=assessment.severity,
        regime=complaint.regime,
        acknowledgement_due_at=complaint.acknowledgement_due_at,
        deadlines={clock.clock_id: clock.due_at for clock in complaint.clocks},
    )


def compare(before: Outcome, after: Outcome) -> tuple[Change, ...]:
    if before.is_complaint != after.is_complaint:
        return (Change.NEWLY_RECOGNISED if after.is_complaint else Change.NO_LONGER_RECOGNISED,)
    if not before.is_complaint:
        return ()
    changed = [
        (Change.CATEGORY, before.category != after.category),
        (Change.SEVERITY, before.severity != after.severity),
        (Change.REGIME, before.regime != after.regime),
        (Change.ACKNOWLEDGEMENT_DEADLINE,
         before.acknowledgement_due_at != after.acknowledgement_due_at),
        (Change.CLOCK_DEADLINES, before.deadlines != after.deadlines),
    ]  # fmt: skip
    return tuple(change for change, differs in changed if differs)

"""What the use cases did, as counts an operator can watch: read off each committed decision.

The engine names the measures; the functions publish them (CloudWatch embedded metric
format, functions/chalicelib/observed.py), so nothing here knows how they leave the process.
Only kinds, counts, ids and the policy version are kept: never ticket text or a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plaint.model.audit import AuditKind
from plaint.model.decision import Decision


@dataclass(frozen=True)
class Measure:
    """One value of a metric; `dimension` splits it (the decision's kind, a refusal's reason)."""

    name: str
    value: float = 1.0
    unit: str = "Count"
    dimension: tuple[str, str] | None = None


@dataclass(frozen=True)
class Committed:
    """A decision the store committed, for the log line that says so."""

    complaint_id: str | None
    policy_version: str | None
    kinds: tuple[str, ...]


# Decisions by kind: the audit entry that says what a delivery was judged to be.
_DECISION_KINDS: dict[str, str] = {
    AuditKind.COMPLAINT_REVIEW_REQUESTED: "review",
    AuditKind.INTAKE_SET_ASIDE: "set_aside",
    AuditKind.COMPLAINT_UPDATED: "updated",
    AuditKind.COMPLAINT_CONFIRMED: "confirmed",
    AuditKind.COMPLAINT_DISMISSED: "dismissed",
}
_COUNTED: dict[str, str] = {
    AuditKind.CLOCK_WARNING: "ClockWarnings",
    AuditKind.CLOCK_BREACHED: "ClockBreaches",
    AuditKind.ACTION_PARKED: "ActionsParked",
    AuditKind.ACKNOWLEDGEMENT_OVERDUE: "AcknowledgementsOverdue",
}


def measures_of(decision: Decision) -> list[Measure]:
    """The measures one committed decision stands for."""
    measures: list[Measure] = []
    for draft in decision.audit:
        kind, detail = draft.kind, draft.detail
        if kind == AuditKind.COMPLAINT_ASSESSED and "is_complaint" in detail:
            judged = "complaint" if detail["is_complaint"] else "not_complaint"
            measures.append(Measure("Decisions", dimension=("kind", judged)))
        elif kind in _DECISION_KINDS:
            measures.append(Measure("Decisions", dimension=("kind", _DECISION_KINDS[kind])))
        if kind == AuditKind.COMPLAINT_REVIEW_REQUESTED and detail.get("score") is not None:
            measures.append(Measure("RecognitionReviewScore", float(detail["score"]), "None"))
        if kind == AuditKind.ACKNOWLEDGEMENT_SENT and "on_time" in detail:
            on_time = "AcknowledgementsOnTime" if detail["on_time"] else "AcknowledgementsLate"
            measures.append(Measure(on_time))
        if kind in _COUNTED:
            measures.append(Measure(_COUNTED[kind]))
    return measures


# A process that never takes them (a console command, a test) keeps at most this many.
MAX_KEPT = 10_000


@dataclass
class Outcomes:
    """What happened since the entry point last took them (once per invocation)."""

    measures: list[Measure] = field(default_factory=list)
    committed: list[Committed] = field(default_factory=list)

    def note(self, decision: Decision) -> None:
        if not decision.audit or len(self.committed) >= MAX_KEPT:
            return  # a claim or reschedule (counted where it happens), or nobody takes them
        first = decision.audit[0]
        complaint_id = decision.complaint.complaint_id if decision.complaint else first.complaint_id
        kinds = tuple(draft.kind for draft in decision.audit)
        self.committed.append(Committed(complaint_id, first.policy_version, kinds))
        self.measures.extend(measures_of(decision))

    def count(self, name: str) -> None:
        """One of what no audit entry records (an action retried)."""
        if len(self.measures) < MAX_KEPT:
            self.measures.append(Measure(name))

    def take(self) -> tuple[list[Measure], list[Committed]]:
        taken = self.measures, self.committed
        self.measures, self.committed = [], []
        return taken

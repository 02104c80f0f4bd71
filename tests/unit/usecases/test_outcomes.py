"""What a committed decision is counted as: kinds and counts only, never its text."""

from __future__ import annotations

from datetime import UTC, datetime

from plaint.auditlog.drafts import record
from plaint.model.audit import AuditKind
from plaint.model.decision import Decision
from plaint.policy.document import Policy
from plaint.usecases.outcomes import MAX_KEPT, Measure, Outcomes, measures_of
from tests.factories import default_policy

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def _decision(policy: Policy, *drafts: tuple[AuditKind, dict[str, object]]) -> Decision:
    audit = tuple(record(kind, "zendesk:1", policy, NOW, detail=d) for kind, d in drafts)
    return Decision(complaint=None, audit=audit)


def test_each_kind_is_counted_by_what_it_says() -> None:
    decision = _decision(
        default_policy(),
        (AuditKind.COMPLAINT_ASSESSED, {"is_complaint": False}),
        (AuditKind.COMPLAINT_REVIEW_REQUESTED, {"score": 0.5}),
        (AuditKind.ACKNOWLEDGEMENT_SENT, {"on_time": False}),
        (AuditKind.CLOCK_BREACHED, {"clock": "c"}),
        (AuditKind.ACTION_PARKED, {"error": "Leyla said no"}),
    )
    assert measures_of(decision) == [
        Measure("Decisions", dimension=("kind", "not_complaint")),
        Measure("Decisions", dimension=("kind", "review")),
        Measure("RecognitionReviewScore", 0.5, "None"),
        Measure("AcknowledgementsLate"),
        Measure("ClockBreaches"),
        Measure("ActionsParked"),
    ]


def test_outcomes_are_taken_once() -> None:
    policy = default_policy()
    outcomes = Outcomes()
    outcomes.note(_decision(policy, (AuditKind.CLOCK_WARNING, {})))
    measures, committed = outcomes.take()
    assert measures == [Measure("ClockWarnings")]
    assert committed[0].complaint_id == "zendesk:1"
    assert committed[0].policy_version == policy.version
    assert outcomes.take() == ([], [])


def test_a_process_that_never_takes_them_keeps_a_bounded_number() -> None:
    policy = default_policy()
    outcomes = Outcomes()
    decision = _decision(policy, (AuditKind.CLOCK_WARNING, {}))
    for _ in range(MAX_KEPT + 5):
        outcomes.note(decision)
    assert len(outcomes.committed) == len(outcomes.measures) == MAX_KEPT

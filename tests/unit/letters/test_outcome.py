"""The organisation's outcome of a complaint: recorded from the policy's outcome tags once,
a later different one recorded as a change, nothing for a redelivery or an ambiguous ticket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from plaint.intake.reception import receive
from plaint.model.complaint import Complaint, ComplaintOutcome
from plaint.model.events import TicketEventKind
from tests.factories import default_policy, ticket_event

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"
POLICY = default_policy()


class Ticket:
    """One ticket's events through the engine, as the handling would carry them."""

    def __init__(self, **first: Any) -> None:
        self.event = ticket_event(description=COMPLAINT, language="az", **first)
        decision = receive(self.event, None, POLICY, self.event.occurred_at)
        assert decision.complaint is not None and decision.complaint.assessment.is_complaint
        self.complaint: Complaint = decision.complaint
        self.kinds = [d.kind for d in decision.audit]
        self.deliveries = 1

    def tagged(self, *tags: str, again: bool = False) -> list[str]:
        """The outcome entries one update with these tags makes; `again` redelivers the last."""
        if not again:
            self.deliveries += 1
            self.event = ticket_event(
                kind=TicketEventKind.UPDATED,
                delivery_id=f"d-{self.deliveries}",
                description=COMPLAINT,
                tags=tags,
                occurred_at=self.event.occurred_at + timedelta(hours=1),
                created_at=self.event.created_at,
            )
        decision = receive(self.event, self.complaint, POLICY, self.event.occurred_at)
        if decision.complaint is not None:
            self.complaint = decision.complaint
        return [d.kind for d in decision.audit if d.kind.startswith("outcome.")]


def test_an_outcome_tag_records_the_outcome_with_when_it_was_decided() -> None:
    ticket = Ticket()
    assert ticket.complaint.outcome is None
    assert ticket.tagged("final_response_sent", "complaint_partly_upheld") == ["outcome.recorded"]
    assert ticket.complaint.outcome is ComplaintOutcome.PARTLY_UPHELD
    assert ticket.complaint.outcome_decided_at == ticket.event.occurred_at
    assert ticket.complaint.milestones.keys() >= {"final_response"}


def test_the_same_outcome_again_or_redelivered_records_nothing() -> None:
    ticket = Ticket()
    ticket.tagged("complaint_upheld")
    decided_at = ticket.complaint.outcome_decided_at
    assert ticket.tagged("complaint_upheld", again=True) == []
    assert ticket.tagged("complaint_upheld", "vip") == []
    assert ticket.complaint.outcome is ComplaintOutcome.UPHELD
    assert ticket.complaint.outcome_decided_at == decided_at


def test_a_later_different_outcome_is_a_change_naming_the_previous_one() -> None:
    ticket = Ticket()
    ticket.tagged("complaint_not_upheld")
    event_at = ticket.event.occurred_at
    decision = receive(
        ticket_event(
            kind=TicketEventKind.UPDATED, delivery_id="d-9", description=COMPLAINT,
            tags=("complaint_upheld",), occurred_at=event_at + timedelta(days=2),
            created_at=ticket.event.created_at,
        ),
        ticket.complaint, POLICY, event_at + timedelta(days=2),
    )  # fmt: skip
    [entry] = [d for d in decision.audit if d.kind.startswith("outcome.")]
    assert entry.kind == "outcome.changed"
    assert entry.detail["outcome"] == "upheld" and entry.detail["previous"] == "not_upheld"
    assert decision.complaint is not None
    assert decision.complaint.outcome is ComplaintOutcome.UPHELD
    assert decision.complaint.outcome_decided_at == event_at + timedelta(days=2)


def test_tags_for_two_outcomes_at_once_leave_the_record_as_it_was() -> None:
    ticket = Ticket()
    ticket.tagged("complaint_not_upheld")
    assert ticket.tagged("complaint_not_upheld", "complaint_upheld") == []
    assert ticket.complaint.outcome is ComplaintOutcome.NOT_UPHELD


def test_a_complaint_tagged_on_arrival_records_its_outcome_with_its_receipt() -> None:
    ticket = Ticket(tags=("complaint_upheld",))
    assert "outcome.recorded" in ticket.kinds
    assert ticket.complaint.outcome is ComplaintOutcome.UPHELD


def test_a_ticket_that_is_no_complaint_records_no_outcome() -> None:
    event = ticket_event(tags=("complaint_upheld",))
    decision = receive(event, None, POLICY, event.occurred_at)
    assert decision.complaint is not None and not decision.complaint.assessment.is_complaint
    assert decision.complaint.outcome is None
    assert not [d for d in decision.audit if d.kind.startswith("outcome.")]

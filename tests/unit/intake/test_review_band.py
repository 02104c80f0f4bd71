"""The review band on the in-memory store: a possible complaint put to an agent, confirmed or
dismissed by tag or field, a confirmed complaint counted from its first receipt, a review
left unanswered, and the real recogniser deciding the band."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from plaint.auditlog.verify import verify
from plaint.intake import reading as reading_module
from plaint.model.actions import ActionKind
from plaint.model.complaint import ClockStatus, Complaint, ComplaintStatus
from plaint.model.events import FieldChange, SourceSystem, TicketEventKind
from plaint.model.recognition import AnswerVia, ReviewAnswer
from plaint.policy.composition import compose_file
from plaint.policy.document import Policy
from plaint.policy.loading import load_policy
from plaint.usecases.handling import ComplaintHandling
from storage.memory import MemoryStore
from tests.conftest import ledger_entries
from tests.factories import ROOT, default_policy, ticket_event
from tests.fakes import FakeHelpdesk, FakeQueue, FakeRecogniser, ManualClock

QUESTION = "I asked about my statement last week"


class Desk:
    """Plaint on the in-memory store with a fake helpdesk, on a clock the test moves."""

    def __init__(self, policy: Policy | None = None) -> None:
        self.clock = ManualClock()
        self.store = MemoryStore(self.clock)
        self.helpdesk = FakeHelpdesk()
        self.handling = ComplaintHandling(
            store=self.store,
            policy=policy or default_policy(),
            clock=self.clock,
            outboxes={SourceSystem.ZENDESK: self.helpdesk, SourceSystem.JIRA: self.helpdesk},
        )
        self.created_at = self.clock.now
        self.deliveries = 0

    def deliver(self, **event: Any) -> None:
        self.deliveries += 1
        fields = {
            "delivery_id": f"d-{self.deliveries}",
            "created_at": self.created_at,
            "occurred_at": self.clock.now,
            "description": QUESTION,
        }
        e = ticket_event(**(fields | event))
        assert self.handling.accept(e)
        for action in self.handling.process(f"{e.source.value}:{e.delivery_id}"):
            self.handling.dispatch(action)

    def answer(self, *tags: str, **event: Any) -> None:
        """An agent's update of the ticket, a while later."""
        self.clock.advance(hours=1)
        fields: dict[str, Any] = {"kind": TicketEventKind.UPDATED, "tags": tags}
        self.deliver(**(fields | event))

    def complaint(self, complaint_id: str = "zendesk:101") -> Complaint:
        found = self.store.get_complaint(complaint_id)
        assert found is not None
        return found

    def kinds(self) -> list[str]:
        return [e.kind for e in ledger_entries(self.store)]

    def entry(self, kind: str) -> Any:
        return next(e for e in ledger_entries(self.store) if e.kind == kind)


@pytest.fixture
def recogniser(monkeypatch: pytest.MonkeyPatch) -> FakeRecogniser:
    fake = FakeRecogniser(probability=0.42, cues=("failure.delay", "request.question"))
    monkeypatch.setattr(reading_module, "recognise", fake)
    return fake


@pytest.fixture
def desk(recogniser: FakeRecogniser) -> Desk:
    return Desk()


def test_a_possible_complaint_is_put_to_an_agent_with_a_tag_and_a_private_note(
    desk: Desk, recogniser: FakeRecogniser
) -> None:
    desk.deliver(subject="Statement", description=QUESTION)
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.POSSIBLE_COMPLAINT
    assert complaint.acknowledgement_due_at is None and complaint.clocks == ()
    assert desk.kinds() == [
        "complaint.received", "complaint.assessed", "complaint.review_requested",
        "action.agent_note.done",
    ]  # fmt: skip
    [note] = desk.helpdesk.applied
    assert note.kind is ActionKind.AGENT_NOTE and not note.public
    assert note.add_tags == ("possible_complaint",)
    assert note.comment is not None
    assert "complaint_confirmed" in note.comment and "complaint_dismissed" in note.comment
    assert "0.42" in note.comment and "failure.delay" in note.comment
    # The acknowledgement deadline, were it a complaint: counted from receipt.
    assert "2025-03-04 14:00 +04" in note.comment and "2025-03-05 18:00 +04" in note.comment
    assert recogniser.asked[0]["text"] == f"Statement\n\n{QUESTION}"
    assessed = desk.entry("complaint.assessed")
    assert assessed.rule_id == "recogniser"
    assert assessed.detail["review"] is True
    reading = assessed.detail["recognition"]
    assert (reading["score"], reading["band"], reading["model_version"]) == (
        0.42, "possible_complaint", "sha256:fake-model",
    )  # fmt: skip
    assert (reading["complaint_threshold"], reading["review_threshold"]) == (0.5, 0.3)


def test_a_confirmed_complaint_counts_every_clock_from_its_first_receipt(
    recogniser: FakeRecogniser,
) -> None:
    # The ISO 10002 pack, judging tickets instead of taking each for a complaint.
    document = compose_file(ROOT / "policies" / "iso-10002.json").data  # the effective pack
    document["defaults"]["is_complaint"] = False
    desk = Desk(Policy.model_validate(document))
    desk.deliver()
    desk.clock.advance(days=2)  # the agent answers two days later
    desk.answer("possible_complaint", "complaint_confirmed", actor="zendesk-user:900")
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == desk.created_at
    # Acknowledgement due one business day after receipt, not after the answer.
    reference = Desk(Policy.model_validate(document | {"defaults": document["defaults"] | {
        "is_complaint": True}}))  # fmt: skip
    reference.deliver()
    assert complaint.acknowledgement_due_at == reference.complaint().acknowledgement_due_at
    assert complaint.acknowledgement_due_at is not None
    assert complaint.acknowledgement_due_at < desk.clock.now
    # The regime's clocks run from receipt too, deadlines equal to those of a complaint
    # recognised at once.
    expected = {c.clock_id: c.due_at for c in reference.complaint().clocks}
    started = {c.clock_id: c.due_at for c in complaint.clocks if c.started_at is not None}
    assert started and all(started[k] == expected[k] for k in started)
    assert all(
        c.started_at == desk.created_at
        for c in complaint.clocks
        if c.status is not ClockStatus.WAITING and c.started_at is not None
    )
    confirmed = desk.entry("complaint.confirmed")
    assert confirmed.rule_id == "review.tag"
    assert {
        "answer": "confirmed", "via": "tag", "tag": "complaint_confirmed",
        "by": "zendesk-user:900", "received_at": desk.created_at.isoformat(),
        "score": 0.42, "model_version": "sha256:fake-model",
    }.items() <= confirmed.detail.items()  # fmt: skip
    sent = desk.entry("acknowledgement.sent")
    assert sent.detail["on_time"] is False  # two days after receipt: late, and says so
    assert desk.kinds().index("complaint.confirmed") < desk.kinds().index(
        "acknowledgement.deadline_set"
    )
    ack = [a for a in desk.helpdesk.applied if a.kind is ActionKind.ACKNOWLEDGE]
    assert len(ack) == 1 and ack[0].public


def test_a_dismissed_ticket_is_no_complaint_and_is_judged_again_on_new_words(
    desk: Desk, recogniser: FakeRecogniser
) -> None:
    desk.deliver()
    desk.answer("possible_complaint", "complaint_dismissed", actor="zendesk-user:901")
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.NOT_A_COMPLAINT
    assert complaint.review is not None and complaint.review.answer is ReviewAnswer.DISMISSED
    dismissed = desk.entry("complaint.dismissed")
    assert (dismissed.detail["by"], dismissed.detail["via"]) == ("zendesk-user:901", "tag")
    assert complaint.assessment.rule_for("is_complaint") == "review.tag"
    # The complainant writes again; now the words are plainly a complaint.
    recogniser.probability = 0.93
    desk.clock.advance(hours=3)
    desk.deliver(
        kind=TicketEventKind.COMMENT_ADDED,
        description="Still nothing, this is unacceptable",
        tags=("possible_complaint", "complaint_dismissed"),
    )
    raised = desk.complaint()
    assert raised.status is ComplaintStatus.ACKNOWLEDGED
    assert raised.received_at == desk.clock.now  # received when dissatisfaction was expressed


def test_a_dismissal_from_an_earlier_review_is_no_answer_to_the_next(
    desk: Desk, recogniser: FakeRecogniser
) -> None:
    desk.deliver()
    desk.answer("possible_complaint", "complaint_dismissed")
    desk.clock.advance(hours=3)
    desk.deliver(
        kind=TicketEventKind.COMMENT_ADDED,
        description="And another thing about the statement",
        tags=("possible_complaint", "complaint_dismissed"),
    )
    asked_again = desk.complaint()
    assert asked_again.status is ComplaintStatus.POSSIBLE_COMPLAINT
    assert asked_again.review is not None
    assert asked_again.review.tags_before == ("complaint_dismissed",)
    desk.answer("possible_complaint", "complaint_dismissed")  # unchanged tags: no answer
    assert desk.complaint().status is ComplaintStatus.POSSIBLE_COMPLAINT
    assert desk.kinds().count("complaint.review_requested") == 2
    notes = [a for a in desk.helpdesk.applied if a.kind is ActionKind.AGENT_NOTE]
    assert len(notes) == 2 and notes[0].action_id != notes[1].action_id
    # The agent changes the dismissal into a confirmation.
    desk.answer("possible_complaint", "complaint_confirmed")
    confirmed = desk.complaint()
    assert confirmed.status is ComplaintStatus.ACKNOWLEDGED
    assert confirmed.received_at == desk.clock.now - timedelta(hours=2)


def test_both_answers_at_once_are_no_answer(desk: Desk) -> None:
    desk.deliver()
    desk.answer("complaint_confirmed", "complaint_dismissed")
    assert desk.complaint().status is ComplaintStatus.POSSIBLE_COMPLAINT
    assert "complaint.confirmed" not in desk.kinds()


def test_an_agent_confirms_with_a_jira_field(recogniser: FakeRecogniser) -> None:
    desk = Desk()
    desk.deliver(source=SourceSystem.JIRA, ticket_id="SUP-7")
    desk.answer(
        source=SourceSystem.JIRA,
        ticket_id="SUP-7",
        changes=(FieldChange(field="complaint_review", before=None, after="Confirmed"),),
        actor="jira-user:5b10ac8d82e05b22cc7d4ef5",
    )
    complaint = desk.complaint("jira:SUP-7")
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.review is not None and complaint.review.via is AnswerVia.FIELD
    confirmed = desk.entry("complaint.confirmed")
    assert confirmed.detail["field"] == "complaint_review"
    assert confirmed.detail["value"] == "Confirmed"
    assert confirmed.detail["by"] == "jira-user:5b10ac8d82e05b22cc7d4ef5"


def test_a_dismissal_by_field_value_is_read_without_regard_to_case(desk: Desk) -> None:
    desk.deliver()
    desk.answer(changes=(FieldChange(field="Complaint_Review", after="NOT A COMPLAINT"),))
    assert desk.complaint().status is ComplaintStatus.NOT_A_COMPLAINT


def test_new_words_that_are_plainly_a_complaint_settle_a_review_from_first_receipt(
    desk: Desk, recogniser: FakeRecogniser
) -> None:
    desk.deliver()
    recogniser.probability = 0.97
    desk.clock.advance(days=1)
    desk.deliver(kind=TicketEventKind.COMMENT_ADDED, description="This is ridiculous")
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == desk.created_at
    confirmed = desk.entry("complaint.confirmed")
    assert (confirmed.detail["via"], confirmed.detail["rule"]) == ("assessment", "recogniser")
    assert confirmed.detail["by"] is None


def test_a_ticket_judged_no_complaint_can_be_confirmed_by_an_agent(
    desk: Desk, recogniser: FakeRecogniser
) -> None:
    recogniser.probability = 0.05
    desk.deliver()
    assert desk.complaint().status is ComplaintStatus.NOT_A_COMPLAINT
    desk.clock.advance(hours=5)
    desk.answer("complaint_confirmed", actor="zendesk-user:902")
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == desk.created_at


def test_a_review_left_unanswered_is_recorded_once_when_the_acknowledgement_was_due(
    desk: Desk,
) -> None:
    desk.deliver()
    complaint = desk.complaint()
    assert complaint.review is not None and complaint.review.due_at is not None
    assert complaint.next_due_at() == complaint.review.due_at
    desk.clock.now = complaint.review.due_at - timedelta(minutes=1)
    assert desk.handling.sweep(FakeQueue()).complaints_due == 0
    desk.clock.now = complaint.review.due_at + timedelta(minutes=1)
    desk.handling.sweep(FakeQueue())
    desk.handling.sweep(FakeQueue())
    assert desk.kinds().count("complaint.review_overdue") == 1
    flagged = [a for a in desk.helpdesk.applied if a.kind is ActionKind.FLAG_OVERDUE]
    assert [a.add_tags for a in flagged] == [("possible_complaint_overdue",)]
    assert desk.complaint().next_due_at() is None
    desk.answer("complaint_confirmed")
    assert desk.complaint().status is ComplaintStatus.ACKNOWLEDGED


def test_a_possible_complaint_by_email_is_handled_as_a_complaint_by_default(
    desk: Desk,
) -> None:
    desk.deliver(source=SourceSystem.EMAIL, ticket_id="m-1", reply_to="a@example.com")
    complaint = desk.complaint("email:m-1")
    assert complaint.status is ComplaintStatus.RECEIVED
    assert complaint.assessment.rule_for("is_complaint") == "recognition.review.without_helpdesk"
    reading = complaint.assessment.recognition
    assert reading is not None and reading.band == "possible_complaint"


def test_the_review_band_keeps_the_chain_verifiable(desk: Desk) -> None:
    desk.deliver()
    desk.answer("complaint_confirmed", actor="zendesk-user:1")
    assert verify(ledger_entries(desk.store), [], {}).holds


def test_the_real_recogniser_puts_an_unreadable_language_to_an_agent() -> None:
    desk = Desk(load_policy(ROOT / "policies" / "default.json"))
    desk.deliver(description="ana mesh 3aref leh el order ma wesselsh lesa, 3ayez a7'od flosy")
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.POSSIBLE_COMPLAINT
    reading = complaint.assessment.recognition
    assert reading is not None and reading.outcome == "unknown_language"
    assert reading.model_version.startswith("sha256:")


def test_reconciliation_takes_in_an_answer_whose_webhook_was_lost(desk: Desk) -> None:
    from tests.fakes import FakeFeed

    desk.deliver(helpdesk_status="open")
    desk.clock.advance(hours=1)
    # The agent tagged the ticket; the webhook never came. The status did not move.
    lost = ticket_event(
        delivery_id="reconcile:101:1", created_at=desk.created_at, occurred_at=desk.clock.now,
        kind=TicketEventKind.UPDATED, helpdesk_status="open", recovered=True,
        tags=("possible_complaint", "complaint_confirmed"), description=QUESTION,
    )  # fmt: skip
    report = desk.handling.reconcile(FakeFeed([[lost]]))
    assert report.gaps_closed == 1
    complaint = desk.complaint()
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert complaint.received_at == desk.created_at
    assert "intake.gap_closed" in desk.kinds()


def test_the_jira_note_names_the_review_field_as_agents_know_it(
    recogniser: FakeRecogniser,
) -> None:
    document = default_policy().model_dump(mode="json")
    document["helpdesk_fields"]["jira"]["complaint_review_field"] = "customfield_10300"
    desk = Desk(Policy.model_validate(document))
    desk.deliver(source=SourceSystem.JIRA, ticket_id="SUP-8")
    [note] = desk.helpdesk.applied
    assert note.comment is not None
    assert "Or set the field customfield_10300 to confirmed or dismissed." in note.comment
    document["recognition"]["review"]["answer_fields"] = ["complaint_review", "Complaint review"]
    desk = Desk(Policy.model_validate(document))
    desk.deliver(source=SourceSystem.JIRA, ticket_id="SUP-9")
    [note] = desk.helpdesk.applied
    assert note.comment is not None and "the field Complaint review to" in note.comment

"""A complaint whose webhook carried no address (a Zendesk event subscription, Jira): the
sweep asks the helpdesk for the requester's address when the survey falls due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.model.survey import SkipReason, Survey, SurveyStage
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError
from tests.fakes import FakeHelpdesk
from tests.unit.surveys.support import Desk


@dataclass
class HelpdeskWithUsers(FakeHelpdesk):
    """A helpdesk that also tells a user's address (plaint.usecases.ports.AddressBook)."""

    addresses: dict[str, str | None] = field(default_factory=dict)
    lookup_failures: list[Exception] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def address_of(self, complainant_ref: str) -> str | None:
        self.asked.append(complainant_ref)
        if self.lookup_failures:
            raise self.lookup_failures.pop(0)
        return self.addresses.get(complainant_ref)


def _desk(address: str | None = "leyla@example.az") -> tuple[Desk, HelpdeskWithUsers]:
    helpdesk = HelpdeskWithUsers(addresses={"zendesk-user:1": address})
    desk = Desk(helpdesk=helpdesk)
    desk.open_complaint(contact_email=None)
    desk.final_response(contact_email=None)
    return desk, helpdesk


def _survey(desk: Desk) -> tuple[Complaint, Survey]:
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    return complaint, complaint.survey


def test_the_requesters_address_is_asked_for_when_the_survey_falls_due() -> None:
    desk, helpdesk = _desk()
    assert desk.survey_kinds() == ["survey.scheduled"]
    assert helpdesk.asked == []  # not asked before it is needed
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    (sent,) = desk.surveys_sent()
    assert sent.recipient == "leyla@example.az"
    assert helpdesk.asked == ["zendesk-user:1"]
    complaint, _ = _survey(desk)
    assert complaint.contact_address == "leyla@example.az"  # kept for the reminder
    desk.clock.advance(hours=72, seconds=1)
    desk.sweep()
    assert [a.recipient for a in desk.surveys_sent()] == ["leyla@example.az"] * 2
    assert helpdesk.asked == ["zendesk-user:1"]


def test_a_user_the_helpdesk_does_not_know_or_hides_is_skipped_without_an_address() -> None:
    desk, _ = _desk(address=None)
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    assert desk.surveys_sent() == []
    complaint, survey = _survey(desk)
    assert (survey.stage, survey.skipped) == (SurveyStage.SKIPPED, SkipReason.NO_EMAIL_ADDRESS)
    assert complaint.contact_address is None
    assert desk.survey_kinds() == ["survey.scheduled", "survey.skipped"]


def test_a_throttled_lookup_is_asked_again_after_the_backoff() -> None:
    desk, helpdesk = _desk()
    helpdesk.lookup_failures.append(TransientDeliveryError("429", retry_after=300))
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    assert desk.surveys_sent() == []
    _, survey = _survey(desk)
    assert survey.stage is SurveyStage.SCHEDULED
    assert survey.due_at == desk.clock() + timedelta(seconds=300)  # Retry-After over backoff
    desk.clock.advance(seconds=299)
    desk.sweep()
    assert len(helpdesk.asked) == 1
    desk.clock.advance(seconds=2)
    desk.sweep()
    (sent,) = desk.surveys_sent()
    assert sent.recipient == "leyla@example.az"
    assert desk.survey_kinds() == ["survey.scheduled", "survey.sent"]


def test_a_refused_lookup_or_one_failing_every_time_gives_up_without_an_address() -> None:
    desk, helpdesk = _desk()
    helpdesk.lookup_failures.append(PermanentDeliveryError("401"))
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    _, survey = _survey(desk)
    assert survey.skipped is SkipReason.NO_EMAIL_ADDRESS

    desk, helpdesk = _desk()
    helpdesk.lookup_failures.extend(TransientDeliveryError("503") for _ in range(6))
    desk.clock.advance(hours=24, seconds=1)
    for _ in range(6):
        desk.sweep()
        desk.clock.advance(minutes=11)
    assert len(helpdesk.asked) == 6
    _, survey = _survey(desk)
    assert (survey.skipped, survey.address_lookups) == (SkipReason.NO_EMAIL_ADDRESS, 6)
    assert desk.surveys_sent() == []


def test_a_complainant_with_no_helpdesk_user_is_skipped_when_it_is_decided() -> None:
    helpdesk = HelpdeskWithUsers()
    desk = Desk(helpdesk=helpdesk)
    desk.open_complaint(contact_email=None, complainant_ref=None)
    desk.final_response(contact_email=None, complainant_ref=None)
    assert desk.survey_kinds() == ["survey.skipped"]
    assert helpdesk.asked == []


def test_a_restricted_complainant_or_unsigned_links_are_not_looked_up() -> None:
    desk, helpdesk = _desk()
    complaint, _ = _survey(desk)
    desk.store.commit(
        Decision(complaint=complaint.revised(restricted_at=desk.clock()),
                 expected_revision=complaint.revision, audit=()),
        "main",
    )  # fmt: skip
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    complaint, survey = _survey(desk)
    assert (survey.skipped, complaint.contact_address) == (SkipReason.ERASED, None)
    assert helpdesk.asked == []

    helpdesk = HelpdeskWithUsers(addresses={"zendesk-user:1": "leyla@example.az"})
    desk = Desk(helpdesk=helpdesk, links=None)
    desk.open_complaint(contact_email=None)
    desk.final_response(contact_email=None)
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    _, survey = _survey(desk)
    assert (survey.skipped, helpdesk.asked) == (SkipReason.NOT_CONFIGURED, [])

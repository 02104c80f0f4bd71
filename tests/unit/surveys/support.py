"""What the survey tests share: a policy whose final response is a tag, the use cases on
the in-memory store with a fake SES outbox, and a complaint taken to its final response."""

from __future__ import annotations

from typing import Any

from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.events import SourceSystem, TicketEventKind
from plaint.policy.document import Policy
from plaint.surveys.invitation import LinkSigner
from plaint.usecases.handling import ComplaintHandling
from plaint.usecases.surveys import SurveyAnswering
from storage.memory import MemoryStore
from tests.conftest import ledger_entries
from tests.factories import default_policy, ticket_event
from tests.fakes import FakeHelpdesk, FakeQueue, ManualClock

SECRET = b"survey-link-secret-for-tests-only"
BASE_URL = "https://plaint.example/api"
LINKS = LinkSigner(SECRET, BASE_URL)
COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"
FINAL = "final_response_sent"


def survey_policy(**surveys: Any) -> Policy:
    """The default policy, its final response shown by a tag, quiet hours off."""
    document = default_policy().model_dump(mode="json")
    document["milestones"] = [{"milestone": "final_response", "tags": [FINAL]}]
    document["surveys"] = document["surveys"] | {"quiet_hours": None} | surveys
    return Policy.model_validate(document)


class Desk:
    """The use cases over one in-memory store, with SES (and Zendesk) as fakes."""

    def __init__(
        self,
        policy: Policy | None = None,
        links: LinkSigner | None = LINKS,
        helpdesk: FakeHelpdesk | None = None,
    ) -> None:
        self.clock = ManualClock()
        self.store = MemoryStore(self.clock)
        self.helpdesk = helpdesk or FakeHelpdesk()
        self.ses = FakeHelpdesk()
        self.policy = policy or survey_policy()
        self.handling = ComplaintHandling(
            store=self.store, policy=self.policy, clock=self.clock,
            outboxes={SourceSystem.ZENDESK: self.helpdesk, SourceSystem.EMAIL: self.ses},
            survey_links=links,
        )  # fmt: skip
        self.answering = SurveyAnswering(
            store=self.store, policy=self.policy, links=LINKS, clock=self.clock
        )
        self._deliveries = 0

    def receive(self, **event: Any) -> None:
        self._deliveries += 1
        if self._deliveries == 1:
            self.first_at = self.clock()
        fields: dict[str, Any] = {
            "delivery_id": f"d-{self._deliveries}",
            "occurred_at": self.clock(),
            "created_at": self.first_at,
        }
        e = ticket_event(**(fields | event))
        assert self.handling.accept(e)
        for action in self.handling.process(f"zendesk:{e.delivery_id}"):
            self.handling.dispatch(action)

    def open_complaint(self, **event: Any) -> None:
        fields = {"description": COMPLAINT, "contact_email": "aysel@example.az", "language": "az"}
        self.receive(**(fields | event))

    def final_response(self, **event: Any) -> None:
        self.clock.advance(hours=2)
        fields = {"kind": TicketEventKind.UPDATED, "tags": (FINAL,), "description": COMPLAINT}
        self.receive(**(fields | event))

    def sweep(self) -> None:
        self.handling.sweep(FakeQueue())

    def surveys_sent(self) -> list[OutboundAction]:
        return [a for a in self.ses.applied if a.kind is ActionKind.SURVEY]

    def kinds(self) -> list[str]:
        return [e.kind for e in ledger_entries(self.store)]

    def survey_kinds(self) -> list[str]:
        return [k for k in self.kinds() if k.startswith("survey.")]

    def until_sent(self) -> OutboundAction:
        """The complaint answered, a day on, the sweep: the survey email sent."""
        self.open_complaint()
        self.final_response()
        self.clock.advance(hours=24, seconds=1)
        self.sweep()
        (sent,) = self.surveys_sent()
        return sent

"""Fakes for the engine's ports that are not storage (the store has its in-memory twin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from plaint.intake.recognition import Recognition
from plaint.model.actions import LandedWrite, OutboundAction
from plaint.model.events import SourceSystem, TicketEvent
from plaint.usecases.ports import ChangePage
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError


@dataclass
class FakeHelpdesk:
    """Records what it is asked to do; can fail on command, or land a call then 'time out'."""

    applied: list[OutboundAction] = field(default_factory=list)
    tags: dict[str, set[str]] = field(default_factory=dict)
    failures: list[Exception] = field(default_factory=list)
    lose_answer_once: bool = False
    # What each update left on the ticket, as a helpdesk answering with it would say.
    landing: list[LandedWrite] = field(default_factory=list)

    def already_applied(self, action: OutboundAction) -> bool:
        return action.marker_tag in self.tags.get(action.ticket_id, set())

    def apply(self, action: OutboundAction) -> LandedWrite | None:
        if self.failures:
            raise self.failures.pop(0)
        self.applied.append(action)
        tags = self.tags.setdefault(action.ticket_id, set())
        tags.update({action.marker_tag, *action.add_tags})
        tags.difference_update(action.remove_tags)
        if self.lose_answer_once:
            self.lose_answer_once = False
            raise TransientDeliveryError("read timed out after the helpdesk applied it")
        return self.landing.pop(0) if self.landing else None

    def fail_next(self, *errors: Exception) -> None:
        self.failures.extend(errors)


@dataclass
class FakeQueue:
    sent: list[str] = field(default_factory=list)

    def enqueue(self, delivery_key: str) -> None:
        self.sent.append(delivery_key)


@dataclass
class ManualClock:
    now: datetime = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class FakeRecogniser:
    """Stands in for plaint.intake.recognition.recognise with the score a test needs; records
    what it was asked. `outcome` other than "judged" gives no score."""

    probability: float | None = 0.4
    outcome: str = "judged"
    category: str | None = None
    cues: tuple[str, ...] = ()
    asked: list[dict[str, object]] = field(default_factory=list)

    def __call__(
        self,
        text: str,
        *,
        language: str | None,
        languages: object,
        categories: object = (),
    ) -> Recognition:
        self.asked.append({"text": text, "language": language, "categories": categories})
        judged = self.outcome == "judged"
        return Recognition(
            model_version="sha256:fake-model",
            outcome=self.outcome,
            language=language or "en",
            probability=self.probability if judged else None,
            category=self.category if judged else None,
            category_score=0.5 if self.category and judged else 0.0,
            cues=self.cues if judged else (),
            severity_cues=tuple(c for c in self.cues if c.startswith("severity.")),
            vulnerability_cues=tuple(c for c in self.cues if c.startswith("vulnerability.")),
            regulatory_cues=tuple(c for c in self.cues if c.startswith("regulatory.")),
            truncated=False,
            characters_read=len(text),
            script="latin",
        )


__all__ = [
    "FakeFeed",
    "FakeHelpdesk",
    "FakeQueue",
    "FakeRecogniser",
    "ManualClock",
    "PermanentDeliveryError",
]


@dataclass
class FakeFeed:
    """A helpdesk's change feed: pages handed out in order, the cursor a page number."""

    pages: list[list[TicketEvent]]
    source: SourceSystem = SourceSystem.ZENDESK
    asked: list[str | None] = field(default_factory=list)

    def changed_since(self, cursor: str | None, now: datetime) -> ChangePage:
        self.asked.append(cursor)
        index = int(cursor or 0)
        events = self.pages[index] if index < len(self.pages) else []
        following = min(index + 1, len(self.pages))
        return ChangePage(tuple(events), str(following), more=following < len(self.pages))

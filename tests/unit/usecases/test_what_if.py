"""What a draft policy would change, judged again from the deliveries of the last days on
the in-memory store, writing nothing."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest

from plaint.model.events import TicketEventKind
from plaint.policy.loading import parse_policy
from plaint.usecases import intake
from plaint.usecases.what_if import Change, what_if
from plaint.vocabulary.errors import QueryInvalidError
from storage.memory import MemoryStore
from tests.factories import DEFAULT_POLICY, ROOT, default_policy, ticket_event
from tests.fakes import ManualClock

UK = ROOT / "policies" / "uk-fca-disp.json"


def draft_of(path: Any, change: Any) -> Any:
    document = json.loads(path.read_text("utf-8"))
    change(document)
    return parse_policy(json.dumps(document))


def by_rules_alone(document: dict[str, Any]) -> None:
    """The starter policy with its recogniser off: tickets judged by its keyword rules."""
    document["recognition"]["enabled"] = False


def stocked(clock: ManualClock) -> MemoryStore:
    store = MemoryStore(clock)
    tickets = {
        "1": "When will it ship?",
        "2": "The parcel is a week late and nobody answers",
        "3": "There was a data breach of my account",
        "4": "I was charged twice, I complain",
    }
    for n, (ticket, text) in enumerate(tickets.items()):
        event = ticket_event(ticket_id=ticket, delivery_id=f"d-{ticket}", description=text,
                             created_at=clock.now)  # fmt: skip
        intake.accept(store, event, clock.now)
        clock.advance(hours=1 + n)
    # A later comment on ticket 2.
    intake.accept(store, ticket_event(ticket_id="2", delivery_id="d-2b",
                                      kind=TicketEventKind.COMMENT_ADDED,
                                      created_at=clock.now - timedelta(hours=3),
                                      occurred_at=clock.now, description="Still nothing"),
                  clock.now)  # fmt: skip
    return store


def test_a_draft_is_judged_against_the_active_policy_ticket_by_ticket() -> None:
    clock = ManualClock()
    store = stocked(clock)
    clock.advance(days=1)

    def changes(document: dict[str, Any]) -> None:
        by_rules_alone(document)
        rules = [r for r in document["rules"] if r["id"] != "personal-data"]
        rules.insert(
            0,
            {
                "id": "late-parcel",
                "when": {"any_keywords": ["late"]},
                "then": {"is_complaint": True, "category": "delivery_delay"},
            },
        )
        document["rules"] = rules
        document["recognition"]["categories"].append(
            {"id": "delivery_delay", "description": "Parcels and orders that arrive late.",
             "examples": {"en": ["my parcel is late", "the order arrived a week late"]}}
        )  # fmt: skip
        document["acknowledgement"]["within"] = {"amount": 2, "unit": "business_days"}

    draft = draft_of(DEFAULT_POLICY, changes)
    before = copy.deepcopy((store._state, store._audit))
    seen: list[tuple[int, int]] = []

    active = draft_of(DEFAULT_POLICY, by_rules_alone)
    report = what_if(store, draft, active, days=3, now=clock.now,
                     progress=lambda done, total: seen.append((done, total)))  # fmt: skip

    assert (store._state, store._audit) == before  # nothing written
    assert (report.deliveries, report.tickets) == (5, 4)
    by_ticket = {d.complaint_id: d for d in report.differences}
    assert by_ticket["zendesk:2"].changes == (Change.NEWLY_RECOGNISED,)
    assert by_ticket["zendesk:2"].deliveries == 2
    assert by_ticket["zendesk:2"].draft.category == "delivery_delay"
    assert by_ticket["zendesk:3"].changes == (Change.NO_LONGER_RECOGNISED,)
    assert by_ticket["zendesk:4"].changes == (Change.ACKNOWLEDGEMENT_DEADLINE,)
    ack = by_ticket["zendesk:4"]
    assert ack.draft.acknowledgement_due_at > ack.active.acknowledgement_due_at  # type: ignore[operator]
    assert "zendesk:1" not in by_ticket and report.unchanged == 1
    assert report.counts[Change.NEWLY_RECOGNISED] == 1
    assert seen[-1] == (4, 4)
    assert report.draft_version == draft.version


def test_regime_clocks_that_would_move_are_reported() -> None:
    clock = ManualClock()
    store = stocked(clock)
    active = parse_policy(UK.read_text("utf-8"))
    ten_weeks = draft_of(UK, lambda d: d["regimes"][0]["clocks"][1].update(
        within={"amount": 10, "unit": "weeks"}))  # fmt: skip

    report = what_if(store, ten_weeks, active, days=7, now=clock.now + timedelta(hours=1))

    assert report.tickets == 4 and len(report.differences) == 4
    first = report.differences[0]
    assert first.changes == (Change.CLOCK_DEADLINES,)
    before, after = (
        first.active.deadlines["final_response"],
        first.draft.deadlines["final_response"],
    )
    assert before is not None and after is not None and (after - before).days == 14


def test_the_window_is_what_deliveries_are_remembered_for() -> None:
    clock = ManualClock()
    store = stocked(clock)
    with pytest.raises(QueryInvalidError, match="1 to 7 days"):
        what_if(store, default_policy(), default_policy(), days=30, now=clock.now)
    with pytest.raises(QueryInvalidError):
        what_if(store, default_policy(), default_policy(), days=0, now=clock.now)
    clock.advance(days=8)
    report = what_if(store, default_policy(), default_policy(), days=7, now=clock.now)
    assert report.tickets == 0 and report.differences == ()


def test_a_tickets_words_are_read_once_for_both_policies_and_only_within_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plaint.intake import reading

    clock = ManualClock()
    store = stocked(clock)
    active = parse_policy(UK.read_text("utf-8"))
    ten_weeks = draft_of(UK, lambda d: d["regimes"][0]["clocks"][1].update(
        within={"amount": 10, "unit": "weeks"}))  # fmt: skip
    read: list[str] = []
    original = reading.recognise  # type: ignore[attr-defined]

    def counted(text: str, **kwargs: Any) -> Any:
        read.append(text)
        return original(text, **kwargs)

    monkeypatch.setattr(reading, "recognise", counted)

    with_memory = what_if(store, ten_weeks, active, days=7, now=clock.now + timedelta(hours=1))

    # Four tickets read on first sight, each once although judged under two policies.
    assert len(read) == len(set(read)) == with_memory.tickets == 4
    # Outside a what-if nothing is remembered: the same reading twice asks twice.
    event = ticket_event(ticket_id="9", description="I was charged twice, I complain")
    reading.read_ticket(event, active)
    reading.read_ticket(event, active)
    assert len(read) == 6
    monkeypatch.setattr(reading, "recognise", original)
    assert what_if(store, ten_weeks, active, days=7,
                   now=clock.now + timedelta(hours=1)) == with_memory  # fmt: skip

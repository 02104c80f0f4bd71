"""What the acknowledgement tells the complainant: deadlines with the zone they are read in,
in every language of every policy pack, and a reference they can quote."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from plaint.clocks import timekeeping
from plaint.clocks.deadlines import plan
from plaint.letters.acknowledgement import acknowledgement_action, customer_reference
from plaint.model.events import SourceSystem
from plaint.policy.loading import load_policy
from tests.factories import ticket_event

ROOT = Path(__file__).resolve().parents[3]
POLICIES = sorted(p for p in (ROOT / "policies").glob("*.json") if p.name != "schema.json")
RECEIVED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
# A time of day, and what follows it: the zone in parentheses must come next.
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(.{0,40})")
_ZONE = re.compile(r" \((UTC|[A-Za-z_]+(/[A-Za-z_+-]+)+, UTC[+-]\d{2}:\d{2})\)")


def _acknowledgements(path: Path) -> list[tuple[str, str, bool]]:
    policy = load_policy(path)
    calendar_for = timekeeping.calendars(policy)
    clocks = tuple(
        clock for regime in policy.regimes for clock in plan(regime, RECEIVED, calendar_for)[0]
    )
    # Every deadline a template may name, so none reads as a dash.
    clocks = tuple(
        c.model_copy(update={"due_at": c.due_at or RECEIVED + timedelta(days=30)}) for c in clocks
    )
    texts = []
    for language, template in policy.acknowledgement.templates.items():
        action = acknowledgement_action(
            ticket_event(),
            language=language,
            received_at=RECEIVED,
            due_at=RECEIVED + timedelta(days=1),
            calendar=calendar_for(policy.acknowledgement.calendar),
            calendar_for=calendar_for,
            clocks=clocks,
            policy=policy,
            now=RECEIVED,
        )
        texts.append((language, action.comment or "", "{due_" in template))
    return texts


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_every_deadline_in_every_language_names_its_zone(path: Path) -> None:
    texts = _acknowledgements(path)
    assert texts
    for language, text, names_a_deadline in texts:
        times = list(_TIME.finditer(text))
        assert bool(times) == names_a_deadline, f"{path.name} [{language}]: {text!r}"
        for found in times:
            assert _ZONE.match(found.group(1)), f"{path.name} [{language}]: {found.group(0)!r}"


def test_the_zone_is_the_calendars_with_its_offset_at_that_moment() -> None:
    path = ROOT / "policies" / "iso-10002.json"
    texts = {language: text for language, text, _ in _acknowledgements(path)}
    policy = load_policy(path)
    zone = timekeeping.calendars(policy)(policy.acknowledgement.calendar).zone.key
    assert zone == "Asia/Baku"
    for language in ("az", "ar", "fa", "en", "tr", "ru"):
        assert re.search(r"\d{2}:\d{2} \(Asia/Baku, UTC\+04:00\)", texts[language]), language


def test_an_email_complaint_is_given_a_reference_to_quote_not_its_digest() -> None:
    event = ticket_event(source=SourceSystem.EMAIL, ticket_id="m-bb8b3f2a91c0d4e5f6a7b8c9")
    assert customer_reference(event) == "BB8B-3F2A-91C0-D4E5-F6A7-B8C9"
    assert customer_reference(ticket_event()) == "101"
    jira = ticket_event(source=SourceSystem.JIRA, ticket_id="CARE-26601")
    assert customer_reference(jira) == "CARE-26601"

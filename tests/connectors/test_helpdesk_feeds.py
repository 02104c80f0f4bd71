"""The change-feed contract, run against both helpdesks' feeds and fakes over real HTTP: what
reconciliation relies on whichever helpdesk it asks. Each vendor's own paging and cursor
rules are tested beside its feed (tests/connectors/<vendor>/test_feed.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from plaint.model.events import SourceSystem
from plaint.usecases.ports import ChangeFeed
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError
from tests.connectors.jira import test_feed as jira
from tests.connectors.zendesk import test_feed as zendesk

CREDENTIALS = ("complaints@example.com", "api-token-123")


@dataclass(frozen=True)
class Helpdesk:
    source: SourceSystem
    fake: Callable[..., Any]
    feed: Callable[..., Any]
    create: Callable[[Any, int, int], str]  # (fake, number, minutes ago) -> ticket id
    feed_requests: Callable[[Any], list[Any]]
    add_fault: Callable[..., None]
    now: Callable[[], datetime]


def _zendesk_ticket(fake: Any, number: int, minutes_ago: int) -> str:
    zendesk.create(fake, 900 + number, minutes_ago)
    return str(900 + number)


def _jira_issue(fake: Any, number: int, minutes_ago: int) -> str:
    jira.create(fake, f"SUP-{number}", minutes_ago)
    return f"SUP-{number}"


HELPDESKS = {
    "zendesk": Helpdesk(SourceSystem.ZENDESK, FakeZendesk, zendesk.feed, _zendesk_ticket,
                        zendesk.exports, zendesk.add_fault, lambda: datetime.now(UTC)),
    "jira": Helpdesk(SourceSystem.JIRA, FakeJira, jira.feed, _jira_issue, jira.searches,
                     jira.add_fault, lambda: jira.NOW),
}  # fmt: skip


@pytest.fixture(params=sorted(HELPDESKS))
def helpdesk(request: pytest.FixtureRequest) -> Iterator[tuple[Helpdesk, Any]]:
    desk = HELPDESKS[request.param]
    with desk.fake(auth=CREDENTIALS) as server:
        yield desk, server


def test_the_feed_is_a_change_feed(helpdesk):
    desk, fake = helpdesk
    conforming: ChangeFeed = desk.feed(fake)  # checked by mypy
    assert conforming.source is desk.source


def test_delivery_ids_are_stable_across_runs(helpdesk):
    desk, fake = helpdesk
    for number, minutes_ago in ((1, 30), (2, 20), (3, 10)):
        desk.create(fake, number, minutes_ago)
    feed = desk.feed(fake)

    once, _, _ = zendesk.walk(feed, None, desk.now())
    again, _, _ = zendesk.walk(feed, None, desk.now())

    assert [e.delivery_id for e in once] == [e.delivery_id for e in again]
    assert len({e.delivery_id for e in once}) == 3


def test_a_rate_limit_beyond_the_time_left_is_transient(helpdesk):
    desk, fake = helpdesk
    desk.create(fake, 7, 30)
    desk.add_fault(fake, 429, count=5, retry_after=120)

    with pytest.raises(TransientDeliveryError) as caught:
        desk.feed(fake, time_left=lambda: 30.0).changed_since(None, desk.now())

    assert caught.value.retry_after == 120
    assert len(desk.feed_requests(fake)) == 1  # not slept on, not retried


def test_a_rate_limit_within_the_time_left_is_waited_out(helpdesk):
    desk, fake = helpdesk
    ticket = desk.create(fake, 8, 10)
    desk.add_fault(fake, 429, count=1, retry_after=1)

    page = desk.feed(fake, time_left=lambda: 60.0).changed_since(None, desk.now())

    assert [e.ticket_id for e in page.events] == [ticket]


def test_a_server_error_that_persists_is_transient(helpdesk):
    desk, fake = helpdesk
    desk.add_fault(fake, 503, count=10)
    with pytest.raises(TransientDeliveryError, match="503"):
        desk.feed(fake, time_left=lambda: 0.0).changed_since(None, desk.now())


def test_wrong_credentials_are_permanent(helpdesk):
    desk, fake = helpdesk
    with pytest.raises(PermanentDeliveryError, match="401"):
        desk.feed(fake, ("complaints@example.com", "wrong")).changed_since(None, desk.now())


def test_forbidden_is_permanent(helpdesk):
    desk, fake = helpdesk
    desk.add_fault(fake, 403, count=1)
    with pytest.raises(PermanentDeliveryError, match="403"):
        desk.feed(fake).changed_since(None, desk.now())

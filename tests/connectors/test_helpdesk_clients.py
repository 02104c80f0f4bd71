"""The outbox contract, run against both helpdesks' clients and fakes over real HTTP: what
the worker relies on whichever helpdesk it writes to. Each vendor's own comment, tag,
transition and redaction rules are tested beside its client
(tests/connectors/<vendor>/test_client.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from connectors.http import ApiAccess
from connectors.jira.client import JiraClient
from connectors.zendesk.client import ZendeskClient
from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from plaint.model.actions import ActionKind
from plaint.usecases.ports import Outbox
from plaint.vocabulary.errors import PermanentDeliveryError
from tests.connectors.jira import test_client as jira
from tests.connectors.zendesk import test_client as zendesk

CREDENTIALS = ("complaints@example.com", "api-token-123")
DELETE = ActionKind.DELETE_TICKET


@dataclass(frozen=True)
class Helpdesk:
    fake: Callable[..., Any]
    client: Callable[..., Any]  # (fake, **options) -> the helpdesk's outbox
    with_credentials: Callable[[Any, tuple[str, str]], Any]  # (fake, credentials) -> outbox
    action: Callable[..., Any]
    seed: Callable[[Any], None]  # a ticket with the complainant's words, to dispose of
    deletion: Callable[[], Any]
    deletes: Callable[[Any], int]  # DELETE requests of the ticket itself the fake saw
    deleted: Callable[[Any], bool]  # the ticket is gone (soft-deleted counts for Zendesk)
    gone_for_good: Callable[[Any], bool]


HELPDESKS = {
    "zendesk": Helpdesk(
        fake=FakeZendesk,
        client=zendesk.disposer,
        with_credentials=lambda fake, credentials: ZendeskClient(ApiAccess(fake.url, credentials)),
        action=zendesk.action,
        seed=zendesk.seed_ticket,
        deletion=lambda: zendesk.disposal(DELETE),
        deletes=lambda fake: len(
            [
                r
                for r in zendesk.recorded(fake)
                if r["method"] == "DELETE" and r["path"] == "/api/v2/tickets/42.json"
            ]
        ),
        deleted=lambda fake: bool(zendesk.ticket_state(fake)["deleted"]),
        gone_for_good=lambda fake: bool(zendesk.ticket_state(fake)["deleted_for_good"]),
    ),
    "jira": Helpdesk(
        fake=FakeJira,
        client=jira.client,
        with_credentials=lambda fake, credentials: JiraClient(ApiAccess(fake.url, credentials)),
        action=jira.action,
        seed=jira.seed_issue,
        deletion=lambda: jira.disposal(DELETE),
        deletes=lambda fake: len(jira.calls(fake, "DELETE")),
        deleted=lambda fake: bool(jira.issue_state(fake)["deleted"]),
        gone_for_good=lambda fake: bool(jira.issue_state(fake)["deleted"]),
    ),
}


@pytest.fixture(params=sorted(HELPDESKS))
def helpdesk(request: pytest.FixtureRequest) -> Iterator[tuple[Helpdesk, Any]]:
    desk = HELPDESKS[request.param]
    with desk.fake(auth=CREDENTIALS) as server:
        yield desk, server


def test_the_client_is_an_outbox(helpdesk):
    desk, fake = helpdesk
    conforming: Outbox = desk.client(fake)  # checked by mypy
    assert conforming.already_applied(desk.action()) is False


def test_wrong_credentials_are_permanent(helpdesk):
    desk, fake = helpdesk
    with pytest.raises(PermanentDeliveryError) as caught:
        desk.with_credentials(fake, (CREDENTIALS[0], "revoked")).apply(desk.action())
    assert "401" in str(caught.value)


def test_deletion_waits_out_429_with_its_retry_after(helpdesk):
    desk, fake = helpdesk
    desk.seed(fake)
    jira.add_fault(fake, 429, count=1, retry_after=1)
    started = time.monotonic()
    desk.client(fake, time_left=lambda: 60.0).apply(desk.deletion())
    assert time.monotonic() - started >= 1.0
    assert desk.deletes(fake) == 2  # rate-limited, then sent again
    assert desk.gone_for_good(fake)


def test_deletion_refused_is_permanent_and_deletes_nothing(helpdesk):
    desk, fake = helpdesk
    desk.seed(fake)
    jira.add_fault(fake, 403, count=1)
    with pytest.raises(PermanentDeliveryError, match="403"):
        desk.client(fake).apply(desk.deletion())
    assert desk.deleted(fake) is False

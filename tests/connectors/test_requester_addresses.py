"""A requester's address read from the helpdesk (plaint.usecases.ports.AddressBook), against
both helpdesks' clients and fakes over real HTTP: what a survey of a complaint whose webhook
carried no address is sent to."""

from __future__ import annotations

import pytest
import requests

from connectors.http import ApiAccess
from connectors.jira.client import JiraClient
from connectors.zendesk.client import ZendeskClient
from devstack.fake_http import Fault
from devstack.fake_jira import FakeJira, reporter_email
from devstack.fake_zendesk import FakeZendesk, requester_email
from plaint.usecases.ports import AddressBook
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

CREDENTIALS = ("complaints@example.com", "api-token-123")
ACCOUNT = "5b10ac8d82e05b22cc7d4ef5"


@pytest.fixture
def zendesk(fake_zendesk: FakeZendesk) -> ZendeskClient:
    ticket = {"id": 7, "subject": "s", "description": "d", "requester_id": 42}
    requests.post(f"{fake_zendesk.url}/__fake/tickets", json=ticket, timeout=5).raise_for_status()
    return ZendeskClient(ApiAccess(fake_zendesk.url, CREDENTIALS))


@pytest.fixture
def jira(fake_jira: FakeJira) -> JiraClient:
    issue = {"key": "SUP-1", "fields": {"summary": "s", "reporter": {"accountId": ACCOUNT}}}
    requests.post(f"{fake_jira.url}/__fake/issues", json=issue, timeout=5).raise_for_status()
    return JiraClient(ApiAccess(fake_jira.url, CREDENTIALS))


def test_zendesk_answers_the_requesters_email(zendesk: ZendeskClient) -> None:
    assert isinstance(zendesk, AddressBook)
    assert zendesk.address_of("zendesk-user:42") == requester_email(42)


def test_zendesk_has_no_address_for_an_unknown_user_or_a_user_without_one(
    zendesk: ZendeskClient, fake_zendesk: FakeZendesk
) -> None:
    assert zendesk.address_of("zendesk-user:43") is None  # 404
    assert zendesk.address_of("jira-user:42") is None  # not a Zendesk user: not asked
    fake_zendesk.state.user_emails[42] = None
    assert zendesk.address_of("zendesk-user:42") is None
    fake_zendesk.state.user_emails[42] = "Leyla <leyla@example.az>"
    assert zendesk.address_of("zendesk-user:42") is None  # not one plain address
    paths = [r["path"] for r in fake_zendesk.state.requests]
    assert "/api/v2/users/43.json" in paths


def test_jira_answers_the_reporters_email_unless_the_profile_hides_it(
    jira: JiraClient, fake_jira: FakeJira
) -> None:
    assert isinstance(jira, AddressBook)
    assert jira.address_of(f"jira-user:{ACCOUNT}") == reporter_email(ACCOUNT)
    assert jira.address_of("jira-user:557058:unknown") is None  # 404
    assert jira.address_of("zendesk-user:42") is None  # not a Jira user: not asked
    fake_jira.state.user_emails[ACCOUNT] = None  # hidden: emailAddress left out
    assert jira.address_of(f"jira-user:{ACCOUNT}") is None
    asked = [r for r in fake_jira.state.requests if r["path"].startswith("/rest/api/3/user")]
    assert asked[0]["path"] == f"/rest/api/3/user?accountId={ACCOUNT}"


@pytest.mark.parametrize("status", [429, 503])
def test_a_throttled_or_failing_helpdesk_is_a_transient_error(
    zendesk: ZendeskClient, fake_zendesk: FakeZendesk, status: int
) -> None:
    fake_zendesk.state.faults.append(Fault(status=status, count=100, retry_after=0))
    with pytest.raises(TransientDeliveryError):
        zendesk.address_of("zendesk-user:42")


def test_refused_credentials_are_a_permanent_error(fake_zendesk: FakeZendesk) -> None:
    client = ZendeskClient(ApiAccess(fake_zendesk.url, ("someone@example.com", "wrong")))
    fake_zendesk.state.faults.append(Fault(status=401, count=1))
    with pytest.raises(PermanentDeliveryError):
        client.address_of("zendesk-user:42")

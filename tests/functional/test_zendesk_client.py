"""ZendeskClient against the fake Zendesk, over real HTTP."""

import time
from datetime import UTC, datetime

import pytest
import requests

from connectors.http import build_session
from connectors.zendesk.client import ZendeskClient
from devstack.fake_zendesk import FakeZendesk
from plaint.errors import PermanentDeliveryError, TransientDeliveryError
from plaint.model import ActionKind, OutboundAction, SourceSystem

CREDENTIALS = ("complaints@example.com", "api-token-123")


@pytest.fixture
def fake():
    with FakeZendesk(auth=CREDENTIALS) as server:
        yield server


def client(fake, **kwargs):
    return ZendeskClient(fake.url, CREDENTIALS, **kwargs)


def action(ticket_id="42", **changes):
    fields = {
        "action_id": "ack-1",
        "complaint_id": f"zendesk:{ticket_id}",
        "kind": ActionKind.ACKNOWLEDGE,
        "source": SourceSystem.ZENDESK,
        "ticket_id": ticket_id,
        "language": "az",
        "comment": "Şikayətinizi aldıq. 5 iş günü ərzində cavab verəcəyik.",
        "add_tags": ("plaint_acknowledged",),
        "fields": {"360001": "received"},
        "marker_tag": "plaint_ack_1",
        "next_attempt_at": datetime(2025, 3, 4, 8, 17, tzinfo=UTC),
    }
    return OutboundAction(**(fields | changes))


def recorded(fake):
    return requests.get(f"{fake.url}/__fake/requests", timeout=5).json()["requests"]


def ticket_state(fake, ticket_id="42"):
    return requests.get(f"{fake.url}/__fake/tickets/{ticket_id}", timeout=5).json()


def add_fault(fake, status, count, retry_after=None):
    fault = {"status": status, "count": count, "retry_after": retry_after}
    requests.post(f"{fake.url}/__fake/faults", json=fault, timeout=5).raise_for_status()


def test_comment_is_posted_once_and_the_marker_is_seen(fake):
    zendesk = client(fake)
    assert zendesk.already_applied(action()) is False
    zendesk.apply(action())
    assert zendesk.already_applied(action()) is True
    zendesk.apply(action())  # a retry after an unknown outcome

    state = ticket_state(fake)
    assert [c["body"] for c in state["comments"]] == [action().comment]
    assert state["comments"][0]["public"] is True
    assert state["ticket"]["tags"] == ["plaint_ack_1", "plaint_acknowledged"]
    assert state["ticket"]["custom_fields"] == [{"id": 360001, "value": "received"}]
    puts = [r for r in recorded(fake) if r["method"] == "PUT"]
    assert len(puts) == 1
    update = puts[0]["json"]["ticket"]
    assert update["comment"] == {"body": action().comment, "public": True}
    assert update["safe_update"] is True
    assert update["updated_stamp"]
    assert puts[0]["headers"]["authorization"] == "Basic"


def test_existing_tags_are_kept(fake):
    seed = {"ticket": {"tags": ["vip", "billing"]}}
    requests.put(
        f"{fake.url}/api/v2/tickets/42.json",
        json=seed,
        auth=(f"{CREDENTIALS[0]}/token", CREDENTIALS[1]),
        timeout=5,
    ).raise_for_status()
    client(fake).apply(action())
    tags = ticket_state(fake)["ticket"]["tags"]
    assert tags == ["vip", "billing", "plaint_ack_1", "plaint_acknowledged"]


def test_private_note_without_fields(fake):
    client(fake).apply(action(public=False, fields={}, add_tags=()))
    state = ticket_state(fake)
    assert state["comments"][0]["public"] is False
    assert state["ticket"]["custom_fields"] == []
    put = next(r for r in recorded(fake) if r["method"] == "PUT")
    assert "custom_fields" not in put["json"]["ticket"]


def test_tag_only_action_sends_no_comment(fake):
    client(fake).apply(action(comment=None, kind=ActionKind.FLAG_OVERDUE))
    state = ticket_state(fake)
    assert state["comments"] == []
    assert "plaint_ack_1" in state["ticket"]["tags"]


class InterferingSession(requests.Session):
    """Lets an agent update the ticket between our read and our write, once."""

    def __init__(self, fake):
        super().__init__()
        self.fake = fake
        self.interfered = False

    def request(self, method, url, *args, **kwargs):
        if method == "PUT" and not self.interfered:
            self.interfered = True
            agent_edit = {"ticket": {"additional_tags": ["agent_edit"]}}
            super().request("PUT", url, json=agent_edit, auth=kwargs["auth"], timeout=5)
        return super().request(method, url, *args, **kwargs)


def test_a_concurrent_update_is_not_overwritten(fake):
    session = InterferingSession(fake)
    ZendeskClient(fake.url, CREDENTIALS, session=session).apply(action())
    state = ticket_state(fake)
    assert session.interfered
    assert "agent_edit" in state["ticket"]["tags"]
    assert "plaint_ack_1" in state["ticket"]["tags"]
    assert len(state["comments"]) == 1
    statuses = [r["method"] for r in recorded(fake)]
    assert statuses == ["GET", "PUT", "PUT", "GET", "PUT"]  # read, agent, 409, re-read, ours


def test_429_with_retry_after_is_retried_then_succeeds(fake):
    add_fault(fake, 429, count=1, retry_after=1)
    started = time.monotonic()
    assert client(fake).already_applied(action()) is False
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert len(recorded(fake)) == 2


def test_retry_after_within_time_left_is_waited(fake):
    add_fault(fake, 429, count=1, retry_after=1)
    client(fake, time_left=lambda: 60.0).apply(action())
    assert len(ticket_state(fake)["comments"]) == 1


def test_retry_after_beyond_time_left_is_not_slept(fake):
    add_fault(fake, 429, count=5, retry_after=120)
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError) as caught:
        client(fake, time_left=lambda: 30.0).apply(action())
    assert time.monotonic() - started < 1.0
    assert caught.value.retry_after == 120
    assert "429" in str(caught.value)
    assert [r["method"] for r in recorded(fake)] == ["GET"]


def test_server_errors_exhaust_into_a_transient_error(fake):
    add_fault(fake, 503, count=3)
    session = build_session(retries=1)
    with pytest.raises(TransientDeliveryError) as caught:
        ZendeskClient(fake.url, CREDENTIALS, session=session).already_applied(action())
    assert "503" in str(caught.value)
    assert caught.value.retry_after is None
    assert len(recorded(fake)) == 2


def test_missing_ticket_is_permanent(fake):
    requests.delete(f"{fake.url}/__fake/tickets/404", timeout=5)
    with pytest.raises(PermanentDeliveryError) as caught:
        client(fake).apply(action(ticket_id="404"))
    assert "404" in str(caught.value)
    assert "RecordNotFound" in str(caught.value)
    with pytest.raises(PermanentDeliveryError):
        client(fake).already_applied(action(ticket_id="404"))


def test_wrong_credentials_are_permanent(fake):
    with pytest.raises(PermanentDeliveryError) as caught:
        ZendeskClient(fake.url, (CREDENTIALS[0], "revoked")).apply(action())
    assert "401" in str(caught.value)
    assert "Couldn't authenticate you" in str(caught.value)


def test_the_fake_refuses_requests_without_authorization(fake):
    response = requests.get(f"{fake.url}/api/v2/tickets/42.json", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"error": "Couldn't authenticate you"}


def test_oauth_token_is_sent_as_bearer():
    with FakeZendesk(auth="oauth-access-token") as fake:
        ZendeskClient(fake.url, "oauth-access-token").apply(action())
        assert {r["headers"]["authorization"] for r in recorded(fake)} == {"Bearer"}


def test_non_numeric_ticket_id_is_refused_before_any_request(fake):
    with pytest.raises(PermanentDeliveryError, match="not a Zendesk ticket number"):
        client(fake).apply(action(ticket_id="42/../users"))
    assert recorded(fake) == []


def test_non_numeric_custom_field_id_is_permanent(fake):
    with pytest.raises(PermanentDeliveryError, match="custom field id"):
        client(fake).apply(action(fields={"product": "x"}))
    assert ticket_state(fake)["comments"] == []


def test_unreachable_zendesk_is_transient():
    with FakeZendesk() as gone:
        url = gone.url
    zendesk = ZendeskClient(url, CREDENTIALS, session=build_session(retries=0))
    with pytest.raises(TransientDeliveryError, match="failed"):
        zendesk.already_applied(action())


def test_requests_beyond_the_rate_are_refused_before_they_are_sent(fake):
    zendesk = client(fake, time_left=lambda: 30.0, requests_per_minute=1)
    burst = zendesk.pacer.burst
    for _ in range(burst):
        zendesk.already_applied(action())
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError) as caught:
        zendesk.already_applied(action())
    assert time.monotonic() - started < 1.0
    assert caught.value.retry_after == pytest.approx(60.0, abs=1.0)
    assert len(recorded(fake)) == burst

"""ZendeskClient against the fake Zendesk, over real HTTP."""

import time
from datetime import UTC, datetime

import pytest
import requests

from connectors.http import ApiAccess, build_session
from connectors.zendesk.client import ZendeskClient
from connectors.zendesk.redaction import marked_html
from connectors.zendesk.wire import ApiComment
from devstack.fake_zendesk import FakeZendesk
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.events import SourceSystem
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

CREDENTIALS = ("complaints@example.com", "api-token-123")


@pytest.fixture
def fake():
    with FakeZendesk(auth=CREDENTIALS) as server:
        yield server


def client(fake, job_poll_interval=1.0, **access):
    return ZendeskClient(ApiAccess(fake.url, CREDENTIALS, **access),
                         job_poll_interval=job_poll_interval)  # fmt: skip


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
    ZendeskClient(ApiAccess(fake.url, CREDENTIALS, session=session)).apply(action())
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
        ZendeskClient(ApiAccess(fake.url, CREDENTIALS, session=session)).already_applied(action())
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


def test_the_fake_refuses_requests_without_authorization(fake):
    response = requests.get(f"{fake.url}/api/v2/tickets/42.json", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"error": "Couldn't authenticate you"}


def test_oauth_token_is_sent_as_bearer():
    with FakeZendesk(auth="oauth-access-token") as fake:
        ZendeskClient(ApiAccess(fake.url, "oauth-access-token")).apply(action())
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
    zendesk = ZendeskClient(ApiAccess(url, CREDENTIALS, session=build_session(retries=0)))
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


# --- disposal at the end of retention ----------------------------------------------------

COMPLAINT = "Pulumu iki dəfə çıxıblar. Kartım 4111 1111 1111 1111, telefonum +994 50 123 45 67."


def seed_ticket(fake, ticket_id=42, status="open", comments=None):
    body = {
        "id": ticket_id,
        "subject": "Pulumu qaytarın, Aysel Məmmədova",
        "description": COMPLAINT,
        "requester_id": 7,
        "status": status,
        "tags": ["vip"],
        "comments": comments
        if comments is not None
        else [
            {"body": COMPLAINT, "attachments": [{"file_name": "qəbz.pdf"}]},
            {
                "body": "Bax: https://example.com/receipt",
                "html_body": '<div class="zd-comment"><p>Bax: <a href="https://example.com/'
                'receipt">qəbz &amp; çek</a></p><img src="https://example.com/me.png"></div>',
            },
        ],
    }
    requests.post(f"{fake.url}/__fake/tickets", json=body, timeout=5).raise_for_status()


def disposal(kind, ticket_id="42", **changes):
    marker = "plaint_deleted" if kind is ActionKind.DELETE_TICKET else "plaint_redacted"
    fields = {
        "action_id": f"zendesk:{ticket_id}:{kind.value}",
        "kind": kind,
        "comment": None,
        "add_tags": (),
        "fields": {},
        "marker_tag": marker,
    }
    return action(ticket_id, **(fields | changes))


def disposer(fake, **kwargs):
    return client(fake, job_poll_interval=0.0, **kwargs)


def writes(requests_seen):
    return [(r["method"], r["path"].split("?")[0]) for r in requests_seen if r["method"] != "GET"]


def set_jobs(fake, **settings):
    requests.post(f"{fake.url}/__fake/jobs", json=settings, timeout=5).raise_for_status()


def soft_delete_directly(fake, ticket_id=42):
    url = f"{fake.url}/api/v2/tickets/{ticket_id}.json"
    auth = (f"{CREDENTIALS[0]}/token", CREDENTIALS[1])
    assert requests.delete(url, auth=auth, timeout=5).status_code == 204


DELETE = ActionKind.DELETE_TICKET
REDACT = ActionKind.REDACT_TICKET


def test_delete_soft_deletes_then_deletes_for_good(fake):
    seed_ticket(fake)
    zendesk = disposer(fake)
    assert zendesk.already_applied(disposal(DELETE)) is False  # a live ticket
    zendesk.apply(disposal(DELETE))

    state = ticket_state(fake)
    assert state["deleted_for_good"] is True
    assert state["comments"] == []
    assert state["ticket"]["subject"] is None
    assert writes(recorded(fake)) == [
        ("DELETE", "/api/v2/tickets/42.json"),
        ("DELETE", "/api/v2/deleted_tickets/42.json"),
    ]
    job_polls = [r for r in recorded(fake) if r["path"].startswith("/api/v2/job_statuses/")]
    assert len(job_polls) == 1
    assert zendesk.already_applied(disposal(DELETE)) is True


def test_deletion_retried_after_its_answer_was_lost_does_nothing_twice(fake):
    seed_ticket(fake)
    disposer(fake).apply(disposal(DELETE))  # landed; the worker never heard
    before = len(recorded(fake))

    zendesk = disposer(fake)  # the retry runs in another container
    retry = disposal(DELETE, attempts=2)
    assert zendesk.already_applied(retry) is True
    assert writes(recorded(fake)[before:]) == []
    listing = [r["path"] for r in recorded(fake)[before:]]
    assert listing[0] == "/api/v2/tickets/42.json"
    assert listing[1].startswith("/api/v2/deleted_tickets.json?sort_by=deleted_at&sort_order=desc")


def test_soft_deleted_ticket_is_not_taken_as_deleted_for_good(fake):
    seed_ticket(fake)
    soft_delete_directly(fake)  # the first attempt's soft delete landed, then it died
    zendesk = disposer(fake)
    retry = disposal(DELETE, attempts=2)
    assert zendesk.already_applied(retry) is False  # still among the deleted tickets
    zendesk.apply(retry)
    assert ticket_state(fake)["deleted_for_good"] is True
    assert zendesk.already_applied(retry) is True
    deletes = [r for r in recorded(fake) if r["method"] == "DELETE"]
    assert [r["path"] for r in deletes] == [
        "/api/v2/tickets/42.json",  # the seed's, by hand
        "/api/v2/tickets/42.json",  # the retry's: 404, nothing deleted twice
        "/api/v2/deleted_tickets/42.json",
    ]


def test_deletion_job_still_queued_is_checked_on_the_next_attempt(fake):
    seed_ticket(fake)
    set_jobs(fake, hold=True)
    with pytest.raises(TransientDeliveryError) as caught:
        disposer(fake).apply(disposal(DELETE))
    assert "still queued" in str(caught.value)
    assert caught.value.retry_after == 60.0
    assert ticket_state(fake)["deleted_for_good"] is False

    set_jobs(fake, hold=False)  # Zendesk's workers get round to it
    assert disposer(fake).already_applied(disposal(DELETE, attempts=2)) is True
    assert ticket_state(fake)["deleted_for_good"] is True


def test_failed_deletion_job_is_transient_and_the_retry_deletes(fake):
    seed_ticket(fake)
    set_jobs(fake, fail=1)
    with pytest.raises(TransientDeliveryError, match="failed"):
        disposer(fake).apply(disposal(DELETE))
    retry = disposal(DELETE, attempts=2)
    assert disposer(fake).already_applied(retry) is False
    disposer(fake).apply(retry)
    assert ticket_state(fake)["deleted_for_good"] is True


def plain_texts(state):
    return [c["plain_body"] for c in state["comments"]]


def only_blocks(text):
    return all(char == "▇" or char.isspace() for char in text)


def test_redaction_redacts_every_comment_then_subject_and_marker(fake):
    seed_ticket(fake)
    zendesk = disposer(fake)
    assert zendesk.already_applied(disposal(REDACT)) is False
    zendesk.apply(disposal(REDACT))

    state = ticket_state(fake)
    assert all(only_blocks(text) and text for text in plain_texts(state))
    assert all(
        "Aysel" not in c["html_body"] and "qəbz" not in c["html_body"] for c in state["comments"]
    )
    assert "<a " not in state["comments"][1]["html_body"]  # the link went with its text
    assert "<img" not in state["comments"][1]["html_body"]
    assert [a["file_name"] for a in state["comments"][0]["attachments"]] == ["redacted.txt"]
    assert only_blocks(state["description"])
    assert state["ticket"]["subject"] == "[redacted]"
    assert state["ticket"]["tags"] == ["vip", "plaint_redacted"]
    assert state["deleted"] is False  # the ticket stays

    redactions = [r for r in recorded(fake) if r["path"].startswith("/api/v2/comment_redactions/")]
    assert len(redactions) == 2
    first, second = (r["json"] for r in redactions)
    assert first["ticket_id"] == 42
    assert first["external_attachment_urls"][0].startswith("https://example.zendesk.com/")
    assert "<redact>" in first["html_body"]
    assert 'href="https://example.com/receipt" redact>' in second["html_body"]
    assert "<redact>qəbz &amp; çek</redact>" in second["html_body"]
    update = next(r for r in recorded(fake) if r["method"] == "PUT" and "/tickets/" in r["path"])
    assert update["json"]["ticket"]["safe_update"] is True
    assert zendesk.already_applied(disposal(REDACT)) is True


def test_redaction_retried_after_its_answer_was_lost_does_nothing_twice(fake):
    seed_ticket(fake)
    disposer(fake).apply(disposal(REDACT))
    before = len(recorded(fake))
    zendesk = disposer(fake)
    retry = disposal(REDACT, attempts=2)
    assert zendesk.already_applied(retry) is True
    zendesk.apply(retry)  # even run again, it writes nothing
    assert writes(recorded(fake)[before:]) == []


class DiesOnSecondRedaction(requests.Session):
    """The function dies after the first comment was redacted."""

    def __init__(self):
        super().__init__()
        self.redactions = 0

    def request(self, method, url, *args, **kwargs):
        if "/comment_redactions/" in url:
            self.redactions += 1
            if self.redactions == 2:
                raise requests.ConnectionError("connection reset")
        return super().request(method, url, *args, **kwargs)


def test_redaction_cut_short_carries_on_where_it_stopped(fake):
    seed_ticket(fake)
    first = ZendeskClient(ApiAccess(fake.url, CREDENTIALS, session=DiesOnSecondRedaction()))
    with pytest.raises(TransientDeliveryError):
        first.apply(disposal(REDACT))
    state = ticket_state(fake)
    assert only_blocks(state["comments"][0]["plain_body"])
    assert not only_blocks(state["comments"][1]["plain_body"])

    retry = disposal(REDACT, attempts=2)
    zendesk = disposer(fake)
    assert zendesk.already_applied(retry) is False
    zendesk.apply(retry)
    assert all(only_blocks(text) for text in plain_texts(ticket_state(fake)))
    paths = [
        r["path"] for r in recorded(fake) if r["path"].startswith("/api/v2/comment_redactions/")
    ]
    assert len(paths) == len(set(paths)) == 2  # each comment redacted once
    assert zendesk.already_applied(retry) is True


class ReplaysRedactions(requests.Session):
    """A gateway that delivers each redaction twice, answering with the second copy."""

    def request(self, method, url, *args, **kwargs):
        if "/comment_redactions/" in url:
            super().request(method, url, *args, **kwargs)
        return super().request(method, url, *args, **kwargs)


def test_a_replayed_redaction_refused_as_stale_is_seen_done(fake):
    seed_ticket(fake)
    ZendeskClient(ApiAccess(fake.url, CREDENTIALS, session=ReplaysRedactions())).apply(
        disposal(REDACT)
    )
    redactions = [r for r in recorded(fake) if r["path"].startswith("/api/v2/comment_redactions/")]
    assert len(redactions) == 4  # the fake refused each copy: its text was gone already
    assert ticket_state(fake)["ticket"]["subject"] == "[redacted]"


def test_closed_ticket_has_its_comments_redacted_then_is_parked(fake):
    seed_ticket(fake, status="closed")
    with pytest.raises(PermanentDeliveryError, match="closed") as caught:
        disposer(fake).apply(disposal(REDACT))
    assert "subject could not be replaced" in str(caught.value)
    state = ticket_state(fake)
    assert all(only_blocks(text) for text in plain_texts(state))
    assert state["ticket"]["subject"] == "Pulumu qaytarın, Aysel Məmmədova"
    assert not [r for r in recorded(fake) if r["method"] == "PUT" and "/tickets/" in r["path"]]


def test_redaction_waits_out_429_with_its_retry_after(fake):
    seed_ticket(fake)
    add_fault(fake, 429, count=1, retry_after=1)
    started = time.monotonic()
    disposer(fake, time_left=lambda: 60.0).apply(disposal(REDACT))
    assert time.monotonic() - started >= 1.0
    assert ticket_state(fake)["ticket"]["subject"] == "[redacted]"


def test_redaction_of_a_deleted_ticket_is_permanent(fake):
    seed_ticket(fake)
    soft_delete_directly(fake)
    with pytest.raises(PermanentDeliveryError, match="404"):
        disposer(fake).apply(disposal(REDACT))


def test_redaction_marks_text_links_and_images_and_keeps_the_markup():
    comment = ApiComment(
        id=1,
        html_body='<div dir="auto"><p>Tom &amp; <b>Jerry</b> <a href="x?a=1&amp;b=2">link</a>'
        '</p><img src="y.png"><br/>\n</div>',
    )
    assert marked_html(comment) == (
        '<div dir="auto"><p><redact>Tom &amp; </redact><b><redact>Jerry</redact></b> '
        '<a href="x?a=1&amp;b=2" redact><redact>link</redact></a></p><img src="y.png" redact>'
        "<br />\n</div>"
    )


def test_the_fake_refuses_a_redaction_whose_text_is_not_the_comments(fake):
    seed_ticket(fake)
    comment_id = ticket_state(fake)["comments"][0]["id"]
    forged = {"ticket_id": 42, "html_body": "<p><redact>something else</redact></p>"}
    url = f"{fake.url}/api/v2/comment_redactions/{comment_id}.json"
    auth = (f"{CREDENTIALS[0]}/token", CREDENTIALS[1])
    refused = requests.put(url, json=forged, auth=auth, timeout=5)
    assert refused.status_code == 400
    assert ticket_state(fake)["comments"][0]["plain_body"] == COMPLAINT


def test_an_update_answers_the_tickets_version_before_and_after_it(fake):
    seeded = {"id": 42, "subject": "Pul", "description": "Şikayət", "requester_id": 7,
              "status": "new", "created_at": "2025-03-04T08:00:00Z",
              "updated_at": "2025-03-04T08:00:00Z"}  # fmt: skip
    requests.post(f"{fake.url}/__fake/tickets", json=seeded, timeout=5).raise_for_status()

    landed = client(fake).apply(action())

    ticket = ticket_state(fake)["ticket"]
    assert landed is not None
    assert landed.before_at == datetime(2025, 3, 4, 8, tzinfo=UTC)
    assert landed.before_status == "new"
    assert landed.at == datetime.fromisoformat(ticket["updated_at"]) > landed.before_at
    assert landed.status == ticket["status"]


def test_an_update_takes_off_the_tags_the_action_lifts(fake):
    zendesk = client(fake)
    zendesk.apply(action(add_tags=("letter_blocked",)))
    lifted = action(action_id="note-2", marker_tag="plaint_note_2", add_tags=(),
                    remove_tags=("letter_blocked",))  # fmt: skip
    zendesk.apply(lifted)
    tags = ticket_state(fake)["ticket"]["tags"]
    assert tags == ["plaint_ack_1", "plaint_note_2"]

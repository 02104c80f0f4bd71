"""ZendeskChangeFeed against the fake Zendesk's incremental ticket export, over real HTTP."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.http import ApiAccess
from connectors.zendesk.feed import ZendeskChangeFeed, start_time_for
from devstack.fake_zendesk import EXPORT_PATH, FakeZendesk
from plaint.model.events import Channel, SourceSystem, TicketEventKind

CREDENTIALS = ("complaints@example.com", "api-token-123")


@pytest.fixture
def fake():
    with FakeZendesk(auth=CREDENTIALS) as server:
        yield server


def feed(fake, credentials=CREDENTIALS, time_left=None, **kwargs):
    access = ApiAccess(fake.url, credentials, time_left=time_left, requests_per_minute=6000)
    return ZendeskChangeFeed(access, **kwargs)


def at(minutes_ago):
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return moment.isoformat()


def create(fake, ticket_id, minutes_ago, **fields):
    body = {
        "id": ticket_id,
        "subject": f"Complaint {ticket_id}",
        "description": f"My order {ticket_id} never arrived.",
        "requester_id": 9000 + ticket_id,
        "created_at": at(minutes_ago),
        **fields,
    }
    requests.post(f"{fake.url}/__fake/tickets", json=body, timeout=5).raise_for_status()


def exports(fake):
    seen = requests.get(f"{fake.url}/__fake/requests", timeout=5).json()["requests"]
    return [
        parse_qs(urlsplit(r["path"]).query) for r in seen if urlsplit(r["path"]).path == EXPORT_PATH
    ]


def add_fault(fake, status, count, retry_after=None):
    fault = {"status": status, "count": count, "retry_after": retry_after}
    requests.post(f"{fake.url}/__fake/faults", json=fault, timeout=5).raise_for_status()


def walk(zendesk, cursor, now=None):
    """Every page from `cursor` to the end of the stream: the events and the last cursor."""
    events, pages = [], 0
    while True:
        page = zendesk.changed_since(cursor, now or datetime.now(UTC))
        events.extend(page.events)
        cursor, pages = page.cursor, pages + 1
        if not page.more:
            return events, cursor, pages


def test_pages_are_walked_to_the_end_of_the_stream(fake):
    for number, minutes_ago in ((101, 50), (102, 40), (103, 30), (104, 20), (105, 10)):
        create(fake, number, minutes_ago)
    create(fake, 106, 300, updated_at=at(5), tags=["vip"], via="mail", status="open")
    zendesk = feed(fake)

    events, _, pages = walk(zendesk, None)

    assert pages == 3  # six tickets, two to a page
    assert [e.ticket_id for e in events] == ["101", "102", "103", "104", "105", "106"]
    first, reopened = events[0], events[-1]
    assert first.source is SourceSystem.ZENDESK
    assert first.kind is TicketEventKind.CREATED
    assert first.recovered is True
    assert first.subject == "Complaint 101"
    assert first.description == "My order 101 never arrived."
    assert first.complainant_ref == "zendesk-user:9101"
    assert first.channel is Channel.WEB
    assert first.helpdesk_status == "new"
    assert first.occurred_at == first.created_at
    assert first.delivery_id == f"reconcile:101:{first.occurred_at.isoformat()}"
    assert reopened.kind is TicketEventKind.UPDATED
    assert reopened.created_at < reopened.occurred_at
    assert reopened.tags == ("vip",)
    assert reopened.channel is Channel.EMAIL
    assert reopened.helpdesk_status == "open"


def test_a_fresh_feed_starts_a_window_back_and_never_within_the_last_minute(fake):
    now = datetime.now(UTC)
    create(fake, 201, 60 * 30)  # 30 hours ago: outside the default one-day window
    create(fake, 202, 60 * 20)

    page = feed(fake).changed_since(None, now)

    assert [e.ticket_id for e in page.events] == ["202"]
    assert exports(fake)[0]["start_time"] == [str(int((now - timedelta(days=1)).timestamp()))]
    assert start_time_for(now, timedelta(seconds=5)) == int(now.timestamp()) - 60


def test_a_second_run_from_the_cursor_yields_only_later_changes(fake):
    create(fake, 301, 30)
    create(fake, 302, 20)
    create(fake, 303, 10)
    zendesk = feed(fake)
    first_run, cursor, _ = walk(zendesk, None)

    create(fake, 304, 4)
    create(fake, 301, 30, updated_at=at(3), status="pending")  # changed since
    second_run, _, _ = walk(zendesk, cursor)

    assert [e.ticket_id for e in first_run] == ["301", "302", "303"]
    assert [e.ticket_id for e in second_run] == ["304", "301"]
    assert second_run[1].kind is TicketEventKind.UPDATED
    assert second_run[1].helpdesk_status == "pending"
    assert "cursor" in exports(fake)[-1]


def test_an_empty_export_keeps_a_cursor_to_resume_from(fake):
    zendesk = feed(fake)
    page = zendesk.changed_since(None, datetime.now(UTC))
    assert page.events == ()
    assert page.more is False
    assert page.cursor

    create(fake, 451, 5)
    later, _, _ = walk(zendesk, page.cursor)
    assert [e.ticket_id for e in later] == ["451"]


def test_deleted_tickets_are_skipped(fake):
    create(fake, 501, 30)
    create(fake, 502, 20, status="deleted")
    create(fake, 503, 10)

    events, _, _ = walk(feed(fake), None)

    assert [e.ticket_id for e in events] == ["501", "503"]


def test_a_project_filter_keeps_only_the_tickets_it_accepts(fake):
    create(fake, 601, 30, tags=["complaint"])
    create(fake, 602, 20, tags=["billing"])

    zendesk = feed(fake, project_filter=lambda event: "complaint" in event.tags)
    events, _, _ = walk(zendesk, None)

    assert [e.ticket_id for e in events] == ["601"]


def test_the_export_pages_at_the_size_asked_for(fake):
    with FakeZendesk(auth=CREDENTIALS, export_page_size=10) as roomy:
        for number in range(901, 906):
            create(roomy, number, 30 - number % 10)
        events, _, pages = walk(feed(roomy), None)
        assert (len(events), pages) == (5, 1)
        events, _, pages = walk(feed(roomy, per_page=3), None)
        assert (len(events), pages) == (5, 2)

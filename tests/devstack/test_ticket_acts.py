"""`python -m devstack.ticket` against the fake helpdesks and a webhook endpoint that keeps
what it is sent: each act changes the helpdesk's own ticket, and the webhook it sends is
read by Plaint's own connectors as the act it stands for (an agent's letter with its tag,
the complainant's words, a status change), signed with the stack's secret."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.jira.mapper import parse_delivery as jira_event
from connectors.jira.signature import verify_signature as jira_verify
from connectors.zendesk.mapper import parse_delivery as zendesk_event
from connectors.zendesk.signature import verify_signature as zendesk_verify
from devstack import send_webhook, ticket
from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from plaint.model.events import TicketEvent, TicketEventKind
from tests.factories import DEFAULT_POLICY

SECRET = "local-secret"


class Received:
    """A webhook API that answers 202 and keeps every delivery."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, dict[str, str], bytes]] = []
        kept = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                kept.append((self.path, dict(self.headers.items()), body))
                self.send_response(202)
                self.end_headers()
                self.wfile.write(b'{"status": "accepted"}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def last(self) -> tuple[str, dict[str, str], bytes]:
        return self.deliveries[-1]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Received, FakeZendesk, FakeJira, list[str]]]:
    (tmp_path / "webhook-secret").write_text(SECRET, encoding="utf-8")
    api = Received()
    with FakeZendesk() as zendesk, FakeJira() as jira:
        urls = ["--api", api.url, "--zendesk", zendesk.url, "--jira-url", jira.url,
                "--data-dir", str(tmp_path)]  # fmt: skip
        yield api, zendesk, jira, urls
    api.server.shutdown()


def zendesk_delivery(api: Received) -> TicketEvent:
    path, headers, body = api.last()
    assert path == "/webhooks/zendesk"
    zendesk_verify(headers, body, [SECRET], datetime.now(UTC))  # raises when wrong
    return zendesk_event(headers, body)


def jira_delivery(api: Received) -> TicketEvent:
    path, headers, body = api.last()
    assert path == "/webhooks/jira"
    jira_verify(headers, body, [SECRET])
    return jira_event(headers, body)


def played(urls: list[str], capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    assert ticket.main([*arguments, *urls]) == 0
    return capsys.readouterr().out


def test_a_zendesk_ticket_answered_rejected_solved_and_reopened(
    desk: tuple[Received, FakeZendesk, FakeJira, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    api, zendesk, _, urls = desk
    assert send_webhook.main(["--secret", SECRET, "--language", "en", *urls[:4]]) == 0
    number = capsys.readouterr().out.splitlines()[0].removeprefix("ticket zendesk:")
    created = zendesk_delivery(api)
    assert created.ticket_id == number and created.kind is TicketEventKind.CREATED

    text = "This is our final response to your complaint."
    out = played(urls, capsys, "respond", number, "--kind", "final", "--text", text)
    assert out == f'ticket zendesk:{number}: respond as agent: 202 {{"status": "accepted"}}\n'
    letter = zendesk_delivery(api)
    assert letter.kind is TicketEventKind.COMMENT_ADDED and letter.agent_reply == text
    assert "final_response_sent" in letter.tags and letter.helpdesk_status == "open"

    played(urls, capsys, "reject", f"zendesk:{number}")
    rejection = zendesk_delivery(api)
    assert rejection.agent_reply is None and rejection.actor == created.actor
    assert (rejection.description or "").startswith("I do not accept your decision")

    played(urls, capsys, "close", number)
    solved = zendesk_delivery(api)
    assert solved.kind is TicketEventKind.STATUS_CHANGED and solved.helpdesk_status == "solved"
    assert [(c.field, c.before, c.after) for c in solved.changes] == [("status", "OPEN", "SOLVED")]
    played(urls, capsys, "reopen", number)
    assert zendesk_delivery(api).helpdesk_status == "open"
    assert solved.occurred_at > rejection.occurred_at > letter.occurred_at

    helpdesk = requests.get(f"{zendesk.url}/__fake/tickets/{number}", timeout=5).json()
    assert helpdesk["ticket"]["status"] == "open"
    assert helpdesk["ticket"]["tags"] == ["final_response_sent"]
    authors = [(c["body"][:20], c["author_id"]) for c in helpdesk["comments"][1:]]
    assert authors == [(text[:20], 8447388090495), ("I do not accept your", 8447388090494)]


def test_a_jira_issue_answered_rejected_resolved_and_reopened(
    desk: tuple[Received, FakeZendesk, FakeJira, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    api, _, jira, urls = desk
    sent = ["--jira", "--secret", SECRET, "--language", "en", "--api", urls[1],
            "--jira-url", urls[5]]  # fmt: skip
    assert send_webhook.main(sent) == 0
    key = capsys.readouterr().out.splitlines()[0].removeprefix("ticket jira:")

    played(urls, capsys, "respond", key, "--kind", "holding", "--text", "We need more time.")
    letter = jira_delivery(api)
    assert letter.kind is TicketEventKind.COMMENT_ADDED
    assert letter.agent_reply == "We need more time." and "holding_response_sent" in letter.tags
    played(urls, capsys, "reply", key, "--as", "complainant", "--text", "Still waiting.")
    reply = jira_delivery(api)
    assert reply.agent_reply is None and reply.description == "Still waiting."

    played(urls, capsys, "close", f"jira:{key}")
    resolved = jira_delivery(api)
    assert resolved.kind is TicketEventKind.STATUS_CHANGED
    assert resolved.helpdesk_status == "resolved"
    played(urls, capsys, "reopen", key)
    assert jira_delivery(api).helpdesk_status == "waiting for support"
    issue = requests.get(f"{jira.url}/__fake/issues/{key}", timeout=5).json()
    assert issue["issue"]["fields"]["labels"] == ["holding_response_sent"]
    assert [h["to"] for h in issue["history"]] == ["Resolved", "Waiting for support"]
    assert len(issue["comments"]) == 2


def test_an_unknown_ticket_or_an_agent_on_an_email_is_refused_in_one_line(
    desk: tuple[Received, FakeZendesk, FakeJira, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, _, urls = desk
    assert ticket.main(["close", "777", *urls]) == 2
    assert "the fake Zendesk at" in capsys.readouterr().err
    assert ticket.main(["close", "email:m-0123456789abcdef01234567", *urls]) == 2
    assert "only the complainant acts on it" in capsys.readouterr().err
    assert ticket.main(["reply", "nobody:1", *urls]) == 2
    assert "zendesk, jira or email" in capsys.readouterr().err


def test_the_fake_zendesk_changes_a_ticket_as_zendesk_would_and_no_closed_one() -> None:
    with FakeZendesk() as fake:
        changes = f"{fake.url}/__fake/tickets/5/changes"
        assert requests.post(changes, json={"status": "solved"}, timeout=5).status_code == 404
        made = {"id": 5, "subject": "s", "description": "d", "requester_id": 7}
        requests.post(f"{fake.url}/__fake/tickets", json=made, timeout=5).raise_for_status()
        assert requests.post(changes, json={"status": "gone"}, timeout=5).status_code == 400
        answer = requests.post(changes, json={"comment": {"body": "Hello"}}, timeout=5).json()
        assert answer["comment"]["author_id"] == 7  # the requester, when no author is named
        assert requests.post(changes, json={"status": "closed"}, timeout=5).ok
        refused = requests.post(changes, json={"status": "open"}, timeout=5)
        assert refused.status_code == 422 and "closed prevents ticket update" in refused.text
        seen = requests.get(f"{fake.url}/__fake/requests", timeout=5).json()
        assert seen == {"requests": []}  # a person's doing in Zendesk is no API request


def test_a_letter_on_a_policy_without_letters_is_the_iso_10002_packs(
    desk: tuple[Received, FakeZendesk, FakeJira, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    api, _, _, urls = desk
    assert send_webhook.main(["--secret", SECRET, *urls[:4]]) == 0
    number = capsys.readouterr().out.splitlines()[0].removeprefix("ticket zendesk:")
    default = ["--policy", str(DEFAULT_POLICY), "--language", "en"]
    played(urls, capsys, "respond", number, "--kind", "holding", *default)
    letter = zendesk_delivery(api).agent_reply or ""
    assert "Our reference: zendesk:" not in letter  # no complaint record without the stack
    assert "We are still waiting for the card scheme's records." in letter
    assert "{" not in letter and "holding_response_sent" in zendesk_delivery(api).tags


def test_a_final_response_with_its_outcome_and_a_later_change_on_zendesk_and_jira(
    desk: tuple[Received, FakeZendesk, FakeJira, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    api, zendesk, jira, urls = desk
    policy = ["--policy", str(DEFAULT_POLICY), "--text", "Our final response."]
    assert send_webhook.main(["--secret", SECRET, "--language", "en", *urls[:4]]) == 0
    number = capsys.readouterr().out.splitlines()[0].removeprefix("ticket zendesk:")
    played(urls, capsys, "respond", number, "--kind", "final", "--outcome", "not_upheld", *policy)
    assert {"final_response_sent", "complaint_not_upheld"} <= set(zendesk_delivery(api).tags)
    played(urls, capsys, "respond", number, "--kind", "summary", "--outcome", "upheld", *policy)
    tags = set(zendesk_delivery(api).tags)
    assert "complaint_upheld" in tags and "complaint_not_upheld" not in tags  # one outcome shown
    helpdesk = requests.get(f"{zendesk.url}/__fake/tickets/{number}", timeout=5).json()
    assert "complaint_not_upheld" not in helpdesk["ticket"]["tags"]

    sent = ["--jira", "--secret", SECRET, "--language", "en", "--api", urls[1],
            "--jira-url", urls[5]]  # fmt: skip
    assert send_webhook.main(sent) == 0
    key = capsys.readouterr().out.splitlines()[0].removeprefix("ticket jira:")
    played(urls, capsys, "respond", key, "--kind", "final", "--outcome", "partly_upheld", *policy)
    assert {"final_response_sent", "complaint_partly_upheld"} <= set(jira_delivery(api).tags)
    issue = requests.get(f"{jira.url}/__fake/issues/{key}", timeout=5).json()
    assert issue["issue"]["fields"]["labels"] == ["final_response_sent", "complaint_partly_upheld"]

    refused = ["respond", number, "--kind", "holding", "--outcome", "upheld", *policy, *urls]
    assert ticket.main(refused) == 2
    assert "a holding response decides no outcome" in capsys.readouterr().err

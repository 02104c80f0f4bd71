"""The local stack as a user runs it: a subprocess, real signed HTTP webhooks built from
recorded Zendesk payloads, each sent three times, and a restart that keeps the data."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from devstack.launcher import StackProcess, wait_until
from devstack.send_webhook import signed_headers
from tests.factories import EVENTS

pytestmark = pytest.mark.e2e

COMPLAINTS = {
    "9001": ("az", "Kartımdan pul iki dəfə çıxılıb, bu qəbuledilməzdir. Şikayət edirəm."),
    "9002": ("ar", "أريد تقديم شكوى: تم خصم المبلغ مرتين من حسابي ولم يتم الاسترداد."),
    "9003": ("fa", "از خدمات شما ناراضی هستم. مبلغ دو بار کسر شده و شکایت دارم."),
    "9004": ("en", "I want to complain: the parcel never arrived and nobody answers."),
}


def deliveries() -> list[bytes]:
    """Recorded Zendesk ticket.created events, each turned into a complaint of its own."""
    recorded = json.loads((EVENTS / "zendesk" / "event_ticket_created_docs.json").read_text())
    bodies = []
    for ticket_id, (_, text) in COMPLAINTS.items():
        event = json.loads(json.dumps(recorded))
        event["id"] = f"e2e-{ticket_id}"
        event["subject"] = f"zen:ticket:{ticket_id}"
        event["detail"] |= {"id": ticket_id, "description": text, "subject": text[:40]}
        bodies.append(json.dumps(event, ensure_ascii=False).encode("utf-8"))
    return bodies


def fake_ticket(stack: StackProcess, ticket_id: str) -> dict[str, Any]:
    return requests.get(f"{stack.zendesk_url}/__fake/tickets/{ticket_id}", timeout=5).json()  # type: ignore[no-any-return]


def acknowledgements(stack: StackProcess) -> dict[str, int]:
    counts = {}
    for ticket_id in COMPLAINTS:
        answer = requests.get(f"{stack.zendesk_url}/__fake/tickets/{ticket_id}", timeout=5)
        counts[ticket_id] = len(answer.json().get("comments", [])) if answer.ok else 0
    return counts


def test_each_complaint_gets_exactly_one_acknowledgement_and_survives_a_restart(
    stack: StackProcess,
) -> None:
    bodies = deliveries()
    statuses = []
    for _ in range(3):  # every delivery three times, interleaved, as helpdesk retries arrive
        for body in bodies:
            answer = requests.post(
                stack.webhook_url, data=body, headers=signed_headers(body, stack.secret), timeout=10
            )
            statuses.append(answer.status_code)
    assert statuses.count(202) == len(bodies)
    assert statuses.count(200) == 2 * len(bodies)
    wait_until(
        lambda: all(n >= 1 for n in acknowledgements(stack).values()),
        "an acknowledgement on every ticket",
        60,
    )
    time.sleep(3)  # give any duplicate the chance to show up
    assert acknowledgements(stack) == dict.fromkeys(COMPLAINTS, 1)
    for ticket_id, (language, _) in COMPLAINTS.items():
        ticket = fake_ticket(stack, ticket_id)
        assert "plaint_ack_sent" in ticket["ticket"]["tags"]
        if language in ("ar", "fa"):
            assert any("\u0600" <= ch <= "\u06ff" for ch in ticket["comments"][0]["body"])

    stack.stop()
    stack.start()
    # The restarted stack remembers the deliveries: a late retry is still a duplicate.
    answer = requests.post(
        stack.webhook_url,
        data=bodies[0],
        headers=signed_headers(bodies[0], stack.secret),
        timeout=10,
    )
    assert answer.status_code == 200
    assert json.loads(answer.text)["status"] == "duplicate"


def test_jira_deliveries_repeated_and_reordered_get_one_acknowledgement_each(
    stack: StackProcess,
) -> None:
    from devstack.send_webhook import jira_headers, sample_jira_event

    deliveries = []
    for number in (501, 502, 503):
        body = json.dumps(sample_jira_event(issue_number=number), ensure_ascii=False).encode()
        deliveries.append((body, jira_headers(body, stack.secret)))
    # Jira promises no order: each delivery three times, the rounds in different orders.
    for order in ((0, 1, 2), (2, 0, 1), (1, 2, 0)):
        for index in order:
            body, headers = deliveries[index]
            requests.post(f"{stack.api_url}/webhooks/jira", data=body, headers=headers, timeout=10)

    def comments(key: str) -> int:
        answer = requests.get(f"{stack.jira_url}/__fake/issues/{key}", timeout=5)
        return len(answer.json()["comments"]) if answer.ok else 0

    keys = [f"CARE-{n}" for n in (501, 502, 503)]
    wait_until(lambda: all(comments(k) >= 1 for k in keys), "a Jira acknowledgement each", 60)
    time.sleep(3)
    assert [comments(k) for k in keys] == [1, 1, 1]


@pytest.mark.parametrize("repeated", ["X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Id"])
def test_the_local_server_refuses_a_repeated_signature_or_id_header(
    stack: StackProcess, repeated: str
) -> None:
    """Chalice's local server would read the first copy, API Gateway the last: the local
    stack refuses the delivery, as the app does in AWS, and accepts it sent properly."""
    import http.client

    body = deliveries()[0]
    headers = signed_headers(body, stack.secret)
    connection = http.client.HTTPConnection("127.0.0.1", stack.ports["api"], timeout=10)
    connection.putrequest("POST", "/webhooks/zendesk")
    for name, value in [*headers.items(), (repeated, headers[repeated])]:
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    answer = connection.getresponse()
    assert answer.status == 400
    assert json.loads(answer.read())["header"] == repeated
    connection.close()

    once = requests.post(stack.webhook_url, data=body, headers=headers, timeout=10)
    assert once.status_code == 202

"""The fake helpdesks keep what they hold in the local stack's data directory, so the
local story goes on after a restart as Plaint's own records do."""

from __future__ import annotations

import requests

from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk

CREDENTIALS = ("complaints@example.com", "api-token-123")


def test_fake_zendesk_keeps_its_tickets_across_a_restart(tmp_path):
    data_file = tmp_path / "fake-zendesk.json"
    update = {
        "ticket": {
            "comment": {"body": "We have received your complaint.", "public": True},
            "tags": ["plaint_ack_sent", "vip"],
            "custom_fields": [{"id": 360001, "value": "billing"}],
        }
    }
    with FakeZendesk(data_file=data_file) as fake:
        url = f"{fake.url}/api/v2/tickets/42.json"
        requests.put(url, json=update, auth=CREDENTIALS, timeout=5).raise_for_status()
        before = requests.get(f"{fake.url}/__fake/tickets/42", timeout=5).json()

    with FakeZendesk(data_file=data_file) as restarted:
        after = requests.get(f"{restarted.url}/__fake/tickets/42", timeout=5).json()
        api = requests.get(
            f"{restarted.url}/api/v2/tickets/42.json", auth=CREDENTIALS, timeout=5
        ).json()
        # A comment added after the restart gets an id of its own.
        requests.put(
            f"{restarted.url}/api/v2/tickets/42.json",
            json={"ticket": {"comment": {"body": "Thank you."}}},
            auth=CREDENTIALS,
            timeout=5,
        ).raise_for_status()
        ids = [
            c["id"]
            for c in requests.get(f"{restarted.url}/__fake/tickets/42", timeout=5).json()[
                "comments"
            ]
        ]

    assert after == before
    assert [c["body"] for c in after["comments"]] == ["We have received your complaint."]
    assert api["ticket"]["tags"] == ["plaint_ack_sent", "vip"]
    assert api["ticket"]["custom_fields"] == [{"id": 360001, "value": "billing"}]
    assert len(set(ids)) == 2


def test_fake_jira_keeps_its_issues_across_a_restart(tmp_path):
    data_file = tmp_path / "fake-jira.json"
    comment = {
        "body": {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Received."}]}],
        }
    }
    with FakeJira(data_file=data_file) as fake:
        base = f"{fake.url}/rest/api/3/issue/SUP-7"
        requests.post(f"{base}/comment", json=comment, auth=CREDENTIALS, timeout=5)
        labels = {"update": {"labels": [{"add": "plaint_ack_sent"}]}}
        requests.put(base, json=labels, auth=CREDENTIALS, timeout=5).raise_for_status()
        requests.post(
            f"{base}/transitions", json={"transition": {"id": "11"}}, auth=CREDENTIALS, timeout=5
        ).raise_for_status()
        before = requests.get(f"{fake.url}/__fake/issues/SUP-7", timeout=5).json()

    with FakeJira(data_file=data_file) as restarted:
        after = requests.get(f"{restarted.url}/__fake/issues/SUP-7", timeout=5).json()
        transitions = requests.get(
            f"{restarted.url}/rest/api/3/issue/SUP-7/transitions", auth=CREDENTIALS, timeout=5
        ).json()

    assert after == before
    assert after["issue"]["fields"]["labels"] == ["plaint_ack_sent"]
    assert after["issue"]["fields"]["status"]["name"] == "In progress"
    assert len(after["comments"]) == 1
    assert "Reopen" not in [t["name"] for t in transitions["transitions"]]


def test_without_a_data_file_a_restart_forgets(tmp_path):
    with FakeZendesk() as fake:
        url = f"{fake.url}/api/v2/tickets/42.json"
        body = {"ticket": {"tags": ["vip"]}}
        requests.put(url, json=body, auth=CREDENTIALS, timeout=5).raise_for_status()
    with FakeZendesk() as restarted:
        seen = requests.get(f"{restarted.url}/__fake/tickets/42", timeout=5)
    assert seen.status_code == 404
    assert list(tmp_path.iterdir()) == []

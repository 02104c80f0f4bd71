"""What the local stack keeps across a restart besides its tables: the deliveries it still
owes a judgement are queued again (SQS would have kept their messages), and what its SES
sent stays countable."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from devstack.local_ses import SentLog
from devstack.snapshot import unprocessed_deliveries


def _delivery(key: str, status: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"DELIVERY#{key}"}, "sk": {"S": "DELIVERY"}, "status": {"S": status}}


def test_only_deliveries_accepted_and_not_processed_are_queued_again(tmp_path: Path) -> None:
    snapshot = tmp_path / "dynamodb.json"
    assert unprocessed_deliveries(snapshot) == []  # a first start has no snapshot
    state = [
        _delivery("zendesk:a1", "accepted"),
        _delivery("jira:b2", "processed"),
        _delivery("email:c3", "accepted"),
        {"pk": {"S": "COMPLAINT#zendesk:1"}, "sk": {"S": "STATE"}, "status": {"S": "accepted"}},
    ]
    snapshot.write_text(json.dumps({"plaint-state": state, "plaint-audit": []}), encoding="utf-8")
    assert unprocessed_deliveries(snapshot) == ["zendesk:a1", "email:c3"]


def test_every_message_ses_accepted_is_logged_in_the_data_directory(tmp_path: Path) -> None:
    log = SentLog(tmp_path / "ses-sent.jsonl")
    for n in range(2):
        raw = f"To: bench{n}@example.az\r\nIn-Reply-To: <m{n}@example.az>\r\n\r\nSalam\r\n"
        request = {
            "FromEmailAddress": "care@plaint.example",
            "Destination": {"ToAddresses": [f"bench{n}@example.az"]},
            "Content": {"Raw": {"Data": base64.b64encode(raw.encode()).decode()}},
        }
        log.observe(json.dumps(request).encode(), json.dumps({"MessageId": f"id-{n}"}).encode())

    restarted = SentLog(tmp_path / "ses-sent.jsonl")
    sent = restarted.read()
    assert [s["message_id"] for s in sent] == ["id-0", "id-1"]
    assert sent[1]["destinations"] == ["bench1@example.az"]
    assert "In-Reply-To: <m1@example.az>" in sent[1]["raw_data"]

"""The whole UK story played against the local stack with the commands alone, as a new user
plays it: a complaint (send_webhook), its acknowledgement (Plaint), the agent's final
response carrying the FCA letter, the complainant's rejection, closing and reopening
(python -m devstack.ticket); each step's entries read back from the compliance log, and
the fake Zendesk's own ticket true to what happened. Then an email complainant's reply
through SES and SNS, and a Jira issue resolved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from devstack import send_webhook, ticket
from devstack.launcher import StackProcess, wait_until
from plaint.model.audit import AuditEntry
from storage.dynamodb import DynamoStore

pytestmark = pytest.mark.e2e


def uk_policy(folder: Path) -> Path:
    """The FCA pack as shipped (its letters, the Financial Ombudsman Service as provider),
    composed with the admin's own overlay: the approver decided, and a reply saying "I do
    not accept" rejects the outcome."""
    overlay = {
        "extends": "uk-fca-disp",
        "approved_by": "Head of Complaints",
        "escalation": {"rejection_phrases": {"en": ["i do not accept"]}, "send_packet": False},
    }
    path = folder / "uk-policy.json"
    path.write_text(json.dumps(overlay), encoding="utf-8")
    return path


@pytest.fixture
def uk_stack(tmp_path: Path) -> Iterator[StackProcess]:
    data = tmp_path / "data"
    data.mkdir()
    local = StackProcess(data, environment={"PLAINT_POLICY_PATH": str(uk_policy(tmp_path))})
    local.start()
    yield local
    local.stop()


def urls(stack: StackProcess) -> list[str]:
    return ["--api", stack.api_url, "--zendesk", stack.zendesk_url,
            "--jira-url", stack.jira_url, "--data-dir", str(stack.data_dir)]  # fmt: skip


def log(stack: StackProcess, complaint_id: str) -> list[AuditEntry]:
    client = boto3.client("dynamodb", endpoint_url=stack.aws_url, region_name="eu-west-1",
                          aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
    return list(DynamoStore(client).audit_entries(f"main/{complaint_id}", limit=500))


def kinds(stack: StackProcess, complaint_id: str) -> list[str]:
    return [entry.kind for entry in log(stack, complaint_id)]


def act(
    stack: StackProcess, capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str]:
    code = ticket.main([*arguments, *urls(stack)])
    return code, capsys.readouterr().out


def wait_for(stack: StackProcess, complaint_id: str, kind: str, count: int = 1) -> None:
    wait_until(lambda: kinds(stack, complaint_id).count(kind) >= count, kind, 30)


def entries(stack: StackProcess, complaint_id: str, kind: str) -> list[dict[str, Any]]:
    return [e.detail for e in log(stack, complaint_id) if e.kind == kind]


def test_a_uk_complaint_played_to_its_reopening_with_one_command_a_step(
    uk_stack: StackProcess, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = uk_stack
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(stack.data_dir.parent / "uk-policy.json"))
    sent = send_webhook.main(["--secret", stack.secret, "--language", "en", *urls(stack)[:4]])
    printed = capsys.readouterr().out.splitlines()
    assert sent == 0 and printed[0].startswith("ticket zendesk:") and printed[1].startswith("202")
    complaint = printed[0].removeprefix("ticket ")
    number = complaint.removeprefix("zendesk:")
    wait_for(stack, complaint, "acknowledgement.sent")
    assert kinds(stack, complaint)[:2] == ["complaint.received", "complaint.assessed"]

    code, out = act(stack, capsys, "respond", complaint, "--kind", "final")
    assert code == 0 and out.startswith(f"ticket {complaint}: respond as agent: 202")
    wait_for(stack, complaint, "milestone.reached")
    checked = entries(stack, complaint, "letter.checked")
    assert [c["verdict"] for c in checked] == ["ok"] and checked[0]["kind"] == "final_response"
    reached = entries(stack, complaint, "milestone.reached")
    assert [r["milestone"] for r in reached] == ["final_response"]

    code, out = act(stack, capsys, "reject", number)
    assert code == 0 and out.startswith(f"ticket {complaint}: reject as complainant: 202")
    wait_for(stack, complaint, "referral.offered")
    assert entries(stack, complaint, "referral.offered")[0]["trigger"] == "rejected_in_reply"
    # The complainant's words are no letter: still one check, the final response's.
    assert len(entries(stack, complaint, "letter.checked")) == 1

    code, out = act(stack, capsys, "close", complaint)
    assert code == 0 and f"ticket {complaint}: close" in out
    wait_for(stack, complaint, "complaint.updated", 3)
    code, out = act(stack, capsys, "reopen", complaint)
    assert code == 0 and f"ticket {complaint}: reopen" in out
    wait_for(stack, complaint, "complaint.updated", 4)
    statuses = [u["helpdesk_status"] for u in entries(stack, complaint, "complaint.updated")]
    assert statuses[-2:] == [{"from": "open", "to": "solved"}, {"from": "solved", "to": "open"}]

    helpdesk = requests.get(f"{stack.zendesk_url}/__fake/tickets/{number}", timeout=5).json()
    assert helpdesk["ticket"]["status"] == "open"
    assert "final_response_sent" in helpdesk["ticket"]["tags"]
    bodies = [c["body"] for c in helpdesk["comments"]]
    assert any("This is our final response" in b for b in bodies)
    assert any("I do not accept your decision" in b for b in bodies)
    assert "intake.gap_closed" not in kinds(stack, complaint)


def test_an_email_complainant_replies_and_a_jira_issue_is_resolved_with_the_commands(
    stack: StackProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    assert send_webhook.main(["--email", "--language", "ar", *urls(stack)]) == 0
    emailed = capsys.readouterr().out.splitlines()[0].removeprefix("ticket ")
    assert send_webhook.main(["--jira", "--secret", stack.secret, *urls(stack)]) == 0
    issue = capsys.readouterr().out.splitlines()[0].removeprefix("ticket ")
    wait_for(stack, emailed, "acknowledgement.sent")
    wait_for(stack, issue, "acknowledgement.sent")

    code, out = act(stack, capsys, "reject", emailed)
    assert code == 0 and out.startswith(f"ticket {emailed}: reject as complainant: 202")
    code, out = act(stack, capsys, "close", issue)
    assert code == 0 and out.startswith(f"ticket {issue}: close as agent: 202")
    wait_for(stack, emailed, "complaint.updated")
    wait_for(stack, issue, "complaint.updated")
    # The reply joined its complaint by the reply address: no second complaint, no second
    # acknowledgement.
    assert kinds(stack, emailed).count("complaint.received") == 1
    assert kinds(stack, emailed).count("acknowledgement.sent") == 1
    updated = entries(stack, issue, "complaint.updated")[0]["helpdesk_status"]
    assert updated == {"from": "waiting for support", "to": "resolved"}

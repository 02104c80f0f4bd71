"""A satisfaction survey through the local stack over real HTTP: a Zendesk complaint, its
final response, the survey email at the stack's SES, its one-click link and its page
answered over HTTP, the answers in the compliance log, and the management report that
`plaint audit report` makes from the stack showing them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from console.main import main as plaint
from devstack.launcher import StackProcess, wait_until
from devstack.local_ses import LOCAL_MAILBOX, LOCAL_SENDER
from devstack.send_webhook import signed_headers
from storage.dynamodb import DynamoStore
from tests.conftest import ledger_entries
from tests.factories import DEFAULT_POLICY, EVENTS

pytestmark = pytest.mark.e2e

REQUESTER = "leyla.aliyeva@example.az"


def surveying_policy(folder: Path) -> Path:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["email"] = {"sender": LOCAL_SENDER, "mailbox": LOCAL_MAILBOX}
    document["milestones"] = [{"milestone": "final_response", "tags": ["final_response_sent"]}]
    document["surveys"] |= {"delay_hours": 0, "quiet_hours": None}
    path = folder / "surveying-policy.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def trigger(updated_at: str, tags: str, ticket: str | None = None) -> bytes:
    source = EVENTS / "zendesk" / "trigger_rendered_az_created_CONSTRUCTED.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    document["ticket"] |= {"updated_at": updated_at, "tags": tags}
    if ticket is not None:
        document["ticket"]["id"] = ticket
    document["requester"]["email"] = REQUESTER
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def surveys(stack: StackProcess) -> list[EmailMessage]:
    messages = [
        message_from_string(m["raw_data"], policy=policy.default) for m in stack.sent_emails()
    ]
    return [m for m in messages if m["Auto-Submitted"] == "auto-generated"]


def survey_entries(stack: StackProcess) -> list[tuple[str, dict[str, object]]]:
    client = boto3.client(
        "dynamodb", endpoint_url=stack.aws_url, region_name="eu-west-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    entries = ledger_entries(DynamoStore(client))
    return [(e.kind, e.detail) for e in entries if e.kind.startswith("survey.")]


def report_from_the_stack(stack: StackProcess, policy_path: Path, out: Path) -> dict[str, Any]:
    """`plaint audit report` as an operator runs it beside the stack, as JSON."""
    until = (datetime.now(UTC) + timedelta(days=1)).date().isoformat() + "T00:00Z"
    command = ["audit", "report", "--from", "2025-03-01T00:00Z", "--to", until, "--format", "json",
               "--out", str(out), "--policy", str(policy_path),
               "--minimum-answers", "2"]  # fmt: skip
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("PLAINT_LOCAL_DATA_DIR", str(stack.data_dir))
        assert plaint(command) == 0
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def test_a_final_response_brings_a_survey_answered_over_http(tmp_path: Path) -> None:
    policy_path = surveying_policy(tmp_path)
    stack = StackProcess(tmp_path / "data", environment={"PLAINT_POLICY_PATH": str(policy_path)})
    stack.start()
    try:
        for body in (trigger("2025-03-04T08:17Z", "şikayət web_form"),
                     trigger("2025-03-06T12:00Z", "şikayət final_response_sent")):  # fmt: skip
            answer = requests.post(
                stack.webhook_url, data=body, headers=signed_headers(body, stack.secret), timeout=10
            )
            assert answer.status_code == 202, answer.text
        wait_until(lambda: bool(surveys(stack)), "the survey email at the local SES", 90)
        (message,) = surveys(stack)
        assert message["To"] == REQUESTER
        text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        links = re.findall(re.escape(stack.api_url) + r"/surveys/[\w.-]+", text)
        assert len(links) == 6  # five scores and the page

        clicked = requests.get(links[3], timeout=10)  # overall: 4
        assert clicked.status_code == 200
        assert 'value="4" checked' in clicked.text
        assert requests.get(links[3], timeout=10).status_code == 409  # used once
        sent = requests.post(
            links[5], data={"overall": "5", "speed": "3", "comment": "Təşəkkürlər"}, timeout=10
        )
        assert sent.status_code == 200
        assert "Cavablarınız qeydə alındı" in sent.text

        entries = survey_entries(stack)
        assert [kind for kind, _ in entries] == [
            "survey.scheduled", "survey.sent", "survey.answered", "survey.answer_changed",
            "survey.answered",
        ]  # fmt: skip
        assert [(d.get("aspect"), d.get("score")) for _, d in entries[2:]] == [
            ("overall", 4), ("overall", 5), ("speed", 3)
        ]  # fmt: skip

        # A second complaint, answered 2 by its one-click link.
        second_ticket = (("2025-03-05T09:00Z", "şikayət web_form"),
                         ("2025-03-07T10:00Z", "şikayət final_response_sent"))  # fmt: skip
        for body in (trigger(at, tags, "31415") for at, tags in second_ticket):
            headers = signed_headers(body, stack.secret)
            assert requests.post(stack.webhook_url, data=body, headers=headers, timeout=10).ok
        wait_until(lambda: len(surveys(stack)) == 2, "the second survey email", 90)
        second = surveys(stack)[1].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert requests.get(re.findall(re.escape(stack.api_url) + r"/surveys/[\w.-]+", second)[1],
                            timeout=10).status_code == 200  # fmt: skip
        wait_until(lambda: len(survey_entries(stack)) == 8, "the second answer", 30)

        satisfaction = report_from_the_stack(stack, policy_path, tmp_path / "report")[
            "satisfaction"
        ]
        assert satisfaction["available"] is True
        assert (satisfaction["asked"], satisfaction["answered"]) == (2, 2)
        assert satisfaction["response_rate"]["share"] == 1.0
        scores = {(c["aspect"], c["dimension"]): c for c in satisfaction["scores"]}
        overall = scores[("overall", "all")]["score"]  # the latest answers: 5 and 2
        assert (overall["answers"], overall["mean"]) == (2, 3.5)
        assert (overall["satisfied"]["numerator"], overall["satisfied"]["denominator"]) == (1, 2)
        assert scores[("speed", "all")]["score"]["reason"].startswith("too few answers")
    finally:
        stack.stop()

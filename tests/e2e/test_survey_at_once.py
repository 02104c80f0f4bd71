"""README's "See a survey at once", played as documented on a local stack: an overlay
policy with no delay, a sample event-subscription complaint (the requester's id, no
address), the agent's final response, the survey email at the local SES addressed to the
fake Zendesk requester's email, and a one-click link that records the answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest
import requests

from devstack import mailbox, send_webhook, ticket
from devstack.fake_zendesk import requester_email
from devstack.launcher import StackProcess, wait_until
from storage.dynamodb import DynamoStore

pytestmark = pytest.mark.e2e

# As README writes it.
OVERLAY = {
    "extends": "default.json",
    "surveys": {"delay_hours": 0, "quiet_hours": {"start": "00:00", "end": "00:01"}},
}
SAMPLE_REQUESTER = 8447388090494  # devstack.send_webhook.sample_event


def survey_kinds(stack: StackProcess, complaint_id: str) -> list[str]:
    client = boto3.client("dynamodb", endpoint_url=stack.aws_url, region_name="eu-west-1",
                          aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
    entries = DynamoStore(client).audit_entries(f"main/{complaint_id}", limit=500)
    return [e.kind for e in entries if e.kind.startswith("survey.")]


def test_a_newcomer_sees_the_survey_at_once_and_answers_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    overlay = tmp_path / "survey-now.json"
    overlay.write_text(json.dumps(OVERLAY), encoding="utf-8")
    monkeypatch.delenv("PLAINT_POLICY_PATH", raising=False)  # only the stack is given it
    stack = StackProcess(tmp_path / "data", environment={"PLAINT_POLICY_PATH": str(overlay)})
    stack.start()
    try:
        urls = ["--api", stack.api_url, "--zendesk", stack.zendesk_url,
                "--jira-url", stack.jira_url, "--data-dir", str(stack.data_dir)]  # fmt: skip
        assert send_webhook.main(["--language", "en", *urls]) == 0
        number = capsys.readouterr().out.splitlines()[0].removeprefix("ticket zendesk:")
        assert ticket.main(["respond", number, "--kind", "final", *urls]) == 0

        def survey_sent() -> bool:
            # At the local SES, and recorded: the worker records survey.sent only after SES
            # has accepted the email, so the mail can be seen a moment before the record.
            mailed = any(m["Auto-Submitted"] for m in mailbox.sent_messages(stack.data_dir))
            return mailed and "survey.sent" in survey_kinds(stack, f"zendesk:{number}")

        # Up to a minute more if it falls in the overlay's one quiet minute.
        wait_until(survey_sent, "the survey email at the local SES", 90)
        capsys.readouterr()
        assert mailbox.main(["--data-dir", str(stack.data_dir)]) == 0
        shown = capsys.readouterr().out
        assert f"To: {requester_email(SAMPLE_REQUESTER)}" in shown
        assert "Subject: How did we handle your complaint?" in shown
        one_click = re.findall(r"^4: (http\S+)$", shown, re.MULTILINE)
        assert [link.startswith(f"{stack.api_url}/surveys/") for link in one_click] == [True]

        page = requests.get(one_click[0], timeout=10)
        assert page.status_code == 200
        assert 'value="4" checked' in page.text
        assert survey_kinds(stack, f"zendesk:{number}") == [
            "survey.scheduled", "survey.sent", "survey.answered"
        ]  # fmt: skip
    finally:
        stack.stop()

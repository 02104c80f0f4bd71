"""Satisfaction surveys through the real Chalice app on moto: a Zendesk complaint's final
response, the sweep sending the survey by SES, the answer page's GET and POST, and every
bad request answered with a 4xx page that records nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from devstack.fake_http import Fault
from devstack.fake_jira import FakeJira, reporter_email
from devstack.fake_zendesk import FakeZendesk
from devstack.send_webhook import sample_event, sample_jira_event
from storage.dynamodb import DynamoStore
from tests.conftest import dumps, ledger_entries, load_event, queued_messages
from tests.factories import DEFAULT_POLICY
from tests.functional.test_jira_webhook import signed as jira_signed
from tests.functional.test_webhook_api import post, signed
from tests.functional.test_worker_and_sweep import run_sweep, run_worker

SENDER = "care@example.az"
MAILBOX = "complaints@example.az"
REQUESTER = "aysel.mammadova@example.az"
BASE_URL = "https://surveys.example.az/api"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def surveyed(functions: Any, aws: dict[str, Any], tmp_path: Path, monkeypatch: Any) -> Any:
    """The functions under a policy whose final response is a tag, surveys due at once."""
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["email"] = {"sender": SENDER, "mailbox": MAILBOX}
    document["milestones"] = [{"milestone": "final_response", "tags": ["final_response_sent"]}]
    document["surveys"] |= {"delay_hours": 0, "quiet_hours": None}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(path))
    monkeypatch.setenv("PLAINT_SURVEY_LINK_SECRET", "s" * 40)
    monkeypatch.setenv("PLAINT_SURVEY_BASE_URL", BASE_URL)
    from chalicelib import wiring

    wiring.reset()
    return functions


def trigger(updated_at: str, tags: str, email: str | None = REQUESTER) -> bytes:
    document = json.loads(load_event("trigger_rendered_az_created_CONSTRUCTED.json"))
    document["ticket"]["updated_at"] = updated_at
    document["ticket"]["tags"] = tags
    if email is not None:
        document["requester"]["email"] = email
    return dumps(document)


def deliver(functions: Any, aws: dict[str, Any], body: bytes) -> None:
    assert post(functions, body, signed(body)).status_code == 202
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])


def answered_by_final_response(functions: Any, aws: dict[str, Any], *, verified: bool = True,
                               email: str | None = REQUESTER) -> None:  # fmt: skip
    if verified:
        boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    deliver(functions, aws, trigger("2025-03-04T08:17Z", "şikayət web_form", email))
    deliver(functions, aws, trigger("2025-03-06T12:00Z", "şikayət final_response_sent", email))
    run_sweep(functions)


def sent_surveys() -> list[Any]:
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    messages = [message_from_string(m.raw_data, policy=policy.default) for m in sent]
    return [m for m in messages if m["Auto-Submitted"] == "auto-generated"]


def links(message: Any) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(re.escape(BASE_URL) + r"(/surveys/[\w.-]+)", text)


def kinds(aws: dict[str, Any]) -> list[str]:
    store = DynamoStore(aws["dynamodb"])
    return [e.kind for e in ledger_entries(store) if e.kind.startswith("survey.")]


def test_the_survey_is_mailed_answered_by_one_click_and_on_the_page(
    surveyed: Any, aws: dict[str, Any]
) -> None:
    answered_by_final_response(surveyed, aws)
    (message,) = sent_surveys()
    assert message["To"] == REQUESTER
    assert message["Subject"] == "Şikayətinizə necə baxdıq?"
    markup = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="az" dir="ltr">' in markup
    one_click = links(message)
    assert len(one_click) == 6
    with Client(surveyed.app) as client:
        first = client.http.get(one_click[4])
        assert first.status_code == 200
        assert first.headers["Content-Type"] == "text/html; charset=utf-8"
        assert 'value="5" checked' in first.body.decode()
        again = client.http.get(one_click[4])
        assert again.status_code == 409
        page = client.http.post(one_click[5], body=b"overall=4&clarity=3&comment=Yax%C5%9F%C4%B1",
                                headers=FORM)  # fmt: skip
        assert page.status_code == 200
        assert "Cavablarınız qeydə alındı" in page.body.decode()
    assert kinds(aws) == [
        "survey.scheduled", "survey.sent", "survey.answered", "survey.answer_changed",
        "survey.answered",
    ]  # fmt: skip


def test_an_address_refused_by_ses_is_parked_like_any_action(
    surveyed: Any, aws: dict[str, Any]
) -> None:
    answered_by_final_response(surveyed, aws, verified=False)
    assert sent_surveys() == []
    store = DynamoStore(aws["dynamodb"])
    parked = [e for e in ledger_entries(store) if e.kind == "action.parked"]
    assert [e.detail["action_id"] for e in parked] == ["zendesk:48213:survey:1"]
    assert "SES answered" in parked[0].detail["error"]


def test_a_requester_without_an_address_is_never_asked(surveyed: Any, aws: dict[str, Any]) -> None:
    answered_by_final_response(surveyed, aws, email="{{ticket.requester.email}}")
    assert sent_surveys() == []
    # Zendesk is asked for the requester's address when the survey falls due: it knows none.
    assert kinds(aws) == ["survey.scheduled", "survey.skipped"]


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [
        ("POST", b"overall=9", 400),
        ("POST", b"overall=4&overall=5", 400),
        ("POST", b"overall=\xff\xfe", 400),
        ("POST", b"overall=4&comment=" + b"x" * 1_048_576, 413),
        ("POST", b"loyalty=5", 400),
    ],
)
def test_bad_answers_get_a_page_in_the_complainants_language_and_record_nothing(
    surveyed: Any, aws: dict[str, Any], method: str, body: bytes, status: int
) -> None:
    answered_by_final_response(surveyed, aws)
    page = links(sent_surveys()[0])[5]
    before = kinds(aws)
    with Client(surveyed.app) as client:
        answer = client.http.post(page, body=body, headers=FORM)
    assert answer.status_code == status
    assert '<html lang="az" dir="ltr">' in answer.body.decode()
    assert kinds(aws) == before


@pytest.mark.parametrize(
    "path",
    [
        "/surveys/forged",
        "/surveys/eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA",
        "/surveys/" + "A" * 5000,
        "/surveys/%00%ff",
        "/surveys/..%2F..%2Fetc",
    ],
)
def test_forged_links_get_a_403_page(surveyed: Any, path: str) -> None:
    with Client(surveyed.app) as client:
        for answer in (
            client.http.get(path),
            client.http.post(path, body=b"overall=5", headers=FORM),
        ):
            assert answer.status_code == 403
            assert "<!DOCTYPE html>" in answer.body.decode()


def test_without_a_link_secret_the_page_is_not_found(functions: Any) -> None:
    with Client(functions.app) as client:
        assert client.http.get("/surveys/anything").status_code == 404


def subscribed(tags: list[str], at: str) -> bytes:
    """An event-subscription delivery: the requester's id, no address."""
    document = sample_event(48213)
    document["detail"] |= {"tags": tags, "updated_at": at, "created_at": "2025-03-04T08:17:00Z"}
    document["type"] = "zen:event-type:ticket.status_changed"
    document["event"] = {"current": "SOLVED", "previous": "NEW"}
    return dumps(document)


def solved_without_an_address(functions: Any, aws: dict[str, Any]) -> None:
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    deliver(functions, aws, subscribed(["şikayət"], "2025-03-04T08:17:00Z"))
    deliver(functions, aws, subscribed(["şikayət", "final_response_sent"], "2025-03-06T12:00:00Z"))
    assert kinds(aws) == ["survey.scheduled"]
    run_sweep(functions)


def test_an_event_subscription_complaint_is_surveyed_at_its_requesters_zendesk_address(
    surveyed: Any, aws: dict[str, Any], fake_zendesk: FakeZendesk
) -> None:
    fake_zendesk.state.user_emails[8447388090494] = "leyla@example.az"
    solved_without_an_address(surveyed, aws)
    (message,) = sent_surveys()
    assert message["To"] == "leyla@example.az"
    asked = [r for r in fake_zendesk.state.requests if "/users/" in r["path"]]
    assert [(r["method"], r["path"]) for r in asked] == [
        ("GET", "/api/v2/users/8447388090494.json")
    ]
    assert kinds(aws) == ["survey.scheduled", "survey.sent"]


@pytest.mark.parametrize("email", [None, "not an address"])
def test_a_requester_zendesk_has_no_address_for_is_never_asked(
    surveyed: Any, aws: dict[str, Any], fake_zendesk: FakeZendesk, email: str | None
) -> None:
    fake_zendesk.state.user_emails[8447388090494] = email
    solved_without_an_address(surveyed, aws)
    assert sent_surveys() == []
    assert kinds(aws) == ["survey.scheduled", "survey.skipped"]
    store = DynamoStore(aws["dynamodb"])
    (skipped,) = [e for e in ledger_entries(store) if e.kind == "survey.skipped"]
    assert skipped.detail["reason"] == "no_email_address"


def test_a_throttled_address_lookup_is_asked_again_by_a_later_sweep(
    surveyed: Any, aws: dict[str, Any], fake_zendesk: FakeZendesk
) -> None:
    fake_zendesk.state.user_emails[8447388090494] = "leyla@example.az"
    fake_zendesk.state.faults.append(Fault(status=429, retry_after=0, count=100))
    solved_without_an_address(surveyed, aws)
    assert sent_surveys() == []
    assert kinds(aws) == ["survey.scheduled"]
    complaint = DynamoStore(aws["dynamodb"]).get_complaint("zendesk:48213")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.address_lookups == 1
    assert complaint.contact_address is None


def jira_delivery(functions: Any, aws: dict[str, Any], labels: list[str], at: datetime) -> None:
    document = sample_jira_event(512)
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    document["timestamp"] = int(at.timestamp() * 1000)
    document["issue"]["fields"] |= {"labels": labels, "updated": stamp}
    if labels:
        document |= {"webhookEvent": "jira:issue_updated", "issue_event_type_name": "issue_generic"}
    body = dumps(document)
    headers = jira_signed(body, f"jira-delivery-{len(labels)}")
    with Client(functions.app) as client:
        assert client.http.post("/webhooks/jira", body=body, headers=headers).status_code == 202
    run_worker(functions, [m["Body"] for m in queued_messages(aws)])


@pytest.mark.parametrize("shown", [True, False])
def test_a_jira_complaint_is_surveyed_at_its_reporters_address_unless_jira_hides_it(
    surveyed: Any, aws: dict[str, Any], fake_jira: FakeJira, shown: bool
) -> None:
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    reporter = sample_jira_event(512)["issue"]["fields"]["reporter"]
    made = {"key": "CARE-512", "fields": {"summary": "s", "reporter": reporter}}
    requests.post(f"{fake_jira.url}/__fake/issues", json=made, timeout=5).raise_for_status()
    if not shown:
        fake_jira.state.user_emails[reporter["accountId"]] = None
    opened = datetime.now(UTC) - timedelta(minutes=5)
    jira_delivery(surveyed, aws, [], opened)
    jira_delivery(surveyed, aws, ["final_response_sent"], opened + timedelta(minutes=2))
    run_sweep(surveyed)
    asked = [
        r["path"] for r in fake_jira.state.requests if r["path"].startswith("/rest/api/3/user")
    ]
    assert asked == [f"/rest/api/3/user?accountId={reporter['accountId']}"]
    if shown:
        (message,) = sent_surveys()
        assert message["To"] == reporter_email(reporter["accountId"])
        assert kinds(aws) == ["survey.scheduled", "survey.sent"]
    else:
        assert sent_surveys() == []
        assert kinds(aws) == ["survey.scheduled", "survey.skipped"]

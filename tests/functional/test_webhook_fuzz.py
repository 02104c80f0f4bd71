"""Whatever arrives at a webhook (Zendesk, Jira, SES), the answer is a deliberate one:
never a 500, never a traceback; and whatever was accepted is judged, or set aside with the
reason, after one worker pass (issue 18)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import boto3
import pytest
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.jira.signature import sign as jira_sign
from devstack import local_sns
from devstack.hostile import (
    HOSTILE,
    JUDGED,
    MANGLES,
    PATHS,
    Answer,
    HostileSender,
    Raw,
    hostile_email,
    nested,
    outcome,
)
from devstack.local_ses import LOCAL_MAILBOX
from devstack.local_sns import SnsSigner
from storage.dynamodb import DynamoStore
from tests.conftest import SECRETS
from tests.factories import DEFAULT_POLICY
from tests.functional.test_surveys import (
    answered_by_final_response,
    links,
    sent_surveys,
    surveyed,  # noqa: F401 (a fixture, used by name)
)
from tests.functional.test_webhook_api import signed

header_names = st.sampled_from(
    [
        "X-Zendesk-Webhook-Signature",
        "X-Zendesk-Webhook-Signature-Timestamp",
        "X-Zendesk-Webhook-Invocation-Id",
        "X-Hub-Signature",
        "X-Atlassian-Webhook-Identifier",
        "x-amz-sns-message-type",
        "Content-Type",
        "X-Other",
    ]
)
header_values = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
sns_like = st.fixed_dictionaries(
    {
        "Type": st.sampled_from(["Notification", "SubscriptionConfirmation", "Other"]),
        "MessageId": st.text(max_size=20),
        "TopicArn": st.text(max_size=40),
        "Message": st.text(max_size=80),
        "Timestamp": st.text(max_size=30),
        "SignatureVersion": st.sampled_from(["1", "2", "3", ""]),
        "Signature": st.text(max_size=40),
        "SigningCertURL": st.sampled_from(
            ["https://sns.eu-west-1.amazonaws.com/x.pem", "http://evil.example.com/x.pem", ""]
        ),
    }
)
zendesk_like = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "zen:event-type:ticket.created",
                "zen:event-type:ticket.comment_added",
                "zen:event-type:user.created",
                "nonsense",
            ]
        ),
        "id": st.text(max_size=40),
        "detail": json_values,
        "event": json_values,
        "time": st.text(max_size=30),
    }
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    zendesk_like.map(lambda v: json.dumps(v).encode()),
    sns_like.map(lambda v: json.dumps(v).encode()),
)
endpoints = st.sampled_from(["/webhooks/zendesk", "/webhooks/jira", "/webhooks/ses"])
DELIBERATE = {200, 202, 400, 401, 413, 415}


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=endpoints,
    body=bodies,
    headers=st.dictionaries(header_names, header_values, max_size=4),
    sign_it=st.booleans(),
)
def test_random_bodies_and_headers_never_get_a_500(
    functions: Any, endpoint: str, body: bytes, headers: dict[str, str], sign_it: bool
) -> None:
    signatures = signed(body, SECRETS[0]) | {"X-Hub-Signature": jira_sign(body, SECRETS[0])}
    sent = headers | (signatures if sign_it else {})
    with Client(functions.app) as client:
        answer = client.http.post(endpoint, body=body, headers=sent)
    assert answer.status_code in DELIBERATE, answer.body
    if answer.status_code >= 400 and answer.status_code != 415:
        assert "error" in json.loads(answer.body)


# --- signed hostile deliveries, then one worker pass -------------------------------------

TRACEBACK = re.compile(r"Traceback|File \"|\w+Error: ")


@pytest.fixture
def hostile(
    functions: Any, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[HostileSender, DynamoStore]]:
    """The app with all three channels open: signed Zendesk and Jira deliveries, and SES
    receipts signed by the local stack's SNS signer."""
    signer = SnsSigner.for_stack(tmp_path, "http://sns.local.test")
    topic = local_sns.topic_arn("eu-west-1", "plaint-ses-inbound")
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["email"] = {"sender": "care@example.az", "mailbox": LOCAL_MAILBOX}
    (tmp_path / "policy.json").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(tmp_path / "policy.json"))
    monkeypatch.setenv("PLAINT_SES_TOPIC_ARNS", topic)
    monkeypatch.setenv("PLAINT_SNS_TRUSTED_CERTIFICATE_URLS", signer.trusted_prefix)
    monkeypatch.setattr(
        "connectors.email.webhook.fetch_certificate", lambda *_, **__: signer.certificate
    )
    boto3.client("sesv2").create_email_identity(EmailIdentity="care@example.az")
    from chalicelib import wiring

    wiring.reset()
    with Client(functions.app) as client:
        yield HostileSender(client, SECRETS[0], signer, topic), DynamoStore(aws["dynamodb"])


def deliberate(answer: Answer) -> None:
    """A deliberate answer: a status we chose, a JSON reason for a refusal, no traceback."""
    assert answer.status in DELIBERATE, (answer.route, answer.status, answer.text[:300])
    assert not TRACEBACK.search(answer.text), answer.text[:300]
    if answer.status >= 400:
        assert "error" in json.loads(answer.text), answer.text[:300]


def judged_after_one_pass(sender: HostileSender, store: DynamoStore, answer: Answer) -> None:
    if answer.key is None:
        return
    sender.work(answer.key)
    assert outcome(store, answer.key) & JUDGED, answer.key


@pytest.mark.parametrize("route", ["zendesk", "jira", "ses"])
def test_every_hostile_value_gets_a_deliberate_answer_and_is_judged_if_accepted(
    hostile: tuple[HostileSender, DynamoStore], route: str
) -> None:
    """Each value of issue 18's table at each field where it can hurt (times at times,
    tags at tags, numbers and nesting everywhere), signed."""
    sender, store = hostile
    answers = []
    for n, (name, value) in enumerate(HOSTILE):
        paths = PATHS[route]
        for path in (paths[n % len(paths)], paths[(n * 7 + 3) % len(paths)], *_aimed(route, name)):
            answer = sender.send(route, path, value)
            deliberate(answer)
            judged_after_one_pass(sender, store, answer)
            answers.append(answer.status)
    assert 202 in answers and 400 in answers


def _aimed(route: str, name: str) -> list[tuple[str, ...]]:
    """Where a value of this kind bites: its own kind of field."""
    times = {
        "zendesk": ("detail", "created_at"),
        "jira": ("timestamp",),
        "ses": ("mail", "timestamp"),
    }
    texts = {"zendesk": ("detail", "subject"), "jira": ("issue", "fields", "summary"),
             "ses": ("mail", "commonHeaders", "subject")}  # fmt: skip
    tags = {"zendesk": ("detail", "tags"), "jira": ("issue", "fields", "labels")}
    if "year" in name or "epoch" in name:
        return [times[route]]
    if "tags" in name and route in tags:
        return [tags[route]]
    if name in {"NUL in text", "direction overrides", "lone surrogate"}:
        return [texts[route]]
    return []


def test_an_email_with_a_hostile_subject_and_date_is_judged(
    hostile: tuple[HostileSender, DynamoStore],
) -> None:
    sender, store = hostile
    for subject in ("\u202eşikayət\u202c \u2066edirəm\u2069", "x\x00y", "=?utf-8?B?/w==?="):
        for sent_on in ("Fri, 31 Dec 9999 23:59:59 +0000", "Mon, 1 Jan 0001 00:00:00 -1200", "?"):
            answer = sender.send("ses", ("content",), hostile_email(subject, sent_on))
            deliberate(answer)
            assert answer.status == 202
            judged_after_one_pass(sender, store, answer)


hostile_values = st.one_of(
    st.sampled_from([value for _, value in HOSTILE]),
    st.integers(min_value=33, max_value=3000).map(nested),
    st.integers(min_value=19, max_value=6000).map(lambda digits: Raw("7" * digits)),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-12))])).map(
        datetime.isoformat
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: Raw(json.dumps(f))),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Cs", "L", "Zs"])),
    st.integers(min_value=0, max_value=12_000).map(lambda n: [f"t{i}" for i in range(n)]),
    json_values,
)
routes_and_paths = st.sampled_from(
    [(route, path) for route, paths in PATHS.items() for path in paths]
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=routes_and_paths, value=hostile_values, mangle=st.sampled_from(MANGLES))
def test_signed_hostile_deliveries_never_get_a_500_and_accepted_ones_are_judged(
    hostile: tuple[HostileSender, DynamoStore],
    where: tuple[str, tuple[str, ...]],
    value: Any,
    mangle: str,
) -> None:
    sender, store = hostile
    route, path = where
    answer = sender.send(route, path, value, mangle)
    deliberate(answer)
    judged_after_one_pass(sender, store, answer)


# --- the survey answer page ---------------------------------------------------------------

SURVEY_ANSWERS = {400, 403, 404, 409, 410, 413}
FORM_TYPE = "application/x-www-form-urlencoded"
survey_tokens = st.one_of(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", max_size=200
    ),
    st.text(max_size=80),
)
form_bodies = st.one_of(
    st.binary(max_size=300),
    st.dictionaries(
        st.sampled_from(["overall", "speed", "comment", "x", ""]), st.text(max_size=30), max_size=4
    ).map(lambda form: urlencode(form).encode()),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=survey_tokens, body=form_bodies, post_it=st.booleans())
def test_the_survey_page_answers_any_link_and_form_with_a_page_never_a_500(
    functions: Any, monkeypatch: pytest.MonkeyPatch, token: str, body: bytes, post_it: bool
) -> None:
    monkeypatch.setenv("PLAINT_SURVEY_LINK_SECRET", "f" * 40)
    monkeypatch.setenv("PLAINT_SURVEY_BASE_URL", "https://surveys.example.az/api")
    from chalicelib import wiring

    wiring.reset()
    path = "/surveys/" + (quote(token, safe="") or "-")
    with Client(functions.app) as client:
        if post_it:
            answer = client.http.post(
                path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        else:
            answer = client.http.get(path)
    text = answer.body.decode("utf-8")
    assert answer.status_code in SURVEY_ANSWERS, (answer.status_code, text[:300])
    assert not TRACEBACK.search(text), text[:300]
    assert text.startswith("<!DOCTYPE html>")


# Forms for a link that verifies: every field the page knows, with any value, and the
# inputs issue 15 names (a score off the scale, a 1 MB comment, repeated fields, bytes that
# are not UTF-8, too many fields).
ASPECTS = ["ease", "speed", "courtesy", "clarity", "fairness", "outcome", "overall"]
hostile_forms = st.sampled_from(
    [
        b"overall=99", b"overall=-1", b"overall=1e3", b"overall=%00", b"overall=",
        b"overall=5&overall=1", b"comment=" + b"x" * 1_048_576, b"comment=%FF%FE",
        b"\xff\xfe\xfd", b"&".join(b"f%d=1" % n for n in range(25)), b"overall=3&speed=NaN",
        b"comment=" + "\u202e\u0000".encode().hex().encode(), b"overall=3&comment=" + b"%D8" * 40,
    ]
)  # fmt: skip
valid_forms = st.dictionaries(
    st.sampled_from([*ASPECTS, "comment", "unknown"]),
    st.one_of(st.integers(-3, 12).map(str), st.text(max_size=40)),
    max_size=8,
).map(lambda form: urlencode(form).encode())


@pytest.fixture
def signed_survey(request: pytest.FixtureRequest, aws: dict[str, Any]) -> tuple[Any, list[str]]:
    """The functions, and the links of a survey they really sent, for a complaint really
    waiting for its answers."""
    functions = request.getfixturevalue("surveyed")
    answered_by_final_response(functions, aws)
    (message,) = sent_surveys()
    return functions, links(message)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.integers(0, 5), body=st.one_of(valid_forms, hostile_forms, form_bodies),
       post_it=st.booleans(), cut=st.integers(0, 3))  # fmt: skip
def test_a_signed_survey_link_answers_any_form_with_a_page_never_a_500(
    signed_survey: tuple[Any, list[str]], which: int, body: bytes, post_it: bool, cut: int
) -> None:
    functions, survey_links = signed_survey
    path = survey_links[which]
    if cut:  # a link cut short or lengthened: no longer ours
        path = path[:-cut] if cut < 3 else path + "A"
    with Client(functions.app) as client:
        if post_it:
            answer = client.http.post(path, body=body, headers={"Content-Type": FORM_TYPE})
        else:
            answer = client.http.get(path)
    text = answer.body.decode("utf-8")
    assert answer.status_code in SURVEY_ANSWERS | {200}, (answer.status_code, text[:300])
    assert not TRACEBACK.search(text), text[:300]
    assert text.startswith("<!DOCTYPE html>")
    if answer.status_code == 200:
        assert 'lang="az"' in text

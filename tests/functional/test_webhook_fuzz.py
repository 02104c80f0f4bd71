"""Whatever arrives at a webhook (Zendesk, Jira, SES), the answer is a deliberate one:
never a 500."""

from __future__ import annotations

import json
from typing import Any

from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.jira.signature import sign as jira_sign
from tests.conftest import SECRETS
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

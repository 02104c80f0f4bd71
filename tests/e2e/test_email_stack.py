"""Email complaints through the local stack as SES and SNS deliver them: raw messages in SES
receipt notifications, signed by the stack's SNS signer, posted over HTTP to /webhooks/ses
several times and out of order; the acknowledgements read back from the stack's SES, and
SES's report of accepting each one (its configuration set's Send event) kept as evidence."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
import requests

from connectors.email.client import ACTION_HEADER
from devstack.launcher import StackProcess, wait_until
from devstack.local_ses import LOCAL_MAILBOX, LOCAL_SENDER
from devstack.local_sns import topic_arn
from devstack.send_webhook import email_delivery
from devstack.ses_receipts import SAMPLES, Encoding, complaint_email
from storage.dynamodb import DynamoStore

pytestmark = pytest.mark.e2e

TOPIC = topic_arn("eu-west-1", "plaint-ses-inbound")


@dataclass(frozen=True)
class Mail:
    language: str
    message_id: str
    encoding: Encoding
    version: str  # SNS SignatureVersion
    replying_to: str | None = None
    text: str | None = None


ORIGINALS = (
    Mail("az", "<e2e-az-1@example.az>", "UTF8", "2"),
    Mail("ar", "<e2e-ar-1@example.sa>", "BASE64", "1"),
    Mail("fa", "<e2e-fa-1@example.ir>", "UTF8", "1"),
)
REPLY = Mail(
    "az",
    "<e2e-az-2@example.az>",
    "BASE64",
    "2",
    replying_to="<e2e-az-1@example.az>",
    text="Hələ cavab almamışam, şikayətim qüvvədədir.",
)


def delivery(stack: StackProcess, mail: Mail) -> tuple[bytes, dict[str, str]]:
    """One SNS delivery: signed once, so every retry of it is the same bytes, as SNS's are."""
    raw = complaint_email(
        SAMPLES[mail.language],
        LOCAL_MAILBOX,
        message_id=mail.message_id,
        replying_to=mail.replying_to,
        text=mail.text,
    )
    return email_delivery(
        stack.sns_signer, TOPIC, raw, encoding=mail.encoding, version=mail.version
    )


def post(stack: StackProcess, body: bytes, headers: dict[str, str]) -> int:
    answer = requests.post(f"{stack.api_url}/webhooks/ses", data=body, headers=headers, timeout=10)
    return answer.status_code


def acknowledgements(stack: StackProcess) -> list[EmailMessage]:
    return [
        message_from_string(sent["raw_data"], policy=policy.default) for sent in stack.sent_emails()
    ]


def evidence(stack: StackProcess) -> DynamoStore:
    client = boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_url,
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return DynamoStore(client)


def reported_accepted(stack: StackProcess, messages: list[EmailMessage]) -> bool:
    """Whether the stack kept SES's Send event of every one of `messages`."""
    store = evidence(stack)
    tokens = [str(m[ACTION_HEADER]).strip("<>").split("@")[0] for m in messages]
    return all(store.accepted_at(token) is not None for token in tokens)


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    content: Any = part.get_content()
    return str(content)


def forgeries(body: bytes) -> list[dict[str, Any]]:
    """A genuine delivery tampered with, and one naming a certificate outside the folder
    the stack trusts (the signature is the stack's, but the URL is not one to trust)."""
    tampered = json.loads(body)
    tampered["Message"] = tampered["Message"].replace("leyla.hasanova", "mallory")
    elsewhere = json.loads(body)
    elsewhere["SigningCertURL"] = elsewhere["SigningCertURL"].replace("/__local/sns/", "/x/")
    return [tampered, elsewhere]


def refusal(stack: StackProcess, envelope: dict[str, Any], headers: dict[str, str]) -> Any:
    answer = requests.post(
        f"{stack.api_url}/webhooks/ses", data=json.dumps(envelope), headers=headers, timeout=10
    )
    return answer.status_code, answer.json().get("check")


def test_each_email_complaint_gets_one_acknowledgement_in_its_thread(
    stack: StackProcess,
) -> None:
    mails = (*ORIGINALS, REPLY)
    deliveries = [delivery(stack, mail) for mail in mails]
    refusals = [refusal(stack, forged, deliveries[0][1]) for forged in forgeries(deliveries[0][0])]
    assert refusals == [(401, "signature_mismatch"), (401, "untrusted_certificate_url")]
    statuses: list[int] = []
    # SNS promises at-least-once, in no order: every delivery three times, each round in a
    # different order; the reply's first delivery comes after its complaint's, as it did.
    for order in ((1, 0, 2, 3), (3, 2, 0, 1), (2, 3, 1, 0)):
        statuses += [post(stack, *deliveries[index]) for index in order]
    assert statuses.count(202) == len(mails)
    assert statuses.count(200) == 2 * len(mails)

    wait_until(lambda: len(stack.sent_emails()) >= len(ORIGINALS), "an acknowledgement each", 60)
    time.sleep(3)  # give a duplicate, or an acknowledgement of the reply, the chance to show
    sent = acknowledgements(stack)
    assert len(sent) == len(ORIGINALS)
    by_recipient = {message["To"].addresses[0].addr_spec: message for message in sent}
    for mail in ORIGINALS:
        complainant = SAMPLES[mail.language]
        message = by_recipient[complainant.address]
        assert message["From"].addresses[0].addr_spec == LOCAL_SENDER
        assert message["In-Reply-To"] == mail.message_id
        assert message["References"] == mail.message_id
        assert message["Reply-To"].addresses[0].addr_spec.startswith("complaints+T-m-")
        direction = "rtl" if mail.language in ("ar", "fa") else "ltr"
        assert f'<html dir="{direction}" lang="{mail.language}">' in html_of(message)
        if direction == "rtl":
            assert any("\u0600" <= ch <= "\u06ff" for ch in html_of(message))
    wait_until(lambda: reported_accepted(stack, sent), "SES's report on each one", 10)

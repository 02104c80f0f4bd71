"""Send a signed helpdesk webhook to a running Plaint: `python -m devstack.send_webhook`.

Without a file it sends a fresh complaint (a new Azerbaijani complaint each time, with the
current time): a Zendesk ticket.created event signed the way Zendesk signs,
base64(HMAC-SHA256(timestamp + body)); with --jira, a Jira issue_created event signed the way
Jira signs, X-Hub-Signature: sha256=hex(HMAC-SHA256(body)); with --email, an email complaint
(--language az, ar or fa) as SES receives it: the raw message inline in a "Received"
notification (--encoding UTF8 or BASE64), in an SNS Notification signed by the local stack's
SNS signer (its key is in --data-dir). With --email, a file is a raw message (.eml) to carry.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from bootstrap import local_stack
from connectors.jira.signature import sign as jira_sign
from connectors.zendesk.signature import sign
from devstack import local_sns
from devstack.local_ses import LOCAL_MAILBOX
from devstack.local_sns import SnsSigner
from devstack.ses_receipts import (
    RECEIPT_SUBJECT,
    SAMPLES,
    Encoding,
    complaint_email,
    notification_text,
    receipt_notification,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / ".plaint-local"

SAMPLE_COMPLAINT = (
    "Salam, kartımdan eyni ödəniş iki dəfə çıxılıb. Bu qəbuledilməzdir, şikayət edirəm "
    "və pulumu geri istəyirəm."
)


def sample_event(ticket_id: int | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    ticket = str(ticket_id or random.randint(10_000, 99_999))
    return {
        "account_id": 22129848,
        "detail": {
            "actor_id": "8447388090494",
            "assignee_id": None,
            "brand_id": "8447346621310",
            "created_at": stamp,
            "custom_status": "8447320465790",
            "description": SAMPLE_COMPLAINT,
            "external_id": None,
            "form_id": "8646151517822",
            "group_id": "8447320466430",
            "id": ticket,
            "is_public": True,
            "organization_id": None,
            "priority": "NORMAL",
            "requester_id": "8447388090494",
            "status": "NEW",
            "subject": "Ödəniş iki dəfə çıxılıb",
            "submitter_id": "8447388090494",
            "tags": [],
            "type": None,
            "updated_at": stamp,
            "via": {"channel": "web"},
        },
        "event": {},
        "id": str(uuid.uuid4()),
        "subject": f"zen:ticket:{ticket}",
        "time": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "type": "zen:event-type:ticket.created",
        "zendesk_event_version": "2022-11-06",
    }


def sample_jira_event(issue_number: int | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    key = f"CARE-{issue_number or random.randint(1, 99_999)}"
    reporter = {"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Leyla Həsənova"}
    return {
        "timestamp": int(now.timestamp() * 1000),
        "webhookEvent": "jira:issue_created",
        "issue_event_type_name": "issue_created",
        "user": reporter,
        "issue": {
            "id": str(random.randint(10_000, 99_999)),
            "key": key,
            "fields": {
                "summary": "Ödəniş iki dəfə çıxılıb",
                "description": SAMPLE_COMPLAINT,
                "created": stamp,
                "updated": stamp,
                "status": {"name": "Waiting for support"},
                "labels": [],
                "reporter": reporter,
                "creator": reporter,
            },
        },
    }


def jira_headers(body: bytes, secret: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature": jira_sign(body, secret),
        "X-Atlassian-Webhook-Identifier": str(uuid.uuid4()),
    }


def signed_headers(body: bytes, secret: str) -> dict[str, str]:
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "X-Zendesk-Webhook-Signature": sign(body, secret, timestamp),
        "X-Zendesk-Webhook-Id": "01LOCALWEBHOOK",
    }


def email_delivery(
    signer: SnsSigner,
    topic: str,
    raw: bytes,
    *,
    encoding: Encoding = "UTF8",
    mailbox: str = LOCAL_MAILBOX,
    version: str = "2",
) -> tuple[bytes, dict[str, str]]:
    """Body and headers of the SNS Notification carrying SES's receipt of `raw`, signed
    with SignatureVersion `version`."""
    notification = receipt_notification(raw, topic=topic, recipients=[mailbox], encoding=encoding)
    envelope = signer.notification(
        topic, notification_text(notification), subject=RECEIPT_SUBJECT, version=version
    )
    return local_sns.body(envelope), local_sns.post_headers(envelope)


def _send_email(args: argparse.Namespace) -> tuple[str, bytes, dict[str, str]]:
    signer = SnsSigner.load(args.data_dir)
    topic = args.topic or local_sns.topic_arn(args.region, "plaint-ses-inbound")
    if args.file:
        raw = args.file.read_bytes()
    else:
        raw = complaint_email(SAMPLES[args.language], LOCAL_MAILBOX)
    encoding: Encoding = "BASE64" if args.encoding == "BASE64" else "UTF8"
    body, headers = email_delivery(signer, topic, raw, encoding=encoding)
    return f"{args.api}/webhooks/ses", body, headers


def _send_helpdesk(args: argparse.Namespace) -> tuple[str, bytes, dict[str, str]]:
    sample = sample_jira_event() if args.jira else sample_event()
    body = args.file.read_bytes() if args.file else json.dumps(sample).encode()
    url = f"{args.api}/webhooks/{'jira' if args.jira else 'zendesk'}"
    secret = args.secret or kept_secret(args.data_dir, "jira" if args.jira else "zendesk")
    headers = (jira_headers if args.jira else signed_headers)(body, secret)
    return url, body, headers


def kept_secret(data_dir: Path, helpdesk: str) -> str:
    """The local stack's secret for the helpdesk: the one `plaint connect` stored, else the
    stack's own webhook secret."""
    stored = local_stack.kept_secrets(data_dir / local_stack.SECRETS_FILE)
    found = stored.get(f"{helpdesk}_webhook_secrets")
    if found:
        return found.split(",")[0]
    return (data_dir / "webhook-secret").read_text(encoding="utf-8").strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the webhook API")
    parser.add_argument("--secret", help="the webhook secret (default: the local stack's, "
                        "or the one plaint connect stored in the data directory)")  # fmt: skip
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--jira", action="store_true", help="send a Jira webhook instead")
    kind.add_argument("--email", action="store_true", help="send an SES receipt through SNS")
    parser.add_argument("--language", choices=sorted(SAMPLES), default="az")
    parser.add_argument("--encoding", choices=("UTF8", "BASE64"), default="UTF8")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--topic", help="the SNS topic ARN (default: the local stack's)")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--repeat", type=int, default=1, help="send the same delivery N times")
    parser.add_argument("file", nargs="?", type=Path, help="a body to send as it is")
    args = parser.parse_args(argv)
    if not args.email and not args.secret and not (args.data_dir / "webhook-secret").exists():
        parser.error(f"--secret is needed: no local stack's secret in {args.data_dir}")
    url, body, headers = (_send_email if args.email else _send_helpdesk)(args)
    for _ in range(args.repeat):
        answer = requests.post(url, data=body, headers=headers, timeout=10)
        print(answer.status_code, answer.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Send a signed helpdesk webhook to a running Plaint: `python -m devstack.send_webhook`.

Without a file it sends a fresh complaint (a new Azerbaijani complaint each time, with the
current time): a Zendesk ticket.created event signed the way Zendesk signs,
base64(HMAC-SHA256(timestamp + body)); with --jira, a Jira issue_created event signed the way
Jira signs, X-Hub-Signature: sha256=hex(HMAC-SHA256(body)); with --email, an email complaint
(--language az, ar or fa) as SES receives it: the raw message inline in a "Received"
notification (--encoding UTF8 or BASE64), in an SNS Notification signed by the local stack's
SNS signer (its key is in --data-dir). With --email, a file is a raw message (.eml) to carry.

A fresh Zendesk ticket or Jira issue is first made in the fake helpdesk (--zendesk,
--jira-url), as the complainant's request would make it, so that the agent's and the
complainant's next acts (`python -m devstack.ticket`) find it there. Each run prints the
ticket it sent, e.g. `ticket zendesk:48213`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any

import requests

from bootstrap import local_stack
from connectors.email.mapper import ticket_for_message_id
from connectors.errors import PayloadInvalidError, UnsupportedEventError
from connectors.jira.mapper import parse_delivery as jira_delivery
from connectors.jira.signature import sign as jira_sign
from connectors.zendesk.mapper import parse_delivery as zendesk_delivery
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
ENGLISH = (
    "The same payment was taken twice",
    "I want to complain: the same payment was taken from my card twice and nobody has refunded it.",
)


def sample_words(language: str) -> tuple[str, str]:
    """The subject and text of a sample complaint in `language`."""
    if language == "en":
        return ENGLISH
    sample = SAMPLES[language]
    return sample.subject, sample.text


def sample_event(ticket_id: int | None = None, language: str = "az") -> dict[str, Any]:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    ticket = str(ticket_id or random.randint(10_000, 99_999))
    subject, text = sample_words(language)
    return {
        "account_id": 22129848,
        "detail": {
            "actor_id": "8447388090494",
            "assignee_id": None,
            "brand_id": "8447346621310",
            "created_at": stamp,
            "custom_status": "8447320465790",
            "description": text,
            "external_id": None,
            "form_id": "8646151517822",
            "group_id": "8447320466430",
            "id": ticket,
            "is_public": True,
            "organization_id": None,
            "priority": "NORMAL",
            "requester_id": "8447388090494",
            "status": "NEW",
            "subject": subject,
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


def sample_jira_event(issue_number: int | None = None, language: str = "az") -> dict[str, Any]:
    now = datetime.now(UTC)
    subject, text = sample_words(language)
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
                "summary": subject,
                "description": text,
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


def _send_email(args: argparse.Namespace) -> tuple[str, bytes, dict[str, str], str]:
    signer = SnsSigner.load(args.data_dir)
    topic = args.topic or local_sns.topic_arn(args.region, "plaint-ses-inbound")
    if args.file:
        raw = args.file.read_bytes()
    else:
        raw = complaint_email(SAMPLES[args.language], LOCAL_MAILBOX)
    encoding: Encoding = "BASE64" if args.encoding == "BASE64" else "UTF8"
    body, headers = email_delivery(signer, topic, raw, encoding=encoding)
    return f"{args.api}/webhooks/ses", body, headers, email_ticket(raw)


def email_ticket(raw: bytes) -> str:
    """The ticket an email starts or joins: its thread's root, as intake threads it (a
    plus-addressed recipient aside)."""
    headers = message_from_bytes(raw)
    references = str(headers.get("References") or "").split()
    root = (references[0] if references else None) or headers.get("In-Reply-To")
    root = root or headers.get("Message-ID")
    return f"email:{ticket_for_message_id(str(root))}" if root else "email: (no Message-ID)"


def _send_helpdesk(args: argparse.Namespace) -> tuple[str, bytes, dict[str, str], str]:
    language = "az" if args.language not in (*SAMPLES, "en") else args.language
    if args.file:
        body = args.file.read_bytes()
    else:
        sample = (sample_jira_event if args.jira else sample_event)(language=language)
        _open_in_helpdesk(args, sample)
        body = json.dumps(sample, ensure_ascii=False).encode()
    url = f"{args.api}/webhooks/{'jira' if args.jira else 'zendesk'}"
    secret = args.secret or kept_secret(args.data_dir, "jira" if args.jira else "zendesk")
    headers = (jira_headers if args.jira else signed_headers)(body, secret)
    return url, body, headers, helpdesk_ticket(body, jira=args.jira)


def helpdesk_ticket(body: bytes, *, jira: bool) -> str:
    """The ticket a helpdesk webhook names, as Plaint reads it."""
    try:
        event = (jira_delivery if jira else zendesk_delivery)({}, body)
    except (PayloadInvalidError, UnsupportedEventError) as exc:  # sent as it is all the same
        return f"{'jira' if jira else 'zendesk'}: (unreadable: {str(exc)[:80]})"
    return event.complaint_id


def _open_in_helpdesk(args: argparse.Namespace, sample: dict[str, Any]) -> None:
    """The complainant's request, made in the fake helpdesk first, as it happens there."""
    if args.jira:
        issue = sample["issue"]
        url = f"{args.jira_url}/__fake/issues"
        made = {"key": issue["key"], "fields": issue["fields"]}
    else:
        detail = sample["detail"]
        url = f"{args.zendesk}/__fake/tickets"
        made = {"id": int(detail["id"]), "subject": detail["subject"],
                "description": detail["description"], "requester_id": int(detail["requester_id"]),
                "created_at": detail["created_at"], "status": "new",
                "comments": [{"body": detail["description"]}]}  # fmt: skip
    try:
        requests.request("POST", url, json=made, timeout=5).raise_for_status()
    except requests.RequestException as exc:
        print(f"# not made in the fake helpdesk ({exc}); the webhook alone", file=sys.stderr)


def kept_secret(data_dir: Path, helpdesk: str) -> str:
    """The local stack's secret for the helpdesk: the one `plaint connect` stored, else the
    stack's own webhook secret."""
    stored = local_stack.kept_secrets(data_dir / local_stack.SECRETS_FILE)
    found = stored.get(f"{helpdesk}_webhook_secrets")
    if found:
        return found.split(",")[0]
    return (data_dir / "webhook-secret").read_text(encoding="utf-8").strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the webhook API")
    parser.add_argument("--secret", help="the webhook secret (default: the local stack's, "
                        "or the one plaint connect stored in the data directory)")  # fmt: skip
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--jira", action="store_true", help="send a Jira webhook instead")
    kind.add_argument("--email", action="store_true", help="send an SES receipt through SNS")
    parser.add_argument("--language", choices=sorted((*SAMPLES, "en")), default="az",
                        help="the sample complaint's language (email: az, ar or fa)")  # fmt: skip
    parser.add_argument("--encoding", choices=("UTF8", "BASE64"), default="UTF8")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--topic", help="the SNS topic ARN (default: the local stack's)")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--zendesk", default="http://127.0.0.1:8765", help="the fake Zendesk")
    parser.add_argument("--jira-url", default="http://127.0.0.1:8766", help="the fake Jira")
    parser.add_argument("--repeat", type=int, default=1, help="send the same delivery N times")
    parser.add_argument("file", nargs="?", type=Path, help="a body to send as it is")
    args = parser.parse_args(argv)
    if not args.email and not args.secret and not (args.data_dir / "webhook-secret").exists():
        parser.error(f"--secret is needed: no local stack's secret in {args.data_dir}")
    if args.email and args.language not in SAMPLES:
        parser.error(f"--email samples are in {', '.join(sorted(SAMPLES))}")
    url, body, headers, ticket = (_send_email if args.email else _send_helpdesk)(args)
    print(f"ticket {ticket}")
    for _ in range(args.repeat):
        answer = requests.post(url, data=body, headers=headers, timeout=10)
        print(answer.status_code, answer.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

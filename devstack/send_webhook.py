"""Send a signed Zendesk webhook to a running Plaint: `python -m devstack.send_webhook`.

Without a file it sends a fresh ticket.created event (a new Azerbaijani complaint each time,
with the current time), signed the way Zendesk signs: base64(HMAC-SHA256(timestamp + body)).
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

from connectors.zendesk.signature import sign

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


def signed_headers(body: bytes, secret: str) -> dict[str, str]:
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "X-Zendesk-Webhook-Signature": sign(body, secret, timestamp),
        "X-Zendesk-Webhook-Id": "01LOCALWEBHOOK",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000/webhooks/zendesk")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--repeat", type=int, default=1, help="send the same delivery N times")
    parser.add_argument("file", nargs="?", type=Path, help="a JSON body to send as it is")
    args = parser.parse_args(argv)
    body = args.file.read_bytes() if args.file else json.dumps(sample_event()).encode()
    for _ in range(args.repeat):
        answer = requests.post(
            args.url, data=body, headers=signed_headers(body, args.secret), timeout=10
        )
        print(answer.status_code, answer.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

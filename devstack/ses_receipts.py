"""Email complaints as Amazon SES receives them: a raw MIME message from a complainant, and
the "Received" notification an SES receipt rule's SNS action publishes about it, with the
message inline as UTF8 text or BASE64 (the two encodings the action offers).

The notification follows the documented structure (tests/events/ses/, from the SES
developer guide); the local stack's SNS signer wraps it in a signed Notification.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime, formataddr
from typing import Any, Final, Literal

from devstack.local_sns import sns_time

Encoding = Literal["UTF8", "BASE64"]
RECEIPT_SUBJECT: Final = "Amazon SES Email Receipt Notification"
_PASS: Final = {"status": "PASS"}


@dataclass(frozen=True)
class Complainant:
    name: str
    address: str
    subject: str
    text: str


SAMPLES: Final[dict[str, Complainant]] = {
    "az": Complainant(
        "Leyla Həsənova",
        "leyla.hasanova@example.az",
        "Ödəniş iki dəfə çıxılıb",
        "Salam, kartımdan eyni ödəniş iki dəfə çıxılıb. Bu qəbuledilməzdir, şikayət edirəm "
        "və pulumu geri istəyirəm.",
    ),
    "ar": Complainant(
        "أحمد السالم",
        "ahmed.salem@example.sa",
        "شكوى: خصم المبلغ مرتين",
        "أريد تقديم شكوى: تم خصم المبلغ مرتين من حسابي ولم يتم الاسترداد حتى الآن.",
    ),
    "fa": Complainant(
        "مریم رضایی",
        "maryam.rezaei@example.ir",
        "شکایت: کسر دوباره وجه",
        "از خدمات شما ناراضی هستم. مبلغ دو بار از حسابم کسر شده و شکایت دارم.",
    ),
}


def complaint_email(
    complainant: Complainant,
    to: str,
    *,
    message_id: str | None = None,
    replying_to: str | None = None,
    text: str | None = None,
    sent_at: datetime | None = None,
) -> bytes:
    """A complainant's message, 8-bit UTF-8 as today's mail clients write it; with
    `replying_to`, a reply in that message's thread."""
    message = EmailMessage()
    message["From"] = formataddr((complainant.name, complainant.address))
    message["To"] = to
    message["Subject"] = ("Re: " if replying_to else "") + complainant.subject
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    domain = complainant.address.rpartition("@")[2]
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@{domain}>"
    if replying_to:
        message["In-Reply-To"] = replying_to
        message["References"] = replying_to
    message.set_content(text or complainant.text, charset="utf-8", cte="8bit")
    return message.as_bytes(policy=SMTP)


def receipt_notification(
    raw: bytes,
    *,
    topic: str,
    recipients: Sequence[str],
    encoding: Encoding = "UTF8",
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """The SES "Received" notification for `raw`, with `raw` inline in `encoding`."""
    parsed = message_from_bytes(raw, policy=default)
    moment = sns_time(received_at or datetime.now(UTC))
    sender = parsed["From"].addresses[0].addr_spec
    return {
        "notificationType": "Received",
        "mail": {
            "timestamp": moment,
            "source": sender,
            "messageId": uuid.uuid4().hex,  # SES's own id of the message: the delivery id
            "destination": list(recipients),
            "headersTruncated": False,
            "headers": [{"name": name, "value": str(value)} for name, value in parsed.items()],
            "commonHeaders": _common_headers(parsed, sender),
        },
        "receipt": {
            "timestamp": moment,
            "processingTimeMillis": 420,
            "recipients": list(recipients),
            "spamVerdict": _PASS,
            "virusVerdict": _PASS,
            "spfVerdict": _PASS,
            "dkimVerdict": _PASS,
            "dmarcVerdict": _PASS,
            "action": {"type": "SNS", "topicArn": topic, "encoding": encoding},
        },
        "content": _inline(raw, encoding),
    }


def notification_text(notification: dict[str, Any]) -> str:
    """The notification as the SNS Message: JSON text."""
    return json.dumps(notification, ensure_ascii=False)


def _inline(raw: bytes, encoding: Encoding) -> str:
    if encoding == "BASE64":
        return base64.b64encode(raw).decode("ascii")
    return raw.decode("utf-8")


def _common_headers(parsed: Any, sender: str) -> dict[str, Any]:
    return {
        "returnPath": sender,
        "from": [str(parsed["From"])],
        "to": [str(parsed["To"])],
        "date": str(parsed["Date"]),
        "messageId": str(parsed["Message-ID"]),
        "subject": str(parsed["Subject"]),
    }

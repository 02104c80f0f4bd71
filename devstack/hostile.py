"""Hostile deliveries: the values an adversarial run sends, placed into otherwise valid,
signable bodies of each channel. The webhook fuzz test and `python -m bench hostile_input`
draw from them.

A value goes where a field of the vendor's body is (`render`), so the body is signed and
reaches the decoder and the wire models rather than stopping at the signature. `Raw` is JSON
text put in as written: numbers Python will not print (5,000 digits, NaN) and nesting
deeper than `json.dumps` goes.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from devstack import local_sns
from devstack.local_ses import LOCAL_MAILBOX
from devstack.local_sns import SnsSigner
from devstack.send_webhook import jira_headers, sample_event, sample_jira_event, signed_headers
from devstack.ses_receipts import RECEIPT_SUBJECT, SAMPLES, complaint_email, receipt_notification

_SURROGATES: Final = re.compile("[\ud800-\udfff]")


class Raw(str):
    """JSON text, placed into a body as written."""


def nested(depth: int) -> Raw:
    return Raw("[" * depth + "1" + "]" * depth)


# (name, value): the cases of issue 18's table and the usual suspects.
HOSTILE: Final[tuple[tuple[str, Any], ...]] = (
    ("deep nesting", nested(5000)),
    ("deep objects", Raw('{"a": ' * 200 + "1" + "}" * 200)),
    ("nesting at the limit", nested(20)),
    ("5,000-digit integer", Raw("9" * 5000)),
    ("25-digit integer", Raw("-" + "1" * 25)),
    ("NaN", Raw("NaN")),
    ("1e999", Raw("1e999")),
    ("year 9999", "9999-12-31T23:59:59Z"),
    ("year 1", "0001-01-01T00:00:00Z"),
    ("year 9999 behind UTC", "9999-12-31T23:59:59.999999-12:00"),
    ("year 2100 at the edge", "2100-12-31T23:59:59+00:00"),
    ("year 1999", "1999-12-31T23:59:59+00:00"),
    ("epoch ms of year 9999", 253402300799999),
    ("huge epoch", 10**19),
    ("negative epoch", -62135596800000),
    ("NUL in text", "complaint\x00text"),
    ("direction overrides", "\u202eşikayət\u202c edirəm \u2066\u202dlate\u2069 refund"),
    ("lone surrogate", "\ud800 complaint"),
    ("10,000 tags", [f"tag{n}" for n in range(10_000)]),
    ("1,000 tags", [f"t{n}" for n in range(1000)]),
    ("300-character id", "9" * 300),
    ("empty", ""),
    ("null", None),
    ("object", {"x": [1, {"y": None}]}),
)

ZENDESK_PATHS: Final = (
    ("detail", "subject"),
    ("detail", "description"),
    ("detail", "created_at"),
    ("detail", "updated_at"),
    ("detail", "tags"),
    ("detail", "requester_id"),
    ("detail", "id"),
    ("detail", "via"),
    ("time",),
    ("id",),
    ("account_id",),
    ("event",),
)
JIRA_PATHS: Final = (
    ("timestamp",),
    ("issue", "key"),
    ("issue", "fields", "summary"),
    ("issue", "fields", "description"),
    ("issue", "fields", "created"),
    ("issue", "fields", "updated"),
    ("issue", "fields", "labels"),
    ("issue", "fields", "customfield_10010"),
    ("issue", "fields", "reporter", "accountId"),
    ("user",),
)
SES_PATHS: Final = (
    ("mail", "timestamp"),
    ("receipt", "timestamp"),
    ("mail", "messageId"),
    ("mail", "source"),
    ("mail", "commonHeaders", "subject"),
    ("receipt", "processingTimeMillis"),
    ("receipt", "spamVerdict"),
    ("content",),
)
PATHS: Final = {"zendesk": ZENDESK_PATHS, "jira": JIRA_PATHS, "ses": SES_PATHS}

# Whole-body mangling, after the value is placed (then the body is signed).
MANGLES: Final = ("none", "invalid UTF-8", "NUL byte", "truncated")


def render(document: dict[str, Any], path: Sequence[str], value: Any) -> str:
    """`document` as JSON text with `value` at `path` (Raw values as written)."""
    raws: list[str] = []

    def placed(item: Any) -> Any:
        if isinstance(item, Raw):
            raws.append(str(item))
            return f"\x00raw{len(raws) - 1}\x00"
        if isinstance(item, dict):
            return {k: placed(v) for k, v in item.items()}
        if isinstance(item, list):
            return [placed(v) for v in item]
        return item

    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    target[path[-1]] = placed(value)
    text = json.dumps(copy, ensure_ascii=False)
    for n, raw in enumerate(raws):
        text = text.replace(f'"\\u0000raw{n}\\u0000"', raw)
    # Lone surrogates, which UTF-8 cannot carry, as the JSON escapes a sender would write.
    return _SURROGATES.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def mangled(body: bytes, mangle: str) -> bytes:
    if mangle == "invalid UTF-8":
        return body[: len(body) // 2] + b"\xff\xfe\xc3" + body[len(body) // 2 :]
    if mangle == "NUL byte":
        return body[: len(body) // 2] + b"\x00" + body[len(body) // 2 :]
    if mangle == "truncated":
        return body[: len(body) // 2]
    return body


def zendesk_document(ticket: int) -> dict[str, Any]:
    return sample_event(ticket_id=ticket)


def jira_document(issue: int) -> dict[str, Any]:
    return sample_jira_event(issue_number=issue)


def ses_document(topic: str) -> dict[str, Any]:
    """An SES receipt of an Azerbaijani complaint, its message inline."""
    raw = complaint_email(SAMPLES["az"], LOCAL_MAILBOX)
    return receipt_notification(raw, topic=topic, recipients=[LOCAL_MAILBOX])


def hostile_email(subject: str, sent_on: str = "Fri, 31 Dec 9999 23:59:59 +0000") -> str:
    """A raw message whose Subject and Date are the hostile parts, for `content`."""
    return (
        f"From: Leyla <leyla@example.az>\r\nTo: {LOCAL_MAILBOX}\r\nSubject: {subject}\r\n"
        f"Date: {sent_on}\r\nMessage-ID: <{uuid.uuid4().hex}@example.az>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nŞikayət edirəm: pul iki dəfə çıxılıb.\r\n"
    )


@dataclass(frozen=True)
class Answer:
    route: str
    status: int
    text: str
    key: str | None  # the delivery's key when it was accepted (202)


@dataclass
class HostileSender:
    """Posts hostile deliveries, signed, through the Chalice app's test client, and runs
    the worker once on what was accepted."""

    client: Any  # chalice.test.Client
    secret: str  # the Zendesk and Jira webhook secret
    signer: SnsSigner
    topic: str  # the SES receipt topic
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(900_000))

    def send(self, route: str, path: Sequence[str], value: Any, mangle: str = "none") -> Answer:
        number = next(self.numbers)
        if route == "zendesk":
            body = mangled(render(zendesk_document(number), path, value).encode(), mangle)
            headers = signed_headers(body, self.secret)
        elif route == "jira":
            body = mangled(render(jira_document(number), path, value).encode(), mangle)
            headers = jira_headers(body, self.secret)
        else:
            message = render(ses_document(self.topic), path, value)
            envelope = self.signer.notification(self.topic, message, subject=RECEIPT_SUBJECT)
            # SNS signs text; mangled bytes can only be the body it posts.
            body = mangled(local_sns.body(envelope), mangle)
            headers = local_sns.post_headers(envelope)
        return self._post(route, body, headers)

    def send_raw(self, route: str, body: bytes, headers: dict[str, str]) -> Answer:
        return self._post(route, body, headers)

    def _post(self, route: str, body: bytes, headers: dict[str, str]) -> Answer:
        answer = self.client.http.post(f"/webhooks/{route}", body=body, headers=headers)
        text = answer.body.decode("utf-8", "replace") if answer.body else ""
        key = None
        if answer.status_code == 202:
            source = "email" if route == "ses" else route
            key = f"{source}:{json.loads(text)['delivery_id']}"
        return Answer(route, answer.status_code, text, key)

    def work(self, key: str) -> None:
        """One worker pass over one accepted delivery."""
        event = self.client.events.generate_sqs_event([key], queue_name="plaint-inbox")
        self.client.lambda_.invoke("process_inbox", event)


def outcome(store: Any, key: str, ledger: str = "main") -> set[str]:
    """The kinds of the audit entries that name the delivery `key`, once it is processed
    (empty while it is not): a judged delivery has complaint.received, a set-aside one
    intake.set_aside."""
    delivery = store.get_delivery(key)
    if delivery is None or delivery.status != "processed":
        return set()
    entries = store.complaint_entries(ledger, delivery.event.complaint_id)
    return {e.kind for e in entries if e.detail.get("delivery_id") == delivery.delivery_id}


JUDGED: Final = frozenset({"complaint.received", "intake.set_aside"})

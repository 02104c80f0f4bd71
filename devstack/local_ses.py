"""What the local stack adds to moto's SES so email complaints work end to end: a policy with
a local mailbox and sender, the sender verified as an SES identity, a way to read what SES
was asked to send, and the Send events of the acknowledgements' configuration set.

moto keeps every message SES v2 `SendEmail` accepted in its SES backend (`sent_messages`,
moto's documented way to check what was sent), in the process that runs the embedded
server, which is the stack's. The embedded AWS answers GET /__local/ses/sent-messages with
them as JSON, so tests and operators can read them over HTTP like everything else.
(/moto-api/data.json also lists them, among every other model of every service.)

moto creates configuration sets but publishes no events; `SendEvents` does what SES does
for a configuration set with an SNS event destination: for each message SendEmail accepted
through the set, it publishes a Send record (the documented shape, with the message's tags)
to the events topic, which here means posting it, signed by the local SNS signer, to the
topic's one subscriber, the app's /webhooks/ses, a moment later, retrying as SNS retries.

moto forgets what it sent when the stack stops; `SentLog` also appends each message SES
accepted to `ses-sent.jsonl` in the data directory (one JSON line each, the shape
`sent_messages` gives), so what was sent before a restart can still be counted.
"""

from __future__ import annotations

import base64
import json
import logging
import queue
import threading
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any, Final

import requests
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from devstack.local_sns import ACCOUNT, SnsSigner, post_headers, sns_time

LOCAL_SENDER: Final = "care@plaint.example"
LOCAL_MAILBOX: Final = "complaints@plaint.example"
SENT_MESSAGES_PATH: Final = "/__local/ses/sent-messages"
SEND_EMAIL_PATH: Final = "/v2/email/outbound-emails"  # SES v2 SendEmail
CONFIGURATION_SET: Final = "plaint-acknowledgements"  # as infra/resources.json names it
EVENTS_TOPIC: Final = "plaint-ses-sending-events"
DELIVERY_ATTEMPTS: Final = 5
SENT_LOG: Final = "ses-sent.jsonl"  # in the data directory
log = logging.getLogger("plaint.local")


def local_policy(source: Path, data_dir: Path) -> Path:
    """`source` with the local mailbox and sender (unless it names its own), written to
    data_dir/local-policy.json: the default policy answers email complaints by nobody, and
    sends no survey. A base it `extends` next to it is named by its full path, so the copy
    still finds it; `devstack.ticket` reads the copy as the stack's policy."""
    document = json.loads(source.read_text(encoding="utf-8"))
    email = document.get("email") or {}
    document["email"] = {"sender": LOCAL_SENDER, "mailbox": LOCAL_MAILBOX} | email
    base = document.get("extends")
    if isinstance(base, str):
        beside = source.resolve().parent / (base if base.endswith(".json") else f"{base}.json")
        if beside.is_file():
            document["extends"] = str(beside)
    target = data_dir / "local-policy.json"
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def policy_sender(policy_path: Path) -> str | None:
    """The From address of acknowledgements the policy names, if any."""
    document = json.loads(policy_path.read_text(encoding="utf-8"))
    sender = (document.get("email") or {}).get("sender")
    return sender if isinstance(sender, str) else None


def verify_sender(client: Any, address: str) -> None:
    """Make `address` a verified SES identity (moto verifies identities at once)."""
    with suppress(client.exceptions.AlreadyExistsException):
        client.create_email_identity(EmailIdentity=address)


def create_configuration_set(client: Any, name: str) -> None:
    with suppress(client.exceptions.AlreadyExistsException):
        client.create_configuration_set(ConfigurationSetName=name)


def sent_messages(region: str) -> list[dict[str, Any]]:
    """Every message SES accepted in `region`, oldest first."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID][region]
    return [
        {
            "message_id": message.id,
            "source": message.source,
            "destinations": list(message.destinations),
            "raw_data": getattr(message, "raw_data", None),
        }
        for message in list(backend.sent_messages)
    ]


def sent_messages_answer(region: str) -> tuple[str, bytes]:
    """GET /__local/ses/sent-messages: content type and body."""
    document = {"messages": sent_messages(region)}
    return "application/json", json.dumps(document, ensure_ascii=False).encode("utf-8")


def send_record(
    request: Mapping[str, Any], message_id: str, region: str, at: datetime
) -> dict[str, Any]:
    """The Send record SES publishes for a message SendEmail accepted (`request` is the
    SendEmail request, its raw message base64 as the API carries it)."""
    raw = base64.b64decode(request["Content"]["Raw"]["Data"])
    message = message_from_bytes(raw, policy=default)
    source = str(request.get("FromEmailAddress") or message["From"])
    destination = list(request.get("Destination", {}).get("ToAddresses", []))
    tags = {
        "ses:configuration-set": [request["ConfigurationSetName"]],
        "ses:source-ip": ["127.0.0.1"],
        "ses:from-domain": [source.rpartition("@")[2]],
        "ses:caller-identity": ["local"],
    } | {tag["Name"]: [tag["Value"]] for tag in request.get("EmailTags", [])}
    mail = {
        "timestamp": sns_time(at),
        "source": source,
        "sourceArn": f"arn:aws:ses:{region}:{ACCOUNT}:identity/{source}",
        "sendingAccountId": ACCOUNT,
        "messageId": message_id,
        "destination": destination,
        "headersTruncated": False,
        "headers": [{"name": name, "value": str(value)} for name, value in message.items()],
        "commonHeaders": {
            "from": [str(message["From"])],
            "to": [str(message["To"])],
            "messageId": message_id,
            "subject": str(message["Subject"]),
        },
        "tags": tags,
    }
    return {"eventType": "Send", "mail": mail, "send": {}}


class SentLog:
    """Every message SES accepted, appended to a file as it is accepted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def observe(self, request: bytes, answer: bytes) -> None:
        sent = json.loads(request)
        line = {
            "message_id": json.loads(answer)["MessageId"],
            "source": sent.get("FromEmailAddress"),
            "destinations": list(sent.get("Destination", {}).get("ToAddresses", [])),
            "raw_data": base64.b64decode(sent["Content"]["Raw"]["Data"]).decode("utf-8", "replace"),
        }
        with self._lock, self.path.open("a", encoding="utf-8") as log_file:
            log_file.write(json.dumps(line, ensure_ascii=False) + "\n")

    def read(self) -> list[dict[str, Any]]:
        """What was logged, oldest first."""
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class SendEvents:
    """The configuration set's event destination: Send records to `topic`, delivered to
    `subscriber` on a thread of their own (SES publishes after answering SendEmail)."""

    def __init__(
        self, signer: SnsSigner, topic: str, subscriber: str, region: str, configuration_set: str
    ) -> None:
        self._signer = signer
        self._topic = topic
        self._subscriber = subscriber
        self._region = region
        self._configuration_set = configuration_set
        self._records: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._deliver_all, name="ses-events", daemon=True)

    def observe(self, request: bytes, answer: bytes) -> None:
        """A SendEmail moto accepted: publish its Send record if it went through the set."""
        sent = json.loads(request)
        if sent.get("ConfigurationSetName") != self._configuration_set:
            return
        message_id = json.loads(answer)["MessageId"]
        self._records.put(send_record(sent, message_id, self._region, datetime.now(UTC)))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._records.put(None)
        self._thread.join(timeout=5)

    def _deliver_all(self) -> None:
        while (record := self._records.get()) is not None:
            envelope = self._signer.notification(self._topic, json.dumps(record))
            self._deliver(envelope)

    def _deliver(self, envelope: dict[str, Any]) -> None:
        """At least once, like SNS: retried on a refusal by the server or no answer."""
        body = json.dumps(envelope).encode("utf-8")
        for attempt in range(DELIVERY_ATTEMPTS):
            try:
                answer = requests.post(
                    self._subscriber, data=body, headers=post_headers(envelope), timeout=10
                )
                if answer.status_code < 500:
                    return
            except requests.RequestException:
                pass
            if self._stop.wait(0.5 * (attempt + 1)):
                return
        log.warning("gave up delivering SES Send event %s", envelope["MessageId"])

"""Amazon SES "Received" notifications, with SES's own field names.

SES publishes one to SNS for each inbound message (receipt rule action SNS, or S3 with a
topic). The SNS envelope's `Message` is this JSON document as a string. Reference:
https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html

Lenient where SES may add fields (extras are ignored), strict where we need a value.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from connectors.errors import PayloadInvalidError, UnsupportedEventError
from connectors.payload import decode_object, plausible

RECEIVED: Final = "Received"
MAX_MESSAGE_CHARS: Final = 64 * 1024 * 1024

VerdictStatus = Literal["PASS", "FAIL", "GRAY", "PROCESSING_FAILED", "DISABLED"]


SesTime = Annotated[datetime, AfterValidator(plausible)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Verdict(Wire):
    # Known values are VerdictStatus; kept as text so a new value is read, not rejected.
    status: str

    @property
    def passed(self) -> bool:
        return self.status.upper() == "PASS"

    @property
    def failed(self) -> bool:
        return self.status.upper() == "FAIL"


class Action(Wire):
    type: str
    topic_arn: str | None = Field(default=None, alias="topicArn")
    encoding: str | None = None  # SNS action: "UTF8" or "BASE64"
    bucket_name: str | None = Field(default=None, alias="bucketName")  # S3 action
    object_key_prefix: str | None = Field(default=None, alias="objectKeyPrefix")
    object_key: str | None = Field(default=None, alias="objectKey")


class Receipt(Wire):
    timestamp: SesTime
    processing_time_millis: int | None = Field(default=None, alias="processingTimeMillis")
    recipients: tuple[str, ...] = ()
    spam_verdict: Verdict | None = Field(default=None, alias="spamVerdict")
    virus_verdict: Verdict | None = Field(default=None, alias="virusVerdict")
    spf_verdict: Verdict | None = Field(default=None, alias="spfVerdict")
    dkim_verdict: Verdict | None = Field(default=None, alias="dkimVerdict")
    dmarc_verdict: Verdict | None = Field(default=None, alias="dmarcVerdict")
    dmarc_policy: str | None = Field(default=None, alias="dmarcPolicy")  # only on DMARC FAIL
    action: Action


class Header(Wire):
    name: str
    value: str


class CommonHeaders(Wire):
    return_path: str | None = Field(default=None, alias="returnPath")
    from_: tuple[str, ...] = Field(default=(), alias="from")
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = Field(default=(), alias="replyTo")
    date: str | None = None
    message_id: str | None = Field(default=None, alias="messageId")
    subject: str | None = None


class Mail(Wire):
    timestamp: SesTime
    source: str | None = None
    message_id: str = Field(alias="messageId", min_length=1, max_length=256)
    destination: tuple[str, ...] = ()
    headers_truncated: bool = Field(default=False, alias="headersTruncated")
    headers: tuple[Header, ...] = ()
    common_headers: CommonHeaders = Field(default_factory=CommonHeaders, alias="commonHeaders")


class ReceivedNotification(Wire):
    notification_type: str = Field(alias="notificationType")
    receipt: Receipt
    mail: Mail
    content: str | None = None  # raw MIME, only for an SNS action

    @property
    def is_suspect(self) -> bool:
        """SES judged the message spam or infected, or it failed DMARC under a policy that
        asks receivers to quarantine or reject it."""
        receipt = self.receipt
        return bool(
            (receipt.spam_verdict and receipt.spam_verdict.failed)
            or (receipt.virus_verdict and receipt.virus_verdict.failed)
            or (
                receipt.dmarc_verdict
                and receipt.dmarc_verdict.failed
                and (receipt.dmarc_policy or "").lower() in {"quarantine", "reject"}
            )
        )

    def raw_email(self) -> bytes | None:
        """The raw message carried inline by an SNS action; None when it lives elsewhere
        (an S3 action: see `s3_location`)."""
        if self.content is None:
            return None
        encoding = (self.receipt.action.encoding or "UTF8").upper()
        if encoding == "BASE64":
            try:
                return base64.b64decode(self.content, validate=False)
            except (binascii.Error, ValueError) as exc:
                raise PayloadInvalidError("content is not valid base64") from exc
        # SES writes the message as JSON text; 8-bit bytes come back as their code points.
        return self.content.encode("utf-8", errors="surrogateescape")

    def s3_location(self) -> tuple[str, str] | None:
        action = self.receipt.action
        if action.type.upper() != "S3" or not action.bucket_name:
            return None
        key = action.object_key
        if key is None:
            prefix = action.object_key_prefix or ""
            key = f"{prefix}{self.mail.message_id}"
        return action.bucket_name, key


def parse_notification(message: str | bytes | dict[str, Any]) -> ReceivedNotification:
    """Read the SNS `Message` of an SES receipt notification.

    Raises PayloadInvalidError for broken JSON or a wrong shape, UnsupportedEventError for
    other SES notifications (bounce, complaint, delivery reports about mail we sent).
    """
    document = decode_message(message)
    kind = document.get("notificationType", document.get("eventType"))
    if kind != RECEIVED:
        if isinstance(kind, str):
            raise UnsupportedEventError(f"ses:{kind[:60]}")
        raise PayloadInvalidError("notificationType: missing")
    try:
        return ReceivedNotification.model_validate(document)
    except ValidationError as exc:
        raise PayloadInvalidError(_message(exc)) from exc


def decode_message(message: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """The SNS `Message` of an SES notification or event record, as a JSON object."""
    if isinstance(message, dict):
        return message
    if len(message) > MAX_MESSAGE_CHARS:
        raise PayloadInvalidError("notification is too large")
    return decode_object(message, "notification")


def _message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}"

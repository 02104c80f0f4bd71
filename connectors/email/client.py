"""The outbound side for email complaints: sends the acknowledgement with Amazon SES
(plaint.ports.Outbox for SourceSystem.EMAIL).

The message is built here as raw MIME (SES v2 `SendEmail` with `Content.Raw`), which gives
full control of the headers: a multipart/alternative with a plain text and an HTML part,
both UTF-8, the HTML one marked `dir="rtl"` for right-to-left languages; the subject and
display names RFC 2047-encoded; `Reply-To` the plus-address of the complaints mailbox that
names the ticket (`connectors.email.mapper.reply_address`), so the complainant's answer
finds its complaint whatever the mail client does with the thread headers; `In-Reply-To`
and `References` the complainant's message, so the answer shows in their thread; and
`Auto-Submitted: auto-replied` (RFC 3834), so out-of-office robots do not answer it.

Where it goes comes from the action: `recipient` (the complainant's address, taken from the
From of their message) and `in_reply_to` (that message's Message-ID). The subject is
`fields["subject"]` when the action has one, else the sender's subject for the language.
A satisfaction survey (ActionKind.SURVEY) brings its own HTML part in `fields["html"]`, is
`Auto-Submitted: auto-generated`, and has the plain mailbox as its Reply-To.

Knowing what SES sent. SES cannot be asked whether it sent a message, so an attempt whose
outcome was lost (a timeout after SES accepted it, or a worker that died before recording
the outcome) could be sent again when retried. With a configuration set whose event
destination is an SNS topic subscribed to /webhooks/ses, SES publishes a "Send" event for
each message it accepts; the message names its action in an SES message tag
(`ACTION_TAG`: the action's token, `action_token`, the 32 hex digits of the SHA-256 of the
action id that its Message-ID carries too), and the webhook keeps the event as evidence
(plaint.ports.SentMailEvidence). Before each send the mailer notes the time; a retry first
looks for the evidence (`already_applied`) and, finding none, waits until `event_wait` has
passed since the last send before sending again, so that an event still on its way is not
mistaken for a message never sent. Without a configuration set (or evidence), the mailer
keeps the old behaviour: `already_applied` answers False and a lost outcome may mean a
second copy.

Each message carries a Message-ID derived from the action id,
`<{action_token}@{domain}>`, the same on every attempt; but SES replaces the Message-ID of
the messages it sends with its own (`<{SES message id}@{region}.amazonses.com>`), so the id
is repeated in `X-Plaint-Message-Id`, which survives, for an operator or a mail filter to
match on.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate
from typing import Any, Final, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from connectors.email.mapper import reply_address
from connectors.email.sending_events import ACTION_TAG
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.events import SourceSystem
from plaint.usecases.ports import SentMailEvidence
from plaint.vocabulary.errors import (
    PermanentDeliveryError,
    StoreUnavailableError,
    TransientDeliveryError,
)

RTL_LANGUAGES: Final = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "ug", "sd"})
DEFAULT_SUBJECTS: Final[Mapping[str, str]] = {
    "en": "We have received your complaint",
    "ar": "تم استلام شكواك",
    "fa": "شکایت شما دریافت شد",
    "az": "Şikayətiniz qəbul edildi",
    "tr": "Şikâyetiniz alındı",
    "ru": "Ваша жалоба получена",
}
ACTION_HEADER: Final = "X-Plaint-Message-Id"
# SES publishes the Send event as it accepts a message; a retry that finds no evidence
# waits this long after the last send (room for SNS's delivery and its first retries)
# before concluding that SES never accepted it.
EVENT_WAIT: Final = timedelta(minutes=5)

# Errors SES answers for a request it did not carry out and would not carry out if repeated.
_PERMANENT_CODES: Final = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerified",
        "MailFromDomainNotVerifiedException",
        "AccountSuspendedException",
        "SendingPausedException",
        "ConfigurationSetDoesNotExist",
        "NotFoundException",
        "BadRequestException",
        "InvalidParameterValue",
        "AccessDenied",
        "AccessDeniedException",
    }
)
_TRANSIENT_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "LimitExceededException",
        "RequestTimeout",
        "ServiceUnavailable",
        "InternalFailure",
    }
)
_MESSAGE_ID_ADDRESS: Final = re.compile(r"<[^<>\s@]{1,250}@[^<>\s@]{1,250}>")


class SendEmailClient(Protocol):
    """The part of a boto3 `sesv2` client the mailer uses."""

    def send_email(self, **kwargs: Any) -> Mapping[str, Any]: ...


class SesMailer:
    """Outbox for complaints that arrived by email.

    `client` is a boto3 `sesv2` client (its own retries cover throttling within a call);
    `sender` the verified From address of acknowledgements; `mailbox` the complaints address
    whose plus-addresses name tickets. `message_id_domain` defaults to the sender's domain.
    With `configuration_set` and `evidence`, a retry never sends a message SES reported
    accepting (see the module).
    """

    def __init__(
        self,
        client: SendEmailClient,
        sender: str,
        mailbox: str,
        *,
        sender_name: str | None = None,
        message_id_domain: str | None = None,
        configuration_set: str | None = None,
        evidence: SentMailEvidence | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        event_wait: timedelta = EVENT_WAIT,
        subjects: Mapping[str, str] | None = None,
    ) -> None:
        self._client = client
        self._sender = _address(sender, "sender")
        self._sender_name = sender_name
        self._mailbox = _address(mailbox, "mailbox")
        reply_address(self._mailbox, "t")  # refuses a mailbox that cannot be plus-addressed
        self._domain = message_id_domain or self._sender.rpartition("@")[2]
        self._configuration_set = configuration_set
        # Evidence only arrives for messages sent through the configuration set.
        self._evidence = evidence if configuration_set else None
        self._clock = clock
        self._event_wait = event_wait
        self._subjects = {**DEFAULT_SUBJECTS, **(subjects or {})}

    def already_applied(self, action: OutboundAction) -> bool:
        """True when SES reported accepting an earlier attempt. With no report yet, raises
        TransientDeliveryError (retry later) until `event_wait` has passed since the last
        send, then answers False. Always False without evidence to consult."""
        if self._evidence is None:
            return False
        token = action_token(action.action_id)
        try:
            if self._evidence.accepted_at(token) is not None:
                return True
            sent_at = self._evidence.sending_noted_at(token)
        except StoreUnavailableError as exc:
            raise TransientDeliveryError(f"sent mail evidence unreadable: {exc}") from exc
        if sent_at is None:
            return False  # no attempt got as far as SES
        waited = self._clock() - sent_at
        if waited < self._event_wait:
            raise TransientDeliveryError(
                "waiting for SES's report on the last attempt",
                retry_after=(self._event_wait - waited).total_seconds(),
            )
        return False

    def apply(self, action: OutboundAction) -> None:
        message = self.build(action)
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [str(action.recipient)]},
            "Content": {"Raw": {"Data": message.as_bytes(policy=SMTP)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
            request["EmailTags"] = [{"Name": ACTION_TAG, "Value": action_token(action.action_id)}]
        self._note_sending(action)
        try:
            self._client.send_email(**request)
        except ClientError as exc:
            raise delivery_error(exc) from exc
        except BotoCoreError as exc:  # connection errors and timeouts: SES may have sent it
            # The retry must not come before SES's report could have arrived.
            wait = self._event_wait.total_seconds() if self._evidence else None
            raise TransientDeliveryError(f"SES send failed: {exc}", retry_after=wait) from exc

    def _note_sending(self, action: OutboundAction) -> None:
        """Record the send's start before it happens: a worker that dies after SES accepted
        the message leaves this behind for the retry to wait on."""
        if self._evidence is None:
            return
        try:
            self._evidence.note_sending(action_token(action.action_id), self._clock())
        except StoreUnavailableError as exc:
            raise TransientDeliveryError(f"could not note the send: {exc}") from exc

    def build(self, action: OutboundAction) -> EmailMessage:
        """The acknowledgement as sent. Raises PermanentDeliveryError for an action that
        cannot become a message (not email, no recipient, a header that would inject)."""
        if action.source is not SourceSystem.EMAIL:
            raise PermanentDeliveryError(f"{action.action_id}: not an email action")
        if not action.recipient:
            raise PermanentDeliveryError(f"{action.action_id}: no recipient address")
        recipient = _address(action.recipient, "recipient", PermanentDeliveryError)
        survey = action.kind is ActionKind.SURVEY
        try:
            # A survey may be about a helpdesk ticket: an answer by email goes to the mailbox.
            reply_to = self._mailbox if survey else reply_address(self._mailbox, action.ticket_id)
        except ValueError as exc:
            raise PermanentDeliveryError(str(exc)) from exc
        language = action.language.lower()
        subject = action.fields.get("subject") or self._subjects.get(
            language.split("-", 1)[0], self._subjects["en"]
        )
        text = (action.comment or "").replace("\r\n", "\n").strip()
        message = EmailMessage()
        try:
            message["From"] = (
                formataddr((self._sender_name, self._sender)) if self._sender_name else self._sender
            )
            message["To"] = recipient
            message["Reply-To"] = reply_to
            message["Subject"] = subject
            message["Date"] = formatdate(usegmt=True)
            message["Message-ID"] = message_id_for(action.action_id, self._domain)
            message[ACTION_HEADER] = message_id_for(action.action_id, self._domain)
            thread = _message_id(action.in_reply_to)
            if thread:
                message["In-Reply-To"] = thread
                message["References"] = thread
            message["Auto-Submitted"] = "auto-generated" if survey else "auto-replied"
        except ValueError as exc:  # CR or LF in a value: a header injection attempt
            raise PermanentDeliveryError(f"{action.action_id}: bad header value: {exc}") from exc
        # base64 keeps the message 7-bit clean whatever relays it on.
        message.set_content(text + "\n", charset="utf-8", cte="base64")
        # A survey brings its own HTML, with its links (plaint.surveys.invitation).
        markup = action.fields.get("html") if survey else None
        message.add_alternative(
            markup or html_body(text, language), subtype="html", charset="utf-8", cte="base64"
        )
        message["Content-Language"] = language
        return message


def action_token(action_id: str) -> str:
    """The action as its message names it: 32 hex digits, safe as an SES tag value and in a
    Message-ID, the same for every attempt."""
    return hashlib.sha256(action_id.encode("utf-8")).hexdigest()[:32]


def message_id_for(action_id: str, domain: str) -> str:
    """The Message-ID an action's message carries: the same for every attempt."""
    return f"<{action_token(action_id)}@{domain}>"


def html_body(text: str, language: str) -> str:
    """The text as an HTML document: a paragraph per blank-line block, line breaks kept,
    the direction set for right-to-left scripts."""
    direction = "rtl" if language.split("-", 1)[0] in RTL_LANGUAGES else "ltr"
    paragraphs = [
        "<p>" + "<br>\n".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in re.split(r"\n[ \t]*\n", text)
        if block.strip()
    ]
    lang = html.escape(language, quote=True)
    return (
        f'<!DOCTYPE html>\n<html dir="{direction}" lang="{lang}">\n'
        '<head><meta charset="utf-8"></head>\n'
        f'<body dir="{direction}">\n' + "\n".join(paragraphs) + "\n</body>\n</html>\n"
    )


def _message_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _MESSAGE_ID_ADDRESS.search(value)
    return match.group(0) if match else None


def _address(value: str, what: str, error: type[Exception] = ValueError) -> str:
    """One plain address (no display name), or `error`."""
    candidate = value.strip()
    try:
        parsed = Address(addr_spec=candidate)
    except (ValueError, IndexError, TypeError) as exc:
        raise error(f"{what} {candidate[:80]!r} is not an email address") from exc
    if not parsed.username or not parsed.domain or parsed.addr_spec != candidate:
        raise error(f"{what} {candidate[:80]!r} is not an email address")
    return candidate


def delivery_error(exc: ClientError) -> Exception:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    message = f"SES answered {status} {code}: {str(error.get('Message', ''))[:300]}"
    if code in _PERMANENT_CODES:
        return PermanentDeliveryError(message)
    if code in _TRANSIENT_CODES or status == 429 or status >= 500:
        return TransientDeliveryError(message)
    return PermanentDeliveryError(message)

"""Turn one email received by Amazon SES into the engine's TicketEvent.

Threading never looks at the subject (a complainant may write "Re:" to anything, and two
complaints may share one). The ticket is the thread's root, found in this order:

1. a ticket token in a plus-addressed recipient, `complaints+T-<ticket id>@example.com`:
   the acknowledgements ask for replies there (`reply_address`), so this works even when
   the mail client drops In-Reply-To and References;
2. the first Message-ID in References (clients keep the root first, RFC 5322 3.6.4);
3. In-Reply-To;
4. the message's own Message-ID: the message starts a thread.

A Message-ID becomes a compact ticket id, "m-" and 24 hex digits of the SHA-256 of the id
(angle brackets removed, lowercased), short and safe enough for DynamoDB keys and helpdesk
tags; the same root always gives the same id. Note that SES replaces the Message-ID of the
acknowledgements it sends with its own, so a reply that only carries In-Reply-To (the
acknowledgement's id) starts a new ticket unless the plus-address (1.) or References (2.)
name the thread. Tokens and References are written by the sender: like any mail thread,
anyone can append to a ticket they know the id of.

Whether a message is judged at all is the `disposition`: automatic mail (bounces, abuse
feedback reports, auto-replies; RFC 3464, RFC 5965, RFC 3834) is never a complaint, and SES's
spam, virus and authentication verdicts are handled as `EmailIntakePolicy` says. The event is
always built; a message that must not be judged carries `set_aside` with the reason, so the
engine records it as received and not judged (`plaint.services.receive`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Final, Literal, NamedTuple

from pydantic import ValidationError

from connectors.email.mime import ParsedEmail
from connectors.email.wire import ReceivedNotification
from connectors.errors import PayloadInvalidError
from plaint.model.events import Channel, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.intake import EmailIntakePolicy, VerdictHandling
from plaint.vocabulary.language import guess_language

AUTO_SUBMITTED_TAG: Final = "auto_submitted"
TICKET_PREFIX: Final = "m-"
TOKEN_PREFIX: Final = "T-"
_TICKET_HEX: Final = 24
# A local part is at most 64 octets (RFC 5321 4.5.3.1.1); ticket ids stay well below.
_TOKEN_TICKET: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,47}")
_TOKEN_IN_ADDRESS: Final = re.compile(
    r"^[^@+\s]+\+" + TOKEN_PREFIX + r"(" + _TOKEN_TICKET.pattern + r")@[^@\s]+$", re.IGNORECASE
)
_NULL_SENDERS: Final = frozenset({"", "<>"})
_DAEMONS: Final = frozenset({"mailer-daemon", "postmaster"})

Outcome = Literal["accept", "ignore_automatic", "reject_suspect"]


class Disposition(NamedTuple):
    """What intake does with a message: judge it ("accept", perhaps with `tags` flagging a
    failed check), or set it aside unjudged with `reason`."""

    outcome: Outcome
    reason: str | None = None
    tags: tuple[str, ...] = ()


# --- threading ---------------------------------------------------------------------------


def ticket_for_message_id(message_id: str) -> str:
    """The ticket id of a thread whose root has this Message-ID."""
    normalised = message_id.strip().strip("<>").strip().lower()
    digest = hashlib.sha256(normalised.encode("utf-8", errors="surrogateescape")).hexdigest()
    return TICKET_PREFIX + digest[:_TICKET_HEX]


def reply_address(mailbox: str, ticket_id: str) -> str:
    """The plus-address of `mailbox` that names `ticket_id`: "complaints+T-<id>@host"."""
    local, at, domain = mailbox.strip().rpartition("@")
    if not at or not local or not domain or "+" in local or any(c.isspace() for c in mailbox):
        raise ValueError(f"{mailbox!r} is not a plain mailbox address")
    token = ticket_id.lower()
    if not _TOKEN_TICKET.fullmatch(token):
        raise ValueError(f"{ticket_id!r} cannot be carried in an address")
    return f"{local}+{TOKEN_PREFIX}{token}@{domain}"


def ticket_from_recipients(
    recipients: Iterable[str], mailboxes: Iterable[str] | None = None
) -> str | None:
    """The ticket named by the first plus-addressed recipient, or None. With `mailboxes`,
    only plus-addresses of those mailboxes count."""
    allowed = {m.strip().lower() for m in mailboxes} if mailboxes is not None else None
    for recipient in recipients:
        address = recipient.strip().strip("<>").lower()
        match = _TOKEN_IN_ADDRESS.fullmatch(address)
        if match is None:
            continue
        if allowed is not None:
            local, _, domain = address.rpartition("@")
            if f"{local.split('+', 1)[0]}@{domain}" not in allowed:
                continue
        return match.group(1)
    return None


def thread_root(parsed: ParsedEmail) -> str | None:
    """The Message-ID of the thread's root as the headers tell it; None when the message
    names no thread and has no Message-ID."""
    if parsed.references:
        return parsed.references[0]
    return parsed.in_reply_to or parsed.message_id


def _is_reply(parsed: ParsedEmail) -> bool:
    return bool(parsed.references or parsed.in_reply_to)


# --- disposition -------------------------------------------------------------------------


def disposition(
    notification: ReceivedNotification, parsed: ParsedEmail, policy: EmailIntakePolicy
) -> Disposition:
    """Judge, flag or set aside. SES verdicts go first (as the policy says), then automatic
    mail, which is always set aside: an answer to an auto-reply makes a mail loop."""
    receipt = notification.receipt
    dmarc_failed = receipt.dmarc_verdict is not None and receipt.dmarc_verdict.failed
    dmarc_enforced = (receipt.dmarc_policy or "").lower() in {"quarantine", "reject"}
    checks: list[tuple[str, VerdictHandling]] = []
    if receipt.virus_verdict is not None and receipt.virus_verdict.failed:
        checks.append(("ses_virus_verdict_fail", policy.on_virus))
    if receipt.spam_verdict is not None and receipt.spam_verdict.failed:
        checks.append(("ses_spam_verdict_fail", policy.on_spam))
    if dmarc_failed and dmarc_enforced:
        checks.append((f"ses_dmarc_fail_{receipt.dmarc_policy}".lower(), policy.on_dmarc_fail))
    # DMARC failing under policy "none" is an authentication failure like SPF or DKIM.
    weak = [
        verdict
        for verdict in (receipt.spf_verdict, receipt.dkim_verdict)
        if verdict is not None and verdict.failed
    ]
    if weak or (dmarc_failed and not dmarc_enforced):
        checks.append(("ses_authentication_fail", policy.on_spf_or_dkim_fail))
    for reason, handling in checks:
        if handling is VerdictHandling.SET_ASIDE:
            return Disposition("reject_suspect", reason)
    automatic = automatic_reasons(notification, parsed)
    if automatic:
        return Disposition("ignore_automatic", "automatic: " + "; ".join(automatic))
    flagged = any(handling is VerdictHandling.FLAG for _, handling in checks)
    return Disposition("accept", tags=(policy.flag_tag,) if flagged else ())


def automatic_reasons(notification: ReceivedNotification, parsed: ParsedEmail) -> tuple[str, ...]:
    """Why this is mail about mail: the parser's findings, plus a null reverse path or a
    MAILER-DAEMON/postmaster sender (bounces)."""
    reasons = list(parsed.automatic_reasons)
    source = (notification.mail.source or "").strip()
    if notification.mail.source is not None and source in _NULL_SENDERS:
        reasons.append("null reverse path")
    sender = (parsed.from_address or source).strip("<>").lower()
    if sender.partition("@")[0] in _DAEMONS:
        reasons.append(f"sender {sender.partition('@')[0]}")
    return tuple(reasons)


# --- the event ---------------------------------------------------------------------------


def email_event(
    notification: ReceivedNotification,
    parsed: ParsedEmail,
    policy: EmailIntakePolicy,
    mailboxes: Iterable[str] | None = None,
) -> TicketEvent:
    """Map one received email onto a TicketEvent (see the module docstring).

    `mailboxes` restricts which plus-addresses name a ticket (default: the policy's
    mailbox when it has one, else any recipient SES accepted for us). Raises
    PayloadInvalidError only when the result would not be a valid event.
    """
    if mailboxes is None and policy.mailbox:
        mailboxes = (policy.mailbox,)
    judged = disposition(notification, parsed, policy)
    token = ticket_from_recipients(notification.receipt.recipients, mailboxes)
    root = thread_root(parsed)
    if token is not None:
        ticket_id = token
    elif root is not None:
        ticket_id = ticket_for_message_id(root)
    else:
        # No Message-ID at all: SES's id is as stable, and names this message alone.
        ticket_id = ticket_for_message_id(f"ses:{notification.mail.message_id}")
    reply = token is not None or _is_reply(parsed)
    # SES's receipt time, not the sender's Date header: it is when we received the complaint,
    # and the sender cannot set it. A reply cannot know when its root arrived, so its own
    # receipt time stands in for created_at; for a known complaint the engine keeps the first.
    received = notification.mail.timestamp
    description = parsed.new_text or parsed.text
    tags = tuple(
        dict.fromkeys(judged.tags + ((AUTO_SUBMITTED_TAG,) if parsed.is_automatic else ()))
    )
    try:
        return TicketEvent(
            source=SourceSystem.EMAIL,
            delivery_id=notification.mail.message_id,
            ticket_id=ticket_id,
            kind=TicketEventKind.COMMENT_ADDED if reply else TicketEventKind.CREATED,
            occurred_at=received,
            created_at=received,
            channel=Channel.EMAIL,
            complainant_ref=complainant_ref(parsed.from_address or notification.mail.source),
            language=guess_language(f"{parsed.subject}\n{description}"),
            subject=parsed.subject,
            description=description,
            tags=tags,
            reply_to=_reply_to(parsed),
            thread_message_id=parsed.message_id,
            set_aside=judged.reason if judged.outcome != "accept" else None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PayloadInvalidError(f"{where}: {first['msg']}") from exc


def complainant_ref(address: str | None) -> str | None:
    """A digest of the sender's address: the record needs to tell senders apart, not to
    know them."""
    if not address or not address.strip():
        return None
    normalised = address.strip().strip("<>").lower()
    return "email:" + hashlib.sha256(normalised.encode("utf-8", "surrogateescape")).hexdigest()


def _reply_to(parsed: ParsedEmail) -> str | None:
    """Where the acknowledgement goes: the From address. A Reply-To header is not used: it
    is unauthenticated even when DMARC passes, and would let anyone aim our mail elsewhere."""
    address = (parsed.from_address or "").strip()
    if not address or "@" not in address or any(c.isspace() or c in '<>",' for c in address):
        return None
    return address


def unparseable_event(notification: ReceivedNotification, reason: str) -> TicketEvent:
    """A message SES received that no parser can read: recorded as received, set aside."""
    received = notification.mail.timestamp
    return TicketEvent(
        source=SourceSystem.EMAIL,
        delivery_id=notification.mail.message_id,
        ticket_id=ticket_for_message_id(f"ses:{notification.mail.message_id}"),
        kind=TicketEventKind.CREATED,
        occurred_at=received,
        created_at=received,
        channel=Channel.EMAIL,
        complainant_ref=complainant_ref(notification.mail.source),
        set_aside=f"unparseable: {reason}"[:500],
    )

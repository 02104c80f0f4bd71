"""The outbound side of ISO 10003: carries a referral (ActionKind.REFER) to the external
dispute-resolution provider the policy names (plaint.ports.Outbox for
SourceSystem.PROVIDER).

The action says how, in `fields`: "provider" (its id), "packet" (the referral packet, JSON
text), "method", and for "webhook" the "url" and "secret_env" (the environment variable
holding the provider's signing secret), for "email" the "email" address.

webhook. The packet is POSTed as the body (Content-Type application/json), byte for byte as
the engine wrote it, signed the Standard Webhooks way (connectors.disputes.standard_webhooks):
`webhook-id` is the referral id (`action.ticket_id`, percent-encoded where it holds
anything but letters, digits, "_", "-" and ":"), the same on every attempt, so that the
provider can recognise a retry. Redirects are not followed; the specification counts them
as failures, and the URL is to be corrected in the policy.

Answers:
  2xx                    delivered
  409                    the provider has this referral already: delivered
  408, 429, 5xx          TransientDeliveryError (with Retry-After as `retry_after`)
  no answer at all       TransientDeliveryError
  3xx, 410, other 4xx    PermanentDeliveryError in the provider's words: the engine parks
                         the action, visibly and in the compliance log

Within one call the session retries 429, 500, 502, 503 and 504, and a lost connection,
POST included (connectors.http.DeadlineRetry: Retry-After honoured, backing off, never
sleeping past the time the function has left). Resending is safe only because the
provider deduplicates on `webhook-id`. A retry inside the call resends the first attempt's
headers, so it is also never started later than the signature's tolerance window allows;
every later attempt (the engine's) is signed afresh with a new timestamp.

`already_applied` answers False: providers offer no standard way to ask whether they hold a
referral. A retry therefore sends the packet again, and the provider's dedupe on
`webhook-id` keeps it to one referral. A provider must do that (docs/disputes.md).

email. The packet goes as a JSON attachment through an injected MailSender; without one the
action is parked. A mail service cannot be asked what it sent either, so an attempt whose
outcome was lost may send a second copy; the referral id is in the subject and the file
name for the provider to spot it.

manual. Never sent: an agent sends the packet by hand. The engine makes no such action;
one that arrives anyway is parked with that explanation.

The signing secret is read from the environment at each attempt (a rotated secret is
picked up without a restart) and appears in no message or log.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from connectors.disputes import standard_webhooks
from connectors.http import (
    DEFAULT_BURST,
    DEFAULT_SAFETY_MARGIN,
    DeadlineRetry,
    Pacer,
    retry_after,
    send,
)
from connectors.http import build_session as build_http_session
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.events import SourceSystem
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

# Referrals are few; this keeps a burst of escalations from looking like an attack.
DEFAULT_REQUESTS_PER_MINUTE: Final = 60.0
MAX_MESSAGE: Final = 500
_ALREADY_HELD: Final = 409
_GONE: Final = 410


class MailSender(Protocol):
    """Sends one email with JSON attachments (file name -> JSON text). Raises
    TransientDeliveryError or PermanentDeliveryError as the mail service answers."""

    def send(self, to: str, subject: str, text: str, attachments_json: Mapping[str, str]) -> None:
        """Hand the message to the mail service."""


class ProviderRetry(DeadlineRetry):
    """DeadlineRetry that also resends a POST: a referral carries its `webhook-id`, which
    the provider deduplicates on, so a second copy is harmless."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allowed_methods"] = frozenset(kwargs.get("allowed_methods") or ()) | {"POST"}
        super().__init__(*args, **kwargs)


def build_session(
    time_left: Callable[[], float] | None = None,
    safety_margin: float = DEFAULT_SAFETY_MARGIN,
    retries: int = 4,
    *,
    pacer: Pacer | None = None,
) -> requests.Session:
    """A session that retries 429 and 5xx on every method, POST included, within
    `time_left`, paced by `pacer` when given."""
    return build_http_session(
        time_left, safety_margin, retries, pacer=pacer, retry_type=ProviderRetry
    )


class WebhookSigner(AuthBase):
    """Signs the request's body as prepared, so the signature covers exactly the bytes sent."""

    def __init__(self, msg_id: str, secrets: list[str], clock: Callable[[], float]) -> None:
        self._msg_id = msg_id
        self._secrets = secrets
        self._clock = clock

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        raw = body.encode() if isinstance(body, str) else body
        timestamp = int(self._clock())
        request.headers.update(
            standard_webhooks.signature_headers(self._msg_id, timestamp, raw, self._secrets)
        )
        return request


class ProviderOutbox:
    """Outbox for referrals to dispute-resolution providers.

    `time_left` is the function's remaining time; the session's retries stop short of it
    and of the signature's tolerance. Requests are paced at `requests_per_minute` (per
    container; see connectors.http.Pacer) unless a `session` is given, which is used as it
    is. `insecure_http` lets a plain-http URL through, for the local stack and the tests
    only.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        time_left: Callable[[], float] | None = None,
        *,
        mailer: MailSender | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        tolerance: float = standard_webhooks.DEFAULT_TOLERANCE_SECONDS,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
        requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE,
        insecure_http: bool = False,
    ) -> None:
        self._function_time_left = time_left
        self._mailer = mailer
        self._environ = os.environ if environ is None else environ
        self._clock = clock
        self._tolerance = tolerance
        self._insecure_http = insecure_http
        # When this thread's current request was signed (time.monotonic()).
        self._signed = threading.local()
        self.pacer = Pacer(requests_per_minute, DEFAULT_BURST)
        self._session = session or build_session(self._time_left, safety_margin, pacer=self.pacer)

    def already_applied(self, action: OutboundAction) -> bool:
        # Providers offer no lookup; a resend is deduplicated on webhook-id instead.
        return False

    def apply(self, action: OutboundAction) -> None:
        if action.kind is not ActionKind.REFER or action.source is not SourceSystem.PROVIDER:
            raise PermanentDeliveryError(
                f"{action.action_id}: a {action.kind} action for {action.source} is not a referral"
            )
        method = action.fields.get("method")
        if method == "webhook":
            self._post(action)
        elif method == "email":
            self._mail(action)
        elif method == "manual":
            raise PermanentDeliveryError(
                f"referral {action.ticket_id} to {_provider(action)} is sent by hand: an agent"
                " sends the packet to the provider and records it; Plaint does not send it"
            )
        else:
            raise PermanentDeliveryError(
                f"referral {action.ticket_id}: unknown method {method!r}"
                " (expected webhook, email or manual)"
            )

    # --- webhook ------------------------------------------------------------------------

    def _post(self, action: OutboundAction) -> None:
        url = self._url(action)
        body = _packet(action).encode("utf-8")
        signer = WebhookSigner(_webhook_id(action), self._secrets(action), self._clock)
        self._signed.at = time.monotonic()
        response = send(
            self._session,
            "POST",
            url,
            signer,
            data=body,
            headers={"Content-Type": "application/json"},
            allow_redirects=False,
        )
        raise_for_answer(response, _provider(action))

    def _time_left(self) -> float:
        """What the session's retries may use: the function's remaining time, and no more
        than the time left in the tolerance window of the signature being resent."""
        signed_at: float | None = getattr(self._signed, "at", None)
        left = float("inf")
        if signed_at is not None:
            left = self._tolerance - (time.monotonic() - signed_at)
        if self._function_time_left is not None:
            left = min(left, self._function_time_left())
        return left

    def _url(self, action: OutboundAction) -> str:
        url = action.fields.get("url") or ""
        parts = urlsplit(url)
        schemes = ("https", "http") if self._insecure_http else ("https",)
        if parts.scheme not in schemes or not parts.hostname:
            raise PermanentDeliveryError(
                f"referral {action.ticket_id}: provider {_provider(action)} needs an https URL"
                f" (got {parts.scheme or 'none'}://{parts.hostname or ''})"
            )
        return url

    def _secrets(self, action: OutboundAction) -> list[str]:
        """The provider's signing secrets: one, or two separated by a space while the
        provider rotates it. The error names the variable, never its value."""
        name = action.fields.get("secret_env") or ""
        secrets = (self._environ.get(name) or "").split() if name else []
        if not secrets:
            raise PermanentDeliveryError(
                f"referral {action.ticket_id}: the signing secret of provider"
                f" {_provider(action)} is not set (environment variable {name or '(none)'!s})"
            )
        for secret in secrets:
            try:
                standard_webhooks.decode_secret(secret)
            except standard_webhooks.WebhookSecretError as exc:
                raise PermanentDeliveryError(
                    f"referral {action.ticket_id}: environment variable {name}: {exc}"
                ) from None
        return secrets

    # --- email --------------------------------------------------------------------------

    def _mail(self, action: OutboundAction) -> None:
        if self._mailer is None:
            raise PermanentDeliveryError(
                f"referral {action.ticket_id} to {_provider(action)} goes by email: no mailer"
            )
        to = action.fields.get("email")
        if not to:
            raise PermanentDeliveryError(
                f"referral {action.ticket_id}: provider {_provider(action)} has no email address"
            )
        name = f"referral-{_webhook_id(action).replace(':', '_')}.json"
        self._mailer.send(
            to,
            f"Complaint referral {action.ticket_id}",
            _mail_text(action, name),
            {name: _packet(action)},
        )


def raise_for_answer(response: requests.Response, provider: str) -> None:
    """Nothing when the provider took the referral (2xx) or holds it already (409); else
    a TransientDeliveryError or PermanentDeliveryError in the provider's words."""
    status = response.status_code
    if 200 <= status < 300 or status == _ALREADY_HELD:
        return
    message = f"provider {provider} answered {status}: {provider_message(response)}"
    if status in (408, 429) or 500 <= status < 600:
        raise TransientDeliveryError(message, retry_after=retry_after(response))
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        message += f"; redirects are not followed, correct the URL in the policy ({location})"
    elif status == _GONE:
        message += "; the provider no longer takes referrals at this URL"
    raise PermanentDeliveryError(message)


def provider_message(response: requests.Response) -> str:
    """The provider's own words: RFC 9457 problem details ("title", "detail"), or the
    common "message" / "error" / "errors" shapes, or the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason or ""
    if not isinstance(body, dict):
        return json.dumps(body, ensure_ascii=False)[:300]
    parts: list[str] = []
    for key in ("title", "detail", "message", "error", "error_description"):
        value = body.get(key)
        if isinstance(value, str) and value and value not in parts:
            parts.append(value)
    if body.get("errors"):
        parts.append(json.dumps(body["errors"], ensure_ascii=False))
    return " - ".join(parts)[:MAX_MESSAGE] or json.dumps(body, ensure_ascii=False)[:300]


def _provider(action: OutboundAction) -> str:
    return action.fields.get("provider") or "(unnamed)"


def _webhook_id(action: OutboundAction) -> str:
    try:
        return standard_webhooks.message_id(action.ticket_id)
    except ValueError as exc:
        raise PermanentDeliveryError(f"referral id: {exc}") from exc


def _packet(action: OutboundAction) -> str:
    """The packet as the engine wrote it; refused when it is not JSON, which no retry mends."""
    packet = action.fields.get("packet")
    if not packet:
        raise PermanentDeliveryError(f"referral {action.ticket_id} has no packet")
    try:
        json.loads(packet)
    except ValueError as exc:
        raise PermanentDeliveryError(
            f"referral {action.ticket_id}: packet is not JSON: {exc}"
        ) from exc
    return packet


def _mail_text(action: OutboundAction, attachment: str) -> str:
    return (
        f"Referral {action.ticket_id}\n\n"
        "A complaint is referred to you for external dispute resolution (ISO 10003).\n"
        f"The referral packet is attached as {attachment} (JSON).\n\n"
        "This reference stays the same if this message reaches you more than once.\n"
    )

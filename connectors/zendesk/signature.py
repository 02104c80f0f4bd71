"""Zendesk webhook signatures.

Zendesk signs every webhook request with base64(HMAC-SHA256(secret, TIMESTAMP + BODY)), where
TIMESTAMP is the X-Zendesk-Webhook-Signature-Timestamp header value and BODY the raw bytes
(https://developer.zendesk.com/documentation/webhooks/verifying/). The secret is used as the
UTF-8 text Zendesk shows, not base64-decoded. An older revision of that page had BODY first;
its example vector is rejected on purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from connectors.errors import SignatureRejectedError
from connectors.signing import header_value, matches_any

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
DEFAULT_WINDOW_SECONDS = 300

_EPOCH_SECONDS = re.compile(r"\d{1,12}")


def sign(body: bytes, secret: str, timestamp: str) -> str:
    """The signature Zendesk would send for `body` signed at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(
    headers: Mapping[str, str],
    body: bytes,
    secrets: Sequence[str],
    now: datetime,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> None:
    """Raise SignatureRejectedError unless the delivery is signed by one of `secrets`
    (two during a rotation) at an instant within `window_seconds` of `now`."""
    if now.tzinfo is None:
        raise ValueError("now must carry a UTC offset")
    signature = header_value(headers, SIGNATURE_HEADER)
    if not signature:
        raise SignatureRejectedError("missing_signature", f"no {SIGNATURE_HEADER} header")
    timestamp = header_value(headers, TIMESTAMP_HEADER)
    if not timestamp:
        raise SignatureRejectedError("missing_timestamp", f"no {TIMESTAMP_HEADER} header")
    skew = abs((now - parse_timestamp(timestamp)).total_seconds())
    if skew > window_seconds:
        raise SignatureRejectedError(
            "timestamp_out_of_window",
            f"signed {skew:.0f} s away from now; at most {window_seconds} s is accepted",
        )
    if not matches_any(signature, secrets, lambda secret: sign(body, secret, timestamp)):
        raise SignatureRejectedError("signature_mismatch", "no active secret produces it")


def signed_digest(headers: Mapping[str, str]) -> str:
    """A digest of the verified signature, which is a keyed digest of what it covers (the
    timestamp and the body): the same for a captured request re-sent with a new, unsigned
    X-Zendesk-Webhook-Invocation-Id, and no use to anyone guessing the body without the
    secret."""
    signature = header_value(headers, SIGNATURE_HEADER) or ""
    return "zendesk-signed:" + hashlib.sha256(signature.encode()).hexdigest()


def parse_timestamp(value: str) -> datetime:
    """ISO 8601 with Z or an offset (what Zendesk sends), or integer epoch seconds."""
    try:
        if _EPOCH_SECONDS.fullmatch(value):
            return datetime.fromtimestamp(int(value), UTC)
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError) as exc:
        raise SignatureRejectedError("malformed_timestamp", f"cannot read {value!r}") from exc
    if parsed.tzinfo is None:
        raise SignatureRejectedError("malformed_timestamp", f"{value!r} has no UTC offset")
    return parsed

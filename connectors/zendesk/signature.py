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
    if not _matches_any(signature, body, timestamp, secrets):
        raise SignatureRejectedError("signature_mismatch", "no active secret produces it")


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Look a header up whatever its case: proxies and frameworks lowercase names."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value.strip()
    return None


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


def _matches_any(signature: str, body: bytes, timestamp: str, secrets: Sequence[str]) -> bool:
    # Compare against every secret without stopping early, so timing does not reveal
    # which of the rotating secrets matched.
    presented = signature.encode()
    matched = False
    for secret in secrets:
        expected = sign(body, secret, timestamp).encode()
        matched |= hmac.compare_digest(presented, expected)
    return matched

"""Standard Webhooks signatures, symmetric scheme (`v1`, HMAC-SHA256), version 1.0.0 of
the specification (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/
standard-webhooks.md, sections "Signature scheme", "Webhook headers" and "Verifying
signatures").

A request carries three headers:

    webhook-id:        the message id; the same on every retry, the receiver's dedupe key
    webhook-timestamp: the attempt's time, integer Unix seconds
    webhook-signature: "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), several
                       separated by spaces while a secret is being rotated

The secret is shown as "whsec_" + base64(key); the key is the decoded bytes, at least 24 of
them. The body is signed as the exact bytes sent.

Signing is for referral packets we send; verifying is for the fake provider and for the
callbacks providers may send us later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final

from connectors.errors import SignatureCheck, SignatureRejectedError
from connectors.signing import header_value

ID_HEADER: Final = "webhook-id"
TIMESTAMP_HEADER: Final = "webhook-timestamp"
SIGNATURE_HEADER: Final = "webhook-signature"
SECRET_PREFIX: Final = "whsec_"
VERSION: Final = "v1"
DEFAULT_TOLERANCE_SECONDS: Final = 300
# The specification's smallest symmetric secret (192 bits).
MIN_KEY_BYTES: Final = 24
# Two during a rotation is the usual case; the bound keeps a hostile header cheap to check.
MAX_SIGNATURES: Final = 10

_EPOCH_SECONDS: Final = re.compile(r"\d{1,12}")
# An id must not contain "." (it separates the signed parts, and an id that could hold one
# could shift the boundary between id and timestamp) nor spaces or controls, which a header
# cannot carry: printable ASCII but ".".
_MESSAGE_ID: Final = re.compile(r"[\x21-\x2d\x2f-\x7e]{1,256}")
# What message_id keeps as it is; everything else is percent-encoded.
_ID_SAFE: Final = frozenset(string.ascii_letters + string.digits + "_-:")


class WebhookSecretError(ValueError):
    """A signing secret that is not "whsec_" + base64 of at least MIN_KEY_BYTES bytes. The
    message never repeats the secret."""


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a secret, with or without its "whsec_" prefix."""
    text = secret.strip().removeprefix(SECRET_PREFIX)
    try:
        # Some providers drop the base64 padding; put it back rather than refuse the key.
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSecretError("the signing secret is not base64 after 'whsec_'") from None
    if len(key) < MIN_KEY_BYTES:
        raise WebhookSecretError(
            f"the signing secret holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed"
        )
    return key


def message_id(reference: str) -> str:
    """A webhook-id for one of our references (a referral id), the same for the same
    reference: letters, digits, "_", "-" and ":" as they are, every other UTF-8 byte
    percent-encoded, so that "." never appears ("gov.az" becomes "gov%2Eaz")."""
    encoded = "".join(
        char if char in _ID_SAFE else "".join(f"%{b:02X}" for b in char.encode())
        for char in reference
    )
    if not _MESSAGE_ID.fullmatch(encoded):
        raise ValueError(f"{reference!r} is empty or too long for a webhook-id")
    return encoded


def signed_content(msg_id: str, timestamp: int, body: bytes) -> bytes:
    """What is signed: "{id}.{timestamp}.{body}" over the exact bytes of the body."""
    if not _MESSAGE_ID.fullmatch(msg_id):
        raise ValueError("a webhook-id is 1 to 256 printable ASCII characters, no '.'")
    return f"{msg_id}.{timestamp}.".encode() + body


def sign(msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """One `v1,<base64>` signature of `body` sent as `msg_id` at `timestamp`."""
    digest = hmac.new(
        decode_secret(secret), signed_content(msg_id, timestamp, body), hashlib.sha256
    ).digest()
    return f"{VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_headers(
    msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]
) -> dict[str, str]:
    """The three headers, signed with every one of `secrets` (the new and the old one while
    the receiver moves over)."""
    if not secrets:
        raise WebhookSecretError("no signing secret")
    return {
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: " ".join(sign(msg_id, timestamp, body, s) for s in secrets),
    }


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secret: str | Sequence[str],
    now: datetime,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> str:
    """The webhook-id of a delivery signed with `secret` (or one of several, during a
    rotation) at a time within `tolerance` seconds of `now`, either way. Raises
    SignatureRejectedError naming the failing check otherwise, and WebhookSecretError when
    a secret itself is unusable (a configuration mistake, not a bad delivery)."""
    if now.tzinfo is None:
        raise ValueError("now must carry a UTC offset")
    keys = [decode_secret(s) for s in ([secret] if isinstance(secret, str) else secret)]
    msg_id = _required(headers, ID_HEADER, "missing_field")
    timestamp = _timestamp(_required(headers, TIMESTAMP_HEADER, "missing_timestamp"))
    skew = abs(now.timestamp() - timestamp)
    if skew > tolerance:
        raise SignatureRejectedError(
            "timestamp_out_of_window",
            f"signed {skew:.0f} s away from now; at most {tolerance} s is accepted",
        )
    presented = _presented(_required(headers, SIGNATURE_HEADER, "missing_signature"))
    try:
        content = signed_content(msg_id, timestamp, body)
    except ValueError as exc:
        raise SignatureRejectedError("malformed_signature", str(exc)) from None
    expected = [hmac.new(key, content, hashlib.sha256).digest() for key in keys]
    if not _any_equal(presented, expected):
        raise SignatureRejectedError("signature_mismatch", "no active secret produces it")
    return msg_id


def _required(headers: Mapping[str, str], name: str, check: SignatureCheck) -> str:
    value = header_value(headers, name)
    if not value:
        raise SignatureRejectedError(check, f"no {name} header")
    return value


def _timestamp(value: str) -> int:
    if not _EPOCH_SECONDS.fullmatch(value):
        raise SignatureRejectedError("malformed_timestamp", "expected integer Unix seconds")
    return int(value)


def _presented(header: str) -> list[bytes]:
    """The v1 signatures of the header, decoded. Other versions (v1a, the asymmetric scheme,
    or later ones) are skipped, as the specification asks of a receiver that does not
    know them."""
    entries = header.split()
    if len(entries) > MAX_SIGNATURES:
        raise SignatureRejectedError("malformed_signature", f"more than {MAX_SIGNATURES}")
    found: list[bytes] = []
    versions: set[str] = set()
    for entry in entries:
        version, comma, value = entry.partition(",")
        if not comma:
            raise SignatureRejectedError("malformed_signature", "expected <version>,<base64>")
        versions.add(version)
        if version == VERSION:
            found.append(_decoded(value))
    if not found:
        raise SignatureRejectedError(
            "unsupported_signature_version", f"no {VERSION} signature (saw {sorted(versions)})"
        )
    return found


def _decoded(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRejectedError(
            "malformed_signature", "a v1 signature is not base64"
        ) from None


def _any_equal(presented: Iterable[bytes], expected: Sequence[bytes]) -> bool:
    # Every pair is compared, without stopping at the first match, so the time taken does
    # not reveal which signature or which of the rotating secrets matched.
    matched = False
    for given in presented:
        for wanted in expected:
            matched |= hmac.compare_digest(given, wanted)
    return matched

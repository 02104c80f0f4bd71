"""Jira webhook signatures.

An admin webhook registered with a secret carries `X-Hub-Signature: sha256=<hex>`, the
lowercase hex HMAC-SHA256 of the raw request body keyed with that secret (WebSub's
"method=signature" form; https://developer.atlassian.com/cloud/jira/platform/webhooks/
section "Secure admin webhooks", and for Data Center
https://confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html).
Jira signs no timestamp, so there is no freshness window: replays are caught by the
delivery id instead (X-Atlassian-Webhook-Identifier, see connectors/jira/mapper.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Final

from connectors.errors import SignatureRejectedError

SIGNATURE_HEADER: Final = "X-Hub-Signature"
METHOD: Final = "sha256"

_SIGNATURE: Final = re.compile(r"sha256=([0-9a-fA-F]{64})")


def sign(body: bytes, secret: str) -> str:
    """The X-Hub-Signature value Jira would send for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"{METHOD}={digest}"


def verify_signature(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> None:
    """Raise SignatureRejectedError unless `body` is signed by one of `secrets` (two during
    a rotation)."""
    signature = header_value(headers, SIGNATURE_HEADER)
    if not signature:
        raise SignatureRejectedError("missing_signature", f"no {SIGNATURE_HEADER} header")
    match = _SIGNATURE.fullmatch(signature)
    if match is None:
        raise SignatureRejectedError("malformed_signature", f"expected {METHOD}=<64 hex digits>")
    if not secrets or not _matches_any(match.group(1).lower(), body, secrets):
        raise SignatureRejectedError("signature_mismatch", "no active secret produces it")


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Look a header up whatever its case: proxies and frameworks lowercase names."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value.strip()
    return None


def _matches_any(hex_digest: str, body: bytes, secrets: Sequence[str]) -> bool:
    # Compare against every secret without stopping early, so timing does not reveal
    # which of the rotating secrets matched.
    presented = f"{METHOD}={hex_digest}".encode()
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(presented, sign(body, secret).encode())
    return matched

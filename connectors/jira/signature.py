"""Jira webhook signatures.

An admin webhook registered with a secret carries `X-Hub-Signature: sha256=<hex>`, the
lowercase hex HMAC-SHA256 of the raw request body keyed with that secret (WebSub's
"method=signature" form; https://developer.atlassian.com/cloud/jira/platform/webhooks/
section "Secure admin webhooks", and for Data Center
https://confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html).
Jira signs no timestamp and no delivery id, so there is no freshness window: replays are
caught by a digest of the signature (a keyed digest of the body) as well as by the delivery
id (X-Atlassian-Webhook-Identifier, see connectors/jira/mapper.py), for as long as intake
remembers deliveries (docs/jira.md, "Replays").
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Final

from connectors.errors import SignatureRejectedError
from connectors.signing import header_value, matches_any

SIGNATURE_HEADER: Final = "X-Hub-Signature"
METHOD: Final = "sha256"

_SIGNATURE: Final = re.compile(r"sha256=([0-9a-fA-F]{64})")


def sign(body: bytes, secret: str) -> str:
    """The X-Hub-Signature value Jira would send for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"{METHOD}={digest}"


def signed_digest(headers: Mapping[str, str]) -> str:
    """A digest of the verified signature, which is a keyed digest of the body: the same for
    a captured request re-sent with a new X-Atlassian-Webhook-Identifier, or with none, and
    no use to anyone guessing the body without the secret."""
    match = _SIGNATURE.fullmatch(header_value(headers, SIGNATURE_HEADER) or "")
    presented = match.group(1).lower() if match else ""  # either case verifies
    return "jira-signed:" + hashlib.sha256(presented.encode()).hexdigest()


def verify_signature(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> None:
    """Raise SignatureRejectedError unless `body` is signed by one of `secrets` (two during
    a rotation)."""
    signature = header_value(headers, SIGNATURE_HEADER)
    if not signature:
        raise SignatureRejectedError("missing_signature", f"no {SIGNATURE_HEADER} header")
    match = _SIGNATURE.fullmatch(signature)
    if match is None:
        raise SignatureRejectedError("malformed_signature", f"expected {METHOD}=<64 hex digits>")
    if not secrets or not matches_any(
        f"{METHOD}={match.group(1).lower()}", secrets, lambda secret: sign(body, secret)
    ):
        raise SignatureRejectedError("signature_mismatch", "no active secret produces it")

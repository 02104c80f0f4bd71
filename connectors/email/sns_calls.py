"""The two calls Plaint makes to SNS: fetching the certificate a message is signed with, and
confirming a subscription. Both go only to SNS hosts (or, for certificates, to the trusted
prefixes the local stack names), checked before any request."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import requests

from connectors.email.sns import MAX_CERTIFICATE_BYTES, check_certificate_url, check_sns_url
from connectors.errors import PayloadInvalidError, SignatureRejectedError
from connectors.http import CONNECT_TIMEOUT, READ_TIMEOUT

TIMEOUTS = (CONNECT_TIMEOUT, READ_TIMEOUT)


@lru_cache(maxsize=16)
def fetch_certificate(url: str, trusted_prefixes: tuple[str, ...] = ()) -> bytes:
    """The PEM at `url`, once per URL for the life of the function."""
    check_certificate_url(url, trusted_prefixes)
    try:
        answer = requests.get(url, timeout=TIMEOUTS, stream=True)
        answer.raise_for_status()
        pem = answer.raw.read(MAX_CERTIFICATE_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise SignatureRejectedError(
            "signature_mismatch", f"signing certificate unavailable: {exc.__class__.__name__}"
        ) from exc
    if len(pem) > MAX_CERTIFICATE_BYTES:
        raise SignatureRejectedError("signature_mismatch", "signing certificate is too large")
    return bytes(pem)


def confirm_subscription(message: Mapping[str, Any]) -> None:
    """Visit the SubscribeURL of a verified SubscriptionConfirmation."""
    url = message.get("SubscribeURL")
    if not isinstance(url, str):
        raise PayloadInvalidError("SubscribeURL: missing")
    check_sns_url(url, "SubscribeURL")
    try:
        requests.get(url, timeout=TIMEOUTS).raise_for_status()
    except requests.RequestException as exc:
        raise PayloadInvalidError(
            f"SubscribeURL did not confirm: {exc.__class__.__name__}"
        ) from exc

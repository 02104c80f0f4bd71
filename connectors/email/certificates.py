"""Fetching the certificates SNS signs with: only from an SNS host (checked before any
request), small, and once per URL for the life of the function."""

from __future__ import annotations

from functools import lru_cache

import requests

from connectors.email.sns import MAX_CERTIFICATE_BYTES, check_certificate_url
from connectors.errors import SignatureRejectedError
from connectors.http import CONNECT_TIMEOUT, READ_TIMEOUT


@lru_cache(maxsize=16)
def fetch_certificate(url: str) -> bytes:
    check_certificate_url(url)
    try:
        answer = requests.get(url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True)
        answer.raise_for_status()
        pem = answer.raw.read(MAX_CERTIFICATE_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise SignatureRejectedError(
            "signature_mismatch", f"signing certificate unavailable: {exc.__class__.__name__}"
        ) from exc
    if len(pem) > MAX_CERTIFICATE_BYTES:
        raise SignatureRejectedError("signature_mismatch", "signing certificate is too large")
    return bytes(pem)

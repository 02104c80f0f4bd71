"""What the helpdesks' webhook signature checks share: reading a header whatever its case,
and matching a presented signature against every active secret in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Look a header up whatever its case: proxies and frameworks lowercase names."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value.strip()
    return None


def matches_any(presented: str, secrets: Sequence[str], expected: Callable[[str], str]) -> bool:
    """Whether `presented` equals `expected(secret)` for one of `secrets`."""
    # Compare against every secret without stopping early, so timing does not reveal
    # which of the rotating secrets matched.
    given = presented.encode()
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(given, expected(secret).encode())
    return matched

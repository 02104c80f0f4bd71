"""Headers a webhook's checks depend on, which a delivery must carry at most once.

Given two copies, servers disagree on which counts: API Gateway keeps the last one in its
`headers` (all are in `multiValueHeaders`), Chalice's local server and many proxies keep the
first. A check that read one copy while a proxy in front logged or routed on the other could
be steered, so a delivery repeating any of these is refused whoever would read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

# The names as the vendors spell them; tests/connectors/test_headers.py keeps them in step
# with the connectors' own constants (not imported, so the webhook's cold start stays small).
SINGLE_HEADERS: Final = (
    "X-Zendesk-Webhook-Signature",
    "X-Zendesk-Webhook-Signature-Timestamp",
    "X-Zendesk-Webhook-Id",
    "X-Zendesk-Webhook-Invocation-Id",
    "X-Hub-Signature",
    "X-Atlassian-Webhook-Identifier",
)
_SINGLE: Final = {name.lower(): name for name in SINGLE_HEADERS}


def repeated_header(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The first of SINGLE_HEADERS that `pairs` (every name and value received, in order,
    names in any case) carries more than once; None when each appears at most once."""
    seen: set[str] = set()
    for name, _ in pairs:
        key = name.lower()
        if key in _SINGLE:
            if key in seen:
                return _SINGLE[key]
            seen.add(key)
    return None


def event_header_pairs(event: dict[str, object]) -> list[tuple[str, str]]:
    """Every header of an API Gateway proxy event, repeats included: from
    `multiValueHeaders` when the event has them (API Gateway's), else from `headers`."""
    multi = event.get("multiValueHeaders")
    if isinstance(multi, dict) and multi:
        return [(str(name), str(value)) for name, values in multi.items() for value in values or ()]
    single = event.get("headers")
    if not isinstance(single, dict):
        return []
    return [(str(name), str(value)) for name, value in single.items()]

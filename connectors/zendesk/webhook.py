"""Zendesk's webhook: a delivery's signature checked on the raw bytes, then its payload read
into the engine's words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from connectors.zendesk.mapper import parse_delivery
from connectors.zendesk.signature import signed_digest, verify_signature
from plaint.model.events import TicketEvent


def read(
    headers: Mapping[str, str], body: bytes, secrets: Sequence[str], now: datetime
) -> TicketEvent:
    verify_signature(headers, body, secrets, now=now)
    event = parse_delivery(headers, body)
    return event.model_copy(update={"signed_digest": signed_digest(headers)})

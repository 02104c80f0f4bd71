"""Jira's webhook: a delivery's signature checked on the raw bytes, then its payload read
into the engine's words, with the custom fields the policy names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from connectors.jira.mapper import parse_delivery
from connectors.jira.signature import signed_digest, verify_signature
from plaint.model.events import TicketEvent
from plaint.policy.intake import JiraFieldMapping


def read(
    headers: Mapping[str, str], body: bytes, secrets: Sequence[str], fields: JiraFieldMapping
) -> TicketEvent:
    verify_signature(headers, body, secrets)
    event = parse_delivery(headers, body, fields)
    return event.model_copy(update={"signed_digest": signed_digest(headers)})

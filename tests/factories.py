"""Builders for engine objects, shared by unit and functional tests."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from plaint.model.events import Channel, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.document import Policy
from plaint.policy.loading import load_policy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICY = ROOT / "policies" / "default.json"
EVENTS = Path(__file__).resolve().parent / "events"


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    return load_policy(DEFAULT_POLICY)


def ticket_event(**overrides: Any) -> TicketEvent:
    created = overrides.pop("created_at", datetime(2025, 3, 4, 10, 0, tzinfo=UTC))
    fields: dict[str, Any] = {
        "source": SourceSystem.ZENDESK,
        "delivery_id": "d-1",
        "ticket_id": "101",
        "kind": TicketEventKind.CREATED,
        "occurred_at": created,
        "created_at": created,
        "channel": Channel.WEB,
        "complainant_ref": "zendesk-user:1",
        "subject": "Question about my order",
        "description": "When will it ship?",
    }
    return TicketEvent(**(fields | overrides))


def decided_pack(name: str, approver: str = "Head of Complaints") -> str:
    """A packaged pack's text with its approver decided, as an admin publishes it (a pack
    leaves the approver "REPLACE: ...", which publication refuses)."""
    text = (ROOT / "policies" / f"{name}.json").read_text("utf-8")
    marked = '"approved_by": "REPLACE: the approver\'s name and role"'
    assert marked in text
    return text.replace(marked, f'"approved_by": "{approver}"')

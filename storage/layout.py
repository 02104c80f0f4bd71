"""What every item layout builds on: the item type, TTLs, and the "is it due?" attributes.
Kept apart from storage.codec so that recording a delivery (storage.deliveries) imports no
complaint, action or policy model."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from storage.instants import sortable

Item = dict[str, Any]

DUE_INDEX = "due"
COMPLAINANT_INDEX = "by_complainant"
COMPLAINT_BUCKET = "COMPLAINT"
ACTION_BUCKET = "ACTION"
DELIVERY_BUCKET = "DELIVERY"


def epoch_seconds(at: datetime) -> int:
    # Rounded up: a TTL must never expire an item before the promised instant.
    return math.ceil(at.timestamp())


def utc_now() -> datetime:
    return datetime.now(UTC)


def live(item: Item | None, now: datetime) -> Item | None:
    """The item, unless its TTL has passed. DynamoDB deletes expired items only within days,
    and reads still return them meanwhile: every read of an item with a TTL goes through
    here."""
    if item is None or "expires_at" not in item:
        return item
    return item if int(item["expires_at"]) > now.timestamp() else None


def complainant_key(complainant_ref: str) -> str:
    return f"COMPLAINANT#{complainant_ref}"


def due_attrs(bucket: str, at: datetime | None) -> Item:
    return {} if at is None else {"due_bucket": bucket, "due_at": sortable(at)}


def cursor_key(name: str) -> Item:
    """A named value: a reconciliation cursor, the active policy, a policy's document."""
    return {"pk": f"CURSOR#{name}", "sk": "CURSOR"}

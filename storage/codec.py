"""Item layout shared by the DynamoDB store and its in-memory twin.

Items here are plain Python values (str, int, Decimal on the way back); the DynamoDB store
adds the wire typing. Keeping the layout and the "is it due?" rules in one place is what lets
both stores behave alike.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from typing import Any

from plaint.model.actions import ActionStatus, OutboundAction
from plaint.model.complaint import Complaint
from plaint.model.events import Delivery, DeliveryStatus, TicketEvent
from plaint.model.publication import PolicyRecord
from storage import search_codec
from storage.instants import sortable as sortable  # noqa: PLC0414 (read from here too)

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


# Deliveries


def delivery_key(key: str) -> Item:
    return {"pk": f"DELIVERY#{key}", "sk": "DELIVERY"}


# Every delivery is also in `deliveries_by_day`, partitioned by the UTC day it arrived and
# a shard of its key (a busy day's writes spread over several partitions), sorted by
# arrival: a what-if reads the deliveries of a period without a scan.
DELIVERIES_INDEX = "deliveries_by_day"
DELIVERY_SHARDS = 4


def delivery_partition(day: str, shard: int) -> str:
    return f"{day}#{shard}"


def delivery_shard(key: str) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % DELIVERY_SHARDS


def delivery_item(delivery: Delivery, keep_until: datetime) -> Item:
    arrived = sortable(delivery.received_at)
    item: Item = {
        **delivery_key(delivery.key),
        "delivered_on": delivery_partition(arrived[:10], delivery_shard(delivery.key)),
        "delivered_key": f"{arrived}#{delivery.key}",
        "source": delivery.source.value,
        "delivery_id": delivery.delivery_id,
        "status": delivery.status.value,
        "received_at": delivery.received_at.isoformat(),
        "event": delivery.event.model_dump_json(),
        "expires_at": epoch_seconds(keep_until),
    }
    if delivery.outcome is not None:
        item["outcome"] = delivery.outcome
    if delivery.status is DeliveryStatus.ACCEPTED:
        item.update(due_attrs(DELIVERY_BUCKET, delivery.received_at))
    return item


def delivery_from_item(item: Item) -> Delivery:
    return Delivery(
        source=item["source"],
        delivery_id=item["delivery_id"],
        received_at=datetime.fromisoformat(item["received_at"]),
        event=TicketEvent.model_validate_json(item["event"]),
        status=item["status"],
        outcome=item.get("outcome"),
    )


# Complaints


def complaint_key(complaint_id: str) -> Item:
    return {"pk": f"COMPLAINT#{complaint_id}", "sk": "STATE"}


def complaint_item(complaint: Complaint) -> Item:
    # Sparse: a pseudonymised complaint leaves the by_complainant index.
    named = complaint.complainant_ref
    return ({"complainant": complainant_key(named)} if named else {}) | {
        **complaint_key(complaint.complaint_id),
        "doc": complaint.model_dump_json(),
        "revision": complaint.revision,
        "source_version": sortable(complaint.source_version),
        "status": complaint.status.value,
        **due_attrs(COMPLAINT_BUCKET, complaint.next_due_at()),
        **search_codec.search_attributes(complaint),
    }


def complaint_from_item(item: Item) -> Complaint:
    return Complaint.model_validate_json(item["doc"])


# Reconciliation cursors


def cursor_key(name: str) -> Item:
    return {"pk": f"CURSOR#{name}", "sk": "CURSOR"}


# Outbound actions


def action_key(action_id: str) -> Item:
    return {"pk": f"ACTION#{action_id}", "sk": "ACTION"}


def action_item(action: OutboundAction) -> Item:
    pending = action.status is ActionStatus.PENDING
    return {
        **action_key(action.action_id),
        "doc": action.model_dump_json(),
        "status": action.status.value,
        "attempts": action.attempts,
        "complaint_id": action.complaint_id,
        **due_attrs(ACTION_BUCKET, action.next_attempt_at if pending else None),
    }


def action_from_item(item: Item) -> OutboundAction:
    return OutboundAction.model_validate_json(item["doc"])


# Sent mail evidence: what SES reported accepting, by the token the message carried.

SENT_MAIL_MEMORY_SECONDS = 30 * 24 * 3600  # retries end within hours; a month is plenty


def sent_mail_key(token: str) -> Item:
    return {"pk": f"SENTMAIL#{token}", "sk": "SENTMAIL"}


def sent_mail_expiry(at: datetime) -> int:
    return epoch_seconds(at) + SENT_MAIL_MEMORY_SECONDS


def sent_mail_instant(item: Item | None, name: str) -> datetime | None:
    """`name` ("sending_at" or "accepted_at") of an evidence item, if it has one."""
    value = None if item is None else item.get(name)
    return None if value is None else datetime.fromisoformat(str(value))


# Policy publication: one record per version ever proposed, in one partition (a handful of
# versions a year), so the history is one query.

POLICY_PARTITION = "POLICIES"


def policy_record_key(version: str) -> Item:
    return {"pk": POLICY_PARTITION, "sk": f"VERSION#{version}"}


def policy_record_item(record: PolicyRecord) -> Item:
    return {
        **policy_record_key(record.version),
        "doc": record.model_dump_json(),
        "revision": record.revision,
    }


def policy_record_from_item(item: Item) -> PolicyRecord:
    return PolicyRecord.model_validate_json(item["doc"])

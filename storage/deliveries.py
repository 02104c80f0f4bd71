"""The layout of a delivery's item: what a webhook writes before it answers."""

from __future__ import annotations

import hashlib
from datetime import datetime

from plaint.model.events import Delivery, DeliveryStatus, TicketEvent
from storage.instants import sortable
from storage.layout import DELIVERY_BUCKET, Item, due_attrs, epoch_seconds


def delivery_key(key: str) -> Item:
    return {"pk": f"DELIVERY#{key}", "sk": "DELIVERY"}


def signed_key(source: str, digest: str) -> Item:
    """Where intake remembers what a delivery's signature covered (TicketEvent.signed_digest):
    the vendor's id is not signed, so this is what catches a captured request re-sent."""
    return {"pk": f"SIGNED#{source}:{digest}", "sk": "SIGNED"}


def signed_item(delivery: Delivery, keep_until: datetime) -> Item | None:
    """The marker remembering the delivery's signed digest, when its connector has one."""
    digest = delivery.event.signed_digest
    if digest is None:
        return None
    return {
        **signed_key(delivery.source.value, digest),
        "delivery_key": delivery.key,
        "expires_at": epoch_seconds(keep_until),
    }


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
        item.update(queued_at(delivery.received_at))
    return item


def queued_at(at: datetime) -> Item:
    """An accepted delivery's place on the `due` index: when it was last queued (first by
    the webhook, on arrival; then by each redrive), so the sweep reads only deliveries
    whose last message is older than its window."""
    return due_attrs(DELIVERY_BUCKET, at)


def queued_before(item: Item, instant: datetime) -> bool:
    """Whether the delivery is still accepted and was last queued before `instant`."""
    return (
        item.get("status") == DeliveryStatus.ACCEPTED.value
        and item.get("due_bucket") == DELIVERY_BUCKET
        and item["due_at"] < sortable(instant)
    )


def delivery_from_item(item: Item) -> Delivery:
    return Delivery(
        source=item["source"],
        delivery_id=item["delivery_id"],
        received_at=datetime.fromisoformat(item["received_at"]),
        event=TicketEvent.model_validate_json(item["event"]),
        status=item["status"],
        outcome=item.get("outcome"),
    )

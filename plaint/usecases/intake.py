"""Accepting a delivery: what the webhook function does before it answers the helpdesk.

Kept apart from the other use cases so that recording a delivery imports only the model
and the ports, not the decisions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from plaint.model.events import Delivery, TicketEvent
from plaint.vocabulary.errors import DuplicateDeliveryError

# Helpdesks retry for up to 72 hours (Zendesk's documented retry window is shorter); keep
# delivery ids for a week so every retry is recognised.
DELIVERY_MEMORY = timedelta(days=7)


class DeliveryInbox(Protocol):
    """The one port accepting needs (every ComplaintStore is one)."""

    def accept_delivery(self, delivery: Delivery, keep_until: datetime) -> None:
        """Record it, or raise DuplicateDeliveryError if it is already remembered."""


def accept(store: DeliveryInbox, event: TicketEvent, now: datetime) -> bool:
    """Record a delivery durably. False when it is a retry of one already accepted."""
    delivery = Delivery(
        source=event.source, delivery_id=event.delivery_id, received_at=now, event=event
    )
    try:
        store.accept_delivery(delivery, keep_until=now + DELIVERY_MEMORY)
    except DuplicateDeliveryError:
        return False
    return True

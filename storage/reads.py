"""The reads both stores share: fetch items through two primitives, decode them one way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from plaint.model.actions import OutboundAction
from plaint.model.complaint import Complaint
from plaint.model.events import Delivery
from storage import codec
from storage.deliveries import delivery_from_item, delivery_key
from storage.layout import (
    ACTION_BUCKET,
    COMPLAINT_BUCKET,
    DELIVERY_BUCKET,
    Item,
    complainant_key,
    live,
)


class DecodedReads:
    """Implements the store's reads on top of `_state_item` and `_due_items`."""

    def _state_item(self, key: Item) -> Item | None:
        raise NotImplementedError

    def _state_items(self, keys: Sequence[Item]) -> list[Item]:
        """The items of those keys that exist, in any order."""
        raise NotImplementedError

    def _due_items(
        self, bucket: str, instant: datetime, limit: int, *, inclusive: bool
    ) -> list[Item]:
        raise NotImplementedError

    def _complainant_items(self, complainant_ref: str) -> list[Item]:
        raise NotImplementedError

    def _now(self) -> datetime:
        raise NotImplementedError

    def get_delivery(self, key: str) -> Delivery | None:
        item = live(self._state_item(delivery_key(key)), self._now())
        return None if item is None else delivery_from_item(item)

    def get_complaint(self, complaint_id: str) -> Complaint | None:
        item = self._state_item(codec.complaint_key(complaint_id))
        return None if item is None else codec.complaint_from_item(item)

    def get_complaints(self, complaint_ids: Sequence[str]) -> list[Complaint]:
        """The records of those complaints that exist, in the order asked, in as few
        requests as the store allows (BatchGetItem reads 100 at a time)."""
        wanted = list(dict.fromkeys(complaint_ids))
        items = self._state_items([codec.complaint_key(c) for c in wanted])
        found = {c.complaint_id: c for c in map(codec.complaint_from_item, items)}
        return [found[c] for c in wanted if c in found]

    def get_action(self, action_id: str) -> OutboundAction | None:
        item = self._state_item(codec.action_key(action_id))
        return None if item is None else codec.action_from_item(item)

    def unprocessed_deliveries(self, older_than: datetime, limit: int) -> Sequence[Delivery]:
        items = self._due_items(DELIVERY_BUCKET, older_than, limit, inclusive=False)
        now = self._now()
        return [delivery_from_item(item) for item in items if live(item, now)]

    def complaints_of(self, complainant_ref: str) -> Sequence[Complaint]:
        """The complaints this complainant made that still name them (by_complainant)."""
        items = self._complainant_items(complainant_key(complainant_ref))
        return [codec.complaint_from_item(item) for item in items]

    def due_complaints(self, now: datetime, limit: int) -> Sequence[Complaint]:
        items = self._due_items(COMPLAINT_BUCKET, now, limit, inclusive=True)
        return [codec.complaint_from_item(item) for item in items]

    def accepted_at(self, token: str) -> datetime | None:
        """When SES reported accepting the message with this token (SentMailEvidence)."""
        return codec.sent_mail_instant(self._sent_mail(token), "accepted_at")

    def sending_noted_at(self, token: str) -> datetime | None:
        return codec.sent_mail_instant(self._sent_mail(token), "sending_at")

    def _sent_mail(self, token: str) -> Item | None:
        return live(self._state_item(codec.sent_mail_key(token)), self._now())

    def due_actions(self, now: datetime, limit: int) -> Sequence[OutboundAction]:
        items = self._due_items(ACTION_BUCKET, now, limit, inclusive=True)
        return [codec.action_from_item(item) for item in items]

"""The state table's read indexes besides `due`, the same way in both stores: complaint
search (storage.search_codec) and deliveries by the day they arrived. Each store supplies
`_read_partition`, the one primitive the compliance log's queries read with too."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

from plaint.model.events import Delivery
from plaint.reporting.search import ComplaintPage, ComplaintQuery
from storage import search_codec as sc
from storage.audit_pages import Plan, day_steps, month_steps, read_page
from storage.codec import sortable
from storage.deliveries import (
    DELIVERIES_INDEX,
    DELIVERY_SHARDS,
    delivery_from_item,
    delivery_partition,
)
from storage.layout import Item, live

DELIVERY_PAGE = 500


def complaint_plan(query: ComplaintQuery, now: datetime) -> Plan:
    """The index a search reads (a pair's when it names one, storage.search_codec), its
    month partitions over the period, and the receipt
    range. Raises QueryInvalidError for a period search does not read."""
    since, until = query.period(now)
    index, value = sc.index_for(query.facets())
    partitions = tuple(sc.partition(value, month) for month in month_steps(since, until))
    return Plan(index.name, index.attribute, sc.SORT, partitions, sortable(since),
                sortable(until), table="state")  # fmt: skip


def delivery_plan(since: datetime, until: datetime) -> Plan:
    partitions = tuple(
        delivery_partition(day, shard)
        for day in day_steps(since, until)
        for shard in range(DELIVERY_SHARDS)
    )
    return Plan(DELIVERIES_INDEX, "delivered_on", "delivered_key", partitions,
                sortable(since), sortable(until), table="state")  # fmt: skip


def _scope(query: ComplaintQuery) -> str:
    """What a cursor of this query is bound to: its conditions."""
    return hashlib.sha256(query.conditions().encode("utf-8")).hexdigest()[:16]


class StateIndexes:
    """Mixed into both stores, after their audit log (whose `_read_partition` serves)."""

    def _read_partition(
        self, plan: Plan, partition: str, start: Item | None, limit: int
    ) -> tuple[list[Item], Item | None]:
        raise NotImplementedError

    def _now(self) -> datetime:
        raise NotImplementedError

    def search_complaints(self, query: ComplaintQuery, now: datetime) -> ComplaintPage:
        """A page of the complaints received in the query's period that meet every
        condition, read through one index (plaint.reporting.search)."""
        rows, cursor, read = read_page(
            self._read_partition, complaint_plan(query, now), query.cursor, query.limit,
            decode=sc.row_from_item, keep=query.matches, scope=_scope(query),
        )  # fmt: skip
        return ComplaintPage(rows=tuple(rows), cursor=cursor, items_read=read)

    def deliveries_between(self, since: datetime, until: datetime) -> Iterator[Delivery]:
        """The deliveries that arrived in [since, until) and are still remembered, day by
        day and shard by shard (in no overall order)."""
        plan = delivery_plan(since, until)
        now = self._now()
        for partition in plan.partitions:
            start: Item | None = None
            while True:
                items, start = self._read_partition(plan, partition, start, DELIVERY_PAGE)
                for item in items:
                    if live(item, now) is not None:
                        yield delivery_from_item(item)
                if start is None:
                    break

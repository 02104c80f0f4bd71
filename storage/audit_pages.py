"""Answering audit queries page by page, the same way in both stores.

A query becomes a plan: the index to read, its partitions in time order (a complaint's
chain; the days of a time range; the months of a facet), and the sort-key range. Each store
supplies one primitive, reading one partition from a start key; paging, filtering and the
cursor live here.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from plaint.auditlog.chain import GENESIS_HASH, chain_of
from plaint.auditlog.query import AuditPage, AuditQuery
from plaint.model.audit import AuditEntry, ChainHead
from plaint.vocabulary.errors import QueryInvalidError
from storage import audit_codec as ac
from storage.codec import sortable
from storage.layout import Item

DEFAULT_SPAN = timedelta(days=366)
TIME_ONLY_SPAN = timedelta(days=31)
# Sorts after '#', the separator that follows the timestamp in `tkey`.
_AFTER = "$"

T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    index: str | None  # None: the table itself (a complaint's chain)
    partition_attribute: str
    sort_attribute: str
    partitions: tuple[str, ...]
    low: str  # exclusive
    high: str  # exclusive
    table: str = "audit"  # or "state": complaint search reads the state table's indexes

    def key_of(self, item: Item) -> Item:
        """The start key that resumes right after `item`."""
        key = {"pk": item["pk"], "sk": item["sk"]}
        if self.index is not None:
            key[self.partition_attribute] = item[self.partition_attribute]
            key[self.sort_attribute] = item[self.sort_attribute]
        return key


def plan(query: AuditQuery, now: datetime) -> Plan:
    until = query.until or now
    facet = query.facet()
    if facet is not None and facet[0] == "complaint_id":
        chain = chain_of(query.ledger, facet[1])
        return Plan(None, "pk", "sk", (ac.chain_pk(chain),), "SEQ#", "SEQ#~")
    low = sortable(query.since) + _AFTER if query.since else ""
    high = sortable(until) + "#"
    if facet is None:
        since = query.since or until - TIME_ONLY_SPAN
        days = day_steps(since, until)
        partitions = tuple(ac.day_partition(query.ledger, d) for d in days)
        return Plan(ac.TIME_INDEX, "tpart", "tkey", partitions, low, high)
    name, value = facet
    spec = ac.FACETS[name]
    months = month_steps(query.since or until - DEFAULT_SPAN, until)
    partitions = tuple(ac.month_partition(query.ledger, value, m) for m in months)
    return Plan(spec.index, spec.attribute, "tkey", partitions, low, high)


def day_steps(since: datetime, until: datetime) -> list[str]:
    """The UTC days from `since` to `until`, inclusive, as in the partition keys."""
    last, day, steps = sortable(until)[:10], since, []
    while sortable(day)[:10] <= last:
        steps.append(sortable(day)[:10])
        day += timedelta(days=1)
    return steps


def month_steps(since: datetime, until: datetime) -> list[str]:
    first, last = sortable(since), sortable(until)[:7]
    year, month = int(first[:4]), int(first[5:7])
    steps = []
    while f"{year:04d}-{month:02d}" <= last:
        steps.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return steps


def encode_cursor(partition: int, key: Item, scope: str = "") -> str:
    """`scope` names the query a cursor belongs to, when cursors must not cross queries."""
    document: Item = {"p": partition, "k": key} | ({"q": scope} if scope else {})
    raw = json.dumps(document, sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, scope: str = "") -> tuple[int, Item | None]:
    if not cursor:
        return 0, None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
        position = int(document["p"]), dict(document["k"])
        asked = document.get("q", "")
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise QueryInvalidError("cursor: not one this log handed out") from exc
    if asked != scope:
        raise QueryInvalidError("cursor: handed out for another query; start again without it")
    return position


class PartitionReader(Protocol):
    def __call__(
        self, plan: Plan, partition: str, start: Item | None, limit: int
    ) -> tuple[list[Item], Item | None]: ...


def read_page(
    read: PartitionReader,
    the_plan: Plan,
    cursor: str | None,
    limit: int,
    *,
    decode: Callable[[Item], T],
    keep: Callable[[T], bool],
    scope: str = "",
) -> tuple[list[T], str | None, int]:
    """Up to `limit` decoded items that `keep` accepts, partition after partition from the
    cursor: (found, the cursor to go on from or None at the end, items read)."""
    partitions = the_plan.partitions
    index, start = decode_cursor(cursor, scope)
    found: list[T] = []
    read_count = 0
    while index < len(partitions):
        # Ask for no more than is still missing, so nothing is read only to be dropped.
        items, after = read(the_plan, partitions[index], start, limit - len(found))
        for position, item in enumerate(items):
            read_count += 1
            decoded = decode(item)
            if keep(decoded):
                found.append(decoded)
            if len(found) == limit:
                more = position < len(items) - 1 or after is not None
                more = more or index < len(partitions) - 1
                next_cursor = encode_cursor(index, the_plan.key_of(item), scope) if more else None
                return found, next_cursor, read_count
        index, start = (index, after) if after is not None else (index + 1, None)
    return found, None, read_count


class AuditPages:
    """Mixed into both stores: `query_audit` on top of `_read_partition`, and a chain's head
    and whole history on top of `_audit_item` and `audit_entries`."""

    def _audit_item(self, key: Item) -> Item | None:
        raise NotImplementedError

    def audit_entries(
        self, chain: str, after_seq: int = 0, limit: int = 100
    ) -> Sequence[AuditEntry]:
        raise NotImplementedError

    def chain_head(self, chain: str) -> ChainHead:
        item = self._audit_item(ac.head_key(chain))
        if item is None:
            return ChainHead(chain=chain, seq=0, hash=GENESIS_HASH)
        return ac.head_from_item(chain, item)

    def complaint_entries(self, ledger: str, complaint_id: str) -> list[AuditEntry]:
        return list(self.audit_entries(chain_of(ledger, complaint_id), limit=ac.LAST_SEQ))

    def _read_partition(
        self, plan: Plan, partition: str, start: Item | None, limit: int
    ) -> tuple[list[Item], Item | None]:
        """Up to `limit` items of one partition in sort order, after `start`; and the key
        to continue from, None when the partition is exhausted."""
        raise NotImplementedError

    def query_audit(self, query: AuditQuery, now: datetime) -> AuditPage:
        entries, cursor, read = read_page(
            self._read_partition, plan(query, now), query.cursor, query.limit,
            decode=ac.entry_from_item, keep=query.matches,
        )  # fmt: skip
        return AuditPage(entries=tuple(entries), cursor=cursor, items_read=read)

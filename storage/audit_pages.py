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
from datetime import UTC, datetime, timedelta
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
# Bounds on one query, so no request reads without end (docs/audit.md#queries): a range
# read day by day (no facet) or month by month (a facet), the dates the log can hold, and
# the partitions one page reads before it hands back a cursor.
MAX_TIME_SPAN = timedelta(days=366)
MAX_FACET_SPAN = timedelta(days=3653)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)
MAX_PARTITIONS_PER_PAGE = 31
MAX_KEY_CHARS = 1024  # DynamoDB's limit on a sort key, in bytes; no key we write is longer
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

    def holds(self, index: int, key: Item) -> bool:
        """Whether `key` is a start key this plan could have handed out in its `index`-th
        partition: the key's attributes, as text, inside that partition and the range."""
        names = {"pk", "sk"} | (
            {self.partition_attribute, self.sort_attribute} if self.index is not None else set()
        )
        if set(key) != names:
            return False
        if not all(isinstance(v, str) and 0 < len(v) <= MAX_KEY_CHARS for v in key.values()):
            return False
        partition, position = str(key[self.partition_attribute]), str(key[self.sort_attribute])
        return partition == self.partitions[index] and (self.low or " ") <= position <= self.high


def plan(query: AuditQuery, now: datetime) -> Plan:
    """Raises QueryInvalidError, with the limit, for a range beyond the bounds above."""
    until = query.until or now
    facet = query.facet()
    if facet is not None and facet[0] == "complaint_id":
        chain = chain_of(query.ledger, facet[1])
        return Plan(None, "pk", "sk", (ac.chain_pk(chain),), "SEQ#", "SEQ#~")
    _check_range(query.since, until, MAX_TIME_SPAN if facet is None else MAX_FACET_SPAN)
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


def _check_range(since: datetime | None, until: datetime, longest: timedelta) -> None:
    for name, value in (("since", since), ("until", until)):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise QueryInvalidError(
                f"{name}: the log holds entries from {EARLIEST.year} to {LATEST.year - 1} only"
            )
    if since is not None and until - since > longest:
        raise QueryInvalidError(
            f"since: a range of {(until - since).days} days; a query "
            f"{'by time alone' if longest == MAX_TIME_SPAN else 'by a facet'} reads at most "
            f"{longest.days} days: ask for a shorter one"
        )


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


def encode_cursor(partition: int, key: Item | None, scope: str = "") -> str:
    """Resume after `key` in the partition, or at its start (None: where a page stopped
    reading). `scope` names the query a cursor belongs to, when cursors must not cross
    queries."""
    document: Item = {"p": partition, "k": key} | ({"q": scope} if scope else {})
    raw = json.dumps(document, sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, scope: str = "") -> tuple[int, Item | None]:
    """(partition, start key or None); QueryInvalidError for anything else. A forged cursor
    must not reach the store: read_page also checks the key against its plan."""
    if not cursor:
        return 0, None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
        partition, key, asked = document["p"], document["k"], document.get("q", "")
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QueryInvalidError("cursor: not one this log handed out") from exc
    if type(partition) is not int or not (key is None or isinstance(key, dict)):
        raise QueryInvalidError("cursor: not one this log handed out")
    if asked != scope:
        raise QueryInvalidError("cursor: handed out for another query; start again without it")
    return partition, key


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
    cursor: (found, the cursor to go on from or None at the end, items read). A page reads
    at most MAX_PARTITIONS_PER_PAGE times, so a long range of empty days costs pages, each
    bounded, rather than one request without end."""
    partitions = the_plan.partitions
    index, start = decode_cursor(cursor, scope)
    if cursor and not (
        0 <= index < len(partitions) and (start is None or the_plan.holds(index, start))
    ):
        raise QueryInvalidError("cursor: not one this log handed out for this query")
    found: list[T] = []
    read_count = 0
    reads = 0
    while index < len(partitions):
        if reads == MAX_PARTITIONS_PER_PAGE:
            return found, encode_cursor(index, start, scope), read_count
        reads += 1
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

"""The complaint search indexes of the state table, shared by both stores.

A complaint record (not a ticket judged not to be one) carries, besides its document:

- `row`: its search row (plaint.reporting.search.ComplaintRow) as JSON, the one attribute the
  indexes project besides their keys, so a page of results never reads a complaint's
  document;
- `s_received`: `<received, fixed-width UTC>#<complaint id>`, the sort key of every index;
- `s_month`: the month of receipt, the partition of `complaints_by_month`;
- one partition attribute per facet, `<value>#<month of receipt>`: `s_category`,
  `s_jurisdiction`, `s_regime`, `s_channel`, `s_clock_status`; and `s_late`, `s_referred`
  only when true (sparse);
- one partition attribute per common pair of facets (`PAIRS`), `["<value>","<value>"]#<month
  of receipt>`, e.g. `s_category_clock_status`, present only when the record has both (so
  the pairs with `late` or `referred` are sparse too). A search naming both facets of a pair
  reads that pair's index with a key condition, and so reads only what it shows.

DynamoDB holds 20 indexes on a table by default: the state table has 11 without the pairs
and the 8 pairs below, one to spare. Other combinations read by the most selective facet
they name, and the conditions left are applied after reading (and counted).

They are computed from the record by `search_attributes`, in the same item the decision
writes, so an index never lags the decision that changed a facet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from plaint.model.complaint import Complaint
from plaint.reporting.search import ComplaintRow, searchable
from storage.instants import sortable

Item = dict[str, Any]

ROW: Final = "row"
SORT: Final = "s_received"


@dataclass(frozen=True)
class SearchIndex:
    name: str
    attribute: str


BY_MONTH: Final = SearchIndex("complaints_by_month", "s_month")
FACETS: Final = {
    name: SearchIndex(f"complaints_by_{name}", f"s_{name}")
    for name in ("category", "jurisdiction", "regime", "channel", "clock_status", "late",
                 "referred")
}  # fmt: skip


# Most useful first: a query naming two pairs reads by the first. `late` pairs first, since
# `late` is sparse; regime decides jurisdiction, so they make no pair.
PAIRS: Final = {
    pair: SearchIndex(f"complaints_by_{pair[0]}_and_{pair[1]}", f"s_{pair[0]}_{pair[1]}")
    for pair in (
        ("category", "late"),
        ("jurisdiction", "late"),
        ("regime", "late"),
        ("category", "clock_status"),
        ("jurisdiction", "clock_status"),
        ("regime", "clock_status"),
        ("category", "jurisdiction"),
        ("regime", "channel"),
    )
}


def pair_value(first: str, second: str) -> str:
    """Two facets' values as one partition key, unambiguous whatever the values hold."""
    return json.dumps([first, second], ensure_ascii=False, separators=(",", ":"))


def index_for(named: tuple[tuple[str, str], ...]) -> tuple[SearchIndex, str | None]:
    """The index that answers most of a query's facets (as ComplaintQuery.facets() names
    them), and the value it is read by; `by_month` and None when it names none."""
    values = dict(named)
    for (first, second), index in PAIRS.items():
        if first in values and second in values:
            return index, pair_value(values[first], values[second])
    if not named:
        return BY_MONTH, None
    name, value = named[0]
    return FACETS[name], value


def partition(value: str | None, month: str) -> str:
    """A facet's partition for one month of receipt; the month alone for `by_month`."""
    return month if value is None else f"{value}#{month}"


def facet_values(row: ComplaintRow) -> dict[str, str | None]:
    """Each facet's value as its index holds it (as ComplaintQuery.facet() names it)."""
    return {
        "category": row.category,
        "jurisdiction": row.jurisdiction,
        "regime": row.regime,
        "channel": row.channel.value,
        "clock_status": row.clock_status.value if row.clock_status else None,
        "late": "true" if row.late else None,
        "referred": "true" if row.referred else None,
    }


def search_attributes(complaint: Complaint) -> Item:
    if not searchable(complaint):
        return {}
    row = ComplaintRow.of(complaint)
    received = sortable(row.received_at)
    month = received[:7]
    item: Item = {
        ROW: row.model_dump_json(),
        SORT: f"{received}#{row.complaint_id}",
        BY_MONTH.attribute: month,
    }
    values = facet_values(row)
    for name, value in values.items():
        if value is not None:
            item[FACETS[name].attribute] = partition(value, month)
    for (first, second), index in PAIRS.items():
        one, other = values[first], values[second]
        if one is not None and other is not None:
            item[index.attribute] = partition(pair_value(one, other), month)
    return item


def row_from_item(item: Item) -> ComplaintRow:
    return ComplaintRow.model_validate_json(item[ROW])

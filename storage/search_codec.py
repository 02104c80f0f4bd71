"""The complaint search indexes of the state table, shared by both stores.

A complaint record (not a ticket judged not to be one) carries, besides its document:

- `row`: its search row (plaint.reporting.search.ComplaintRow) as JSON, the one attribute the
  indexes project besides their keys, so a page of results never reads a complaint's
  document;
- `s_received`: `<received, fixed-width UTC>#<complaint id>`, the sort key of every index;
- `s_month`: the month of receipt, the partition of `complaints_by_month`;
- one partition attribute per facet, `<value>#<month of receipt>`: `s_category`,
  `s_jurisdiction`, `s_regime`, `s_channel`, `s_clock_status`; and `s_late`, `s_referred`
  only when true (sparse).

They are computed from the record by `search_attributes`, in the same item the decision
writes, so an index never lags the decision that changed a facet.
"""

from __future__ import annotations

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
    for name, value in facet_values(row).items():
        if value is not None:
            item[FACETS[name].attribute] = partition(value, month)
    return item


def row_from_item(item: Item) -> ComplaintRow:
    return ComplaintRow.model_validate_json(item[ROW])

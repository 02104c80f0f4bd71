"""What an auditor can ask the compliance log, and what a page of answers looks like.

One query names at most one indexed facet (complaint, kind, category, jurisdiction, clock
status or policy version) and a time range; the store answers it from that facet's index,
month by month, so it reads only the entries it returns. Further conditions are applied
after reading and are counted in `items_read`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from plaint.model.audit import AuditEntry, ClockStanding
from plaint.vocabulary.base import AwareDatetime, Frozen

MAX_PAGE = 1000


INDEXED = ("complaint_id", "kind", "category", "jurisdiction", "clock_status", "policy_version")


class AuditQuery(Frozen):
    ledger: str = "main"
    complaint_id: str | None = None
    kind: str | None = None
    category: str | None = None
    jurisdiction: str | None = None
    clock_status: ClockStanding | None = None
    policy_version: str | None = None
    since: AwareDatetime | None = Field(default=None, description="Inclusive.")
    until: AwareDatetime | None = Field(default=None, description="Exclusive.")
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    cursor: str | None = None

    @model_validator(mode="after")
    def _range(self) -> AuditQuery:
        if self.since and self.until and self.until <= self.since:
            raise ValueError("until must be after since")
        return self

    def facet(self) -> tuple[str, str] | None:
        """The indexed facet this query reads by: the first one it names."""
        for name in INDEXED:
            value = getattr(self, name)
            if value is not None:
                return name, str(value)
        return None

    def matches(self, entry: AuditEntry) -> bool:
        """Every condition, for the facets read after the index."""
        values = {
            "complaint_id": entry.complaint_id,
            "kind": entry.kind,
            "category": entry.facets.category,
            "jurisdiction": entry.facets.jurisdiction,
            "clock_status": entry.facets.clock_status,
            "policy_version": entry.policy_version,
        }
        wanted = {name: getattr(self, name) for name in INDEXED}
        return all(w is None or values[n] == w for n, w in wanted.items()) and self.in_range(
            entry.at
        )

    def in_range(self, at: datetime) -> bool:
        return (self.since is None or at >= self.since) and (self.until is None or at < self.until)


class AuditPage(Frozen):
    entries: tuple[AuditEntry, ...]
    cursor: str | None = Field(description="Pass back for the next page; None at the end.")
    items_read: int

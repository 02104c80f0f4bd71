"""What the portal needs from the rest of Plaint, as small Protocols. `portal.app.build`
chooses the adapters; tests hand in the same ones over moto."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from pydantic import Field

from plaint.model.complaint import Complaint
from plaint.usecases.ports import AuditLog
from plaint.vocabulary.base import AwareDatetime, Frozen


class Records(AuditLog, Protocol):
    """The store as the portal reads it: the log, complaints and published policies."""

    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def active_policy(self) -> tuple[str, str] | None: ...

    def policy_document(self, version: str) -> str | None: ...

    # The primitives policy publication is built on (portal.publication): conditional
    # writes of named values beside the published documents. Nothing here writes the log.
    def get_cursor(self, name: str) -> str | None: ...

    def put_cursor(self, name: str, value: str, expected: str | None) -> None: ...

    def publish_policy(self, version: str, document: str, expected_active: str | None) -> None: ...


class SearchFilters(Frozen):
    """A complaints search, as the search page's form asks it."""

    since: AwareDatetime
    until: AwareDatetime
    category: str | None = None
    jurisdiction: str | None = None
    regime: str | None = None
    channel: str | None = None
    clock_status: str | None = None
    late: bool | None = None
    referred: bool | None = None
    cursor: str | None = None
    limit: int = Field(default=50, ge=1, le=200)


class ComplaintRow(Frozen):
    """One complaint in a list of results: what the index carries, no more."""

    complaint_id: str
    received_at: AwareDatetime
    category: str | None = None
    jurisdiction: str | None = None
    regime: str | None = None
    channel: str | None = None
    language: str | None = None
    status: str | None = None
    late: bool | None = None
    referred: bool | None = None


class SearchPage(Frozen):
    rows: tuple[ComplaintRow, ...]
    cursor: str | None
    items_read: int


class ComplaintSearch(Protocol):
    def search(self, filters: SearchFilters, now: datetime) -> SearchPage:
        """One page of complaints received in the period that match every filter, read
        through indexes. Raises SearchRefusedError for a search that would scan."""


Progress = Callable[[int, int], None]

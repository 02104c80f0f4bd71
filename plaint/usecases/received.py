"""The complaints received in a period, as the management report counts them: found
through the compliance log's kind index (complaint.received entries), their records read
a page at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from plaint.auditlog.query import AuditQuery
from plaint.model.audit import AuditKind
from plaint.model.complaint import Complaint
from plaint.usecases.ports import AuditLog

PAGE = 1000


class ReceivedRecords(AuditLog, Protocol):
    def get_complaints(self, complaint_ids: Sequence[str]) -> list[Complaint]: ...


def received(
    records: ReceivedRecords,
    ledger: str,
    since: datetime,
    until: datetime,
    *,
    jurisdiction: str | None,
    now: datetime,
) -> Iterator[Complaint]:
    seen: set[str] = set()
    cursor = None
    while True:
        query = AuditQuery(
            ledger=ledger,
            kind=AuditKind.COMPLAINT_RECEIVED,
            jurisdiction=jurisdiction,
            since=since,
            until=until,
            limit=PAGE,
            cursor=cursor,
        )
        page = records.query_audit(query, now)
        new = [
            e.complaint_id for e in page.entries if e.complaint_id and e.complaint_id not in seen
        ]
        seen.update(new)
        yield from records.get_complaints(new)
        cursor = page.cursor
        if cursor is None:
            return

"""The complaints received in a period, as the management report counts them: found
through the compliance log's kind index (complaint.received entries), read one by one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from plaint.auditlog.query import AuditQuery
from plaint.model.audit import AuditKind
from plaint.model.complaint import Complaint
from plaint.usecases.ports import AuditLog

PAGE = 1000


class ReceivedRecords(AuditLog, Protocol):
    def get_complaint(self, complaint_id: str) -> Complaint | None: ...


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
        for entry in page.entries:
            if entry.complaint_id and entry.complaint_id not in seen:
                seen.add(entry.complaint_id)
                complaint = records.get_complaint(entry.complaint_id)
                if complaint is not None:
                    yield complaint
        cursor = page.cursor
        if cursor is None:
            return

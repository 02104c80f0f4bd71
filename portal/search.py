"""Complaints search through the compliance log's indexes, until the state table's own
complaint index is there.

Every complaint has one `complaint.received` entry, dated at receipt and carrying its
category and jurisdiction; the log's kind index, read month by month over the period, lists
them without a scan. Filters the entry carries (category, jurisdiction) are applied as it is
read; filters only the complaint record answers (regime, channel, clock status, late,
referred) read that record too, and count it in `items_read`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from plaint.auditlog.query import AuditQuery
from plaint.model.audit import AuditEntry, AuditKind
from plaint.model.complaint import ClockStatus, Complaint
from plaint.vocabulary.errors import PlaintError, QueryInvalidError
from portal.ports import ComplaintRow, Records, SearchFilters, SearchPage

LONGEST_PERIOD = timedelta(days=400)
_RECORD_FILTERS = ("regime", "channel", "clock_status", "late", "referred")


class SearchRefusedError(PlaintError):
    """A search the portal will not run: it would read far more than it shows."""


def refuse_scans(filters: SearchFilters) -> None:
    if filters.until <= filters.since:
        raise SearchRefusedError("the period ends before it starts")
    if filters.until - filters.since > LONGEST_PERIOD:
        raise SearchRefusedError(
            "a period longer than 400 days would read the whole index; choose a shorter one"
        )


class LogIndexSearch:
    def __init__(self, records: Records, ledger: str) -> None:
        self._records = records
        self._ledger = ledger

    def search(self, filters: SearchFilters, now: datetime) -> SearchPage:
        refuse_scans(filters)
        query = AuditQuery(
            ledger=self._ledger,
            kind=AuditKind.COMPLAINT_RECEIVED,
            category=filters.category,
            jurisdiction=filters.jurisdiction,
            since=filters.since,
            until=filters.until,
            limit=filters.limit,
            cursor=filters.cursor,
        )
        try:
            page = self._records.query_audit(query, now)
        except QueryInvalidError as exc:
            raise SearchRefusedError(str(exc)) from exc
        needs_record = any(getattr(filters, name) is not None for name in _RECORD_FILTERS)
        rows: list[ComplaintRow] = []
        read = page.items_read
        for entry in page.entries:
            if not needs_record:
                rows.append(_row_of_entry(entry))
                continue
            complaint = self._records.get_complaint(entry.complaint_id or "")
            read += 1
            if complaint is not None and _matches(complaint, filters, now):
                rows.append(_row_of_complaint(complaint, entry, now))
        return SearchPage(rows=tuple(rows), cursor=page.cursor, items_read=read)


def _row_of_entry(entry: AuditEntry) -> ComplaintRow:
    return ComplaintRow(
        complaint_id=entry.complaint_id or "",
        received_at=entry.at,
        category=entry.facets.category,
        jurisdiction=entry.facets.jurisdiction,
        language=entry.detail.get("language"),
    )


def is_late(complaint: Complaint, now: datetime) -> bool:
    breached = any(c.status is ClockStatus.BREACHED for c in complaint.clocks)
    overdue = any(
        c.status.is_open and c.due_at is not None and c.due_at < now for c in complaint.clocks
    )
    return complaint.acknowledgement_overdue or breached or overdue


def _row_of_complaint(complaint: Complaint, entry: AuditEntry, now: datetime) -> ComplaintRow:
    return ComplaintRow(
        complaint_id=complaint.complaint_id,
        received_at=complaint.received_at,
        category=complaint.assessment.category,
        jurisdiction=entry.facets.jurisdiction,
        regime=complaint.regime,
        channel=complaint.channel,
        language=complaint.language,
        status=complaint.status,
        late=is_late(complaint, now),
        referred=bool(complaint.referrals),
    )


def _matches(complaint: Complaint, filters: SearchFilters, now: datetime) -> bool:
    statuses = {c.status.value for c in complaint.clocks}
    checks = (
        filters.regime is None or complaint.regime == filters.regime,
        filters.channel is None or complaint.channel.value == filters.channel,
        filters.clock_status is None or filters.clock_status in statuses,
        filters.referred is None or bool(complaint.referrals) == filters.referred,
    )
    late_ok = filters.late is None or is_late(complaint, now) == filters.late
    return all(checks) and late_ok

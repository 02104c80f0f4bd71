"""The ISO 10002 management report for a period and a jurisdiction, as the report page and
its downloads build it: the complaints received in the period, found through the log's
kind index and read one by one, then `plaint.reporting`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from plaint.auditlog.query import AuditQuery
from plaint.model.audit import AuditKind
from plaint.model.complaint import Complaint
from plaint.reporting.figures import BucketSize, ComplaintReport, ReportPeriod
from plaint.reporting.report import build_report
from portal.ports import Records

PAGE = 1000


def received(
    records: Records,
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


def management_report(
    records: Records,
    ledger: str,
    since: datetime,
    until: datetime,
    *,
    jurisdiction: str | None,
    bucket: BucketSize,
    time_zone: str,
    jurisdiction_of: Mapping[str, str],
    now: datetime,
) -> ComplaintReport:
    """Raises ReportRequestError (or ValueError) when the report cannot be made as asked."""
    return build_report(
        received(records, ledger, since, until, jurisdiction=jurisdiction, now=now),
        ReportPeriod(start=since, end=until),
        bucket_size=bucket,
        time_zone=time_zone,
        as_of=now,
        jurisdiction_of=jurisdiction_of,
    )

"""The ISO 10002 management report for a period and a jurisdiction, as the report page and
its downloads build it: the complaints received in the period, found through the log's
kind index and read a hundred at a time, then `plaint.reporting`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from plaint.policy.surveys import Scale
from plaint.reporting.figures import BucketSize, ComplaintReport, ReportPeriod
from plaint.reporting.report import build_report
from plaint.usecases.received import received
from portal.ports import Records


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
    survey_scale: Scale | None = None,
) -> ComplaintReport:
    """Raises ReportRequestError (or ValueError) when the report cannot be made as asked."""
    return build_report(
        received(records, ledger, since, until, jurisdiction=jurisdiction, now=now),
        ReportPeriod(start=since, end=until),
        bucket_size=bucket,
        time_zone=time_zone,
        as_of=now,
        jurisdiction_of=jurisdiction_of,
        survey_scale=survey_scale,
    )

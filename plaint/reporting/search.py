"""Complaint search: what an auditor can ask of the complaint records, and what a page of
answers looks like.

Every complaint record carries its search row: what it is found by (received, category,
jurisdiction, regime, channel, clock status, late, referred) and a little more to list it
by. The store keeps the row in the same write as each decision, one index per facet and
one per common pair of facets (storage.search_codec.PAIRS), partitioned by the month of
receipt and sorted by receipt. One query names the period and reads through one index,
month by month, so it reads only the complaints it returns; conditions the index does not
hold are applied after reading and counted in `items_read`, as the compliance log's queries
do (plaint.auditlog.query).

Tickets judged not to be complaints carry no row: they are in no search index.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field, model_validator

from plaint.model.complaint import ClockStatus, Complaint, ComplaintStatus, Severity
from plaint.model.events import Channel, SourceSystem
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.errors import QueryInvalidError

MAX_PAGE = 1000
DEFAULT_SPAN = timedelta(days=366)
# Ten years of month partitions: a longer period is refused rather than read.
LONGEST_SPAN = timedelta(days=3653)

# The facets an index answers, the most selective first: a query reads by the first it
# names. `late` and `referred` are indexed only when true (their indexes are sparse);
# false is a condition applied after reading.
INDEXED = ("referred", "late", "clock_status", "regime", "jurisdiction", "category", "channel")

# The clock status a record is found by: its most pressing clock, the acknowledgement
# counted as one (owed: running; overdue: breached; sent: met).
PRESSING = (
    ClockStatus.BREACHED,
    ClockStatus.RUNNING,
    ClockStatus.PAUSED,
    ClockStatus.WAITING,
    ClockStatus.MET,
    ClockStatus.LAPSED,
    ClockStatus.DISCHARGED,
)


class ComplaintRow(Frozen):
    """One complaint as search lists it: its facets and what identifies it, no personal
    values (no complainant, no subject)."""

    complaint_id: str
    source: SourceSystem
    ticket_id: str
    received_at: AwareDatetime
    status: ComplaintStatus
    category: str
    severity: Severity
    regime: str | None = None
    jurisdiction: str | None = None
    channel: Channel
    language: str
    clock_status: ClockStatus | None = None
    late: bool = False
    referred: bool = False
    next_deadline: AwareDatetime | None = Field(
        default=None, description="The earliest deadline of a clock still running."
    )

    @classmethod
    def of(cls, complaint: Complaint) -> ComplaintRow:
        return cls(
            complaint_id=complaint.complaint_id,
            source=complaint.source,
            ticket_id=complaint.ticket_id,
            received_at=complaint.received_at,
            status=complaint.status,
            category=complaint.assessment.category,
            severity=complaint.assessment.severity,
            regime=complaint.regime,
            jurisdiction=complaint.jurisdiction,
            channel=complaint.channel,
            language=complaint.language,
            clock_status=clock_status(complaint),
            late=is_late(complaint),
            referred=is_referred(complaint),
            next_deadline=next_deadline(complaint),
        )


def searchable(complaint: Complaint) -> bool:
    """Whether the record belongs in the search indexes."""
    return complaint.status is not ComplaintStatus.NOT_A_COMPLAINT


def clock_status(complaint: Complaint) -> ClockStatus | None:
    statuses = {clock.status for clock in complaint.clocks}
    if complaint.acknowledgement_due_at is not None:
        statuses.add(_acknowledgement_status(complaint))
    return next((status for status in PRESSING if status in statuses), None)


def _acknowledgement_status(complaint: Complaint) -> ClockStatus:
    if complaint.acknowledgement_overdue:
        return ClockStatus.BREACHED
    if complaint.acknowledged_at is not None:
        return ClockStatus.MET
    return ClockStatus.RUNNING


def is_late(complaint: Complaint) -> bool:
    """A deadline was missed: the acknowledgement recorded overdue or sent after its
    deadline, or a clock breached."""
    due, sent = complaint.acknowledgement_due_at, complaint.acknowledged_at
    acknowledged_late = due is not None and sent is not None and sent > due
    breached = any(clock.status is ClockStatus.BREACHED for clock in complaint.clocks)
    return complaint.acknowledgement_overdue or acknowledged_late or breached


def is_referred(complaint: Complaint) -> bool:
    """A dispute-resolution provider had the complaint (ISO 10003), not only offered."""
    return any(r.referred_at or r.acknowledged_at for r in complaint.referrals)


def next_deadline(complaint: Complaint) -> datetime | None:
    running = [c.due_at for c in complaint.clocks if c.status.is_open and c.due_at is not None]
    return min(running, default=None)


class ComplaintQuery(Frozen):
    since: AwareDatetime | None = Field(default=None, description="Received at or after.")
    until: AwareDatetime | None = Field(default=None, description="Received before.")
    category: str | None = None
    jurisdiction: str | None = None
    regime: str | None = None
    channel: Channel | None = None
    clock_status: ClockStatus | None = None
    late: bool | None = None
    referred: bool | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = None

    @model_validator(mode="after")
    def _range(self) -> ComplaintQuery:
        if self.since and self.until and self.until <= self.since:
            raise ValueError("until must be after since")
        return self

    def period(self, now: datetime) -> tuple[datetime, datetime]:
        """[since, until): the last year up to now when not given. A period longer than the
        indexes answer month by month is refused."""
        until = self.until or now
        since = self.since or until - DEFAULT_SPAN
        if until <= since:
            raise QueryInvalidError("the period ends before it starts")
        if until - since > LONGEST_SPAN:
            raise QueryInvalidError(
                f"a period of {(until - since).days} days is longer than search reads "
                f"({LONGEST_SPAN.days} days); ask for a shorter one"
            )
        return since, until

    def facet(self) -> tuple[str, str] | None:
        """The most selective indexed facet this query names, and its value as the index
        holds it."""
        named = self.facets()
        return named[0] if named else None

    def facets(self) -> tuple[tuple[str, str], ...]:
        """Every indexed facet this query names, most selective first, with its value as
        the indexes hold it; the store reads by the pair or the one that answers most."""
        named: list[tuple[str, str]] = []
        for name in INDEXED:
            value = getattr(self, name)
            if name in ("late", "referred"):
                if value is True:
                    named.append((name, "true"))
            elif value is not None:
                named.append((name, str(value)))
        return tuple(named)

    def conditions(self) -> str:
        """The query's conditions, without its paging: what a cursor belongs to."""
        return self.model_dump_json(exclude={"limit", "cursor"})

    def matches(self, row: ComplaintRow) -> bool:
        """Every condition, for those read after the index."""
        wanted = {name: getattr(self, name) for name in INDEXED}
        in_period = (self.since is None or row.received_at >= self.since) and (
            self.until is None or row.received_at < self.until
        )
        return in_period and all(
            value is None or getattr(row, name) == value for name, value in wanted.items()
        )


class ComplaintPage(Frozen):
    rows: tuple[ComplaintRow, ...]
    cursor: str | None = Field(description="Pass back for the next page; None at the end.")
    items_read: int

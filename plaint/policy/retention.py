"""What the admin decides about keeping complaint records: retention classes by
jurisdiction, category and outcome, the grace before disposal, who may set legal holds, and
how soon an erasure request is answered."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from plaint.vocabulary.base import Frozen
from plaint.vocabulary.terms import (
    Duration,
    DurationUnit,
    Identifier,
    RetentionOutcome,
    TicketDisposal,
)

CALENDAR_UNITS = frozenset(
    {DurationUnit.CALENDAR_DAYS, DurationUnit.WEEKS, DurationUnit.MONTHS, DurationUnit.YEARS}
)


def calendar_period(value: Duration) -> Duration:
    if value.unit not in CALENDAR_UNITS:
        raise ValueError("count record-keeping periods in calendar days, weeks, months or years")
    return value


class RetentionClass(Frozen):
    """How long a closed complaint's record is kept, for the complaints it matches. An empty
    condition matches everything."""

    id: Identifier
    keep_for: Duration = Field(description="From closure; calendar days, weeks, months or years.")
    jurisdictions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    outcomes: tuple[RetentionOutcome, ...] = ()
    ticket: TicketDisposal = TicketDisposal.KEEP
    source: str = Field(min_length=1, description="The law or rule that sets the period.")

    @field_validator("keep_for")
    @classmethod
    def _calendar_time(cls, value: Duration) -> Duration:
        if value.unit not in CALENDAR_UNITS:
            raise ValueError(
                "a retention period is counted in calendar days, weeks, months or years"
            )
        return value

    def matches(self, jurisdiction: str | None, category: str, outcome: RetentionOutcome) -> bool:
        return (
            (not self.jurisdictions or jurisdiction in self.jurisdictions)
            and (not self.categories or category in self.categories)
            and (not self.outcomes or outcome in self.outcomes)
        )

    @property
    def catches_all(self) -> bool:
        return not (self.jurisdictions or self.categories or self.outcomes)


STANDARD_CLASS = RetentionClass(
    id="standard",
    keep_for=Duration(amount=3, unit=DurationUnit.YEARS),
    source="FCA DISP 1.9.1R: a record of each complaint for at least three years (five for "
    "MiFID business); ISO 10002 7.9 and 8.2: records kept for monitoring. Set for your regime.",
)


class RetentionPolicy(Frozen):
    classes: tuple[RetentionClass, ...] = Field(
        default=(STANDARD_CLASS,),
        description="Tried in order; the first that matches a closed complaint is its class. "
        "The last must match every complaint.",
    )
    closed_statuses: tuple[str, ...] = Field(
        default=("closed", "solved", "resolved", "done"),
        description="Helpdesk statuses that close a complaint (matched case-insensitively).",
    )
    grace: Duration = Field(
        default=Duration(amount=30, unit=DurationUnit.CALENDAR_DAYS),
        description="After the retention date, before the sweep disposes of the record.",
    )
    erasure_within: Duration = Field(
        default=Duration(amount=1, unit=DurationUnit.MONTHS),
        description="How soon a complainant's erasure request is answered (GDPR art. 12(3)).",
    )
    hold_officers: tuple[str, ...] = Field(
        default=(),
        description="Who may set and release legal holds: IAM user or role ARNs, role "
        "session ARNs, or portal user names (docs/retention.md); none: no one may.",
    )

    @field_validator("grace", "erasure_within")
    @classmethod
    def _calendar_periods(cls, value: Duration) -> Duration:
        return calendar_period(value)

    @model_validator(mode="after")
    def _every_complaint_has_a_class(self) -> RetentionPolicy:
        if not self.classes or not self.classes[-1].catches_all:
            raise ValueError("the last retention class must match every complaint")
        ids = [c.id for c in self.classes]
        if len(ids) != len(set(ids)):
            raise ValueError("retention class ids must be distinct")
        return self

    def class_for(
        self, jurisdiction: str | None, category: str, outcome: RetentionOutcome
    ) -> RetentionClass:
        return next(c for c in self.classes if c.matches(jurisdiction, category, outcome))

    def closes(self, status: str | None) -> bool:
        return status is not None and status.casefold() in {
            s.casefold() for s in self.closed_statuses
        }

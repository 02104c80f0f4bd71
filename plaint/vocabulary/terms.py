"""Words the policy, the records and the clocks share: identifiers, durations, milestones,
kinds of clock, money, and what becomes of a record at the end of its retention."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from plaint.vocabulary.base import Frozen

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$"), Field(examples=["billing"])
]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


class DurationUnit(StrEnum):
    BUSINESS_HOURS = "business_hours"
    BUSINESS_DAYS = "business_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"
    HOURS = "hours"

    @property
    def is_business_time(self) -> bool:
        return self in (DurationUnit.BUSINESS_HOURS, DurationUnit.BUSINESS_DAYS)


class Duration(Frozen):
    amount: int = Field(gt=0, le=10_000, description="How many units; never zero.")
    unit: DurationUnit


class Milestone(StrEnum):
    """What happens to a complaint that clocks start or stop on."""

    RECEIPT = "receipt"
    ACKNOWLEDGEMENT = "acknowledgement"
    SUMMARY_RESOLUTION = "summary_resolution"
    HOLDING_RESPONSE = "holding_response"
    IN_PROGRESS_RESPONSE = "in_progress_response"
    FINAL_RESPONSE = "final_response"
    REFERRAL = "referral"
    # The organisation's reply to a dispute-resolution provider about a referral (ISO 10003).
    PROVIDER_RESPONSE = "provider_response"


class ClockKind(StrEnum):
    REGULATORY = "regulatory"  # never paused; only the regime's own branches apply
    SERVICE = "service"  # the organisation's SLA; may pause on named helpdesk statuses


class Expiry(StrEnum):
    BREACH = "breach"  # the organisation owed something and did not deliver it in time
    LAPSE = "lapse"  # a window closed: an option (summary resolution, a referral) is gone


class FigureBasis(StrEnum):
    """Where a clock's number comes from, so an admin knows which figures are theirs."""

    LAW = "law"  # fixed by statute or the regulator's rules
    GUIDANCE = "guidance"  # the regulator's guidance or standards; expected, not statutory
    ORGANISATION = "organisation"  # not fixed by the regulator: the admin's to set


class Money(Frozen):
    amount: Decimal = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")


class TicketDisposal(StrEnum):
    KEEP = "keep"  # the helpdesk keeps the ticket; Plaint pseudonymises its own record
    REDACT = "redact"  # the complainant's words and identity are removed from the ticket
    DELETE = "delete"  # the ticket is deleted for good


class RetentionOutcome(StrEnum):
    RESOLVED = "resolved"
    REFERRED = "referred"  # taken to an external dispute-resolution provider
    NOT_A_COMPLAINT = "not_a_complaint"

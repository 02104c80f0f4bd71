"""A complaint's satisfaction survey (ISO 10004): where it stands and what was answered.
The complainant's comment is not kept here: it is a personal value of its audit entry, so
erasure removes it with their other personal data."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from plaint.vocabulary.base import AwareDatetime, Frozen


class SurveyStage(StrEnum):
    SCHEDULED = "scheduled"  # due at `due_at`
    SENT = "sent"  # the email is on its way or delivered; a reminder may follow
    WITH_HELPDESK = "with_helpdesk"  # the helpdesk asks (Zendesk, Jira); answers mapped in
    SKIPPED = "skipped"  # never asked; `skipped` says why


class SkipReason(StrEnum):
    """Why a complaint is never asked: what the report counts."""

    OPTED_OUT = "opted_out"
    OPEN_REFERRAL = "open_referral"
    VULNERABLE = "vulnerable"
    NO_EMAIL_ADDRESS = "no_email_address"
    LANGUAGE_NOT_OFFERED = "language_not_offered"
    ERASED = "erased"  # the complainant's data was erased or restricted before it was sent
    NOT_CONFIGURED = "not_configured"  # no link secret or page address to sign links with


class HelpdeskRating(Frozen):
    """A rating the helpdesk collected itself (Zendesk's satisfaction rating, Jira Service
    Management's request feedback), on the helpdesk's own scale; plaint.surveys.helpdesk
    maps it onto the policy's scale as the answer to `overall`."""

    via: str = Field(min_length=1, max_length=40, examples=["zendesk_rating", "jira_feedback"])
    score: int
    lowest: int
    highest: int
    comment: str | None = Field(default=None, description="Personal data.")
    rating_id: str | None = Field(default=None, max_length=128)

    @model_validator(mode="after")
    def _on_its_scale(self) -> HelpdeskRating:
        if not self.lowest <= self.score <= self.highest or self.lowest >= self.highest:
            raise ValueError(f"score {self.score} is not on {self.lowest} to {self.highest}")
        return self


class Survey(Frozen):
    """Decided once per complaint, when its first trigger is reached; never reset, so a
    complaint solved and reopened is asked once. `answers` holds the latest score per aspect;
    `used_links` the one-click links already followed (a replay shows the answer, records
    nothing)."""

    stage: SurveyStage
    trigger: str
    decided_at: AwareDatetime
    due_at: AwareDatetime | None = None
    skipped: SkipReason | None = None
    sent_at: AwareDatetime | None = None
    sends: int = Field(default=0, ge=0, description="Emails queued: the survey, a reminder.")
    reminder_due_at: AwareDatetime | None = None
    address_lookups: int = Field(
        default=0, ge=0, description="Failed asks of the helpdesk for the requester's address."
    )
    answers: dict[str, int] = Field(default_factory=dict)
    answered_at: AwareDatetime | None = None
    used_links: tuple[str, ...] = ()
    comment_digest: str | None = Field(
        default=None, description="Of the latest comment, to tell a new one from a resend."
    )

    def next_instant(self) -> datetime | None:
        """When the sweep next has something to do for this survey."""
        if self.stage is SurveyStage.SCHEDULED:
            return self.due_at
        if self.stage is SurveyStage.SENT and not self.answers:
            return self.reminder_due_at
        return None

"""What the embedded recogniser said about a ticket, as the record keeps it, and the review
of a possible complaint by an agent.

Neither holds any words of the ticket: the recogniser's reading is its model's version (a
content hash), the score, the thresholds it was read against, how much was read, and cue
identifiers naming classes of evidence ("failure.delay", "demand.refund").
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from plaint.vocabulary.base import AwareDatetime, Frozen


class Band(StrEnum):
    """Where a score falls against the policy's two thresholds."""

    COMPLAINT = "complaint"  # at or above the complaint threshold
    POSSIBLE_COMPLAINT = "possible_complaint"  # from the review threshold up to it
    NOT_A_COMPLAINT = "not_a_complaint"  # below the review threshold


class ReadingOutcome(StrEnum):
    JUDGED = "judged"
    EMPTY = "empty"  # no text at all
    NO_WORDS = "no_words"  # text without letters: emoji, digits, punctuation
    UNKNOWN_LANGUAGE = "unknown_language"  # not the model's, or not the policy's
    FAILED = "failed"  # the recogniser raised: recorded, and put to an agent


class Reading(Frozen):
    """The recogniser's reading of one ticket's text (subject and description, or a new
    comment), kept in the assessment and written to the `complaint.assessed` entry."""

    model_version: str
    outcome: ReadingOutcome
    band: Band | None = Field(default=None, description="None when the text was not judged.")
    score: float | None = None
    complaint_threshold: float
    review_threshold: float
    language: str | None = Field(default=None, description="What the text was judged in.")
    script: str | None = None
    truncated: bool = False
    characters_read: int = Field(ge=0)
    characters_total: int = Field(ge=0)
    category: str | None = Field(default=None, description="The best-fitting category.")
    category_score: float = 0.0
    cues: tuple[str, ...] = Field(default=(), description="Strongest evidence first.")
    severity_cues: tuple[str, ...] = ()
    vulnerability_cues: tuple[str, ...] = ()
    regulatory_cues: tuple[str, ...] = ()
    error: str | None = Field(default=None, description="The exception's type, if it failed.")


class ReviewAnswer(StrEnum):
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class AnswerVia(StrEnum):
    TAG = "tag"  # a Zendesk tag or a Jira label
    FIELD = "field"  # a helpdesk field the policy names
    ASSESSMENT = "assessment"  # later words or tags the rules or the recogniser judged


class Review(Frozen):
    """A possible complaint put to an agent: when, by when its acknowledgement would be due
    were it a complaint, and the answer."""

    requested_at: AwareDatetime
    due_at: AwareDatetime | None = Field(
        default=None, description="The acknowledgement deadline counted from receipt."
    )
    tags_before: tuple[str, ...] = Field(
        default=(),
        description="Answer tags the ticket already carried when the review was asked for: "
        "no answer to this review (a dismissal from an earlier one, say).",
    )
    text_source: str = Field(
        default="ticket",
        description="What was judged: the ticket (subject and description) or a later "
        "comment; the complaint's description_digest is of its text.",
    )
    overdue_recorded: bool = False
    answer: ReviewAnswer | None = None
    answered_at: AwareDatetime | None = None
    answered_by: str | None = None
    via: AnswerVia | None = None

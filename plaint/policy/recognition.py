"""What the admin decides about the embedded recogniser: whether it judges what no rule
decided, its two thresholds, the categories it chooses among (described in the admin's own
words, so a category is added or renamed without a developer), and the review band: how a
possible complaint is put to an agent and how the agent answers.

The admin's rules always come first (plaint.intake.assessment); the recogniser only
judges what they left open, and never takes a complaint away from the policy's defaults.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from plaint.policy.letters import placeholders
from plaint.policy.positions import format_path
from plaint.vocabulary.base import Frozen
from plaint.vocabulary.terms import Identifier, LanguageTag

Phrase = Annotated[str, Field(min_length=1, max_length=300)]
Tag = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\s,]+$")]
Score = Annotated[float, Field(ge=0.0, le=1.0)]


class CategoryPolicy(Frozen):
    """One complaint category, as the admin describes it to the recogniser: a description
    and a few example phrases per language, matched by meaning-bearing words and cues
    rather than as keywords. Rules and defaults name categories by `id`."""

    id: Identifier
    description: str = Field(
        min_length=1, max_length=1000, description="What complaints of this category are about."
    )
    examples: dict[LanguageTag, tuple[Phrase, ...]] = Field(
        default_factory=dict,
        description="A few phrases per language (the policy's languages) that complainants "
        'of this category write, e.g. {"en": ["my parcel never arrived"]}.',
    )
    recognised: bool = Field(
        default=True,
        description="False for a category only rules give (by tag, channel or form), which "
        "the recogniser never chooses from the text.",
    )

    def texts(self) -> tuple[str, ...]:
        """What the recogniser reads about this category: its description, then every
        example, languages in the order written."""
        return (self.description, *(p for phrases in self.examples.values() for p in phrases))


class ReviewPolicy(Frozen):
    """The review band: a ticket scored between the thresholds is a possible complaint. The
    helpdesk gets `add_tags` and a private note; an agent answers with a tag or a field."""

    add_tags: tuple[Tag, ...] = Field(
        default=("possible_complaint",), description="Tags put on a possible complaint."
    )
    confirm_tags: tuple[Tag, ...] = Field(
        default=("complaint_confirmed",),
        min_length=1,
        description="An agent adds one of these to confirm the ticket is a complaint "
        "(Zendesk tags, Jira labels; a Zendesk drop-down field whose option tags are these "
        "works too).",
    )
    dismiss_tags: tuple[Tag, ...] = Field(
        default=("complaint_dismissed",),
        min_length=1,
        description="An agent adds one of these to say the ticket is not a complaint.",
    )
    answer_fields: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = Field(
        default=("complaint_review",),
        description="Helpdesk fields whose change is an answer: for Jira, the field that "
        "helpdesk_fields.jira.complaint_review_field names arrives as complaint_review; a "
        "field's display name works too. Compared without regard to case.",
    )
    confirm_values: tuple[Phrase, ...] = Field(
        default=("confirmed", "complaint", "yes"),
        min_length=1,
        description="Values of an answer field that confirm (without regard to case).",
    )
    dismiss_values: tuple[Phrase, ...] = Field(
        default=("dismissed", "not a complaint", "no"),
        min_length=1,
        description="Values of an answer field that dismiss (without regard to case).",
    )
    notify_agents: bool = Field(
        default=True, description="Post a private note asking an agent to confirm or dismiss."
    )
    notes: dict[LanguageTag, str] = Field(
        default_factory=dict,
        description="The private note per language, over the built-in ones (en, az, tr, ar, "
        "fa, ru); written in the policy's default language. Placeholders: {score}, "
        "{evidence}, {confirm_tag}, {dismiss_tag}, {received_at}, {due_by}.",
    )
    overdue_tags: tuple[Tag, ...] = Field(
        default=("possible_complaint_overdue",),
        description="Tags added when a possible complaint is still unanswered when its "
        "acknowledgement would have been due.",
    )
    without_helpdesk: Literal["complaint", "not_a_complaint"] = Field(
        default="complaint",
        description="What a possible complaint is when no agent can be asked (email received "
        "through SES has no helpdesk ticket): handled as a complaint, or not.",
    )


class RecognitionPolicy(Frozen):
    """The embedded recogniser and what its score means."""

    enabled: bool = Field(
        default=True,
        description="Judge what no rule decided with the embedded recogniser. Off: the "
        "policy's defaults decide, as with keyword rules alone.",
    )
    complaint_threshold: Score = Field(
        default=0.5, description="A score at or above this is a complaint."
    )
    review_threshold: Score = Field(
        default=0.3,
        description="A score from this up to complaint_threshold is a possible complaint, "
        "for an agent to confirm or dismiss; below it, not a complaint.",
    )
    category_threshold: Score = Field(
        default=0.0,
        description="The least similarity to a category's description and examples for the "
        "recogniser's category to count; below it the policy's default category applies. "
        "0 takes whatever category the recogniser finds fitting at all.",
    )
    unknown_language: Literal["review", "defaults"] = Field(
        default="review",
        description="A ticket in a language the recogniser does not know or the policy does "
        "not list (Arabizi and Finglish included) is never judged as another language: "
        "review puts it to an agent, defaults leaves it to the policy's defaults.",
    )
    categories: tuple[CategoryPolicy, ...] = Field(
        default=(),
        description="The categories complaints are sorted into. When given, every category a "
        "rule or the defaults name must be one of them.",
    )
    review: ReviewPolicy = ReviewPolicy()

    def category(self, category_id: str) -> CategoryPolicy | None:
        return next((c for c in self.categories if c.id == category_id), None)


Problem = tuple[tuple[str | int, ...], str]

NOTE_FIELDS = frozenset(
    {"score", "evidence", "confirm_tag", "dismiss_tag", "received_at", "due_by"}
)


def _placeholders(text: str) -> set[str]:
    """Plain names only: a format spec ({score:>300000000}) could make a note of any size."""
    try:
        return set(placeholders(text))
    except ValueError as exc:
        return {f"(a plain placeholder name: {exc})"}


def recognition_problems(
    recognition: RecognitionPolicy,
    *,
    named_categories: list[tuple[tuple[str | int, ...], str]],
    decisive_tags: list[tuple[tuple[str | int, ...], str]],
) -> list[Problem]:
    """Problems of the recognition section no single field can see. `named_categories` are
    (path, id) of the categories rules and defaults name; `decisive_tags` (path, tag) the
    tags of rules that decide whether a ticket is a complaint."""
    where: tuple[str | int, ...] = ("recognition",)
    problems: list[Problem] = []
    if recognition.review_threshold >= recognition.complaint_threshold:
        problems.append(
            (
                (*where, "review_threshold"),
                f"must be below complaint_threshold ({recognition.complaint_threshold}); "
                "scores between the two are possible complaints",
            )
        )
    problems += _category_problems(recognition, named_categories)
    problems += _review_problems(recognition.review, decisive_tags)
    return problems


def _category_problems(
    recognition: RecognitionPolicy, named_categories: list[tuple[tuple[str | int, ...], str]]
) -> list[Problem]:
    problems: list[Problem] = []
    ids = [c.id for c in recognition.categories]
    for index, category in enumerate(recognition.categories):
        at: tuple[str | int, ...] = ("recognition", "categories", index)
        if ids.index(category.id) != index:
            problems.append(((*at, "id"), f"category {category.id!r} defined twice"))
        if category.recognised and not category.texts()[1:] and len(category.description) < 12:
            problems.append(
                (
                    (*at, "description"),
                    "too little to recognise the category by: describe it in a sentence, or "
                    "give example phrases (or set recognised to false)",
                )
            )
    if ids:
        for path, category_id in named_categories:
            if category_id not in ids:
                problems.append(
                    (path, f"unknown category {category_id!r} (defined: {', '.join(ids)})")
                )
    return problems


def _review_problems(
    review: ReviewPolicy, decisive_tags: list[tuple[tuple[str | int, ...], str]]
) -> list[Problem]:
    at: tuple[str | int, ...] = ("recognition", "review")
    problems: list[Problem] = []
    for index, tag in enumerate(review.confirm_tags):
        if tag in review.dismiss_tags:
            problems.append(
                ((*at, "confirm_tags", index), f"tag {tag!r} both confirms and dismisses")
            )
    lowered = {value.casefold() for value in review.dismiss_values}
    for index, value in enumerate(review.confirm_values):
        if value.casefold() in lowered:
            problems.append(
                ((*at, "confirm_values", index), f"value {value!r} both confirms and dismisses")
            )
    answers = set(review.confirm_tags) | set(review.dismiss_tags)
    decisive = {tag for _, tag in decisive_tags}
    for index, tag in enumerate(review.add_tags):
        if tag in answers:
            problems.append(
                ((*at, "add_tags", index), f"tag {tag!r} is an answer: it would answer itself")
            )
        elif tag in decisive:
            rule_path = next(path for path, t in decisive_tags if t == tag)
            problems.append(
                (
                    (*at, "add_tags", index),
                    f"tag {tag!r} makes a rule decide ({format_path(rule_path)}): a possible "
                    "complaint would be judged by its own tag",
                )
            )
    for language, text in review.notes.items():
        unknown = _placeholders(text) - NOTE_FIELDS
        if unknown:
            problems.append(
                (
                    (*at, "notes", language),
                    f"unknown placeholder {{{sorted(unknown)[0]}}}; use "
                    + ", ".join(f"{{{f}}}" for f in sorted(NOTE_FIELDS)),
                )
            )
    return problems

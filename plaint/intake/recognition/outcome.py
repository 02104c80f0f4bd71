"""What the recogniser is given about categories and what it answers."""

from __future__ import annotations

from dataclasses import dataclass

JUDGED = "judged"
EMPTY = "empty"
NO_WORDS = "no_words"
UNKNOWN_LANGUAGE = "unknown_language"


@dataclass(frozen=True)
class CategoryHint:
    """One policy category, as the admin describes it: its description and example
    phrases, in any of the languages."""

    id: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Recognition:
    """The recogniser's view of one ticket. It holds no text of the ticket: cues are
    identifiers of classes of evidence (see CUE_IDS), strongest evidence first."""

    model_version: str
    outcome: str
    language: str | None
    probability: float | None
    category: str | None
    category_score: float
    cues: tuple[str, ...]
    severity_cues: tuple[str, ...]
    vulnerability_cues: tuple[str, ...]
    regulatory_cues: tuple[str, ...]
    truncated: bool
    characters_read: int
    script: str | None

"""The embedded complaint recogniser: is this ticket a complaint (ISO 10002 7.5, FCA DISP
"any expression of dissatisfaction"), which of the admin's categories fits it, and which
signs of severity, vulnerability or a regulator's interest does it carry.

A linear model over hashed features of the normalised text (character n-grams inside
words, stems after light suffix and clitic stripping, negation scope, cue lexicons per
language) ships in model.json beside this module and is read once, lazily. It runs in
the engine with the standard library alone. The answer holds no words of the ticket:
only cue identifiers (CUE_IDS), a probability and the model's version.

`training/` rebuilds the model (`make model`); docs/recogniser-model.md is its card.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from plaint.intake.recognition.categories import best_category
from plaint.intake.recognition.features import CUE_IDS, analyse, cue_feature
from plaint.intake.recognition.languages import ARABIZI, MODEL_LANGUAGES, detect
from plaint.intake.recognition.model import loaded, model_bytes, version_of
from plaint.intake.recognition.outcome import (
    EMPTY,
    JUDGED,
    NO_WORDS,
    UNKNOWN_LANGUAGE,
    CategoryHint,
    Recognition,
)

__all__ = [
    "COMPLAINT_THRESHOLD",
    "CUE_IDS",
    "MAX_CHARACTERS",
    "MODEL_LANGUAGES",
    "MODEL_VERSION",
    "REVIEW_THRESHOLD",
    "CategoryHint",
    "Recognition",
    "recognise",
]

# The model reads at most this many characters of a ticket: the first MAX_CHARACTERS,
# cut back to the last whitespace within the final 200 of them so no word is split.
MAX_CHARACTERS = 2000
_CUT_WINDOW = 200


def __getattr__(name: str) -> str:
    """MODEL_VERSION, the content hash ("sha256:<hex>") of the shipped model file, which
    audit entries name; read on first use, like the weights."""
    if name == "MODEL_VERSION":
        return _model_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _model_version() -> str:
    return version_of(model_bytes())


# Recommended thresholds on `probability` (also stored in the model file): at or above
# COMPLAINT_THRESHOLD a ticket is a complaint; from REVIEW_THRESHOLD up to it, a possible
# complaint for a person to look at.
COMPLAINT_THRESHOLD = 0.5
REVIEW_THRESHOLD = 0.3


def _cut(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_CHARACTERS:
        return text, False
    head = text[:MAX_CHARACTERS]
    space = max(
        head.rfind(" ", MAX_CHARACTERS - _CUT_WINDOW),
        head.rfind("\n", MAX_CHARACTERS - _CUT_WINDOW),
    )
    return (head[:space] if space > 0 else head), True


def _primary(language: str | None) -> str | None:
    if not language:
        return None
    return language.replace("_", "-").split("-")[0].lower() or None


def _empty(
    outcome: str, *, language: str | None, script: str | None, truncated: bool, read: int
) -> Recognition:
    return Recognition(
        model_version=_model_version(), outcome=outcome, language=language, probability=None,
        category=None, category_score=0.0, cues=(), severity_cues=(), vulnerability_cues=(),
        regulatory_cues=(), truncated=truncated, characters_read=read, script=script,
    )  # fmt: skip


def recognise(
    text: str,
    *,
    language: str | None,
    languages: Sequence[str],
    categories: Sequence[CategoryHint] = (),
) -> Recognition:
    """Judge one ticket's text (subject and description, as the helpdesk gives them).

    `language` is the helpdesk's word for the ticket's language, if any; `languages` the
    policy's. A language outside the policy, or one the model was not trained on, gives
    the outcome "unknown_language", never a judgement in another language.
    """
    if not text or not text.strip():
        return _empty(
            EMPTY, language=_primary(language), script=None, truncated=False, read=len(text or "")
        )
    body, truncated = _cut(text)
    detection = detect(body)
    if detection.script is None:
        return _empty(
            NO_WORDS, language=_primary(language), script=None, truncated=truncated, read=len(body)
        )
    judged_in = _primary(language) or detection.language
    allowed = {_primary(item) for item in languages}
    if (
        detection.script == ARABIZI
        or judged_in is None
        or judged_in not in allowed
        or judged_in not in MODEL_LANGUAGES
    ):
        return _empty(
            UNKNOWN_LANGUAGE, language=judged_in, script=detection.script,
            truncated=truncated, read=len(body),
        )  # fmt: skip
    weights = loaded()
    analysis = analyse(body, judged_in)
    probability = weights.probability(weights.score(analysis))
    direction = 1.0 if probability >= 0.5 else -1.0
    ordered = tuple(
        sorted(analysis.cues, key=lambda cue: (-direction * weights.weight(cue_feature(cue)), cue))
    )
    category, category_score = best_category(analysis, categories)
    return Recognition(
        model_version=weights.version,
        outcome=JUDGED,
        language=judged_in,
        probability=round(probability, 4),
        category=category,
        category_score=category_score,
        cues=ordered,
        severity_cues=tuple(cue for cue in ordered if cue.startswith("severity.")),
        vulnerability_cues=tuple(cue for cue in ordered if cue.startswith("vulnerability.")),
        regulatory_cues=tuple(cue for cue in ordered if cue.startswith("regulatory.")),
        truncated=truncated,
        characters_read=len(body),
        script=detection.script,
    )

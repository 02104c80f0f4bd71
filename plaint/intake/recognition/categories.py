"""Which of the admin's categories a ticket fits, from the categories' own descriptions.

Nothing here knows a category by name: each CategoryHint's texts (description, example
phrases, in any language) are read the way tickets are read, into character n-grams,
stems and cues, and a ticket goes to the category whose texts it resembles most (cosine
similarity, each feature weighted by how few categories share it). Adding or renaming a
category in the policy needs no code; a category described with Persian examples is found
in Persian tickets, and cues (fraud, delivery failure, data protection...) carry a
category across languages. The prepared vectors are computed once per set of hints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from plaint.intake.recognition.features import profile
from plaint.intake.recognition.languages import MODEL_LANGUAGES, detect
from plaint.intake.recognition.outcome import CategoryHint

# Below this similarity no category fits and the policy's default applies.
MINIMUM_SCORE = 0.03


@dataclass(frozen=True)
class _Prepared:
    ids: tuple[str, ...]
    vectors: tuple[dict[int, float], ...]
    idf: dict[int, float]
    unseen_idf: float


def _language_of(text: str) -> str:
    found = detect(text).language
    return found if found in MODEL_LANGUAGES else "en"


def _unit(vector: dict[int, float]) -> dict[int, float]:
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {key: value / norm for key, value in vector.items()} if norm else {}


@lru_cache(maxsize=32)
def _prepare(hints: tuple[CategoryHint, ...]) -> _Prepared:
    raw: list[dict[int, float]] = []
    for hint in hints:
        combined: dict[int, float] = {}
        for text in hint.texts:
            for key, value in _unit(profile(text, _language_of(text))).items():
                combined[key] = combined.get(key, 0.0) + value
        raw.append(combined)
    count = len(hints)
    frequency: dict[int, int] = {}
    for vector in raw:
        for key in vector:
            frequency[key] = frequency.get(key, 0) + 1
    idf = {key: math.log((1 + count) / (1 + seen)) + 1.0 for key, seen in frequency.items()}
    vectors = tuple(
        _unit({key: value * idf[key] for key, value in vector.items()}) for vector in raw
    )
    return _Prepared(tuple(hint.id for hint in hints), vectors, idf, math.log(1 + count) + 1.0)


def best_category(
    text: str, language: str, hints: Sequence[CategoryHint]
) -> tuple[str | None, float]:
    """The best-fitting category id and its similarity; None when none reaches
    MINIMUM_SCORE."""
    usable = tuple(hint for hint in hints if hint.texts)
    if not usable:
        return None, 0.0
    prepared = _prepare(usable)
    ticket = profile(text, language)
    weighted = {
        key: value * prepared.idf.get(key, prepared.unseen_idf) for key, value in ticket.items()
    }
    ticket_unit = _unit(weighted)
    best_id: str | None = None
    best_score = 0.0
    for category_id, vector in zip(prepared.ids, prepared.vectors, strict=True):
        score = sum(value * vector.get(key, 0.0) for key, value in ticket_unit.items())
        if score > best_score:
            best_id, best_score = category_id, score
    if best_score < MINIMUM_SCORE:
        return None, round(best_score, 4)
    return best_id, round(best_score, 4)

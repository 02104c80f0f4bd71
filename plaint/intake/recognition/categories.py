"""Which of the admin's categories a ticket fits, from the categories' own descriptions.

Nothing here knows a category by name: each CategoryHint's texts (description, example
phrases, in any language) are read the way tickets are read, into character n-grams,
stems and cues, and a ticket goes to the category whose texts it resembles most (cosine
similarity, each feature weighted by how few categories share it, and a stem the ticket
repeats by 1 + ln of its count). Adding or renaming a category in the policy needs no code;
a category described with Persian examples is found in Persian tickets, and cues (fraud,
delivery failure, data protection...) carry a category across languages. The prepared
vectors are computed once per set of hints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from plaint.intake.recognition.features import Analysis, analyse, cue_feature
from plaint.intake.recognition.languages import MODEL_LANGUAGES, detect
from plaint.intake.recognition.outcome import CategoryHint

# Below this similarity no category fits and the policy's default applies.
MINIMUM_SCORE = 0.02
# A stem or stem bigram weighs as much as this many character n-grams: whole words say more
# about a topic than their pieces.
STEM_WEIGHT = 4.0
# A cue weighs as much as this many n-grams: cues carry a topic across languages.
CUE_WEIGHT = 3.0
# Cues of tone rather than topic (how dissatisfied, how polite, how long it has taken, what
# is demanded) say nothing about which category a ticket is in: they are not compared.
_TONE = (
    "dissatisfaction.", "sarcasm.", "demand.", "request.", "gratitude.", "notice.", "info.",
    "failure.delay", "failure.repeated_contact", "failure.broken_promise",
)  # fmt: skip


@dataclass(frozen=True)
class _Prepared:
    ids: tuple[str, ...]
    # per category: feature -> idf x its weight in the category's unit vector
    weights: tuple[dict[int, float], ...]
    idf_squared: dict[int, float]  # features some category has
    unseen_idf: float


def _vector(analysis: Analysis) -> dict[int, float]:
    vector = dict.fromkeys(analysis.lexical, 1.0)
    for stem in analysis.stems:
        vector[stem] = STEM_WEIGHT
    for cue in analysis.cues:
        if not cue.startswith(_TONE):
            vector[cue_feature(cue)] = CUE_WEIGHT
    return vector


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
            for key, value in _unit(_vector(analyse(text, _language_of(text)))).items():
                combined[key] = combined.get(key, 0.0) + value
        raw.append(combined)
    count = len(hints)
    frequency: dict[int, int] = {}
    for vector in raw:
        for key in vector:
            frequency[key] = frequency.get(key, 0) + 1
    idf = {key: math.log((1 + count) / (1 + seen)) + 1.0 for key, seen in frequency.items()}
    weights = tuple(
        {k: idf[k] * v for k, v in _unit({k: v * idf[k] for k, v in vector.items()}).items()}
        for vector in raw
    )
    return _Prepared(
        tuple(hint.id for hint in hints),
        weights,
        {key: value * value for key, value in idf.items()},
        math.log(1 + count) + 1.0,
    )


def best_category(analysis: Analysis, hints: Sequence[CategoryHint]) -> tuple[str | None, float]:
    """The best-fitting category id and its similarity; None when none reaches
    MINIMUM_SCORE. Ties go to the category listed first."""
    usable = tuple(hint for hint in hints if hint.texts)
    if not usable:
        return None, 0.0
    prepared = _prepare(usable)
    known = prepared.idf_squared
    cues = frozenset(cue_feature(cue) for cue in analysis.cues if not cue.startswith(_TONE))
    stems = analysis.stems - cues
    grams = analysis.lexical - stems - cues
    scores = [0.0] * len(usable)
    norm = 0.0
    # Set operations and sums over maps: the loops run in C.
    for features, value in ((grams, 1.0), (stems, STEM_WEIGHT), (cues, CUE_WEIGHT)):
        shared = features & known.keys()
        norm += (
            value
            * value
            * (
                sum(map(known.__getitem__, shared))
                + (len(features) - len(shared)) * prepared.unseen_idf**2
            )
        )
        for position, weights in enumerate(prepared.weights):
            scores[position] += value * sum(map(weights.__getitem__, shared & weights.keys()))
    # A stem the ticket repeats weighs 1 + ln(count) times as much: a long narrative about a
    # debt that mentions a credit report once is about the debt.
    if analysis.repeated:
        boosts = {stem: math.log(count) for stem, count in analysis.repeated}
        unseen = prepared.unseen_idf**2
        norm += (
            STEM_WEIGHT
            * STEM_WEIGHT
            * sum(((1.0 + b) ** 2 - 1.0) * known.get(stem, unseen) for stem, b in boosts.items())
        )
        found = boosts.keys() & known.keys()
        for position, weights in enumerate(prepared.weights):
            scores[position] += STEM_WEIGHT * sum(
                boosts[stem] * weights[stem] for stem in found & weights.keys()
            )
    if norm == 0.0:
        return None, 0.0
    scale = 1.0 / math.sqrt(norm)
    best = max(range(len(usable)), key=lambda position: (scores[position], -position))
    score = round(scores[best] * scale, 4)
    return (prepared.ids[best] if score >= MINIMUM_SCORE else None), score

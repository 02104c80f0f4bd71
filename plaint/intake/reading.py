"""Reading a ticket with the embedded recogniser, in the policy's terms.

What is read: the subject and the description, or the subject and the complainant's new
comment (email replies arrive with their quoted history already removed). What comes back
is a `Reading`: the model's version, the score, the band it falls in against the policy's
thresholds, how much was read, the category that fits best and the cues behind the score,
as identifiers only. The admin's categories reach the recogniser as CategoryHints, built
once per policy version.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from plaint.intake import recognition as recogniser
from plaint.intake.recognition import CUE_IDS, CategoryHint, Recognition, recognise
from plaint.model.events import TicketEvent
from plaint.model.recognition import Band, Reading, ReadingOutcome
from plaint.policy.document import Policy

log = logging.getLogger(__name__)

# At most this many cues are kept, strongest first: enough to explain a score.
MAX_CUES = 8

_HINT_CACHE_SIZE = 8
_hints: OrderedDict[str, tuple[CategoryHint, ...]] = OrderedDict()


def category_hints(policy: Policy) -> tuple[CategoryHint, ...]:
    """The policy's categories as the recogniser takes them, built once per policy version.
    The defaults' category is the fallback, never a choice; nor is a category marked not
    recognised."""
    cached = _hints.get(policy.version)
    if cached is not None:
        _hints.move_to_end(policy.version)
        return cached
    built = tuple(
        CategoryHint(id=category.id, texts=category.texts())
        for category in policy.recognition.categories
        if category.recognised and category.id != policy.defaults.category
    )
    _hints[policy.version] = built
    while len(_hints) > _HINT_CACHE_SIZE:
        _hints.popitem(last=False)
    return built


def ticket_text(event: TicketEvent) -> str:
    """The words judged: the subject, then the description or the new comment."""
    return "\n\n".join(part for part in (event.subject.strip(), event.description.strip()) if part)


_SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
}
_SCRIPT_OF_LANGUAGE = {
    "en": "latin",
    "az": "latin",
    "tr": "latin",
    "ar": "arabic",
    "fa": "arabic",
    "ru": "cyrillic",
}
_SAMPLE = 2000


def _main_script(text: str) -> str | None:
    sample = text[:_SAMPLE]
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPTS.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def language_hint(language: str | None, text: str) -> str | None:
    """The helpdesk's word for the ticket's language, unless the text is plainly in another
    script (a requester whose profile says English writing in Persian): then none, and the
    recogniser finds the language from the text itself."""
    if language is None:
        return None
    expected = _SCRIPT_OF_LANGUAGE.get(language)
    found = _main_script(text)
    return language if expected is None or found in (None, expected) else None


def band_of(score: float, policy: Policy) -> Band:
    rules = policy.recognition
    if score >= rules.complaint_threshold:
        return Band.COMPLAINT
    if score >= rules.review_threshold:
        return Band.POSSIBLE_COMPLAINT
    return Band.NOT_A_COMPLAINT


def read_ticket(event: TicketEvent, policy: Policy) -> Reading | None:
    """The recogniser's reading of the event's words; None when the policy turns it off.
    A recogniser that fails is recorded as such, never a crashed worker."""
    if not policy.recognition.enabled:
        return None
    text = ticket_text(event)
    try:
        hint = language_hint(event.language, text)
        result = _recognised(text, hint, tuple(policy.languages), category_hints(policy))
        return reading_of(result, len(text), policy)
    except Exception as exc:  # the model is a heuristic: its failure must not lose a ticket
        log.exception("recogniser failed on %s", event.complaint_id)
        return _failed(exc, len(text), policy)


# Within `readings_remembered()` (a what-if run), the same words under the same languages
# and categories are read once: the recogniser is a pure function of them, and a what-if
# judges every ticket under two policies. Outside it nothing is kept.
_remembered: ContextVar[OrderedDict[tuple[object, ...], Recognition] | None] = ContextVar(
    "plaint_readings", default=None
)
_REMEMBERED = 256


@contextmanager
def readings_remembered() -> Iterator[None]:
    token = _remembered.set(OrderedDict())
    try:
        yield
    finally:
        _remembered.reset(token)


def _recognised(
    text: str, hint: str | None, languages: tuple[str, ...], categories: tuple[CategoryHint, ...]
) -> Recognition:
    memo = _remembered.get()
    if memo is None:
        return recognise(text, language=hint, languages=languages, categories=categories)
    key = (text, hint, languages, categories)
    found = memo.get(key)
    if found is None:
        found = recognise(text, language=hint, languages=languages, categories=categories)
        memo[key] = found
        if len(memo) > _REMEMBERED:
            memo.popitem(last=False)
    return found


def reading_of(result: Recognition, total: int, policy: Policy) -> Reading:
    rules = policy.recognition
    outcome = ReadingOutcome(result.outcome)
    score = result.probability
    judged = outcome is ReadingOutcome.JUDGED and score is not None
    band = band_of(score, policy) if judged and score is not None else None
    return Reading(
        model_version=result.model_version,
        outcome=outcome,
        band=band,
        score=score,
        complaint_threshold=rules.complaint_threshold,
        review_threshold=rules.review_threshold,
        language=result.language,
        script=result.script,
        truncated=result.truncated,
        characters_read=result.characters_read,
        characters_total=total,
        category=result.category,
        category_score=result.category_score,
        cues=_known(result.cues)[:MAX_CUES],
        severity_cues=_known(result.severity_cues),
        vulnerability_cues=_known(result.vulnerability_cues),
        regulatory_cues=_known(result.regulatory_cues),
    )


def _known(cues: tuple[str, ...]) -> tuple[str, ...]:
    """Cue identifiers only: whatever is not one never reaches the record."""
    return tuple(cue for cue in cues if cue in CUE_IDS)


def _failed(exc: Exception, total: int, policy: Policy) -> Reading:
    try:
        version = recogniser.MODEL_VERSION
    except Exception:  # the model file itself may be what failed
        version = "unavailable"
    rules = policy.recognition
    return Reading(
        model_version=version,
        outcome=ReadingOutcome.FAILED,
        complaint_threshold=rules.complaint_threshold,
        review_threshold=rules.review_threshold,
        characters_read=0,
        characters_total=total,
        error=type(exc).__name__,
    )

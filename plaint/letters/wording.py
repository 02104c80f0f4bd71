"""Letters that say what the rules require: the elements a final response, a summary
resolution communication or a holding response must contain under a regime, the templates
that contain them, and the check a letter's text passes before it is marked sent.

An element is present when one of its phrases, in the letter's language, appears in the
letter. Both are compared in the form plaint.text gives them (Turkic case folding, Arabic and
Persian letter variants unified, harakat and tatweel dropped, whitespace collapsed) and as
substrings, so a stem matches its suffixed forms ("Ombudsmanı" in "Ombudsmanına"). Phrases
may name the dispute-resolution provider's details ({provider_name}, {provider_website},
{time_limit}); the check fills them from the provider the complaint would be referred to.

A missing element blocks the letter or flags it, as its rule says (see docs/letters.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field

from plaint.policy.letters import (
    FALLBACK_LANGUAGE,
    LetterKind,
    LetterRule,
    OnMissing,
    ProviderDetails,
    RequiredElement,
    match_form,
    placeholders,
    render_template,
)
from plaint.vocabulary.base import Frozen
from plaint.vocabulary.errors import PlaintError


class LetterCheckError(PlaintError):
    """An element cannot be looked for: each of its phrases names a provider detail that was
    not given (no provider, or no time limit written in the letter's language)."""


class Verdict(StrEnum):
    OK = "ok"
    FLAG = "flag"
    BLOCK = "block"


class LetterCheck(Frozen):
    """What a letter's text was found to contain, and what that means for sending it."""

    kind: LetterKind
    language: str | None = Field(description="The letter's language, as given.")
    verdict: Verdict
    present: tuple[str, ...] = Field(description="Element ids found, in the rules' order.")
    missing: tuple[str, ...] = Field(description="Element ids not found, in the rules' order.")
    checked_in: dict[str, str] = Field(
        description="Element id -> the language whose phrases were looked for; another than "
        "the letter's when that element has no phrases in it (English, the fallback)."
    )

    @property
    def fell_back(self) -> tuple[str, ...]:
        return tuple(e for e, lang in self.checked_in.items() if lang != self.language)


def _bare_website(website: str) -> str:
    # Letters write an address with or without its scheme, "www." and a final slash; look for
    # the part every way of writing it shares.
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", website.strip())
    bare = re.sub(r"^www\.", "", bare, flags=re.IGNORECASE)
    return bare.rstrip("/")


def expected_phrases(
    element: RequiredElement, language: str | None, provider: ProviderDetails | None
) -> tuple[str, tuple[str, ...]]:
    """The language whose phrases are looked for, and those phrases filled from the
    provider's details, in match form. Phrases naming a detail not given are left out."""
    phrase_language = FALLBACK_LANGUAGE
    if language is not None and language in element.phrases:
        phrase_language = language
    values = provider.values(phrase_language) if provider else {}
    if "provider_website" in values:
        values["provider_website"] = _bare_website(values["provider_website"])
    filled: list[str] = []
    for phrase in element.phrases[phrase_language]:
        if all(name in values for name in placeholders(phrase)):
            filled.append(match_form(render_template(phrase, values), phrase_language))
    if not any(filled):
        needed = sorted({n for p in element.phrases[phrase_language] for n in placeholders(p)})
        raise LetterCheckError(
            f"element {element.id!r} cannot be looked for in {phrase_language!r}: its phrases "
            f"need {', '.join(f'{{{n}}}' for n in needed)}, which the provider's details "
            + ("do not give" if provider else "cannot give: no provider was named")
        )
    return phrase_language, tuple(p for p in filled if p)


@dataclass
class _Finding:
    found: bool
    on_missing: OnMissing
    language: str


def _merge(findings: dict[str, _Finding], element_id: str, new: _Finding) -> None:
    # An element two applicable rules both require counts once: found only if found under
    # both, and as strict as the stricter of them.
    old = findings.get(element_id)
    if old is None:
        findings[element_id] = new
        return
    old.found = old.found and new.found
    if new.on_missing is OnMissing.BLOCK:
        old.on_missing = OnMissing.BLOCK


def check_letter(
    text: str,
    language: str | None,
    kind: LetterKind,
    rules: Iterable[LetterRule],
    provider: ProviderDetails | None,
) -> LetterCheck:
    """Check a letter of `kind` against the rules of the complaint's regime
    (LetterPolicy.rules_for); rules of other kinds are ignored. `language` is the
    complainant's (None: unknown, English phrases are used)."""
    forms: dict[str, str] = {}
    findings: dict[str, _Finding] = {}
    for rule in rules:
        if rule.kind is not kind:
            continue
        for element in rule.elements:
            phrase_language, phrases = expected_phrases(element, language, provider)
            if phrase_language not in forms:
                forms[phrase_language] = match_form(text, phrase_language)
            found = any(phrase in forms[phrase_language] for phrase in phrases)
            severity = element.on_missing or rule.on_missing
            _merge(findings, element.id, _Finding(found, severity, phrase_language))
    missing = tuple(e for e, f in findings.items() if not f.found)
    return LetterCheck(
        kind=kind,
        language=language,
        verdict=_verdict([findings[e] for e in missing]),
        present=tuple(e for e, f in findings.items() if f.found),
        missing=missing,
        checked_in={e: f.language for e, f in findings.items()},
    )


def _verdict(missing: list[_Finding]) -> Verdict:
    if any(f.on_missing is OnMissing.BLOCK for f in missing):
        return Verdict.BLOCK
    return Verdict.FLAG if missing else Verdict.OK

"""The letter packs of the policy: the elements a final response, a summary resolution
communication or a holding response must contain under a regime, their phrases per
language, and the templates that contain them (see docs/letters.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from string import Formatter
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from plaint.vocabulary.base import Frozen
from plaint.vocabulary.errors import PlaintError
from plaint.vocabulary.language import TURKIC, normalise
from plaint.vocabulary.terms import FigureBasis, Identifier, LanguageTag

# Every element carries English phrases: a letter in a language its rule has no phrases for
# is checked against them, and the result says so.
FALLBACK_LANGUAGE = "en"
PROVIDER_FIELDS = frozenset({"provider_name", "provider_website", "time_limit"})
LETTER_FIELDS = PROVIDER_FIELDS | frozenset(
    {"reference", "decision", "reasons", "resolution", "delay_reasons", "next_steps", "expected_by"}
)
# A regime clock's deadline, named as acknowledgement templates name it: {due_final_response}.
_DEADLINE_FIELD = re.compile(r"due_[a-z0-9_]+")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class LetterTemplateError(PlaintError):
    """A letter template cannot be rendered: a placeholder has no value, or braces are broken."""

    def __init__(self, template_name: str, placeholder: str | None, detail: str) -> None:
        super().__init__(f"letter template {template_name}: {detail}")
        self.template_name = template_name
        self.placeholder = placeholder


class LetterKind(StrEnum):
    FINAL_RESPONSE = "final_response"
    SUMMARY_RESOLUTION = "summary_resolution"
    HOLDING_RESPONSE = "holding_response"


class OnMissing(StrEnum):
    BLOCK = "block"  # not marked sent until the letter says what is missing
    FLAG = "flag"  # marked sent, with a flag for agents naming what is missing


Phrase = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Detail = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def placeholders(text: str) -> tuple[str, ...]:
    """The placeholders of a template or phrase, in order. ValueError when a brace is
    unbalanced or a placeholder is more than a plain name ({reference}, not {0} or {x!r})."""
    names: list[str] = []
    for _, name, spec, conversion in Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion or not _PLAIN_NAME.fullmatch(name):
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValueError(
                f"placeholder {{{written}}} must be a plain name such as {{reference}}, "
                "with no format spec or conversion"
            )
        names.append(name)
    return tuple(names)


def _check_templates(templates: Mapping[str, str], where: str) -> None:
    for language, text in templates.items():
        unknown = [
            n
            for n in placeholders(text)
            if n not in LETTER_FIELDS and not _DEADLINE_FIELD.fullmatch(n)
        ]
        if unknown:
            raise ValueError(
                f"{where} template {language!r}: unknown placeholder {{{unknown[0]}}}; use "
                + ", ".join(f"{{{f}}}" for f in sorted(LETTER_FIELDS))
                + " or {due_<clock id>}"
            )


class RequiredElement(Frozen):
    """Something a letter must tell the complainant, found by any one of its phrases."""

    id: Identifier = Field(description="What the element is, e.g. ombudsman_website.")
    description: str = Field(min_length=1, description="What the letter must say, in words.")
    source: str = Field(default="", description="The rule that requires it, cited.")
    basis: FigureBasis = Field(
        default=FigureBasis.LAW,
        description="law or guidance: the regulator's; organisation: the admin's to decide.",
    )
    phrases: dict[LanguageTag, tuple[Phrase, ...]] = Field(
        description="Per language, alternatives of which at least one must appear in the "
        "letter. English is required: it is the fallback. Placeholders: {provider_name}, "
        "{provider_website}, {time_limit}."
    )
    on_missing: OnMissing | None = Field(
        default=None, description="Overrides the rule's on_missing for this element."
    )

    @model_validator(mode="after")
    def _phrases_usable(self) -> RequiredElement:
        if FALLBACK_LANGUAGE not in self.phrases:
            raise ValueError(f"element {self.id!r}: English phrases are required (the fallback)")
        for language, alternatives in self.phrases.items():
            if not alternatives:
                raise ValueError(f"element {self.id!r}: no phrases for {language!r}")
            for phrase in alternatives:
                unknown = [n for n in placeholders(phrase) if n not in PROVIDER_FIELDS]
                if unknown:
                    raise ValueError(
                        f"element {self.id!r}: phrase {phrase!r} uses {{{unknown[0]}}}; "
                        "phrases may use {provider_name}, {provider_website}, {time_limit}"
                    )
                if not match_form(phrase, language):
                    raise ValueError(f"element {self.id!r}: a {language!r} phrase is blank")
        return self


class LetterRule(Frozen):
    """What one kind of letter must contain under some regimes."""

    regimes: tuple[Identifier, ...] = Field(
        min_length=1, description="The regimes (regimes[].id) whose letters this rule checks."
    )
    kind: LetterKind
    source: str = Field(min_length=1, description="The rule or standard, cited.")
    elements: tuple[RequiredElement, ...] = Field(min_length=1)
    on_missing: OnMissing = Field(
        default=OnMissing.BLOCK, description="What a missing element does to the letter."
    )
    templates: dict[LanguageTag, str] = Field(
        default_factory=dict,
        description="This rule's own letter per language, for regimes whose letter differs "
        "from the policy's template of the same kind (a payment services holding response).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> LetterRule:
        ids = [e.id for e in self.elements]
        if len(set(ids)) != len(ids):
            raise ValueError(f"element ids repeat in a {self.kind} rule: {ids}")
        if len(set(self.regimes)) != len(self.regimes):
            raise ValueError(f"regimes repeat in a {self.kind} rule")
        _check_templates(self.templates, f"{self.kind} rule")
        return self


class LetterPolicy(Frozen):
    """The required elements of each regime's letters, and the letters that contain them."""

    rules: tuple[LetterRule, ...] = ()
    templates: dict[LetterKind, dict[LanguageTag, str]] = Field(
        default_factory=dict,
        description="Letter text per kind and language. Placeholders: "
        + ", ".join(f"{{{f}}}" for f in sorted(LETTER_FIELDS))
        + ", {due_<clock id>}.",
    )

    @model_validator(mode="after")
    def _one_rule_per_letter(self) -> LetterPolicy:
        seen: set[tuple[str, LetterKind]] = set()
        for rule in self.rules:
            for regime in rule.regimes:
                if (regime, rule.kind) in seen:
                    raise ValueError(f"two {rule.kind} rules for regime {regime!r}")
                seen.add((regime, rule.kind))
        for kind, texts in self.templates.items():
            _check_templates(texts, str(kind))
        return self

    def rules_for(self, regime: str) -> tuple[LetterRule, ...]:
        return tuple(rule for rule in self.rules if regime in rule.regimes)

    def template_for(self, regime: str, kind: LetterKind, language: str) -> str | None:
        """The rule's own template when it has any (then only those), else the policy's."""
        for rule in self.rules_for(regime):
            if rule.kind is kind and rule.templates:
                return rule.templates.get(language)
        return self.templates.get(kind, {}).get(language)


class ProviderDetails(Frozen):
    """The dispute-resolution provider a letter names, as the provider registry holds it."""

    name: Detail = Field(description="Its official name.")
    names: dict[LanguageTag, Detail] = Field(
        default_factory=dict, description="Its name as a letter in that language writes it."
    )
    website: Detail = Field(description="e.g. www.financial-ombudsman.org.uk")
    time_limit: dict[LanguageTag, Detail] = Field(
        default_factory=dict,
        description="The time to refer, as a letter in that language writes it (six months).",
    )

    def values(self, language: str | None) -> dict[str, str]:
        """The provider placeholders for a letter in `language`. No time limit falls back to
        another language: English words in an Azerbaijani letter would not be a time limit."""
        name = self.names.get(language, self.name) if language else self.name
        values = {"provider_name": name, "provider_website": self.website}
        if language in self.time_limit:
            values["time_limit"] = self.time_limit[language]
        return values


class LetterPack(Frozen):
    """A file in policies/letters/: a regime family's letters, with what they rely on."""

    name: str = Field(min_length=1)
    description: str = ""
    sources: tuple[str, ...] = Field(min_length=1, description="What the rules rely on, cited.")
    provider: ProviderDetails | None = Field(
        default=None,
        description="The provider the templates were written for, when the regime names one; "
        "a starting point for the provider registry.",
    )
    letters: LetterPolicy


def render_template(
    template: str, values: Mapping[str, str], *, name: str = "letter template"
) -> str:
    """Fill `template`'s placeholders from `values`; LetterTemplateError names the first
    placeholder without a value, and `name` says which template it was."""
    try:
        parts = list(Formatter().parse(template))
    except ValueError as exc:
        raise LetterTemplateError(name, None, f"broken braces ({exc})") from exc
    out: list[str] = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if spec or conversion or not _PLAIN_NAME.fullmatch(field):
            raise LetterTemplateError(name, field, f"{{{field}}} must be a plain placeholder")
        if field not in values:
            given = ", ".join(sorted(values)) or "nothing"
            raise LetterTemplateError(name, field, f"no value for {{{field}}} (given: {given})")
        out.append(values[field])
    return "".join(out)


def match_form(text: str, language: str | None) -> str:
    """`text` as the check compares it: plaint.text's normal form, and one letter i.

    A name or web address in capitals folds to a dotless ı in a Turkic letter ("FINANCIAL"
    -> "fınancıal") and İ to i + a combining dot elsewhere; whether a phrase is present does
    not turn on that distinction, so both sides lose it.
    """
    folded = normalise(text, language).replace("i\u0307", "i")
    return folded.replace("ı", "i") if language in TURKIC else folded

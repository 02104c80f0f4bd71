"""Letters that say what the rules require: every template in policies/letters/ passes its own
check in each language, taking any one required element out is caught as exactly that
element, and spelling variants of the complainant's script do not defeat the check."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from plaint.letters.wording import (
    LetterCheck,
    LetterCheckError,
    Verdict,
    check_letter,
    expected_phrases,
)
from plaint.policy.letters import (
    LetterKind,
    LetterPack,
    LetterPolicy,
    LetterRule,
    LetterTemplateError,
    OnMissing,
    ProviderDetails,
    match_form,
    render_template,
)

ROOT = Path(__file__).resolve().parents[3]
PACK_FILES = sorted((ROOT / "policies" / "letters").glob("*.json"))
LANGUAGES = ("en", "az", "ar", "fa")

# The ISO 10002 pack leaves the provider to the organisation; this one stands in for it.
ADR_CENTRE = ProviderDetails(
    name="Consumer Dispute Resolution Centre",
    names={
        "az": "İstehlakçı Mübahisələrinin Həlli Mərkəzi",
        "ar": "مركز تسوية نزاعات المستهلكين",
        "fa": "مرکز حل اختلافات مصرف‌کنندگان",
    },
    website="https://www.adr.example.org/",
)

# What agents write into a letter; none of it says anything a rule looks for.
CASE_VALUES = {
    "reference": "ZD-4242",
    "decision": "We uphold your complaint and have refunded the duplicate card fee.",
    "reasons": "The fee was charged twice by mistake on 3 March.",
    "resolution": "We refunded the duplicate card fee of 25.00 to your account.",
    "delay_reasons": "We are waiting for records from the card scheme.",
    "next_steps": "We will compare the card scheme's records with your statement.",
    "expected_by": "30 June 2026",
}


@cache
def pack(file_name: str) -> LetterPack:
    return LetterPack.model_validate_json((ROOT / "policies" / "letters" / file_name).read_text())


def provider_of(file_name: str) -> ProviderDetails:
    return pack(file_name).provider or ADR_CENTRE


def rules_of(file_name: str, regime: str) -> tuple[LetterRule, ...]:
    return pack(file_name).letters.rules_for(regime)


def letter(file_name: str, regime: str, kind: LetterKind, language: str) -> str:
    template = pack(file_name).letters.template_for(regime, kind, language)
    assert template is not None, f"{file_name}: no {kind} template in {language}"
    values = CASE_VALUES | provider_of(file_name).values(language)
    return render_template(template, values, name=f"{file_name} {regime} {kind}/{language}")


def check(
    file_name: str, regime: str, kind: LetterKind, text: str, language: str | None
) -> LetterCheck:
    return check_letter(text, language, kind, rules_of(file_name, regime), provider_of(file_name))


LETTERS = [
    (p.name, regime, rule.kind, language)
    for p in PACK_FILES
    for rule in pack(p.name).letters.rules
    for regime in rule.regimes
    for language in LANGUAGES
]

ELEMENTS = [
    (file_name, regime, kind, language, element.id)
    for file_name, regime, kind, language in LETTERS
    for rule in rules_of(file_name, regime)
    if rule.kind is kind
    for element in rule.elements
]


def _id(case: tuple[object, ...]) -> str:
    return "-".join(str(part).removesuffix(".json") for part in case)


def test_every_pack_has_a_letter_of_each_kind_in_each_language() -> None:
    assert {p.name for p in PACK_FILES} >= {"uk-fca-disp.json", "az-cbar.json", "iso-10002.json"}
    for path in PACK_FILES:
        letters = pack(path.name).letters
        assert pack(path.name).sources
        for kind in LetterKind:
            assert set(letters.templates[kind]) >= set(LANGUAGES), (path.name, kind)
        for rule in letters.rules:
            assert not rule.templates or set(rule.templates) >= set(LANGUAGES)
            for element in rule.elements:
                assert set(element.phrases) >= set(LANGUAGES), (path.name, element.id)


def test_pack_texts_carry_no_bidi_controls() -> None:
    controls = {"\u200e", "\u200f", "\u061c", *map(chr, range(0x202A, 0x202F))}
    controls |= set(map(chr, range(0x2066, 0x206A)))
    for path in PACK_FILES:
        text = path.read_text(encoding="utf-8")
        assert not controls & set(text), path.name


@pytest.mark.parametrize("case", LETTERS, ids=_id)
def test_each_template_passes_its_own_check(case: tuple[str, str, LetterKind, str]) -> None:
    file_name, regime, kind, language = case
    result = check(file_name, regime, kind, letter(*case), language)
    assert result.missing == ()
    assert result.verdict is Verdict.OK
    assert set(result.checked_in.values()) == {language}
    assert result.fell_back == ()


def _without(text: str, phrases: tuple[str, ...]) -> str:
    for phrase in sorted(phrases, key=len, reverse=True):
        text = text.replace(phrase, " ")
    return text


@pytest.mark.parametrize("case", ELEMENTS, ids=_id)
def test_taking_an_element_out_reports_exactly_that_element(
    case: tuple[str, str, LetterKind, str, str],
) -> None:
    file_name, regime, kind, language, element_id = case
    rule = next(r for r in rules_of(file_name, regime) if r.kind is kind)
    element = next(e for e in rule.elements if e.id == element_id)
    _, phrases = expected_phrases(element, language, provider_of(file_name))
    text = _without(match_form(letter(file_name, regime, kind, language), language), phrases)
    result = check(file_name, regime, kind, text, language)
    assert result.missing == (element_id,)
    assert result.verdict.value == (element.on_missing or rule.on_missing).value
    assert element_id not in result.present
    assert len(result.present) == len(rule.elements) - 1


def _turkic_upper(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


@pytest.mark.parametrize("file_name", [p.name for p in PACK_FILES])
def test_azerbaijani_letters_pass_in_capitals(file_name: str) -> None:
    for rule in pack(file_name).letters.rules:
        regime = rule.regimes[0]
        shouted = _turkic_upper(letter(file_name, regime, rule.kind, "az"))
        assert check(file_name, regime, rule.kind, shouted, "az").verdict is Verdict.OK


def test_turkic_case_does_not_hide_the_ombudsman() -> None:
    rule = LetterRule.model_validate(
        {
            "regimes": ["az-cbar-bank"],
            "kind": "final_response",
            "source": "test",
            "elements": [
                {
                    "id": "ombudsman_name",
                    "description": "Names the ombudsman.",
                    "phrases": {"en": ["Financial Ombudsman"], "az": ["Maliyyə Ombudsmanı"]},
                }
            ],
        }
    )
    for text in (
        "MALİYYƏ OMBUDSMANINA müraciət edə bilərsiniz.",
        "maliyyə ombudsmanına müraciət edə bilərsiniz.",
        "Maliyyə   Ombudsmanı\nhaqqında",
    ):
        result = check_letter(text, "az", LetterKind.FINAL_RESPONSE, [rule], None)
        assert result.present == ("ombudsman_name",), text
    wrong_letter = check_letter("Maliyye Ombudsmani", "az", LetterKind.FINAL_RESPONSE, [rule], None)
    assert wrong_letter.missing == ("ombudsman_name",)


ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
PERSIAN_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


@pytest.mark.parametrize("file_name", [p.name for p in PACK_FILES])
def test_arabic_and_persian_letter_variants_still_match(file_name: str) -> None:
    for rule in pack(file_name).letters.rules:
        regime = rule.regimes[0]
        arabic = letter(file_name, regime, rule.kind, "ar")
        persian = letter(file_name, regime, rule.kind, "fa")
        variants = {
            "ar": [
                arabic.translate(ARABIC_TO_PERSIAN),
                arabic.replace("ي", "ى"),
                arabic.replace("ك", "كَ").replace("ل", "لـ"),  # a haraka, a tatweel
            ],
            "fa": [
                persian.translate(PERSIAN_TO_ARABIC),
                persian.replace("\u200c", " "),  # a space where the ZWNJ was
            ],
        }
        for language, texts in variants.items():
            for text in texts:
                result = check(file_name, regime, rule.kind, text, language)
                assert result.verdict is Verdict.OK, (rule.kind, language, result.missing)


def test_a_missing_required_element_blocks_or_flags_as_the_rule_says() -> None:
    uk = letter("uk-fca-disp.json", "uk-disp", LetterKind.FINAL_RESPONSE, "en")
    blocked = check(
        "uk-fca-disp.json",
        "uk-disp",
        LetterKind.FINAL_RESPONSE,
        uk.replace("our permission", "no say"),
        "en",
    )
    assert (blocked.verdict, blocked.missing) == (Verdict.BLOCK, ("waiver",))
    az = letter("az-cbar.json", "az-cbar-bank", LetterKind.FINAL_RESPONSE, "az")
    flagged = check(
        "az-cbar.json",
        "az-cbar-bank",
        LetterKind.FINAL_RESPONSE,
        az.replace("Mərkəzi Bankına (www.cbar.az)", "tənzimləyiciyə"),
        "az",
    )
    assert (flagged.verdict, flagged.missing) == (Verdict.FLAG, ("central_bank",))


def test_an_element_may_flag_inside_a_blocking_rule() -> None:
    rule = LetterRule.model_validate(
        {
            "regimes": ["iso-10002"],
            "kind": "final_response",
            "source": "test",
            "on_missing": "block",
            "elements": [
                {"id": "reasons", "description": "Reasons.", "phrases": {"en": ["reasons"]}},
                {
                    "id": "apology",
                    "description": "An apology, the organisation's wish.",
                    "basis": "organisation",
                    "on_missing": "flag",
                    "phrases": {"en": ["sorry"]},
                },
            ],
        }
    )
    kind = LetterKind.FINAL_RESPONSE
    assert check_letter("Our reasons: none.", "en", kind, [rule], None).verdict is Verdict.FLAG
    assert check_letter("We are sorry.", "en", kind, [rule], None).verdict is Verdict.BLOCK
    assert check_letter("Sorry; reasons.", "en", kind, [rule], None).verdict is Verdict.OK


def test_rules_of_other_kinds_are_not_applied() -> None:
    rules = rules_of("uk-fca-disp.json", "uk-disp")
    holding = letter("uk-fca-disp.json", "uk-disp", LetterKind.HOLDING_RESPONSE, "en")
    result = check_letter(
        holding, "en", LetterKind.HOLDING_RESPONSE, rules, provider_of("uk-fca-disp.json")
    )
    assert result.present == (
        "delay_reasons",
        "expected_date",
        "right_to_refer_now",
        "ombudsman_name",
        "ombudsman_leaflet",
        "ombudsman_website",
    )


def test_a_language_without_phrases_is_checked_in_english_and_says_so() -> None:
    english = letter("uk-fca-disp.json", "uk-disp", LetterKind.FINAL_RESPONSE, "en")
    result = check("uk-fca-disp.json", "uk-disp", LetterKind.FINAL_RESPONSE, english, "tr")
    assert result.verdict is Verdict.OK
    assert set(result.checked_in.values()) == {"en"}
    assert result.fell_back == result.present
    unknown = check("uk-fca-disp.json", "uk-disp", LetterKind.FINAL_RESPONSE, english, None)
    assert unknown.verdict is Verdict.OK and set(unknown.checked_in.values()) == {"en"}


def test_only_the_elements_without_phrases_in_the_language_fall_back() -> None:
    rule = LetterRule.model_validate(
        {
            "regimes": ["az-cbar-bank"],
            "kind": "holding_response",
            "source": "test",
            "elements": [
                {
                    "id": "delay_reasons",
                    "description": "Reasons for the delay.",
                    "phrases": {"en": ["reasons for the delay"], "az": ["gecikmənin səbəb"]},
                },
                {
                    "id": "final_date",
                    "description": "The final date.",
                    "phrases": {"en": ["no later than"]},
                },
            ],
        }
    )
    text = "Gecikmənin səbəbi: arxiv. Cavab NO LATER THAN 30 iyun."
    result = check_letter(text, "az", LetterKind.HOLDING_RESPONSE, [rule], None)
    assert result.verdict is Verdict.OK
    assert result.checked_in == {"delay_reasons": "az", "final_date": "en"}
    assert result.fell_back == ("final_date",)


def test_a_missing_placeholder_names_itself_and_the_template() -> None:
    with pytest.raises(LetterTemplateError) as caught:
        render_template(
            "Ref {reference}: refer to the {provider_name}.",
            {"reference": "ZD-1"},
            name="uk-disp final_response/az",
        )
    assert caught.value.placeholder == "provider_name"
    assert caught.value.template_name == "uk-disp final_response/az"
    assert "{provider_name}" in str(caught.value)
    assert "uk-disp final_response/az" in str(caught.value)


def test_broken_braces_and_format_tricks_are_refused() -> None:
    with pytest.raises(LetterTemplateError, match="broken braces"):
        render_template("Ref {reference", {"reference": "1"})
    with pytest.raises(LetterTemplateError, match="plain placeholder"):
        render_template("Ref {reference.upper}", {"reference": "1"})
    assert render_template("{{literal}} {reference}", {"reference": "1"}) == "{literal} 1"


def test_rendering_a_pack_template_without_a_provider_says_what_is_missing() -> None:
    template = pack("uk-fca-disp.json").letters.templates[LetterKind.FINAL_RESPONSE]["fa"]
    with pytest.raises(LetterTemplateError, match=r"\{provider_name\}"):
        render_template(template, CASE_VALUES, name="final_response/fa")


def test_phrases_needing_a_detail_nobody_gave_cannot_be_checked() -> None:
    rules = rules_of("uk-fca-disp.json", "uk-disp")
    english = letter("uk-fca-disp.json", "uk-disp", LetterKind.FINAL_RESPONSE, "en")
    with pytest.raises(LetterCheckError, match="ombudsman_website"):
        check_letter(english, "en", LetterKind.FINAL_RESPONSE, rules, None)
    fos = provider_of("uk-fca-disp.json")
    no_persian_limit = fos.model_copy(update={"time_limit": {"en": "six months"}})
    with pytest.raises(LetterCheckError, match="time_limit"):
        check_letter(english, "fa", LetterKind.FINAL_RESPONSE, rules, no_persian_limit)


def test_a_web_address_matches_however_it_is_written() -> None:
    fos = provider_of("uk-fca-disp.json")
    site = next(
        e
        for r in rules_of("uk-fca-disp.json", "uk-disp")
        for e in r.elements
        if e.id == "ombudsman_website"
    )
    rule = LetterRule(
        regimes=("uk-disp",), kind=LetterKind.FINAL_RESPONSE, source="test", elements=(site,)
    )
    for text in (
        "See https://www.financial-ombudsman.org.uk/",
        "See financial-ombudsman.org.uk",
        "See WWW.FINANCIAL-OMBUDSMAN.ORG.UK",
    ):
        result = check_letter(text, "az", LetterKind.FINAL_RESPONSE, [rule], fos)
        assert result.verdict is Verdict.OK, text


def test_each_regime_gets_its_own_holding_response() -> None:
    letters = pack("uk-fca-disp.json").letters
    kind = LetterKind.HOLDING_RESPONSE
    eight_weeks = letters.template_for("uk-disp", kind, "en")
    payments = letters.template_for("uk-disp-payments", kind, "en")
    assert eight_weeks is not None and "may now refer" in eight_weeks
    assert payments is not None and "may now refer" not in payments
    assert letters.template_for("uk-disp", kind, "tr") is None
    assert letters.rules_for("nowhere") == ()


def _element(**changes: object) -> dict[str, object]:
    element: dict[str, object] = {
        "id": "ombudsman_name",
        "description": "Names the ombudsman.",
        "phrases": {"en": ["{provider_name}"]},
    }
    return element | changes


def _rule(**changes: object) -> dict[str, object]:
    rule: dict[str, object] = {
        "regimes": ["uk-disp"],
        "kind": "final_response",
        "source": "test",
        "elements": [_element()],
    }
    return rule | changes


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_rule(elements=[_element(phrases={"az": ["Ombudsman"]})]), "English phrases"),
        (_rule(elements=[_element(phrases={"en": ["{reference}"]})]), "uses {reference}"),
        (_rule(elements=[_element(phrases={"en": []})]), "no phrases for 'en'"),
        (_rule(elements=[_element(phrases={"en": ["ـ"]})]), "blank"),
        (_rule(elements=[_element(), _element()]), "element ids repeat"),
        (_rule(templates={"en": "Dear {customer}"}), "unknown placeholder {customer}"),
        (_rule(templates={"en": "Dear {0}"}), "plain name"),
    ],
)
def test_rules_that_could_not_work_are_refused(document: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        LetterRule.model_validate(document)


def test_a_regime_has_one_rule_per_kind_of_letter() -> None:
    with pytest.raises(ValidationError, match="two final_response rules for regime 'uk-disp'"):
        LetterPolicy.model_validate({"rules": [_rule(), _rule(regimes=["uk-disp", "x"])]})
    policy = LetterPolicy.model_validate(
        {"rules": [_rule()], "templates": {"final_response": {"en": "{due_final_response}"}}}
    )
    assert policy.rules[0].on_missing is OnMissing.BLOCK


def test_the_models_give_a_json_schema() -> None:
    schema = LetterPack.model_json_schema()
    json.dumps(schema)
    assert "LetterPolicy" in schema["$defs"]
    assert schema["$defs"]["RequiredElement"]["properties"]["phrases"]["description"]


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(LETTERS), extra=st.text(), before=st.booleans())
def test_unrelated_text_never_makes_a_passing_letter_fail(
    case: tuple[str, str, LetterKind, str], extra: str, before: bool
) -> None:
    file_name, regime, kind, language = case
    body = letter(*case)
    text = f"{extra}\n\n{body}" if before else f"{body}\n\n{extra}"
    result = check(file_name, regime, kind, text, language)
    assert result.verdict is Verdict.OK

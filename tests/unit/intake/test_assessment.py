"""ISO 10002 7.5 initial assessment in the languages Plaint's users write."""

from __future__ import annotations

import pytest

from plaint.intake.assessment import DEFAULT_RULE, RECOGNISER_RULE, assess
from plaint.intake.reception import complainant_language
from plaint.model.complaint import Flag, Severity
from plaint.vocabulary.language import casefold, guess_language, normalise
from tests.factories import default_policy, ticket_event


def judge(subject: str, description: str = "", **kw: object):
    event = ticket_event(subject=subject, description=description, **kw)
    policy = default_policy()
    return assess(event, policy, complainant_language(event, policy))


def test_turkic_case_folding_keeps_dotless_i() -> None:
    assert casefold("ŞİKAYƏT", "az") == "şikayət"
    assert casefold("IŞIQ", "az") == "ışıq"
    assert casefold("ISTANBUL", "en") == "istanbul"


def test_arabic_and_persian_letter_variants_fold_together() -> None:
    assert normalise("شكوى") == normalise("شکوی")
    assert normalise("أَشْتَكِي") == normalise("اشتکی")  # harakat and hamza forms dropped
    assert normalise("شکایت\u200cها") == "شکایت ها"


INVISIBLE = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u2067"]


@pytest.mark.parametrize("mark", INVISIBLE)
def test_invisible_format_characters_inside_words_are_removed(mark: str) -> None:
    assert normalise(f"Ş{mark}ikayət edirəm", "az") == "şikayət edirəm"
    # Even between a letter and its combining mark: ş is composed again.
    assert normalise(f"S{mark}\u0327ikayət", "az") == "şikayət"
    assert normalise(f"شکا{mark}یت", "fa") == "شکایت"


def test_every_invisible_format_character_but_the_zwnj_is_removed() -> None:
    import sys
    import unicodedata

    format_characters = [
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    ]
    kept = [ch for ch in format_characters if normalise(f"a{ch}b") != "ab"]
    assert kept == ["\u200c"]  # the ZWNJ: a Persian morpheme break, read as a space
    assert normalise("a\u200cb") == "a b"


@pytest.mark.parametrize("mark", INVISIBLE)
def test_a_complaint_with_an_invisible_character_inside_a_word_is_recognised(mark: str) -> None:
    from plaint.intake.recognition.features import analyse

    assert analyse(f"Ş{mark}ikayət edirəm", "az") == analyse("Şikayət edirəm", "az")
    result = judge("", f"Ş{mark}ikayət edirəm", language="az")
    assert result.is_complaint
    assert result.rule_for("is_complaint") == "expression-of-dissatisfaction"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mən şikayət edirəm, xidmət qəbuledilməzdir", "az"),
        ("أريد تقديم شكوى بخصوص الخدمة", "ar"),
        ("از خدمات شما ناراضی هستم و شکایت دارم", "fa"),
        ("Hizmetinizden memnun değilim, şikayet ediyorum", "tr"),
        ("Я хочу подать жалобу на обслуживание", "ru"),
        ("I want to complain about your service", None),
    ],
)
def test_expressions_of_dissatisfaction_are_complaints(text: str, language: str | None) -> None:
    assert guess_language(text) == language
    result = judge("", text)
    assert result.is_complaint
    assert result.rule_for("is_complaint") == "expression-of-dissatisfaction"


def test_uppercase_azerbaijani_matches_lowercase_keyword() -> None:
    result = judge("ŞİKAYƏT", "XİDMƏTİNİZDƏN NARAZIYAM", language="az")
    assert result.is_complaint


def test_plain_question_is_not_a_complaint_and_names_who_decided() -> None:
    result = judge("Opening hours?", "When are you open on Saturday?")
    assert not result.is_complaint and not result.review
    # No rule recognises it: the recogniser judged it no complaint; the rest is defaults.
    assert result.rule_for("is_complaint") == RECOGNISER_RULE
    assert result.category == "general"
    assert {m.rule_id for m in result.matches if m.attribute != "is_complaint"} == {DEFAULT_RULE}


def test_safety_wins_severity_and_flags_accumulate() -> None:
    result = judge(
        "Charger caught fire",
        "The charger caught fire and my father, who is in hospital care, was burned. "
        "I also want a refund.",
    )
    assert result.is_complaint
    assert result.severity is Severity.CRITICAL
    assert result.category == "product_safety"
    assert result.flags == (Flag.SAFETY, Flag.VULNERABILITY)
    assert result.rule_for("category") == "safety-hazard"
    flag_rules = {m.value: m.rule_id for m in result.matches if m.attribute == "flag"}
    assert flag_rules == {"safety": "safety-hazard", "vulnerability": "vulnerable-customer"}


def test_arabic_fraud_report_is_regulatory() -> None:
    result = judge("عملية غير مصرح بها", "تم خصم مبلغ من حسابي في عملية احتيال")
    assert result.is_complaint
    assert result.category == "fraud"
    assert Flag.REGULATORY in result.flags


def test_complaint_tag_alone_makes_a_complaint() -> None:
    result = judge("Call back", "Please call me", tags=("complaint",))
    assert result.is_complaint
    assert result.rule_for("is_complaint") == "complaint-tag"


def test_language_falls_back_to_policy_default_for_unsupported() -> None:
    event = ticket_event(language="de", description="Ich möchte mich beschweren")
    assert complainant_language(event, default_policy()) == "en"
    event = ticket_event(language="fa")
    assert complainant_language(event, default_policy()) == "fa"

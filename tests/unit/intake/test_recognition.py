"""The embedded complaint recogniser: its judgement per language on the project's own test
tickets (never trained on), the cases the issue names, and every kind of bad input."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from plaint.intake.recognition import (
    COMPLAINT_THRESHOLD,
    CUE_IDS,
    MAX_CHARACTERS,
    MODEL_LANGUAGES,
    Recognition,
    recognise,
)

TICKETS = Path(__file__).resolve().parents[2] / "data" / "recognition" / "tickets.jsonl"
POLICY_LANGUAGES = ("az", "ar", "fa", "en", "tr", "ru")
RECALL_FLOOR = 0.90
FALSE_POSITIVE_CEILING = 0.10


def judge(text: str, language: str | None = None, **kw: Any) -> Recognition:
    return recognise(text, language=language, languages=kw.pop("languages", POLICY_LANGUAGES), **kw)


def is_complaint(result: Recognition) -> bool:
    return result.probability is not None and result.probability >= COMPLAINT_THRESHOLD


def _tickets() -> list[dict[str, str]]:
    return [json.loads(line) for line in TICKETS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def by_language() -> dict[str, dict[str, list[bool]]]:
    table: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for row in _tickets():
        result = judge(row["text"], row["language"])
        assert result.outcome == "judged", row["id"]
        table[row["language"]][row["label"]].append(is_complaint(result))
    return table


def test_the_test_set_covers_every_language_with_enough_tickets() -> None:
    counts: dict[str, int] = defaultdict(int)
    for row in _tickets():
        counts[row["language"]] += 1
        assert row["label"] in {"complaint", "not_complaint"}
    assert set(counts) == set(MODEL_LANGUAGES)
    assert min(counts.values()) >= 60


@pytest.mark.parametrize("language", sorted(MODEL_LANGUAGES))
def test_recall_per_language_on_the_test_tickets(by_language: Any, language: str) -> None:
    flags = by_language[language]["complaint"]
    assert sum(flags) / len(flags) >= RECALL_FLOOR


@pytest.mark.parametrize("language", sorted(MODEL_LANGUAGES))
def test_false_positives_per_language_on_the_test_tickets(by_language: Any, language: str) -> None:
    flags = by_language[language]["not_complaint"]
    assert sum(flags) / len(flags) <= FALSE_POSITIVE_CEILING


@pytest.mark.parametrize(
    ("text", "language", "cue"),
    [
        (
            "I'm not happy with how my account was handled.",
            "en",
            "dissatisfaction.negated_satisfaction",
        ),
        ("Xidmətinizdən razı deyiləm.", "az", "dissatisfaction.negated_satisfaction"),
        ("از خدمات شما راضی نیستم.", "fa", "dissatisfaction.negated_satisfaction"),
        ("از خدمات شما راضی‌نیستم و کسی جواب نمی‌دهد.", "fa", "failure.no_response"),
        ("Hizmetinizden memnun değilim.", "tr", "dissatisfaction.negated_satisfaction"),
        ("Я не доволен вашим обслуживанием.", "ru", "dissatisfaction.negated_satisfaction"),
        ("أنا غير راضٍ عن خدمتكم.", "ar", "dissatisfaction.negated_satisfaction"),
        ("The transfer of 500 AZN on 3 May has still not arrived.", "en", "failure.not_arrived"),
        ("3 may tarixində göndərdiyim 500 AZN hələ də çatmayıb.", "az", "failure.not_arrived"),
        ("الحوالة لم تصل حتى الآن.", "ar", "failure.not_arrived"),
        ("Great, the third courier to lose my parcel.", "en", "sarcasm.praise_with_failure"),
        ("I was rather surprised to see a fee I never agreed to.", "en", "dissatisfaction.polite"),
    ],
)
def test_the_issues_examples_are_complaints_with_their_cue(
    text: str, language: str, cue: str
) -> None:
    result = judge(text, language)
    assert is_complaint(result), result
    assert cue in result.cues


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What if my card is stolen?", "en"),
        ("Kartım oğurlansa, nə etməliyəm?", "az"),
        ("اگر کارتم دزدیده شود چه کار باید بکنم؟", "fa"),
        ("Out of office: I am on annual leave until Monday and will reply when I return.", "en"),
        ("Thank you, the refund has arrived. You can close the ticket.", "en"),
        ("Çox sağ olun, pul hesabıma daxil oldu.", "az"),
    ],
)
def test_questions_thanks_and_auto_replies_are_not_complaints(text: str, language: str) -> None:
    assert not is_complaint(judge(text, language))


def test_fraud_vulnerability_and_regulator_cues_are_sorted_into_their_groups() -> None:
    result = judge(
        "I'm writing for my elderly mother: someone used her card without her permission. "
        "If this is not refunded we will go to the Financial Ombudsman.",
        "en",
    )
    assert is_complaint(result)
    assert "severity.fraud" in result.severity_cues
    assert "vulnerability.third_party" in result.vulnerability_cues
    assert "regulatory.ombudsman" in result.regulatory_cues
    assert set(result.severity_cues) | set(result.vulnerability_cues) <= set(result.cues)


_WORD = re.compile(r"[^\W\d_]{3,}")


@pytest.mark.parametrize("row", _tickets()[::7], ids=lambda row: row["id"])
def test_the_result_holds_cue_identifiers_and_no_words_of_the_ticket(row: dict[str, str]) -> None:
    result = judge(row["text"], row["language"])
    assert set(result.cues) <= CUE_IDS
    ticket_words = {word.casefold() for word in _WORD.findall(row["text"])}
    identifier_words = set(re.findall(r"[a-z]+", " ".join(sorted(CUE_IDS))))
    for field in (
        result.cues,
        result.severity_cues,
        result.vulnerability_cues,
        result.regulatory_cues,
    ):
        for cue in field:
            assert re.fullmatch(r"[a-z_]+\.[a-z_]+", cue)
            assert set(re.findall(r"[a-z]+", cue)) <= identifier_words
    text_fields = [
        result.outcome,
        result.language or "",
        result.script or "",
        result.category or "",
    ]
    assert not ticket_words & {
        word.casefold() for field in text_fields for word in _WORD.findall(field)
    } - identifier_words - {"judged", "latin", "arabic", "cyrillic", "mixed"}


def test_cue_identifiers_are_identifiers() -> None:
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", cue) for cue in CUE_IDS)
    assert {"severity.fraud", "vulnerability.third_party", "regulatory.ombudsman"} <= CUE_IDS


def test_the_same_text_gives_the_same_recognition() -> None:
    text = "Hesabımdan icazəsiz 300 manat çıxılıb, hələ də cavab yoxdur!"
    assert judge(text, "az") == judge(text, "az") == judge(text, None)


# ---- bad input ---------------------------------------------------------------------------


def test_empty_text() -> None:
    for text in ("", "   \n\t "):
        result = judge(text, "en")
        assert result.outcome == "empty"
        assert result.probability is None
        assert result.cues == ()


def test_emoji_and_punctuation_only() -> None:
    result = judge("😡😡😡 !!! ??? 👎", None)
    assert result.outcome == "no_words"
    assert result.probability is None


def test_a_256_kib_body_is_cut_deterministically_and_still_judged() -> None:
    body = ("Nobody has answered and my card still does not work. " * 6000)[: 256 * 1024]
    first = judge(body, "en")
    assert first.outcome == "judged"
    assert first.truncated
    assert MAX_CHARACTERS - 200 <= first.characters_read <= MAX_CHARACTERS
    assert judge(body, "en") == first
    assert is_complaint(first)


def test_short_text_is_not_truncated() -> None:
    result = judge("Where is my parcel?", "en")
    assert not result.truncated
    assert result.characters_read == len("Where is my parcel?")


def test_mixed_scripts_are_judged_in_the_majority_language() -> None:
    result = judge("Kartım bloklanıb, card blocked, карта заблокирована, hələ də açılmayıb", None)
    assert result.outcome == "judged"
    assert result.language == "az"
    persian = judge("سفارش من با کد ORDER-7781 هنوز نرسیده و پشتیبانی جواب نمی‌دهد", None)
    assert persian.language == "fa"
    assert is_complaint(persian)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ana mesh 3aref leh el flous ma wesletsh lel 7esab, ya3ni eh el mawdoo3?", "ar"),
        ("salam, pool-e man hanooz naresideh va kheili narahatam, lotfan peigiri konid", "fa"),
    ],
)
def test_arabic_and_persian_in_latin_letters_are_recognised_and_not_judged_as_english(
    text: str, language: str
) -> None:
    result = judge(text, None)
    assert result.script == "latin_arabizi"
    assert result.outcome == "unknown_language"
    assert result.language == language
    assert result.probability is None
    # Even when the helpdesk says English, it is not judged as English.
    assert judge(text, "en").outcome == "unknown_language"


def test_a_language_outside_the_policy_is_unknown() -> None:
    result = judge("Xidmətinizdən razı deyiləm.", "az", languages=("en", "ru"))
    assert result.outcome == "unknown_language"
    assert result.language == "az"
    assert result.probability is None


def test_a_language_the_model_does_not_know_is_unknown_never_english() -> None:
    german = judge("Ich bin mit Ihrem Service sehr unzufrieden und möchte mich beschweren.", None)
    assert german.outcome == "unknown_language"
    assert german.language is None
    french = judge("Je suis très mécontent.", "fr", languages=(*POLICY_LANGUAGES, "fr"))
    assert french.outcome == "unknown_language"
    assert french.language == "fr"


def test_language_tags_with_regions_are_read_as_their_language() -> None:
    assert judge("Xidmətinizdən razı deyiləm.", "az-Latn-AZ").language == "az"
    assert judge("از خدمات شما راضی نیستم", "fa_IR").language == "fa"


def test_language_detection_when_the_helpdesk_does_not_say() -> None:
    cases = {
        "Hizmetinizden hiç memnun değilim, param hala iade edilmedi.": "tr",
        "Xidmətinizdən heç razı deyiləm, pulum hələ qaytarılmayıb.": "az",
        "Я недоволен, деньги до сих пор не вернули.": "ru",
        "لم يصل المبلغ إلى حسابي حتى الآن": "ar",
        "پول من هنوز به حسابم برنگشته است": "fa",
        "My money still has not been returned to my account.": "en",
    }
    for text, language in cases.items():
        assert judge(text, None).language == language, text

"""How the recogniser reads plain positive text, negated criticism, mixed reviews, and which
language it takes text to be in: the cases found in use (an Azerbaijani remark about the
weather judged a complaint; English mail with an Azerbaijani name or address taken for
Azerbaijani, then judged as such or refused as an unknown language)."""

from __future__ import annotations

import pytest

from plaint.intake.recognition import COMPLAINT_THRESHOLD, Recognition, recognise
from plaint.intake.recognition.features import analyse, hashed
from plaint.intake.recognition.languages import detect
from plaint.vocabulary.language import guess_language

LANGUAGES = ("az", "ar", "fa", "en", "tr", "ru")


def judge(text: str, language: str | None = None) -> Recognition:
    return recognise(text, language=language, languages=LANGUAGES)


def flagged(result: Recognition) -> bool:
    return result.probability is not None and result.probability >= COMPLAINT_THRESHOLD


# ---- the Azerbaijani weather -------------------------------------------------------------


@pytest.mark.parametrize("language", ["az", None])
def test_the_weather_is_good_today_in_azerbaijani_is_no_complaint(language: str | None) -> None:
    result = judge("Bu gün hava yaxşıdır", language)
    assert result.outcome == "judged"
    assert result.language == "az"
    assert not flagged(result)
    assert not any(cue.startswith(("failure.", "dissatisfaction.")) for cue in result.cues)


def test_azerbaijani_without_its_letter_schwa_is_still_azerbaijani() -> None:
    # q and x are written in Azerbaijani, never in Turkish.
    assert detect("Bu gün hava yaxşıdır").language == "az"
    assert detect("Çox sağ olun").language == "az"
    assert guess_language("Bu gün hava yaxşıdır") == "az"
    # ...while Turkish stays Turkish.
    assert detect("Bugün hava çok güzel, kargom da geldi").language == "tr"
    assert guess_language("Kargo hala gelmedi, çok kızgınım") == "tr"
    assert guess_language("İade istiyorum") == "tr"


# ---- English read as English ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hi team, my card was blocked yesterday. Regards, Səbinə Əliyeva, Bakı",
        "Dear support, I paid for order 4411 but it never arrived. Address: Nizami küç. 12, Bakı",
        "I am writing about my account at the Şişli branch, which was blocked",
    ],
)
def test_english_with_an_azerbaijani_or_turkish_name_or_address_is_not_taken_for_them(
    text: str,
) -> None:
    # The email connector passes guess_language on as the ticket's language: an
    # Azerbaijani guess made the recogniser judge English as Azerbaijani, or refuse it as
    # an unknown language where the policy does not list Azerbaijani.
    assert guess_language(text) is None
    assert detect(text).language == "en"
    result = judge(text)
    assert result.outcome == "judged" and result.language == "en"
    assert flagged(result)
    refused_az = recognise(text, language=guess_language(text), languages=("en",))
    assert refused_az.outcome == "judged" and refused_az.language == "en"


@pytest.mark.parametrize(
    "text", ["Card blocked", "Account locked", "Box damaged", "Refund not received"]
)
def test_short_english_subjects_are_english(text: str) -> None:
    assert detect(text).language == "en"
    result = judge(text)
    assert result.outcome == "judged" and result.language == "en"


# ---- negated criticism is praise ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Not bad at all, I quite liked it.", "en"),
        ("No problems at all, everything arrived on time.", "en"),
        ("بد نیست، با این قیمت می‌ارزه.", "fa"),
        ("هیچ مشکلی نداشت، همه چیز کامل رسید.", "fa"),
        ("مشکلی نداشت، خیلی هم خوشمزه بود.", "fa"),
        ("ما فيه أي مشكلة، كل شي تمام", "ar"),
        ("Pis deyil, bəyəndim.", "az"),
        ("Fena değil, beğendim.", "tr"),
        ("Никаких проблем, всё в порядке.", "ru"),
    ],
)
def test_negated_criticism_is_no_complaint(text: str, language: str) -> None:
    result = judge(text, language)
    assert not flagged(result), result
    assert "failure.broken" not in result.cues and "failure.error" not in result.cues


def test_a_negated_problem_is_not_evidence_of_a_failure() -> None:
    assert "failure.broken" in analyse("مشکل داشت", "fa").cues
    assert "failure.broken" not in analyse("مشکلی نداشت", "fa").cues


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("من خوشم نیومد", "fa"),
        ("به دلم ننشست، طعمش معمولی بود", "fa"),
        ("I don't like it at all", "en"),
    ],
)
def test_a_dislike_said_with_a_negated_verb_is_dissatisfaction_not_its_negation(
    text: str, language: str
) -> None:
    # The negation is the pattern's own meaning ("خوشم نیومد": I did not like it); it must
    # not turn the dislike into "a negated failure".
    assert "dissatisfaction.explicit" in analyse(text, language).cues


@pytest.mark.parametrize(
    ("text", "language", "verdict"),
    [
        ("کیفیت پایینی داره ولی در کل نسبت به قیمتش خوبه", "fa", "verdict_satisfied"),
        ("خیلی خوشمزه بود ولی شکسته رسید", "fa", "verdict_dissatisfied"),
        ("The delay was annoying, but the staff were excellent.", "en", "verdict_satisfied"),
    ],
)
def test_the_clause_after_but_carries_the_verdict(text: str, language: str, verdict: str) -> None:
    named = analyse(text, language).named
    assert hashed(f"p:{verdict}") in named
    other = "verdict_dissatisfied" if verdict == "verdict_satisfied" else "verdict_satisfied"
    assert hashed(f"p:{other}") not in named


def test_only_adds_a_caveat_and_gives_no_verdict() -> None:
    # "Good, only the amount is small": a caveat, not a turn to the verdict.
    named = analyse("خیلی خوب هستش فقط مقدارش کمه", "fa").named
    assert hashed("p:verdict_dissatisfied") not in named


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Xidmətinizlə bağlı rəsmi şikayət etmək istəyirəm.", "az"),
        ("Hizmetinizle ilgili şikayet etmek istiyorum.", "tr"),
        ("I want to complain about the way my claim was handled.", "en"),
    ],
)
def test_asking_to_complain_is_a_complaint_not_a_request(text: str, language: str) -> None:
    cues = analyse(text, language).cues
    assert "dissatisfaction.explicit" in cues
    assert "request.action" not in cues


def test_a_negated_verb_reaches_back_past_also() -> None:
    # "and it didn't smell bad either": the bad smell is negated, no evidence of a fault.
    assert "dissatisfaction.explicit" in analyse("بوی بد میداد", "fa").cues
    assert "dissatisfaction.explicit" not in analyse("بوی بد هم نمیداد", "fa").cues


def test_a_negated_compound_verb_stops_at_its_noun() -> None:
    # "very tasty, don't hesitate, buy it": "don't hesitate" does not negate the praise.
    assert "dissatisfaction.negated_praise" in analyse("خوش طعم نیست", "fa").cues
    assert "dissatisfaction.negated_praise" not in analyse("خیلی خوش طعمه شک نکنید", "fa").cues


def test_without_negates_a_short_phrase_and_what_a_conjunction_adds_to_it() -> None:
    # "without waste and rubbish": both negated.
    assert "dissatisfaction.explicit" in analyse("پر از آشغال بود", "fa").cues
    assert "dissatisfaction.explicit" not in analyse("بدون دور ریز و آشغال بود", "fa").cues
    # "received without hassle": the delivery is not negated.
    assert "failure.not_arrived" not in analyse("بدون درد سر تحویل گرفتم", "fa").cues
    assert "failure.not_arrived" in analyse("سفارشم را تحویل نگرفتم", "fa").cues


def test_a_verb_negated_by_its_own_suffix_still_negates_its_polar_stem() -> None:
    assert "failure.not_arrived" in analyse("Pul hələ də çatmayıb", "az").cues
    assert "failure.not_arrived" in analyse("پولم هنوز نرسیده", "fa").cues


# ---- praise beside a fault: sarcasm, or a mixed review ----------------------------------------


def test_praise_then_a_contrast_is_a_mixed_review_not_sarcasm() -> None:
    mixed = analyse("کیفیت خوبی داره، فقط بسته‌بندیش ضعیفه", "fa")
    assert "dissatisfaction.explicit" in mixed.cues
    assert "sarcasm.praise_with_failure" not in mixed.cues
    assert (
        "sarcasm.praise_with_failure"
        not in analyse("Great staff, but the parcel never arrived", "en").cues
    )
    # Without a contrast, praise beside a failure is still read as sarcasm.
    assert (
        "sarcasm.praise_with_failure" in analyse("Great, the parcel never arrived again", "en").cues
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("غذا گرم و تازه رسید، کیفیتش عالی بود.", "fa"),
        ("خوشمزه بود و زود رسید، ممنون", "fa"),
        ("صباح الخير يا أحلى ناس ☀️🌸", "ar"),
        ("مبروك للفريق الفوز، أداء رائع الليلة ⚽️🔥", "ar"),
        ("The weather is lovely today.", "en"),
        ("Bugün hava çok güzel.", "tr"),
        ("Сегодня прекрасная погода.", "ru"),
    ],
)
def test_plain_positive_text_is_no_complaint(text: str, language: str) -> None:
    assert not flagged(judge(text, language))


# ---- hypotheticals are questions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What if my card is stolen?", "en"),
        ("اگر کارتم گم شود چه کار باید بکنم؟", "fa"),
        ("ماذا لو ضاعت البطاقة؟", "ar"),
    ],
)
def test_a_hypothetical_question_is_a_hypothetical(text: str, language: str) -> None:
    assert "request.hypothetical" in analyse(text, language).cues


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("If you don't refund me I will go to the ombudsman.", "en"),
        ("اگه کیفیت می‌خواید اینو نخرید", "fa"),
        ("اذا ما رجعتوا فلوسي راح اشتكي", "ar"),
    ],
)
def test_an_if_with_no_question_is_advice_or_a_threat_not_a_hypothetical(
    text: str, language: str
) -> None:
    assert "request.hypothetical" not in analyse(text, language).cues


# ---- words that are cues only whole, or in their phrase -------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "cue"),
    [
        ("كيفية التعامل مع الامير في الاحتفال", "ar", "vulnerability.third_party"),
        ("نان گندم تازه و خوشمزه", "fa", "dissatisfaction.explicit"),
        ("خدا خیرت بده، عالی بود", "fa", "dissatisfaction.explicit"),
        ("با تخفیف خریدم و برای هدیه گرفتم", "fa", "marketing.promotion"),
    ],
)
def test_a_cue_word_inside_another_word_or_sense_is_no_cue(
    text: str, language: str, cue: str
) -> None:
    assert cue not in analyse(text, language).cues


@pytest.mark.parametrize(
    ("text", "language", "cue"),
    [
        ("امي مريضة ولا تستطيع الحضور", "ar", "vulnerability.third_party"),
        ("کیفیتش خیلی پایینه", "fa", "dissatisfaction.explicit"),
        ("بی‌مزه بود", "fa", "dissatisfaction.explicit"),
        ("تقلبی بود", "fa", "dissatisfaction.explicit"),
        ("برنج پر از شپشک بود", "fa", "failure.broken"),
        ("کد تخفیف ویژه برای شما", "fa", "marketing.promotion"),
    ],
)
def test_buyers_words_for_bad_goods_and_whole_cue_words_are_cues(
    text: str, language: str, cue: str
) -> None:
    assert cue in analyse(text, language).cues


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("من همیشه همینو می‌گیرم، مطابق توضیحات و اصله", "fa"),
        ("الأكل تحفة والتوصيل سريع، كفو والله", "ar"),
    ],
)
def test_goods_as_described_and_dialect_praise_are_plain_praise(text: str, language: str) -> None:
    cues = analyse(text, language).cues
    assert not any(cue.startswith(("dissatisfaction.", "failure.")) for cue in cues), cues


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("شاید برای بعضیا خوب باشه ولی من دیگه نمیخرم", "fa", "hedged"),
        ("Maybe it is great for some people, not for me.", "en", "hedged"),
        ("قبلا کیفیتش عالی بود", "fa", "past"),
        ("It was previously excellent, now it is not.", "en", "past"),
        ("Раньше было отлично", "ru", "past"),
        ("Eskiden harikaydı", "tr", "past"),
        ("برند قبلی خیلی خوشمزه‌تر بود", "fa", "compared"),
    ],
)
def test_hedged_past_and_compared_praise_is_no_verdict_on_what_was_bought(
    text: str, language: str, kind: str
) -> None:
    # "Maybe some like it", "it used to be excellent", "the other brand was tastier": the
    # praise is of something other than what the writer got.
    named = analyse(text, language).named
    assert hashed(f"p:praise_{kind}") in named
    assert not {hashed("p:praise"), hashed("p:quality")} & set(named)


@pytest.mark.parametrize(
    ("text", "language"),
    [("کیفیتش عالیه", "fa"), ("بهترین چایی که خوردم", "fa"), ("Excellent service.", "en")],
)
def test_plain_praise_and_the_superlative_stay_praise(text: str, language: str) -> None:
    named = set(analyse(text, language).named)
    assert {hashed("p:praise"), hashed("p:quality")} & named
    assert not {hashed(f"p:praise_{kind}") for kind in ("hedged", "past", "compared")} & named


@pytest.mark.parametrize(
    ("text", "language", "used"),
    [
        ("هنوز نپختمش ولی ظاهرش تمیزه", "fa", False),
        ("I haven't tried it yet, the box looks fine.", "en", False),
        ("Henüz denemedim ama paketi güzel", "tr", False),
        ("هنوز به دستم نرسیده", "fa", True),
        ("I still haven't received it", "en", True),
    ],
)
def test_the_writers_own_use_still_to_come_is_no_delay(
    text: str, language: str, used: bool
) -> None:
    # "Not cooked it yet" waits on the writer; "still not arrived" waits on the firm.
    cues = analyse(text, language).cues
    assert ("failure.delay" in cues) is used
    assert ("info.not_yet_used" in cues) is not used


def test_again_beside_buying_is_a_returning_customer_not_a_repeated_contact() -> None:
    bought = analyse("چندین بار این محصول را خریدم و راضیم", "fa")
    assert "failure.repeated_contact" not in bought.cues
    assert hashed("p:quality") in bought.named
    assert "failure.repeated_contact" in analyse("دوباره خراب شد", "fa").cues


def test_a_negated_can_governs_what_follows_it() -> None:
    # "It could not win my satisfaction": the negation is on "could".
    assert "dissatisfaction.negated_satisfaction" in analyse("نتونست رضایتمو جلب کنه", "fa").cues


def test_brands_are_no_prize_draw() -> None:
    # "برندهای دیگه" (other brands) begins with "برنده" (winner), a promotion's word.
    assert "marketing.promotion" not in analyse("برندهای دیگه خیلی بهترن", "fa").cues
    assert "marketing.promotion" in analyse("شما برنده جایزه شدید", "fa").cues


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("بسته بندی مناسب‌تری لازم بود", "p:praise_compared"),
        ("از بقیه بهتره", "p:praise_compared"),
        ("فکر کنم مشتری شدم", "p:quality"),  # "مشتری" (customer) ends like "-تری" by itself
        ("کیفیت قابل قبولی داره", "p:quality"),
        ("خوشم اومد", "p:praise"),
        ("مزش هنوز خوبه", "p:quality"),  # "still good": no delay
    ],
)
def test_persian_comparatives_and_plain_praise(text: str, reading: str) -> None:
    analysis = analyse(text, "fa")
    assert hashed(reading) in analysis.named
    assert "failure.delay" not in analysis.cues

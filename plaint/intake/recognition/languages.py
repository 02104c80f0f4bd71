"""Which script a ticket is written in and, when the helpdesk does not say, which language.

Script decides by counting letters; within a script, short lists of each language's most
frequent words decide (Arabic against Persian, English against Azerbaijani and Turkish
written without their special letters). Arabic or Persian written in Latin letters
("Arabizi", "Finglish") is recognised by its own frequent words and by the digits that
stand for Arabic letters (3 for ع, 7 for ح), so it is never taken for English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Languages the shipped model was trained on.
MODEL_LANGUAGES = frozenset({"az", "ar", "fa", "tr", "ru", "en"})

LATIN = "latin"
ARABIC = "arabic"
CYRILLIC = "cyrillic"
MIXED = "mixed"
OTHER = "other"
ARABIZI = "latin_arabizi"


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_WORD = re.compile(r"[^\W\d_]+(?:[0-9][^\W\d_]*)*|[0-9]+[^\W\d_]+", re.UNICODE)

_EN = _word_set(
    """
    the and to i my is a of it you not was have for on in this that with be are me your
    please no but has can would thank thanks hi hello dear been still we they our an at from
    will what why when how did do does there their had just as so if or all any about since
    been after before again only also which who
    account card order payment refund delivery delivered delayed delay received charged
    blocked locked cancelled canceled cancel missing broken wrong help urgent issue update
    request login password balance statement fee fees invoice subscription parcel package
    complaint money still yet never nobody anyone someone damaged regards team yesterday
    today kind support
    """
)
_AZ = _word_set(
    """
    və bu mən siz üçün ilə deyil yox bir ki hələ da də artıq çox nə niyə necə olub edirəm
    mənim sizin amma ancaq heç bizim biz o onun var idi olan gün sonra əvvəl artiq hele ve
    ucun ile niye nece menim sizin olmadi xahis edirem pulum kartim salam hörmətli zəhmət
    xahiş
    """
)
_TR = _word_set(
    """
    ve bu ben siz için ile değil yok bir ki hala hâlâ da de çok ne neden nasıl oldu ediyorum
    benim sizin ama ancak hiç bizim biz o onun var idi olan gün sonra önce icin degil cok
    nasil ediyorum benim param kartim merhaba sayın lütfen lutfen mi mı mu mü bana size şu
    """
)
_ARABIZI = _word_set(
    """
    ana enta inta enti inti el ya mesh msh mish mush keda leh ezay ezzay fein feen bas mafi
    shukran habibi wallah walla inshallah yalla 3ala 3la fi ma3 7ad 2al ba3d 3shan 3ashan
    ahlan marhaba kteer kter ktir mni mnih hal lesa lissa lsa ma3lesh yaani ya3ni 7aga 7aja
    mafish mfish
    """
)
_FINGLISH = _word_set(
    """
    man shoma ke az be ba in oon un ro ra nist nistam hast hastam kheili kheyli khaili chera
    mikham mikhastam nemikham lotfan merci salam mamnoon mamnun pool hesab kart naresid
    nareside nashod shekayat dorost khob bad kharab hanooz hanuz ast bood nemishe mishe chi
    chetori kojast kard kardam kardid
    """
)
_FA_WORDS = _word_set(
    """
    است را می این که از به با نیست هست من شما برای ما ها هم یک رو اون این خیلی شده بود کرد
    کردم نمی میشه چرا هنوز
    """
)
_AR_WORDS = _word_set(
    """
    في من على الى إلى هذا هذه التي الذي لم لا ان أن عن هل كان تم مع انا أنا لقد ولم الي و يا
    ما قد كل او أو بعد حتى عند منذ
    """
)
_PERSIAN_LETTERS = frozenset("پچژگیک")
_ARABIC_ONLY_LETTERS = frozenset("ةيكىإأ")
_NON_RUSSIAN_CYRILLIC = frozenset("әөүңҳқғһҹҝјұі")
_ARABIZI_DIGIT = re.compile(r"[^\W\d_][235789]|[2357][^\W\d_]", re.UNICODE)


_SAMPLE = 1000
_AZ_LETTERS = re.compile(r"q(?!u)|(?<!e)x")
_TR_PRESENT = re.compile(r"[ıiuü]yor")


@dataclass(frozen=True)
class Detection:
    script: str | None
    language: str | None


_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u02af\u1e00-\u1eff]")
_ARABIC_LETTERS = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06fc\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
_CYRILLIC_LETTERS = re.compile(r"[\u0400-\u0481\u048a-\u04ff]")
_LETTERS = re.compile(r"[^\W\d_]")


def _script_counts(text: str) -> tuple[int, int, int, int]:
    latin = len(_LATIN_LETTERS.findall(text))
    arabic = len(_ARABIC_LETTERS.findall(text))
    cyrillic = len(_CYRILLIC_LETTERS.findall(text))
    other = len(_LETTERS.findall(text)) - latin - arabic - cyrillic
    return latin, arabic, cyrillic, max(other, 0)


def _votes(words: list[str], vocabulary: frozenset[str]) -> int:
    return sum(1 for word in words if word in vocabulary)


def _arabic_script_language(text: str) -> str:
    words = _WORD.findall(text)
    persian = _votes(words, _FA_WORDS) + 2 * sum(ch in _PERSIAN_LETTERS for ch in text)
    arabic = _votes(words, _AR_WORDS) + 2 * sum(ch in _ARABIC_ONLY_LETTERS for ch in text)
    return "fa" if persian > arabic else "ar"


def _latin_language(text: str) -> Detection:
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if not words:
        return Detection(LATIN, None)
    # Letters: ə, and q and x (not the "qu" of English words), are Azerbaijani, never
    # Turkish; ğ, ı, ş both write. Each counts once per word, so a name or an address in
    # Azerbaijani ("Səbinə Əliyeva, Bakı") does not outweigh the English around it. Without
    # ə, the words the two share count half for Azerbaijani (Turkish written without its
    # letters is the likelier reading).
    turkic_letters = (
        sum(1 for word in words if "ğ" in word or "ı" in word or "ş" in word)
        if "ğ" in lowered or "ı" in lowered or "ş" in lowered
        else 0
    )
    az_letters = (2 * sum(1 for word in words if "ə" in word) if "ə" in lowered else 0) + sum(
        1 for word in words if ("q" in word or "x" in word) and _AZ_LETTERS.search(word)
    )
    az_words = _votes(words, _AZ)
    scores = {
        "en": _votes(words, _EN),
        "az": (az_words if "ə" in lowered else az_words // 2) + az_letters,
        "tr": _votes(words, _TR) + turkic_letters + 2 * len(_TR_PRESENT.findall(lowered)),
    }
    if az_letters and turkic_letters:
        scores["az"] += turkic_letters
    arabizi = _votes(words, _ARABIZI) + 2 * len(_ARABIZI_DIGIT.findall(lowered))
    finglish = _votes(words, _FINGLISH)
    best = max(scores, key=lambda key: (scores[key], key == "en"))
    if max(arabizi, finglish) >= 2 and max(arabizi, finglish) > scores[best]:
        return Detection(ARABIZI, "ar" if arabizi >= finglish else "fa")
    if scores[best] == 0:
        return Detection(LATIN, None)
    return Detection(LATIN, best)


def detect(text: str) -> Detection:
    """The script of `text` and a guess at its language (None when unsure)."""
    # The script and the frequent words show within the first few thousand characters.
    text = text[:_SAMPLE]
    latin, arabic, cyrillic, other = _script_counts(text)
    letters = latin + arabic + cyrillic + other
    if letters == 0:
        return Detection(None, None)
    counts = {LATIN: latin, ARABIC: arabic, CYRILLIC: cyrillic, OTHER: other}
    dominant = max(counts, key=lambda key: counts[key])
    mixed = counts[dominant] < 0.6 * letters
    if dominant == OTHER:
        return Detection(MIXED if mixed else OTHER, None)
    if dominant == ARABIC:
        language: str | None = _arabic_script_language(text)
    elif dominant == CYRILLIC:
        language = None if any(ch in _NON_RUSSIAN_CYRILLIC for ch in text.lower()) else "ru"
    else:
        found = _latin_language(text)
        if found.script == ARABIZI:
            return found
        language = found.language
    return Detection(MIXED if mixed else dominant, language)

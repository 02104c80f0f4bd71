"""Text normalisation for matching complaint text in Azerbaijani, Turkish, Arabic, Persian and
the rest: case folded the way each language folds it, letter variants unified, invisible
marks removed. Matching happens on the normalised forms of both the text and the keyword.
"""

from __future__ import annotations

import re
import unicodedata

TURKIC = frozenset({"az", "tr", "crh", "kk", "tt", "gag"})


# Arabic and Persian write the same sounds with different code points; users of one keyboard
# type the other's letters. Fold to one form so a keyword matches either.
_ARABIC_SCRIPT_FOLD = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh -> Farsi yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf -> keheh
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",  # teh marbuta
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ی",
        "\u0640": None,  # tatweel
        "\u200c": " ",  # zero-width non-joiner: Persian morpheme break, matches as a space
    }
)

# Every other invisible format character (Unicode category Cf) is deleted before anything
# else, so that one typed or pasted inside a word ("Ş\u200bikayət") leaves the word whole:
# zero-width space and joiner, word joiner, byte-order mark, soft hyphen, bidi marks,
# embeddings, overrides and isolates, invisible operators, Arabic number signs, tag
# characters. The ZWNJ is kept for the fold above: in Persian it is spelling, and the
# recogniser's tokeniser joins the morphemes it separates. tests/unit/vocabulary checks
# that this list is every Cf character Python's Unicode database knows.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200d-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


_SPACES = re.compile(r"\s+")

# Arabic harakat (U+064B-U+065F) and the superscript alef (U+0670), deleted.
_HARAKAT = dict.fromkeys([*range(0x064B, 0x0660), 0x0670])


def casefold(text: str, language: str | None) -> str:
    """Case-fold `text`; Turkic languages map İ->i and I->ı before folding."""
    if language in TURKIC:
        text = text.replace("İ", "i").replace("I", "ı")
        return text.lower()
    return text.casefold()


def normalise(text: str, language: str | None = None) -> str:
    visible = _INVISIBLE.sub("", text)
    decomposed = unicodedata.normalize("NFKD", casefold(visible, language))
    # Drop combining marks that are Arabic harakat (diacritics), keep Latin ones such as the
    # cedilla of ş or the breve of ğ, which distinguish words in Azerbaijani and Turkish.
    stripped = decomposed.translate(_HARAKAT)
    folded = unicodedata.normalize("NFC", stripped).translate(_ARABIC_SCRIPT_FOLD)
    return _SPACES.sub(" ", folded.translate(_DIGITS)).strip()


_PERSIAN_ONLY = frozenset("پچژگ")


_AZERBAIJANI_ONLY = frozenset("əƏ")


_TURKISH_ONLY = frozenset("ğĞşŞıİ")  # ç, ö, ü are shared with German, French...

# The most frequent English words: English text that merely names a person or a place in
# Azerbaijani or Turkish ("Regards, Səbinə Əliyeva, Bakı") is not Azerbaijani or Turkish.
_ENGLISH_TEXT = """
    the and to i my is a of it you not was have for on in this that with be are me your
    please no but has can would thank thanks hi hello dear been still we they our an at
    from will what why when how did do does there their had just as so if or all any about
    since after again only also which who regards kind
"""
_ENGLISH = frozenset(_ENGLISH_TEXT.split())
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_AZERBAIJANI_Q_X = re.compile(r"[qQ](?![uU])|[xX]")


def guess_language(text: str) -> str | None:
    """A cheap script-based guess for when the helpdesk does not say; None when unsure."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    arabic_script = sum("\u0600" <= ch <= "\u06ff" for ch in letters)
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    if arabic_script > len(letters) / 2:
        persian = any(ch in _PERSIAN_ONLY for ch in text) or "ی" in text or "ک" in text
        return "fa" if persian else "ar"
    if cyrillic > len(letters) / 2:
        return "ru"
    return _turkic_language(_WORDS.findall(text))


def _turkic_language(words: list[str]) -> str | None:
    """Azerbaijani or Turkish by their letters, unless the words are mostly English."""
    azerbaijani = sum(1 for word in words if _AZERBAIJANI_ONLY & set(word))
    turkish = sum(1 for word in words if _TURKISH_ONLY & set(word))
    if sum(word.lower() in _ENGLISH for word in words) > azerbaijani + turkish:
        return None
    # Turkish letters with q or x, which Turkish does not write: Azerbaijani typed without ə
    # ("Bu gün hava yaxşıdır").
    if azerbaijani or (turkish and any(_AZERBAIJANI_Q_X.search(word) for word in words)):
        return "az"
    return "tr" if turkish else None

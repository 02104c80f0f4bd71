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
        "\u200d": None,
        "\u200e": None,  # bidi marks carry no meaning for matching
        "\u200f": None,
        "\u061c": None,
    }
)


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


_SPACES = re.compile(r"\s+")


def casefold(text: str, language: str | None) -> str:
    """Case-fold `text`; Turkic languages map İ->i and I->ı before folding."""
    if language in TURKIC:
        text = text.replace("İ", "i").replace("I", "ı")
        return text.lower()
    return text.casefold()


def normalise(text: str, language: str | None = None) -> str:
    decomposed = unicodedata.normalize("NFKD", casefold(text, language))
    # Drop combining marks that are Arabic harakat (diacritics), keep Latin ones such as the
    # cedilla of ş or the breve of ğ, which distinguish words in Azerbaijani and Turkish.
    stripped = "".join(
        ch for ch in decomposed if not ("\u064b" <= ch <= "\u065f" or ch == "\u0670")
    )
    folded = unicodedata.normalize("NFC", stripped).translate(_ARABIC_SCRIPT_FOLD)
    return _SPACES.sub(" ", folded.translate(_DIGITS)).strip()


_PERSIAN_ONLY = frozenset("پچژگ")


_AZERBAIJANI_ONLY = frozenset("əƏ")


_TURKISH_ONLY = frozenset("ğĞşŞıİ")  # ç, ö, ü are shared with German, French...


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
    if any(ch in _AZERBAIJANI_ONLY for ch in text):
        return "az"
    if any(ch in _TURKISH_ONLY for ch in text):
        return "tr"
    return None

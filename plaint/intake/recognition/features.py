"""From normalised text to hashed features and cue identifiers.

A ticket becomes tokens (words of the normalised text), each with a base form (clitic
prefixes of Arabic and Persian removed, Persian morphemes split off by a ZWNJ joined back)
and a light stem (Turkic, Persian, Arabic and Russian suffixes, English endings stripped).
Negation is tracked per token: a negator word negates the next few words in English,
Russian and Arabic and the words before it in Persian, Azerbaijani and Turkish; a verb
negated by its own affix (Turkic -ma/-mə, Persian ن/نمی) is negated itself.

Features (all hashed into one weight table):
- lexical: character 3-5-grams inside each word, stems (or negated stems), stem bigrams;
  these share one L2 normalisation so long tickets weigh the same as short ones;
- cue: one per cue identifier found (see lexicon.py), binary;
- shape: question and exclamation marks, digits, length band, the language.

Feature names never leave this module except as cue identifiers, which name classes of
evidence, never the ticket's words.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from plaint.intake.recognition.lexicon import (
    DERIVED,
    LEXICON,
    NEGATED,
    NEGATES_BACKWARDS,
    NEGATORS,
)
from plaint.vocabulary.language import normalise

BUCKETS = 1 << 19
_MASK = BUCKETS - 1

_TOKEN = re.compile(r"[^\W\d_]+|\d+|[?!؟.,;:،؛]", re.UNICODE)
_BREAKS = frozenset(".,;:!?؟،؛")
_QUESTION = frozenset("?؟")
_REDACTION = re.compile(r"^x{2,}$")
_NOT = re.compile(r"(?:n['’]t)\b")

# Cue identifiers the recogniser can report: lexicon classes with a dot, what a polar class
# becomes when negated, and the derived ones.
CUE_IDS: frozenset[str] = frozenset(
    {cue for classes in LEXICON.values() for cue in classes if "." in cue}
    | set(NEGATED.values())
    | set(DERIVED)
)

_FORWARD_SCOPE = 3
_BACKWARD_SCOPE = 2


def hashed(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) & _MASK


# ---- stemming -------------------------------------------------------------------------


def _longest_first(spaced: str) -> tuple[str, ...]:
    return tuple(sorted(set(spaced.split()), key=lambda suffix: (-len(suffix), suffix)))


_TURKIC_SUFFIXES = _longest_first(
    """
    lar ler ları leri ım im um üm ımız imiz umuz ümüz ınız iniz unuz ünüz da de ta te
    dan den tan ten dən ın in un ün nın nin nun nün ı i u ü yı yi yu yü a e ə ya ye yə
    mış miş muş müş dı di du dü tı ti tu tü yor ıyor iyor uyor üyor acak ecek acaq əcək
    sı si su sü la le yla yle dır dir dur dür tır tir mak mek maq mək lə ilə ım ımı imi
    mız miz sınız siniz sız siz am əm ıq ik uq ük ıb ib ub üb yıb yib ır ir ur ür ar ər
    nı ni nu nü nə na ki dakı dəki daki deki
    """
)
_ARABIC_PREFIXES = ("وال", "بال", "كال", "کال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_ARABIC_SUFFIXES = (
    "هما",
    "كما",
    "کما",
    "ها",
    "هم",
    "كم",
    "کم",
    "نا",
    "ني",
    "نی",
    "ات",
    "ون",
    "ين",
    "ین",
    "ان",
    "تم",
    "وا",
    "ه",
    "ي",
    "ی",
)
_PERSIAN_SUFFIXES = (
    "هایشان",
    "هایتان",
    "هایمان",
    "هایش",
    "هایم",
    "هایی",
    "های",
    "ها",
    "ترین",
    "تر",
    "شان",
    "تان",
    "مان",
    "اش",
    "ام",
    "ات",
    "ای",
    "ی",
)
_PERSIAN_JOIN_NEXT = frozenset({"می", "نمی"})
_PERSIAN_JOIN_PREVIOUS = frozenset(
    {"ها", "های", "هایی", "هایم", "هایش", "هایمان", "هایتان", "هایشان", "ای", "ام", "اید",
     "اند", "ایم", "تر", "ترین", "اش", "شان", "تان", "مان"}
)  # fmt: skip
_PERSIAN_VERB_STEMS = (
    "رسید",
    "رسیده",
    "کرد",
    "کن",
    "داد",
    "ده",
    "شد",
    "شو",
    "گرفت",
    "گیر",
    "دار",
    "داشت",
    "امد",
    "اومد",
    "یامد",
    "یومد",
    "اید",
    "زد",
    "زن",
    "خورد",
    "بود",
    "خواست",
    "خواه",
    "تونست",
    "توانست",
    "فرست",
    "گذاشت",
    "پذیر",
    "دید",
    "بین",
    "گفت",
    "گو",
    "رفت",
    "میکن",
    "میده",
    "میش",
    "می",
)
_RUSSIAN_SUFFIXES = _longest_first(
    """
    ами ями ого его ому ему ыми ими ее ие ые ое ей ий ый ой ем им ым ом их ых ую юю ая
    яя ою ею ах ях ам ям ов ев а я о е ы и у ю ь ть ся сь ла ло ли л ет ит ут ют ат ят
    ешь ишь ем им ете ите
    """
)
_ENGLISH_SUFFIXES = ("ingly", "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s")

_TURKIC_NEGATED_VERB = {
    "tr": re.compile(
        r"^(.{2,}?)(?:[ae]?m[ae]d[ıiuü]|m[ıiuü]yor|m[ae]m[ıiuü]ş|m[ae]y[ae]c[ae]k|m[ae]z(?:$|[ıi]|l[ae]r)|m[ae]y[ıi]n|m[ae]s[ıi]n|m[ae]m$|m[ae]y[ıi]z)"
    ),
    "az": re.compile(
        r"^(.{2,}?)(?:[aə]?m[aə]d[ıiuü]|m[ıiuü]r(?:$|[ıiuüaə]m|s[ıiuüaə]n|[ıiuü]q|s[ıiuü]n[ıiuü]z|l[aə]r)|m[aə]y[ıiuü]b|m[aə]m[ıiuü]ş|m[aə]y[aə]c[aə]k|m[aə]z(?:$|[ıi])|m[aə]y[ıiuü]n|m[aə]s[ıi]n|m[aə]y[ıi]r)"
    ),
}


def _strip_suffixes(word: str, suffixes: tuple[str, ...], keep: int, rounds: int) -> str:
    for _ in range(rounds):
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@dataclass(frozen=True)
class Token:
    surface: str
    base: str  # clitic prefixes removed; what lexicon stems match
    stem: str
    negated_itself: bool = False  # negated by its own affix


@lru_cache(maxsize=65536)
def _analyse_word(word: str, language: str) -> Token:
    base = word
    negated = False
    if language == "ar":
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= (3 if len(prefix) > 1 else 4):
                base = word[len(prefix) :]
                break
        stem = _strip_suffixes(base, _ARABIC_SUFFIXES, 3, 2)
    elif language == "fa":
        if word.startswith("نمی") and len(word) > 4:
            base, negated = word[3:], True
        elif word.startswith("می") and len(word) > 4:
            base = word[2:]
        elif word.startswith("ن") and len(word) > 3 and word[1:].startswith(_PERSIAN_VERB_STEMS):
            base, negated = word[1:], True
        stem = _strip_suffixes(base, _PERSIAN_SUFFIXES, 3, 2)
    elif language in _TURKIC_NEGATED_VERB:
        found = _TURKIC_NEGATED_VERB[language].match(word)
        if found and len(word) >= 5:
            negated = True
            stem = found.group(1)
            base = word
        else:
            stem = _strip_suffixes(word, _TURKIC_SUFFIXES, 3, 3)
    elif language == "ru":
        stem = _strip_suffixes(word, _RUSSIAN_SUFFIXES, 3, 2)
    else:
        stem = _strip_suffixes(word, _ENGLISH_SUFFIXES, 3, 1)
    return Token(word, base, stem, negated)


@lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[int, ...]:
    padded = f"<{word}>"
    grams = {
        padded[start : start + size]
        for size in (3, 4, 5)
        for start in range(max(len(padded) - size + 1, 0))
    }
    return tuple(hashed("c:" + gram) for gram in sorted(grams))


# ---- lexicon matching -----------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]  # each a prefix, or "=word" for the whole token
    label: str  # a cue identifier or a polar class


@lru_cache(maxsize=16)
def _patterns(language: str) -> dict[str, tuple[_Pattern, ...]]:
    """Patterns indexed by the first word's first three characters (or the whole word when
    shorter), so each token looks up a handful of candidates."""
    index: dict[str, list[_Pattern]] = {}
    for label, entries in LEXICON.get(language, {}).items():
        for entry in entries:
            words = tuple(
                ("=" + normalise(word[1:], language))
                if word.startswith("=")
                else normalise(word, language)
                for word in normalise(entry, language).replace("'", " ").split()
            )
            words = tuple(word for word in words if word.strip("="))
            if not words:
                continue
            first = words[0].lstrip("=")
            index.setdefault(first[:3], []).append(_Pattern(words, label))
    return {key: tuple(value) for key, value in index.items()}


def _word_matches(pattern_word: str, token: Token) -> bool:
    if pattern_word.startswith("="):
        return token.surface == pattern_word[1:] or token.base == pattern_word[1:]
    return token.base.startswith(pattern_word) or token.surface.startswith(pattern_word)


def _lexicon_hits(tokens: list[Token], language: str) -> list[tuple[int, int, str]]:
    """(first token, last token, label) for each pattern found."""
    index = _patterns(language)
    hits: list[tuple[int, int, str]] = []
    for position, token in enumerate(tokens):
        keys = {token.base[:3], token.surface[:3]}
        for key in keys:
            for pattern in index.get(key, ()):
                end = position + len(pattern.words)
                if end > len(tokens):
                    continue
                if all(
                    _word_matches(word, tokens[position + offset])
                    for offset, word in enumerate(pattern.words)
                ):
                    hits.append((position, end - 1, pattern.label))
    return hits


# ---- analysis -------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    features: dict[int, float]
    cues: frozenset[str]


def _tokens(normalised: str, language: str) -> list[str]:
    raw = [token for token in _TOKEN.findall(normalised) if not _REDACTION.match(token)]
    if language != "fa":
        return raw
    joined: list[str] = []
    pending = ""
    for token in raw:
        if token in _PERSIAN_JOIN_NEXT:
            pending += token
            continue
        if token in _PERSIAN_JOIN_PREVIOUS and joined and not pending:
            joined[-1] += token
            continue
        joined.append(pending + token)
        pending = ""
    if pending:
        joined.append(pending)
    return joined


def _negation_marks(words: list[Token], language: str) -> list[bool]:
    negators = {normalise(word, language) for word in NEGATORS.get(language, ())}
    backwards = {normalise(word, language) for word in NEGATES_BACKWARDS.get(language, ())}
    marks = [token.negated_itself for token in words]
    for position, token in enumerate(words):
        if token.surface not in negators:
            continue
        if token.surface in backwards:
            for back in range(position - 1, max(position - 1 - _BACKWARD_SCOPE, -1), -1):
                if words[back].surface in _BREAKS:
                    break
                marks[back] = True
        else:
            for ahead in range(position + 1, min(position + 1 + _FORWARD_SCOPE, len(words))):
                if words[ahead].surface in _BREAKS or words[ahead].surface in {
                    "but",
                    "но",
                    "لكن",
                    "اما",
                    "amma",
                    "ama",
                }:
                    break
                marks[ahead] = True
    return marks


def _length_band(characters: int) -> int:
    return min(int(math.log2(characters + 1)), 13)


def _read(text: str, language: str) -> tuple[list[Token], list[bool], int]:
    prepared = _NOT.sub(" not", text.replace("’", "'")) if language == "en" else text
    normalised = normalise(prepared, language)
    words = [_analyse_word(token, language) for token in _tokens(normalised, language)]
    return words, _negation_marks(words, language), len(normalised)


def _lexical(words: list[Token], negated: list[bool]) -> set[int]:
    lexical: set[int] = set()
    previous = ""
    for token, is_negated in zip(words, negated, strict=True):
        if token.surface in _BREAKS:
            previous = ""
            continue
        if token.surface.isdigit():
            previous = "0"
            continue
        lexical.update(_word_grams(token.surface))
        lexical.add(hashed(("n:" if is_negated else "w:") + token.stem))
        if previous:
            lexical.add(hashed(f"b:{previous}|{token.stem}"))
        previous = token.stem
    return lexical


def analyse(text: str, language: str) -> Analysis:
    """Features and cues of `text` (raw ticket text) judged as `language`."""
    words, negated, length = _read(text, language)
    lexical = _lexical(words, negated)
    cues, polar = _cues(words, negated, language)
    features: dict[int, float] = {}
    if lexical:
        weight = 1.0 / math.sqrt(len(lexical))
        for index in lexical:
            features[index] = weight
    shape = [f"L:{language}", f"m:len{_length_band(length)}"]
    if any(token.surface in _QUESTION for token in words):
        shape.append("m:question")
    if any(token.surface == "!" for token in words):
        shape.append("m:exclaim")
    if any(token.surface.isdigit() for token in words):
        shape.append("m:digits")
    shape.extend(f"q:{cue}" for cue in sorted(cues))
    shape.extend(f"p:{label}" for label in sorted(polar))
    for name in shape:
        index = hashed(name)
        features[index] = features.get(index, 0.0) + 1.0
    return Analysis(features, frozenset(cues))


def profile(text: str, language: str) -> dict[int, float]:
    """What a category is matched on: character n-grams and stems of the words (no
    negation marks: a category is about a topic, not a stance) and the cues, which carry
    a topic across languages ("کلاهبرداری" and "fraud" both give severity.fraud)."""
    words, negated, _ = _read(text, language)
    vector = dict.fromkeys(_lexical(words, [False] * len(words)), 1.0)
    cues, _ = _cues(words, negated, language)
    for cue in cues:
        vector[hashed(f"q:{cue}")] = 3.0
    return vector


def _cues(words: list[Token], negated: list[bool], language: str) -> tuple[set[str], set[str]]:
    cues: set[str] = set()
    polar: set[str] = set()
    for first, last, label in _lexicon_hits(words, language):
        if "." in label:
            cues.add(label)
        elif any(negated[first : last + 1]):
            cues.add(NEGATED[label])
        else:
            polar.add(label)
    failures = {cue for cue in cues if cue.startswith(("failure.", "dissatisfaction."))}
    if "praise" in polar and failures - {"failure.repeated_contact"}:
        cues.add("sarcasm.praise_with_failure")
    return cues, polar


def cue_feature(cue: str) -> int:
    return hashed(f"q:{cue}")


def feature_names(names: Iterable[str]) -> list[int]:
    return [hashed(name) for name in names]

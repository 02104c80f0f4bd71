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
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from plaint.intake.recognition.lexicon import (
    DERIVED,
    LEXICON,
    NEGATED,
    NEGATES_BACKWARDS,
    NEGATORS,
    QUALIFIERS,
)
from plaint.vocabulary.language import normalise

BUCKETS = 1 << 19
# The value of a named feature (cue, shape) against the lexical block's unit norm: named
# features are few and shared by every language, so they carry more of the judgement.
NAMED_VALUE = 2.0
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
_PERSIAN_JOIN_NEXT = frozenset({"می", "نمی", "برمی", "برنمی"})
_PERSIAN_JOIN_PREVIOUS = frozenset(
    {"ها", "های", "هایی", "هایم", "هایش", "هایمان", "هایتان", "هایشان", "ای", "ام", "اید",
     "اند", "ایم", "تر", "تری", "ترین", "اش", "شان", "تان", "مان"}
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


@lru_cache(maxsize=16)
def _by_length(suffixes: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    lengths = sorted({len(suffix) for suffix in suffixes}, reverse=True)
    return tuple(
        (length, frozenset(suffix for suffix in suffixes if len(suffix) == length))
        for length in lengths
    )


def _strip_suffixes(word: str, suffixes: tuple[str, ...], keep: int, rounds: int) -> str:
    """Strip up to `rounds` suffixes, the longest that leaves `keep` letters each time."""
    groups = _by_length(suffixes)
    for _ in range(rounds):
        for length, group in groups:
            if len(word) - length >= keep and word[-length:] in group:
                word = word[:-length]
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
    # Hashed features of the word alone, computed once per word: its character n-grams,
    # its stem plain and negated, and the running CRC of "b:<stem>" that a bigram with the
    # next word continues ("b:<stem>|<next stem>").
    grams: tuple[int, ...] = ()
    plain_id: int = 0
    negated_id: int = 0
    bigram_head: int = 0
    bigram_tail: bytes = b""


def _arabic(word: str) -> tuple[str, str, bool]:
    base = word
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= (3 if len(prefix) > 1 else 4):
            base = word[len(prefix) :]
            break
    return base, _strip_suffixes(base, _ARABIC_SUFFIXES, 3, 2), False


def _persian(word: str) -> tuple[str, str, bool]:
    base, negated = word, False
    if word.startswith("برنمی") and len(word) > 6:
        base, negated = "بر" + word[5:], True
    elif word.startswith("برمی") and len(word) > 5:
        base = "بر" + word[4:]
    elif word.startswith("نمی") and len(word) > 4:
        base, negated = word[3:], True
    elif word.startswith("می") and len(word) > 4:
        base = word[2:]
    elif word.startswith("ن") and len(word) > 3 and word[1:].startswith(_PERSIAN_VERB_STEMS):
        base, negated = word[1:], True
    return base, _strip_suffixes(base, _PERSIAN_SUFFIXES, 3, 2), negated


def _turkic(word: str, language: str) -> tuple[str, str, bool]:
    found = _TURKIC_NEGATED_VERB[language].match(word)
    if found and len(word) >= 5:
        return word, found.group(1), True
    return word, _strip_suffixes(word, _TURKIC_SUFFIXES, 3, 3), False


@lru_cache(maxsize=65536)
def _analyse_word(word: str, language: str) -> Token:
    if language == "ar":
        base, stem, negated = _arabic(word)
    elif language == "fa":
        base, stem, negated = _persian(word)
    elif language in _TURKIC_NEGATED_VERB:
        base, stem, negated = _turkic(word, language)
    elif language == "ru":
        base, stem, negated = word, _strip_suffixes(word, _RUSSIAN_SUFFIXES, 3, 2), False
    else:
        base, stem, negated = word, _strip_suffixes(word, _ENGLISH_SUFFIXES, 3, 1), False
    return Token(
        word, base, stem, negated,
        grams=_word_grams(word) if word not in _BREAKS and not word.isdigit() else (),
        plain_id=hashed("w:" + stem),
        negated_id=hashed("n:" + stem),
        bigram_head=zlib.crc32(f"b:{stem}".encode()),
        bigram_tail=f"|{stem}".encode(),
    )  # fmt: skip


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
    # The pattern holds its own negation ("خوشم نیومد", "not good enough", "غير مقبول"):
    # that negation is its meaning, not a negation of it.
    negative: bool = False


class _Hit(NamedTuple):
    first: int
    last: int
    label: str
    negative: bool
    words: tuple[str, ...]  # the pattern's words


@lru_cache(maxsize=16)
def _patterns(language: str) -> dict[str, tuple[_Pattern, ...]]:
    """Patterns indexed by their first word (without the "=" of a whole-word match)."""
    index: dict[str, list[_Pattern]] = {}
    for label, entries in LEXICON.get(language, {}).items():
        for entry in entries:
            # Split like the ticket's text ("e-poçt" is two words there, "didn't" three).
            words = tuple(
                ("=" if exact else "") + word
                for chunk in normalise(entry, language).replace("'", " ").split()
                for exact, body in [(chunk.startswith("="), chunk.lstrip("="))]
                for word in _TOKEN.findall(body)
                if word not in _BREAKS
            )
            words = tuple(word for word in words if word.strip("="))
            if words:
                negative = any(_negates(word.lstrip("="), language) for word in words)
                index.setdefault(words[0].lstrip("="), []).append(_Pattern(words, label, negative))
    return {key: tuple(value) for key, value in index.items()}


def _negates(word: str, language: str) -> bool:
    return word in _negators(language)[0] or _analyse_word(word, language).negated_itself


def _word_matches(pattern_word: str, surface: str, base: str) -> bool:
    if pattern_word.startswith("="):
        return surface == pattern_word[1:] or base == pattern_word[1:]
    return base.startswith(pattern_word) or surface.startswith(pattern_word)


@lru_cache(maxsize=65536)
def _matches_of(
    surface: str, base: str, language: str
) -> tuple[frozenset[str], tuple[_Pattern, ...]]:
    """The pattern words a token (its surface and base forms) matches (every prefix of its
    forms is looked up once), and the patterns that start with one of them; cached per
    form (strings hash once, a Token each time)."""
    index = _patterns(language)
    words: set[str] = set()
    starting: list[_Pattern] = []
    for form in (base, surface):
        for end in range(1, len(form) + 1):
            key = form[:end]
            if key in words or ("=" + key) in words:
                continue
            for pattern in index.get(key, ()):
                first = pattern.words[0]
                if _word_matches(first, surface, base):
                    words.add(first)
                    starting.append(pattern)
    words.update(_continuations(language).get(base, ()))
    words.update(_continuations(language).get(surface, ()))
    for form in (base, surface):
        for end in range(1, len(form) + 1):
            words.update(_prefix_continuations(language).get(form[:end], ()))
    return frozenset(words), tuple(dict.fromkeys(starting))


@lru_cache(maxsize=16)
def _continuations(language: str) -> dict[str, tuple[str, ...]]:
    """Whole-word pattern words after the first word, by the word they must equal."""
    found: dict[str, set[str]] = {}
    for patterns in _patterns(language).values():
        for pattern in patterns:
            for word in pattern.words[1:]:
                if word.startswith("="):
                    found.setdefault(word[1:], set()).add(word)
    return {key: tuple(sorted(value)) for key, value in found.items()}


@lru_cache(maxsize=16)
def _prefix_continuations(language: str) -> dict[str, tuple[str, ...]]:
    """Prefix pattern words after the first word, by the prefix."""
    found: dict[str, set[str]] = {}
    for patterns in _patterns(language).values():
        for pattern in patterns:
            for word in pattern.words[1:]:
                if not word.startswith("="):
                    found.setdefault(word, set()).add(word)
    return {key: tuple(sorted(value)) for key, value in found.items()}


def _lexicon_hits(tokens: list[Token], language: str) -> list[_Hit]:
    """Each pattern found, by its first and last token."""
    matched = [_matches_of(token.surface, token.base, language) for token in tokens]
    count = len(tokens)
    hits: list[_Hit] = []
    for position, (_, starting) in enumerate(matched):
        for pattern in starting:
            words = pattern.words
            size = len(words)
            if size == 1:
                hits.append(_Hit(position, position, pattern.label, pattern.negative, words))
                continue
            if position + size > count or words[1] not in matched[position + 1][0]:
                continue
            if size == 2 or all(
                words[offset] in matched[position + offset][0] for offset in range(2, size)
            ):
                hits.append(
                    _Hit(position, position + size - 1, pattern.label, pattern.negative, words)
                )
    return hits


# ---- analysis -------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What the model weighs: the lexical features, each worth `lexical_value` (one L2
    normalisation for the lot), and the named features (cues, shape), each worth
    NAMED_VALUE."""

    lexical: frozenset[int]  # n-grams, stems and stem bigrams
    stems: frozenset[int]  # the stems and stem bigrams alone
    lexical_value: float
    named: tuple[int, ...]
    cues: frozenset[str]
    # Stems the text repeats, with how often: what a long text is mostly about (categories
    # weigh them; the model does not).
    repeated: tuple[tuple[int, int], ...] = ()

    @property
    def features(self) -> dict[int, float]:
        features = dict.fromkeys(self.lexical, self.lexical_value)
        for index in self.named:
            features[index] = features.get(index, 0.0) + NAMED_VALUE
        return features


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


@lru_cache(maxsize=16)
def _negators(language: str) -> tuple[frozenset[str], frozenset[str]]:
    negators = frozenset(normalise(word, language) for word in NEGATORS.get(language, ()))
    backwards = frozenset(normalise(word, language) for word in NEGATES_BACKWARDS.get(language, ()))
    return negators, backwards


# Cue families that speak for a complaint; a ticket with none of them is judged on its
# words alone, and the model learns how much that absence weighs.
_COMPLAINT_EVIDENCE = (
    "dissatisfaction.", "failure.", "sarcasm.", "demand.", "severity.", "regulatory.",
)  # fmt: skip

# Words that turn to another matter ("good, but late", "خوب بود ولی دیر رسید"): negation
# does not reach across them, and praise before one is sincere praise of something else,
# not sarcasm. Written normalised, as tokens are (Arabic kaf and yeh folded).
_CONTRASTS = frozenset(
    normalise(word)
    for words in (
        "but however though although",
        "но однако зато",
        "لكن ولكن بس لاكن",
        "اما ولی ولیکن فقط منتها",
        "amma ancaq lakin",
        "ama ancak fakat",
    )
    for word in words.split()
)
# "فقط" (only) and "بس" (but, only, enough) add a caveat: they end no negation and give no
# verdict. The other contrasts are turns ("but"): they do both.
_TURNS = _CONTRASTS - {normalise("فقط"), normalise("بس")}
_SCOPE_BREAKS = _BREAKS | _TURNS


# Persian negated copulas and verbs of having/becoming in any person ("نبودم", "نداشتیم",
# "نیستند") reach back like the negators listed in the lexicon.
_PERSIAN_BACKWARD_PREFIXES = ("نیست", "نبود", "ندار", "نداشت", "نشد")
_CAN = ("تون", "توان")  # the stem of "can" (می‌تونم, نتوانست)


def _negation_sources(words: list[Token], language: str) -> list[frozenset[int]]:
    """For each word, the positions of the words that negate it: a negator before or after
    it, or the word itself when its own affix negates it. A pattern that holds its own
    negation ("خوشم نیومد", "not good enough") is judged by negation from outside it."""
    negators, backwards = _negators(language)
    if language == "fa":
        extra = {t.surface for t in words if t.surface.startswith(_PERSIAN_BACKWARD_PREFIXES)}
        negators, backwards = negators | extra, backwards | extra
    sources: list[set[int]] = [
        {position} if token.negated_itself else set() for position, token in enumerate(words)
    ]
    for position, token in enumerate(words):
        if token.surface in backwards:
            for back in range(position - 1, max(position - 1 - _BACKWARD_SCOPE, -1), -1):
                if words[back].surface in _SCOPE_BREAKS:
                    break
                sources[back].add(position)
        elif token.surface in negators:
            _reach_ahead(sources, words, position, language)
        elif token.negated_itself and language == "fa" and token.base.startswith(_CAN):
            # "couldn't", "can't" govern what follows them ("نتونست رضایتمو جلب کنه": it
            # could not win my satisfaction), as "not" does.
            _reach_ahead(sources, words, position, language)
        elif token.negated_itself and language in NEGATES_BACKWARDS:
            # A verb negated by its affix negates its complement too ("جواب نمی‌دهد",
            # "cavab vermir", "cevap vermedi"), past a particle ("بوی بد هم نمی‌داد": it
            # did not smell bad either), but no further ("خوش‌طعمه، شک نکنید").
            for back in range(position - 1, -1, -1):
                if words[back].surface in _SCOPE_BREAKS:
                    break
                sources[back].add(position)
                if words[back].surface not in _PARTICLES:
                    break
    return [frozenset(found) for found in sources]


def _reach_ahead(sources: list[set[int]], words: list[Token], position: int, language: str) -> None:
    """A negator before its words negates the next few; "without" only the next two ("بدون
    دردسر تحویل گرفتم": hassle-free, not undelivered). A conjunction carries the negation
    one word further ("without dirt or waste")."""
    reach = (
        _WITHOUT_SCOPE if words[position].surface in _WITHOUT.get(language, ()) else _FORWARD_SCOPE
    )
    counted, extended = 0, False
    for ahead in range(position + 1, len(words)):
        surface = words[ahead].surface
        if surface in _SCOPE_BREAKS:
            break
        if surface in _CONJUNCTIONS:
            if extended:
                break
            reach, extended = reach + 1, True
            continue
        if counted >= reach:
            break
        sources[ahead].add(position)
        counted += 1


_WITHOUT_SCOPE = 2
# Particles between a verb and its complement: also, the object marker, at all, any more.
_PARTICLES = frozenset(
    normalise(word)
    for word in ["هم", "را", "رو", "اصلا", "دیگه", "دیگر", "da", "də", "de", "hiç", "heç", "artıq"]
)
_WITHOUT: dict[str, frozenset[str]] = {
    language: frozenset(normalise(word, language) for word in words.split())
    for language, words in {
        "en": "without", "ru": "без", "ar": "بدون دون", "fa": "بدون",
    }.items()
}  # fmt: skip
_CONJUNCTIONS = frozenset(
    normalise(word) for word in ["and", "or", "nor", "и", "или", "و", "və", "ve"]
)


_DIGITS_HEAD = zlib.crc32(b"b:0")

# Emoji are no words, but in chat and social posts they say how the writer feels: hearts,
# flowers and applause beside praise and greetings, angry and crying faces beside a
# grievance, laughter beside jokes (and sarcasm). Each kind found is one shape feature.
_EMOJI = (
    (
        "m:emoji_positive",
        re.compile("[\u2764\u2665\U0001f499-\U0001f49f\U0001f90d\U0001f9e1\U0001f495"
                   "\U0001f496\U0001f497\U0001f490\U0001f339\U0001f338\U0001f337"
                   "\U0001f33a\U0001f33c\U0001f44f\U0001f44d\U0001f44c\U0001f64f"
                   "\U0001f932\U0001f389\U0001f38a\U0001f973\U0001f60a\U0001f603"
                   "\U0001f604\U0001f601\u263a\U0001f970\U0001f618\U0001f60d\u2728"
                   "\U0001f31f\u2b50\U0001f3c6\U0001f4aa\U0001f60c\U0001f60b]"),
    ),
    (
        "m:emoji_negative",
        re.compile("[\U0001f621\U0001f92c\U0001f620\U0001f624\U0001f44e\U0001f494"
                   "\U0001f61e\U0001f614\U0001f622\U0001f62d\U0001f629\U0001f62b"
                   "\U0001f644\U0001f612\U0001f92e\U0001f922\U0001f616\U0001f623"
                   "\U0001f61f\U0001f615]"),
    ),
    ("m:emoji_laugh", re.compile("[\U0001f602\U0001f923\U0001f606\U0001f605]")),
)  # fmt: skip
_EMOJI_SAMPLE = 4000
_ANY_EMOJI = re.compile("|".join(pattern.pattern for _, pattern in _EMOJI))


def _lexical(
    words: list[Token], negated: list[bool]
) -> tuple[set[int], set[int], tuple[tuple[int, int], ...]]:
    """The character n-grams, and the stems and stem bigrams, of the words; and the stems
    that occur more than once, with their counts."""
    lexical: set[int] = set()
    stems: set[int] = set()
    each: list[int] = []
    head = -1  # CRC of "b:<previous stem>", or -1 after a break
    for token, is_negated in zip(words, negated, strict=True):
        if token.surface in _BREAKS:
            head = -1
            continue
        if token.surface.isdigit():
            head = _DIGITS_HEAD
            continue
        lexical.update(token.grams)
        stem = token.negated_id if is_negated else token.plain_id
        stems.add(stem)
        each.append(stem)
        if head != -1:
            stems.add(zlib.crc32(token.bigram_tail, head) & _MASK)
        head = token.bigram_head
    repeated = tuple(sorted((stem, n) for stem, n in Counter(each).items() if n > 1))
    return lexical, stems, repeated


def analyse(text: str, language: str) -> Analysis:
    """Features and cues of `text` (raw ticket text) judged as `language`."""
    prepared = _NOT.sub(" not", text.replace("’", "'")) if language == "en" else text
    normalised = normalise(prepared, language)
    words = [_analyse_word(token, language) for token in _tokens(normalised, language)]
    sources = _negation_sources(words, language)
    grams, stems, repeated = _lexical(words, [bool(found) for found in sources])
    lexical = grams | stems
    cues, polar = _cues(words, sources, language)
    # Question and exclamation marks mean one thing beside evidence of a complaint ("How
    # long must I wait?") and another without it ("Do you open on Sundays?").
    evidence = any(cue.startswith(_COMPLAINT_EVIDENCE) for cue in cues)
    suffix = "" if evidence else "_alone"
    shape = [f"L:{language}"]
    if any(token.surface in _QUESTION for token in words):
        shape.append("m:question" + suffix)
    if any(token.surface == "!" for token in words):
        shape.append("m:exclaim" + suffix)
    if any(token.surface.isdigit() for token in words):
        shape.append("m:digits")
    if not evidence:
        shape.append("m:no_complaint_cue")
    if _ANY_EMOJI.search(text, 0, _EMOJI_SAMPLE) is not None:
        shape.extend(
            name for name, pattern in _EMOJI if pattern.search(text, 0, _EMOJI_SAMPLE) is not None
        )
    shape.extend(f"q:{cue}" for cue in sorted(cues))
    shape.extend(f"p:{label}" for label in sorted(polar))
    return Analysis(
        lexical=frozenset(lexical),
        stems=frozenset(stems),
        lexical_value=1.0 / math.sqrt(len(lexical)) if lexical else 0.0,
        named=tuple(hashed(name) for name in shape),
        cues=frozenset(cues),
        repeated=repeated,
    )


_PRAISING = frozenset({"praise", "quality"})


def _whole_readings(hits: list[_Hit]) -> list[_Hit]:
    """The hits, less the words of a longer pattern that is read as a whole: inside praise
    any hit ("دوباره" is a repeated contact, "دوباره می‌خرم" a customer who will buy again),
    inside stated dissatisfaction a request ("istəyirəm" asks for something, "şikayət
    etmək istəyirəm" is a complaint), inside the writer's own use still to come any hit
    ("هنوز" is a delay, "هنوز نپختم" is "I haven't cooked it yet")."""
    wholes = [hit for hit in hits if hit.last > hit.first and _reads_whole(hit.label)]
    if not wholes:
        return hits
    return [hit for hit in hits if not any(_absorbs(whole, hit) for whole in wholes)]


# Wholes that take in any hit inside them; stated dissatisfaction takes in requests only.
_TAKES_ANY = _PRAISING | {"info.not_yet_used"}


def _reads_whole(label: str) -> bool:
    return label in _TAKES_ANY or label == "dissatisfaction.explicit"


def _absorbs(whole: _Hit, hit: _Hit) -> bool:
    inside = whole.first <= hit.first and hit.last <= whole.last
    if not inside or whole.last - whole.first <= hit.last - hit.first:
        return False
    return whole.label in _TAKES_ANY or hit.label.startswith("request.")


def _cues(
    words: list[Token], sources: list[frozenset[int]], language: str
) -> tuple[set[str], set[str]]:
    """Cue identifiers found, and the polar classes found un-negated. A failure or a
    complaint word inside a negation ("no problem", "ایرادی ندیدم") is not evidence of a
    failure: it becomes the polar feature "negated_failure" instead, unless the negation is
    part of the pattern itself ("not good enough", "غير مقبول", "خوشم نیومد")."""
    cues: set[str] = set()
    polar: set[str] = set()
    opening = next((i for i, token in enumerate(words) if token.surface not in _BREAKS), -1)
    places = _Places()
    for hit in _whole_readings(_lexicon_hits(words, language)):
        first, last, label, negative = hit.first, hit.last, hit.label, hit.negative
        if label == "failure.repeated_contact" and _buys_in_clause(words, first, language):
            label = "quality"  # "چند بار این محصول را خریدم": a customer who buys again
        if (
            label == "praise"
            and first == opening
            and last + 1 < len(words)
            and words[last + 1].surface in _BREAKS
        ):
            # "Great, the third courier to lose my parcel": praise standing alone before the
            # rest of the sentence.
            cues.add("sarcasm.praise_opening")
        is_negated = any(
            not (negative and first <= source <= last)
            for found in sources[first : last + 1]
            for source in found
        )
        if "." not in label:
            kind = None if is_negated else _qualified(words, hit, language)
            if kind is not None:
                polar.add(f"praise_{kind}")
                continue
            found = NEGATED[label] if is_negated else label
            if is_negated:
                cues.add(found)
            else:
                polar.add(found)
        elif is_negated and label.startswith(_NEGATABLE_EVIDENCE):
            polar.add("negated_failure")
            continue
        else:
            cues.add(label)
            found = label
        places.note(found, first)
    if language in _TURKIC_CONDITIONAL and any(
        _TURKIC_CONDITIONAL[language].search(token.surface) for token in words
    ):
        cues.add("request.hypothetical")
    # A hypothetical is a question ("what if my card is stolen?", "if I miss a payment, what
    # happens?"). An "if" with no question is advice or a threat ("if you want quality, don't
    # buy it", "if you don't refund me I'll go to the ombudsman"): no sign of a question.
    if "request.hypothetical" in cues and not (
        "request.question" in cues or any(token.surface in _QUESTION for token in words)
    ):
        cues.discard("request.hypothetical")
    # Praise beside a failure reads as sarcasm ("great, it broke again"), unless a contrast
    # stands between them: "good quality, only the packaging is weak" praises one thing and
    # faults another (the fault is still evidence on its own).
    contrasts = [i for i, token in enumerate(words) if token.surface in _CONTRASTS]
    if any(
        not any(min(p, f) < c < max(p, f) for c in contrasts)
        for p in places.praised
        for f in places.failed
    ):
        cues.add("sarcasm.praise_with_failure")
    turns = [i for i in contrasts if words[i].surface in _TURNS]
    polar.update(_verdict(turns, places.good, places.bad))
    return cues, polar


# Persian verbs of buying and ordering, as written ("خریدم", "می‌خرم", "سفارش دادم", "گرفتم").
_PERSIAN_BUYING = ("خرید", "میخر", "بخر", "سفارش", "گرفت", "میگیر", "بگیر")


def _buys_in_clause(words: list[Token], at: int, language: str) -> bool:
    """Whether the clause around `at` buys or orders: "again" there is a customer's return,
    not a repeated contact."""
    if language != "fa":
        return False
    start, end = at, at
    while start > 0 and words[start - 1].surface not in _SCOPE_BREAKS:
        start -= 1
    while end + 1 < len(words) and words[end + 1].surface not in _SCOPE_BREAKS:
        end += 1
    return any(token.surface.startswith(_PERSIAN_BUYING) for token in words[start : end + 1])


_QUALIFIABLE = frozenset({"praise", "quality", "satisfaction"})
_PERSIAN_COMPARATIVE = ("تر", "تره", "تری", "ترش")
_QUALIFIER_REACH = 3


@lru_cache(maxsize=16)
def _qualifiers(language: str) -> dict[str, str]:
    return {
        normalise(word, language): kind
        for kind, by_language in QUALIFIERS.items()
        for word in by_language.get(language, ())
    }


def _qualified(words: list[Token], hit: _Hit, language: str) -> str | None:
    """How praise is qualified (lexicon.QUALIFIERS): "compared", "hedged", "past", or None
    when it stands as a plain verdict. A qualifier stands at most a few words before the
    praise, in its clause."""
    if hit.label not in _QUALIFIABLE:
        return None
    if language == "fa" and _persian_comparative(words[hit.first : hit.last + 1], hit.words):
        return "compared"
    first = hit.first
    qualifiers = _qualifiers(language)
    for position in range(first - 1, max(first - 1 - _QUALIFIER_REACH, -1), -1):
        surface = words[position].surface
        if surface in _SCOPE_BREAKS:
            return None
        if surface in qualifiers:
            return qualifiers[surface]
    return None


def _persian_comparative(tokens: list[Token], pattern: tuple[str, ...]) -> bool:
    """Whether a Persian pattern reads in the comparative: its word is one ("بهتر"), or the
    token goes on past the pattern's word into the suffix ("خوش‌طعم‌تر", "مناسب‌تری");
    "مشتری" ends the same way by itself."""
    for token, written in zip(tokens, pattern, strict=False):
        word = written.lstrip("=")
        for form in (token.surface, token.base):
            if not form.startswith(word):
                continue
            rest = form[len(word) :]
            if word.endswith("تر") and not rest.startswith("ین"):  # "بهترین" is the best
                return True
            if rest.endswith(_PERSIAN_COMPARATIVE):
                return True
    return False


@dataclass
class _Places:
    """Where readings stand: praise or thanks beside a plain failure (sarcasm), and what
    speaks well against any evidence of a complaint (the verdict)."""

    praised: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    good: list[int] = field(default_factory=list)
    bad: list[int] = field(default_factory=list)

    def note(self, found: str, at: int) -> None:
        if found in ("praise", "gratitude.thanks"):
            self.praised.append(at)
        elif found in _PLAIN_FAILURES:
            self.failed.append(at)
        if found in _SPEAKS_WELL:
            self.good.append(at)
        elif found.startswith(_COMPLAINT_EVIDENCE):
            self.bad.append(at)


_SPEAKS_WELL = frozenset({"praise", "quality", "satisfaction", "gratitude.thanks"})


def _verdict(turns: list[int], good: list[int], bad: list[int]) -> set[str]:
    """Where a text finds fault and speaks well on either side of a "but", the clause after
    it carries the verdict: "poor quality, but good for its price" is satisfied, "tasty, but
    it came broken" is not. A polar feature for each reading. `turns`: where the text's
    "but"s stand."""
    if not turns or not good or not bad:
        return set()
    turn = turns[-1]
    good_after, bad_after = any(p > turn for p in good), any(p > turn for p in bad)
    if good_after and not bad_after and any(p < turn for p in bad):
        return {"verdict_satisfied"}
    if bad_after and not good_after and any(p < turn for p in good):
        return {"verdict_dissatisfied"}
    return set()


# Failures plain enough that praise or thanks beside them reads as sarcasm ("thanks for
# cutting off my broadband"); a delay or a fee word beside thanks is usually sincere
# ("paid within a week, thank you").
_PLAIN_FAILURES = frozenset(
    {
        "failure.not_arrived", "failure.not_working", "failure.no_response",
        "failure.not_resolved", "failure.not_refunded", "failure.broken", "failure.lost",
        "failure.error", "failure.unreachable", "dissatisfaction.explicit",
        "dissatisfaction.negated_satisfaction",
    }
)  # fmt: skip

# Turkic conditional verbs ("olursa", "kaçırırsam", "çatdırılsa"): a hypothetical question.
_TURKIC_CONDITIONAL = {
    "tr": re.compile(
        r"..(?:[aeıiuü]r|[ıiuü]l|m[ae]z|d[ıiuü]|y[ae]c[ae]k)s[ae](?:m|n|k|n[ıi]z|l[ae]r)?$"
    ),
    "az": re.compile(
        r"..(?:[aeıiuüə]r|[ıiuüə]l|m[aə]z|d[ıiuü]|y[aə]c[aə]k)s[aə](?:m|n|q|k|n[ıi]z|l[aə]r)?$"
    ),
}

_NEGATABLE_EVIDENCE = (
    "failure.broken",
    "failure.error",
    "failure.lost",
    "dissatisfaction.explicit",
)


def cue_feature(cue: str) -> int:
    return hashed(f"q:{cue}")

"""The private note that tells agents what a blocked or flagged letter lacks: each missing
element in words (its description in the letter pack) and the sentence of the policy's
template that says it, to copy into the letter. The note's own words are in the
organisation's default language (English when it has none of these); the template's
sentence is in the letter's language, since it goes into the letter."""

from __future__ import annotations

import re
from collections.abc import Iterable

from plaint.letters.wording import check_letter
from plaint.policy.letters import (
    LetterKind,
    LetterPolicy,
    LetterRule,
    ProviderDetails,
    RequiredElement,
    placeholders,
    render_template,
)

BLOCKED = {
    "en": "This {letter} was NOT recorded as sent. It does not say:",
    "az": "Bu {letter} göndərilmiş kimi qeydə alınmadı. Məktubda bunlar yoxdur:",
    "tr": "Bu {letter} gönderilmiş olarak kaydedilmedi. Mektupta şunlar yok:",
    "ar": "لم تُسجَّل هذه الرسالة ({letter}) على أنها مُرسلة. لا تذكر ما يلي:",
    "fa": "این نامه ({letter}) ارسال‌شده ثبت نشد. این موارد در آن نیامده است:",
    "ru": "Это письмо ({letter}) НЕ учтено как отправленное. В нём не сказано:",
}

FLAGGED = {
    "en": "This {letter} was recorded as sent, and flagged. It does not say:",
    "az": "Bu {letter} göndərilmiş kimi qeydə alındı və işarələndi. Məktubda bunlar yoxdur:",
    "tr": "Bu {letter} gönderilmiş olarak kaydedildi ve işaretlendi. Mektupta şunlar yok:",
    "ar": "سُجِّلت هذه الرسالة ({letter}) على أنها مُرسلة، مع تنبيه. لا تذكر ما يلي:",
    "fa": "این نامه ({letter}) ارسال‌شده ثبت شد و علامت خورد. این موارد در آن نیامده است:",
    "ru": "Это письмо ({letter}) учтено как отправленное, с отметкой. В нём не сказано:",
}

UNCHECKABLE = {
    "en": "This {letter} could not be checked, so it was recorded as sent and flagged: {reason}",
    "az": "Bu {letter} yoxlanıla bilmədi, göndərilmiş kimi qeydə alınıb işarələndi: {reason}",
    "tr": "Bu {letter} denetlenemedi; gönderilmiş olarak kaydedilip işaretlendi: {reason}",
    "ar": "تعذّر فحص هذه الرسالة ({letter})، فسُجِّلت على أنها مُرسلة مع تنبيه: {reason}",
    "fa": "این نامه ({letter}) بررسی نشد؛ ارسال‌شده ثبت شد و علامت خورد: {reason}",
    "ru": "Это письмо ({letter}) не удалось проверить; учтено как отправленное, с отметкой: "
    "{reason}",
}

RECORDED = {
    "en": "This {letter} says everything it must: it is recorded as sent.",
    "az": "Bu {letter} deməli olduğu hər şeyi deyir: göndərilmiş kimi qeydə alındı.",
    "tr": "Bu {letter} söylemesi gereken her şeyi söylüyor: gönderilmiş olarak kaydedildi.",
    "ar": "تذكر هذه الرسالة ({letter}) كل ما يجب ذكره: سُجِّلت على أنها مُرسلة.",
    "fa": "این نامه ({letter}) همه موارد لازم را دارد: ارسال‌شده ثبت شد.",
    "ru": "В этом письме ({letter}) сказано всё необходимое: оно учтено как отправленное.",
}

TEMPLATE_SAYS = {
    "en": "The template says:",
    "az": "Şablonda belədir:",
    "tr": "Şablonda şöyle:",
    "ar": "نص القالب:",
    "fa": "متن الگو:",
    "ru": "В шаблоне:",
}

LETTERS = {
    LetterKind.FINAL_RESPONSE: {
        "en": "final response", "az": "yekun cavab", "tr": "nihai yanıt",
        "ar": "الرد النهائي", "fa": "پاسخ نهایی", "ru": "окончательный ответ",
    },
    LetterKind.SUMMARY_RESOLUTION: {
        "en": "summary resolution communication", "az": "qısa həll bildirişi",
        "tr": "özet çözüm bildirimi", "ar": "إشعار الحل المختصر", "fa": "اطلاعیه حل خلاصه",
        "ru": "уведомление об урегулировании",
    },
    LetterKind.HOLDING_RESPONSE: {
        "en": "holding response", "az": "aralıq cavab", "tr": "ara yanıt",
        "ar": "الرد المؤقت", "fa": "پاسخ موقت", "ru": "промежуточный ответ",
    },
}  # fmt: skip

# Where one sentence of a template ends: after . ! ? or the Arabic question mark, or a line.
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language, texts["en"])


def letter_name(kind: LetterKind, language: str) -> str:
    return _text(LETTERS[kind], language)


def missing_note(
    kind: LetterKind,
    *,
    blocked: bool,
    missing: Iterable[str],
    rules: tuple[LetterRule, ...],
    letters: LetterPolicy,
    regime: str,
    letter_language: str,
    note_language: str,
    provider: ProviderDetails | None,
) -> str:
    """What the letter lacks, in words, each with the template's sentence that says it."""
    heading = _text(BLOCKED if blocked else FLAGGED, note_language)
    lines = [heading.format(letter=letter_name(kind, note_language))]
    elements = _elements(rules, kind)
    template = letters.template_for(regime, kind, letter_language)
    for element_id in missing:
        element = elements.get(element_id)
        lines.append(f"- {element.description if element else element_id}")
        passage = _passage(
            template, element_id, letter_language, kind=kind, rules=rules, provider=provider
        )
        if passage:
            lines.append(f"  {_text(TEMPLATE_SAYS, note_language)} “{passage}”")
    return "\n".join(lines)


def _elements(rules: tuple[LetterRule, ...], kind: LetterKind) -> dict[str, RequiredElement]:
    found: dict[str, RequiredElement] = {}
    for rule in rules:
        if rule.kind is kind:
            for element in rule.elements:
                found.setdefault(element.id, element)
    return found


def _passage(
    template: str | None,
    element_id: str,
    language: str,
    *,
    kind: LetterKind,
    rules: tuple[LetterRule, ...],
    provider: ProviderDetails | None,
) -> str | None:
    """The template's first sentence in which the check finds the element: the provider's
    details filled in, the letter's own placeholders ({decision}) left for the agent."""
    if not template:
        return None
    values = {name: f"{{{name}}}" for name in placeholders(template)}
    values |= provider.values(language) if provider else {}
    text = render_template(template, values)
    for part in _SENTENCE_END.split(text):
        sentence = part.strip()
        if (
            sentence
            and element_id in check_letter(sentence, language, kind, rules, provider).present
        ):
            return sentence
    return None

"""Private notes to agents when a complaint clock warns or breaches, in the organisation's
default language (the built-in texts; the engine falls back to English)."""

from __future__ import annotations

WARNING = {
    "en": "Complaint clock “{clock}” ({regime}): {percent}% of the time allowed has passed. "
    "Due {due_by}.",
    "az": "Şikayət müddəti “{clock}” ({regime}): ayrılmış vaxtın {percent}%-i keçib. "
    "Son tarix: {due_by}.",
    "tr": "Şikâyet süresi “{clock}” ({regime}): tanınan sürenin %{percent}'i geçti. "
    "Son tarih: {due_by}.",
    "ar": "مهلة الشكوى «{clock}» ({regime}): انقضى {percent}% من الوقت المسموح. "
    "الموعد النهائي: {due_by}.",
    "fa": "مهلت شکایت «{clock}» ({regime}): {percent}٪ از زمان مجاز گذشته است. مهلت: {due_by}.",
    "ru": "Срок по жалобе «{clock}» ({regime}): прошло {percent}% отведённого времени. "
    "Срок: {due_by}.",
}


BREACH = {
    "en": "Complaint clock “{clock}” ({regime}) was breached: the deadline {due_by} passed.",
    "az": "Şikayət müddəti “{clock}” ({regime}) pozulub: {due_by} son tarixi keçib.",
    "tr": "Şikâyet süresi “{clock}” ({regime}) aşıldı: {due_by} son tarihi geçti.",
    "ar": "تم تجاوز مهلة الشكوى «{clock}» ({regime}): انقضى الموعد النهائي {due_by}.",
    "fa": "مهلت شکایت «{clock}» ({regime}) نقض شد: مهلت {due_by} گذشت.",
    "ru": "Срок по жалобе «{clock}» ({regime}) нарушен: срок {due_by} истёк.",
}


def agent_note(texts: dict[str, str], language: str, **values: str) -> str:
    return texts.get(language, texts["en"]).format(**values)

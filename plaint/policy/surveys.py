"""The policy's `surveys` section (ISO 10004): whether and when a complainant is asked how
their complaint was handled, through which channel, in which languages, whom never to ask,
and the questions with their texts. See docs/surveys.md."""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from plaint.vocabulary.base import Frozen
from plaint.vocabulary.terms import Identifier, LanguageTag

RTL_LANGUAGES = frozenset({"ar", "fa"})
_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")


def _hh_mm(value: object) -> object:
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if not isinstance(value, str) or not _HH_MM.fullmatch(value):
        raise ValueError('must be a local time written "HH:MM", such as "21:00"')
    return value


ClockTime = Annotated[time, BeforeValidator(_hh_mm)]
QuestionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
]


class SurveyTrigger(StrEnum):
    """What makes a complaint due for its survey; the first one reached counts."""

    FINAL_RESPONSE = "final_response"
    SUMMARY_RESOLUTION = "summary_resolution"
    CLOSURE = "closure"  # the complaint closed (its retention class assigned)


class SurveyChannel(StrEnum):
    EMAIL = "email"  # Plaint sends it through SES, with signed one-click links
    ZENDESK = "zendesk"  # the helpdesk's own satisfaction rating, mapped onto `overall`
    JIRA = "jira"  # Jira Service Management's request feedback, mapped onto `overall`


class Aspect(StrEnum):
    """What a question asks about the handling (ISO 10004)."""

    EASE = "ease"  # how easy it was to complain
    SPEED = "speed"
    COURTESY = "courtesy"  # courtesy and care
    CLARITY = "clarity"  # how clear the explanation was
    FAIRNESS = "fairness"
    OUTCOME = "outcome"
    OVERALL = "overall"


class QuietHours(Frozen):
    """No survey email is sent between `start` and `end`, local time of the calendar; one
    falling due then waits until `end`. `start` after `end` spans midnight."""

    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("start and end are the same time; leave quiet_hours out instead")
        return self


class Scale(Frozen):
    lowest: int = Field(default=1, ge=0, le=10)
    highest: int = Field(default=5, ge=1, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.lowest >= self.highest:
            raise ValueError("lowest must be below highest")
        return self

    def holds(self, score: int) -> bool:
        return self.lowest <= score <= self.highest

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(range(self.lowest, self.highest + 1))


class Exclusions(Frozen):
    """Whom never to ask. Each is on unless the policy turns it off."""

    opted_out: bool = Field(default=True, description="The ticket carries an opt-out tag.")
    open_referral: bool = Field(
        default=True, description="The complaint is still with a dispute-resolution provider."
    )
    vulnerable: bool = Field(default=True, description="The complaint is flagged vulnerability.")


class SurveyQuestion(Frozen):
    aspect: Aspect
    texts: dict[LanguageTag, QuestionText] = Field(description="The question, per language.")


DEFAULT_QUESTIONS: tuple[SurveyQuestion, ...] = (
    SurveyQuestion(aspect=Aspect.EASE, texts={
        "en": "How easy was it to make your complaint?",
        "az": "Şikayətinizi bildirmək nə dərəcədə asan oldu?",
        "tr": "Şikâyetinizi iletmek ne kadar kolaydı?",
        "ru": "Насколько легко было подать жалобу?",
        "ar": "ما مدى سهولة تقديم شكواك؟",
        "fa": "ثبت شکایت برای شما چقدر آسان بود؟",
    }),
    SurveyQuestion(aspect=Aspect.SPEED, texts={
        "en": "How satisfied are you with how quickly we handled it?",
        "az": "Şikayətinizə baxılma sürətindən nə dərəcədə razısınız?",
        "tr": "Şikâyetinizin ne kadar hızlı ele alındığından ne kadar memnunsunuz?",
        "ru": "Насколько вас устроила скорость рассмотрения жалобы?",
        "ar": "ما مدى رضاك عن سرعة معالجة شكواك؟",
        "fa": "از سرعت رسیدگی به شکایتتان چقدر راضی هستید؟",
    }),
    SurveyQuestion(aspect=Aspect.COURTESY, texts={
        "en": "How courteous and caring were the people who dealt with you?",
        "az": "Sizinlə işləyən əməkdaşlar nə dərəcədə nəzakətli və qayğıkeş idilər?",
        "tr": "Sizinle ilgilenen çalışanlar ne kadar nazik ve özenliydi?",
        "ru": "Насколько вежливы и внимательны были сотрудники, которые с вами общались?",
        "ar": "ما مدى لطف واهتمام الموظفين الذين تعاملوا معك؟",
        "fa": "کارکنانی که با شما در تماس بودند چقدر مؤدب و دلسوز بودند؟",
    }),
    SurveyQuestion(aspect=Aspect.CLARITY, texts={
        "en": "How clear was our explanation of the decision?",
        "az": "Qərarımızın izahı nə dərəcədə aydın idi?",
        "tr": "Kararımıza ilişkin açıklamamız ne kadar anlaşılırdı?",
        "ru": "Насколько понятно мы объяснили наше решение?",
        "ar": "ما مدى وضوح شرحنا للقرار؟",
        "fa": "توضیح ما درباره تصمیم‌مان چقدر روشن بود؟",
    }),
    SurveyQuestion(aspect=Aspect.FAIRNESS, texts={
        "en": "How fairly do you feel your complaint was treated?",
        "az": "Sizcə şikayətinizə nə dərəcədə ədalətli yanaşıldı?",
        "tr": "Şikâyetinize ne kadar adil davranıldığını düşünüyorsunuz?",
        "ru": "Насколько справедливо, по-вашему, была рассмотрена ваша жалоба?",
        "ar": "إلى أي مدى تشعر أن شكواك عوملت بإنصاف؟",
        "fa": "به نظرتان با شکایت شما تا چه اندازه منصفانه رفتار شد؟",
    }),
    SurveyQuestion(aspect=Aspect.OUTCOME, texts={
        "en": "How satisfied are you with the outcome?",
        "az": "Nəticədən nə dərəcədə razısınız?",
        "tr": "Sonuçtan ne kadar memnunsunuz?",
        "ru": "Насколько вы довольны результатом?",
        "ar": "ما مدى رضاك عن النتيجة؟",
        "fa": "از نتیجه چقدر راضی هستید؟",
    }),
    SurveyQuestion(aspect=Aspect.OVERALL, texts={
        "en": "Overall, how satisfied are you with how we handled your complaint?",
        "az": "Ümumilikdə şikayətinizə baxılmasından nə dərəcədə razısınız?",
        "tr": "Genel olarak şikâyetinizin ele alınış biçiminden ne kadar memnunsunuz?",
        "ru": "В целом насколько вы довольны тем, как была рассмотрена ваша жалоба?",
        "ar": "بشكل عام، ما مدى رضاك عن طريقة تعاملنا مع شكواك؟",
        "fa": "در مجموع، از نحوه رسیدگی ما به شکایتتان چقدر راضی هستید؟",
    }),
)  # fmt: skip


class SurveyPolicy(Frozen):
    """Satisfaction surveys (ISO 10004; ISO 10002 8.3). Off unless `enabled`."""

    enabled: bool = False
    after: tuple[SurveyTrigger, ...] = Field(
        default=(SurveyTrigger.FINAL_RESPONSE, SurveyTrigger.SUMMARY_RESOLUTION),
        min_length=1,
        description="What makes a complaint due; the first reached counts, once per complaint.",
    )
    delay_hours: float = Field(
        default=24, ge=0, le=24 * 90, description="How long after it the survey is sent."
    )
    channel: SurveyChannel = SurveyChannel.EMAIL
    languages: tuple[LanguageTag, ...] = Field(
        default=("az", "ar", "fa", "tr", "ru", "en"),
        min_length=1,
        description="Complainants whose language is not here are not asked.",
    )
    reminder_after_hours: float | None = Field(
        default=72,
        gt=0,
        le=24 * 90,
        description="One reminder this long after the survey if nothing was answered; "
        "null for none.",
    )
    quiet_hours: QuietHours | None = Field(
        default=None, description="Local time of `calendar` when no survey is sent."
    )
    calendar: Identifier | None = Field(
        default=None, description="Whose time zone quiet hours are in; the acknowledgement's."
    )
    exclude: Exclusions = Exclusions()
    opt_out_tags: tuple[str, ...] = Field(
        default=("no_survey",), description="A ticket carrying one of these is never asked."
    )
    scale: Scale = Scale()
    questions: tuple[SurveyQuestion, ...] = Field(default=DEFAULT_QUESTIONS, min_length=1)
    comment_max_chars: int = Field(default=2000, ge=0, le=20_000)
    link_valid_days: int = Field(
        default=30, ge=1, le=365, description="How long a survey link is accepted."
    )

    @model_validator(mode="after")
    def _complete(self) -> SurveyPolicy:
        aspects = [q.aspect for q in self.questions]
        if Aspect.OVERALL not in aspects:
            raise ValueError("questions need the overall question: its links are in the email")
        twice = sorted({a.value for a in aspects if aspects.count(a) > 1})
        if twice:
            raise ValueError(f"each aspect is asked once; twice: {', '.join(twice)}")
        for question in self.questions:
            missing = [lang for lang in self.languages if lang not in question.texts]
            if missing:
                raise ValueError(
                    f"question {question.aspect.value} has no text in {', '.join(missing)}"
                )
        return self

    def question(self, aspect: Aspect) -> SurveyQuestion | None:
        return next((q for q in self.questions if q.aspect is aspect), None)

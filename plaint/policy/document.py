"""The admin's policy JSON, as pydantic models: the single source of truth for its schema.

policies/schema.json is generated from `Policy` (see plaint.schema); a test fails when they
drift. A policy's version is the SHA-256 of its canonical JSON, so two files that say the
same thing have the same version, and every decision can name the policy it was made under.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, time
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from plaint.model.complaint import Flag, Severity
from plaint.model.events import Channel
from plaint.policy.intake import EmailIntakePolicy, HelpdeskFields, IntakeSections
from plaint.policy.letters import LetterPolicy, placeholders
from plaint.policy.outcomes import OutcomeSignal, outcome_problems
from plaint.policy.providers import EscalationPolicy
from plaint.policy.recognition import RecognitionPolicy, recognition_problems
from plaint.policy.regimes import ClockPolicy, MilestoneSignal, Regime
from plaint.policy.retention import RetentionPolicy
from plaint.policy.sources import Citation, Layer
from plaint.policy.surveys import SurveyPolicy
from plaint.vocabulary.base import Frozen
from plaint.vocabulary.canonical import canonical_json
from plaint.vocabulary.language import normalise
from plaint.vocabulary.terms import Duration, Identifier, LanguageTag


def _known_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Asia/Baku)"
        ) from exc
    return name


TimeZoneName = Annotated[str, AfterValidator(_known_timezone)]

_LOCAL_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")


def _local_time_text(value: object) -> object:
    """Only "HH:MM" text: pydantic would also read a number (seconds) or an offset, and an
    aware time cannot be compared with the naive ones beside it."""
    if isinstance(value, time) and value.tzinfo is None:  # built in Python, not read
        return value
    if not isinstance(value, str) or not _LOCAL_TIME.fullmatch(value):
        raise ValueError('must be a local time written "HH:MM", such as "09:00"')
    return value


LocalTime = Annotated[time, BeforeValidator(_local_time_text)]


def _matches_something(keyword: str) -> str:
    if not normalise(keyword):
        raise ValueError("an empty keyword matches every ticket; write a word or leave it out")
    return keyword


Keyword = Annotated[str, AfterValidator(_matches_something)]


def _known_holidays_country(code: str | None) -> str | None:
    # The registry's codes, not list_supported_countries(), which imports every country's
    # module (a tenth of a second on each start of the portal and the console).
    from holidays.registry import EntityLoader  # noqa: PLC0415  # kept off other paths

    if code is not None and code not in EntityLoader.get_country_codes():
        raise ValueError(
            f"unknown country {code!r} for the holidays package (ISO 3166 codes such as GB, "
            "AZ, AE, SA, IR; see `python -c 'import holidays; "
            "print(sorted(holidays.list_supported_countries()))'`)"
        )
    return code


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """Monday is 0, as in datetime.weekday()."""
        return list(Weekday).index(self)


class WorkingHours(Frozen):
    opens: LocalTime = Field(description="Local opening time, e.g. 09:00.")
    closes: LocalTime = Field(description="Local closing time, e.g. 18:00; after `opens`.")

    @model_validator(mode="after")
    def _opens_before_closes(self) -> WorkingHours:
        if self.closes <= self.opens:
            raise ValueError("closes must be later than opens")
        return self


class HalfDay(Frozen):
    """A business day that ends early, e.g. Christmas Eve in some firms."""

    date: date
    closes: LocalTime = Field(
        description="Local closing time that day; after opening, before the usual close."
    )


class CalendarPolicy(Frozen):
    """When the organisation counts time: its zone, weekend, hours and holidays."""

    id: Identifier
    timezone: TimeZoneName = Field(description="IANA time zone, e.g. Europe/London, Asia/Baku.")
    weekend: tuple[Weekday, ...] = Field(
        default=(Weekday.SATURDAY, Weekday.SUNDAY),
        description="Days with no business: Saturday-Sunday, Friday-Saturday, Friday only...",
    )
    working_hours: WorkingHours
    holidays_country: Annotated[str | None, AfterValidator(_known_holidays_country)] = Field(
        default=None,
        description="Country code understood by the `holidays` package (e.g. GB, AZ, AE, SA, IR).",
    )
    holidays_subdivision: str | None = Field(
        default=None, description="Sub-region for holidays, e.g. ENG or SCT within GB."
    )
    extra_holidays: tuple[date, ...] = Field(
        default=(), description="Days off a government declares beyond the published holidays."
    )
    extra_working_days: tuple[date, ...] = Field(
        default=(),
        description="Days declared working days: weekend days a government transfers, or a "
        "published holiday that did not happen (it overrides the holiday tables).",
    )
    half_days: tuple[HalfDay, ...] = Field(
        default=(), description="Business days that close early (e.g. Christmas Eve)."
    )
    deemed_receipt: bool = Field(
        default=True,
        description="True: a complaint received after close or on a day off is deemed received "
        "at the next opening, for every unit. False: calendar units count from the receipt "
        "itself, and business days from the day after the receipt's own date.",
    )

    @field_validator("holidays_subdivision")
    @classmethod
    def _known_subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        country = info.data.get("holidays_country")
        if country is None:
            raise ValueError("a subdivision needs holidays_country")
        import holidays  # noqa: PLC0415

        try:
            holidays.country_holidays(country, subdiv=value)
        except NotImplementedError:
            known = ", ".join(holidays.country_holidays(country).subdivisions) or "none"
            raise ValueError(f"{country} has no subdivision {value!r} (it has: {known})") from None
        return value

    @model_validator(mode="after")
    def _some_business_day(self) -> CalendarPolicy:
        if len(set(self.weekend)) >= len(Weekday):
            raise ValueError("weekend cannot cover every day of the week")
        return self

    @model_validator(mode="after")
    def _half_days_close_early(self) -> CalendarPolicy:
        seen: set[date] = set()
        for half in self.half_days:
            if not self.working_hours.opens < half.closes < self.working_hours.closes:
                raise ValueError(f"half day {half.date}: closes must fall within working hours")
            if half.date in seen:
                raise ValueError(f"half day {half.date} declared twice")
            seen.add(half.date)
        return self


class Condition(Frozen):
    """A rule matches when every given criterion matches (criteria left out are ignored).

    Keywords match the normalised subject and description as substrings, so that one stem
    ("şikayət") matches its suffixed forms ("şikayətim", "şikayətimi") in agglutinative
    languages; normalisation folds case the Turkic way for az/tr and unifies Arabic and
    Persian letter variants.
    """

    any_keywords: tuple[Keyword, ...] = ()
    any_tags: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()
    languages: tuple[LanguageTag, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not (self.any_keywords or self.any_tags or self.channels or self.languages):
            raise ValueError("a condition needs at least one of any_keywords, any_tags, ...")
        return self


class RuleOutcome(Frozen):
    is_complaint: bool | None = None
    category: Identifier | None = None
    severity: Severity | None = None
    regime: Identifier | None = Field(
        default=None, description="The regime whose clocks this complaint runs on."
    )
    flags: tuple[Flag, ...] = ()


class Rule(Frozen):
    """One line of the initial assessment (ISO 10002 7.5). Rules are read in order; for each
    attribute the first matching rule that sets it decides, and flags accumulate."""

    id: Identifier
    description: str = ""
    when: Condition
    then: RuleOutcome


class AssessmentDefaults(Frozen):
    is_complaint: bool = Field(
        default=False,
        description="What a ticket no rule recognises is. ISO 10002 counts any expression of "
        "dissatisfaction, so organisations that route only complaints here set true.",
    )
    category: Identifier = "general"
    severity: Severity = Severity.MEDIUM
    regime: Identifier | None = Field(
        default=None, description="The regime of complaints no rule gives one to."
    )


class AcknowledgementPolicy(Frozen):
    """ISO 10002 7.4: acknowledge receipt promptly, in the complainant's language."""

    within: Duration
    calendar: Identifier
    templates: dict[LanguageTag, str] = Field(
        description="Acknowledgement text per language. Placeholders: {reference}, "
        "{received_on} (local date of receipt), {due_by} (local acknowledgement deadline), "
        "{due_<clock id>} (a regime clock's deadline, e.g. {due_final_response}). Deadlines "
        "are written with their calendar's zone: 2026-11-24 18:00 (Asia/Baku, UTC+04:00)."
    )
    add_tags: tuple[str, ...] = ("complaint",)
    fields: dict[str, str] = Field(
        default_factory=dict, description="Helpdesk custom field id -> value to set."
    )
    overdue_tags: tuple[str, ...] = ("complaint_ack_overdue",)


class Policy(Frozen):
    """Everything an admin decides about complaint handling."""

    schema_version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    approved_by: str = Field(min_length=1, description="Who approved this policy, for the record.")
    default_language: LanguageTag
    languages: tuple[LanguageTag, ...] = Field(
        description="Languages the organisation answers in; others get default_language."
    )
    calendars: tuple[CalendarPolicy, ...] = Field(min_length=1)
    defaults: AssessmentDefaults = AssessmentDefaults()
    rules: tuple[Rule, ...] = ()
    acknowledgement: AcknowledgementPolicy
    helpdesk_fields: HelpdeskFields = HelpdeskFields()
    email: EmailIntakePolicy = EmailIntakePolicy()
    regimes: tuple[Regime, ...] = Field(
        default=(), description="Complaint clocks, by regulator (or the organisation's own)."
    )
    milestones: tuple[MilestoneSignal, ...] = Field(
        default=(),
        description="How the helpdesk shows a final response, holding response, summary "
        "resolution... was sent: the tags or statuses agents set.",
    )
    outcomes: tuple[OutcomeSignal, ...] = Field(
        default=(),
        description="How the helpdesk shows whether the organisation upheld a complaint: "
        "the tags agents set for upheld, partly_upheld and not_upheld.",
    )
    retention: RetentionPolicy = RetentionPolicy()
    escalation: EscalationPolicy = EscalationPolicy()
    letters: LetterPolicy = LetterPolicy()
    recognition: RecognitionPolicy = Field(
        default=RecognitionPolicy(),
        description="The embedded recogniser: it judges what no rule decided, with its "
        "thresholds, categories and review band.",
    )
    sources: tuple[Citation, ...] = Field(
        default=(), description="The rules and pages the policy relies on, cited."
    )
    composed_from: tuple[Layer, ...] = Field(
        default=(),
        description="Written by Plaint when it composes a policy that `extends` a base: each "
        "file, base first, with its SHA-256 (docs/policy-packs.md).",
    )
    surveys: SurveyPolicy = Field(
        default=SurveyPolicy(),
        description="Satisfaction surveys (ISO 10004): when and whom to ask, and what.",
    )

    @model_validator(mode="after")
    def _references_resolve(self, info: ValidationInfo) -> Policy:
        # The loader checks references itself to report each with its own path and line.
        if info.context and info.context.get("defer_references"):
            return self
        problems = reference_problems(self)
        if problems:
            raise ValueError("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))
        return self

    @cached_property
    def intake(self) -> IntakeSections:
        return IntakeSections(helpdesk_fields=self.helpdesk_fields, email=self.email)

    @cached_property
    def version(self) -> str:
        # What the policy says, not how it was assembled: the same effective policy has one
        # version whichever files it came from (composed_from is kept in the document).
        content = self.model_dump(mode="json", exclude={"composed_from"})
        for added in ("sources", "outcomes"):
            if not content[added]:
                del content[added]  # versions from before the field stay as they were
        return hashlib.sha256(canonical_json(content)).hexdigest()

    def calendar(self, calendar_id: str) -> CalendarPolicy:
        return next(c for c in self.calendars if c.id == calendar_id)

    def regime(self, regime_id: str) -> Regime | None:
        return next((r for r in self.regimes if r.id == regime_id), None)


Problem = tuple[tuple[str | int, ...], str]


def reference_problems(policy: Policy) -> list[Problem]:
    """Problems no single field can see: references between parts of the policy."""
    problems: list[Problem] = []
    calendar_ids = [c.id for c in policy.calendars]
    for index, calendar_id in enumerate(calendar_ids):
        if calendar_ids.index(calendar_id) != index:
            problems.append((("calendars", index, "id"), f"calendar {calendar_id!r} defined twice"))
    if policy.acknowledgement.calendar not in calendar_ids:
        problems.append(
            (
                ("acknowledgement", "calendar"),
                f"unknown calendar {policy.acknowledgement.calendar!r}"
                f" (defined: {', '.join(calendar_ids)})",
            )
        )
    problems += _regime_problems(policy, calendar_ids)
    problems += outcome_problems(policy.outcomes, policy.milestones)
    survey_calendar = policy.surveys.calendar
    if survey_calendar is not None and survey_calendar not in calendar_ids:
        problems.append((("surveys", "calendar"), f"unknown calendar {survey_calendar!r}"))
    rule_ids = [r.id for r in policy.rules]
    for index, rule_id in enumerate(rule_ids):
        if rule_ids.index(rule_id) != index:
            problems.append(
                (
                    ("rules", index, "id"),
                    f"rule id {rule_id!r} already used by rules[{rule_ids.index(rule_id)}]",
                )
            )
    if policy.default_language not in policy.languages:
        problems.append((("default_language",), "must be one of languages"))
    templates = policy.acknowledgement.templates
    for lang in policy.languages:
        if lang not in templates:
            problems.append((("acknowledgement", "templates"), f"no text for language {lang!r}"))
    deadlines = {f"due_{c.id}" for r in policy.regimes for c in r.clocks}
    for lang, text in templates.items():
        try:
            unknown = template_fields(text) - TEMPLATE_FIELDS - deadlines
        except ValueError as exc:
            problems.append((("acknowledgement", "templates", lang), str(exc)))
            continue
        if unknown:
            problems.append(
                (
                    ("acknowledgement", "templates", lang),
                    f"unknown placeholder {{{sorted(unknown)[0]}}}; use "
                    + ", ".join(f"{{{f}}}" for f in sorted(TEMPLATE_FIELDS | deadlines)),
                )
            )
    return problems + _recognition_problems(policy)


def _recognition_problems(policy: Policy) -> list[Problem]:
    named: list[tuple[tuple[str | int, ...], str]] = [
        (("defaults", "category"), policy.defaults.category)
    ]
    decisive: list[tuple[tuple[str | int, ...], str]] = []
    for index, rule in enumerate(policy.rules):
        if rule.then.category:
            named.append((("rules", index, "then", "category"), rule.then.category))
        if rule.then.is_complaint is not None:
            decisive += [(("rules", index, "when", "any_tags"), t) for t in rule.when.any_tags]
    for c_index, kept in enumerate(policy.retention.classes):
        named += [
            (("retention", "classes", c_index, "categories", index), category)
            for index, category in enumerate(kept.categories)
        ]
    return recognition_problems(policy.recognition, named_categories=named, decisive_tags=decisive)


def _duplicates(ids: list[str]) -> list[int]:
    return [index for index, value in enumerate(ids) if ids.index(value) != index]


def _known(value: str, known: list[str], what: str) -> str | None:
    if value in known:
        return None
    return f"unknown {what} {value!r} (defined: {', '.join(known) or 'none'})"


def _regime_problems(policy: Policy, calendar_ids: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    regime_ids = [r.id for r in policy.regimes]
    for index in _duplicates(regime_ids):
        problems.append((("regimes", index, "id"), f"regime {regime_ids[index]!r} defined twice"))
    for r_index, regime in enumerate(policy.regimes):
        where: tuple[str | int, ...] = ("regimes", r_index)
        if message := _known(regime.calendar, calendar_ids, "calendar"):
            problems.append(((*where, "calendar"), message))
        clock_ids = [c.id for c in regime.clocks]
        for index in _duplicates(clock_ids):
            problems.append(
                ((*where, "clocks", index, "id"), f"clock {clock_ids[index]!r} defined twice")
            )
        for c_index, clock in enumerate(regime.clocks):
            at = (*where, "clocks", c_index)
            problems += _clock_problems(clock, at, regime.id, clock_ids, calendar_ids)
    for index, rule in enumerate(policy.rules):
        if rule.then.regime and (message := _known(rule.then.regime, regime_ids, "regime")):
            problems.append((("rules", index, "then", "regime"), message))
    default = policy.defaults.regime
    if default and (message := _known(default, regime_ids, "regime")):
        problems.append((("defaults", "regime"), message))
    return problems + _provider_problems(policy)


def _provider_problems(policy: Policy) -> list[Problem]:
    problems: list[Problem] = []
    provider_ids = [p.id for p in policy.escalation.providers]
    for index in _duplicates(provider_ids):
        where = ("escalation", "providers", index, "id")
        problems.append((where, f"provider {provider_ids[index]!r} defined twice"))
    for r_index, regime in enumerate(policy.regimes):
        for p_index, provider_id in enumerate(regime.providers):
            if message := _known(provider_id, provider_ids, "provider"):
                problems.append((("regimes", r_index, "providers", p_index), message))
    for p_index, provider in enumerate(policy.escalation.providers):
        for lang in policy.languages:
            if lang not in provider.wording:
                where = ("escalation", "providers", p_index, "wording")
                problems.append((where, f"no wording for language {lang!r}"))
    return problems


def _clock_problems(
    clock: ClockPolicy,
    at: tuple[str | int, ...],
    regime_id: str,
    clock_ids: list[str],
    calendar_ids: list[str],
) -> list[Problem]:
    problems: list[Problem] = []
    if clock.calendar and (message := _known(clock.calendar, calendar_ids, "calendar")):
        problems.append(((*at, "calendar"), message))
    for other in clock.discharged_by:
        if other == clock.id:
            problems.append(((*at, "discharged_by"), "a clock cannot discharge itself"))
        elif message := _known(other, clock_ids, f"clock of regime {regime_id!r}"):
            problems.append(((*at, "discharged_by"), message))
    extension = clock.extension
    if (
        extension is not None
        and extension.to.unit is clock.within.unit
        and extension.to.amount <= clock.within.amount
    ):
        problems.append(((*at, "extension", "to"), "an extension must allow more than `within`"))
    return problems


TEMPLATE_FIELDS = frozenset({"reference", "received_on", "due_by"})


def template_fields(text: str) -> set[str]:
    """The placeholders of a template. ValueError for unbalanced braces, or a placeholder
    with a format spec or conversion ({reference:>300000000} would build a 300 MB letter)."""
    return set(placeholders(text))

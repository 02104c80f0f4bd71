"""The admin's registry of external dispute-resolution providers (ISO 10003) and when a
complaint is escalated to them: who covers which jurisdictions and products, who is eligible,
how a referral is made, and what the complainant must be told."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from plaint.policy.letters import placeholders
from plaint.policy.retention import calendar_period
from plaint.vocabulary.base import Frozen
from plaint.vocabulary.terms import (
    Duration,
    DurationUnit,
    Identifier,
    LanguageTag,
    Milestone,
    Money,
)

WORDING_PLACEHOLDERS = frozenset(
    {"provider_name", "provider_website", "time_limit", "reference", "fees"}
)


class ProviderKind(StrEnum):
    OMBUDSMAN = "ombudsman"
    ADR_BODY = "adr_body"
    MEDIATOR = "mediator"
    ARBITRATOR = "arbitrator"


class ReferralMethod(StrEnum):
    WEBHOOK = "webhook"  # a signed POST (Standard Webhooks) of the referral packet
    EMAIL = "email"  # the packet by email
    MANUAL = "manual"  # an agent sends the packet; Plaint records that it was


class TimeLimit(Frozen):
    """The complainant must refer within `within` of `after` (for example six months after
    the final response, FCA DISP 2.8.2R)."""

    after: Milestone
    within: Duration
    description: str = ""

    @field_validator("within")
    @classmethod
    def _calendar(cls, value: Duration) -> Duration:
        return calendar_period(value)


class Eligibility(Frozen):
    monetary_cap: Money | None = Field(
        default=None, description="Claims above it are beyond the provider's award limit."
    )
    time_limits: tuple[TimeLimit, ...] = ()


class Provider(Frozen):
    id: Identifier
    kind: ProviderKind
    name: str = Field(min_length=1)
    names: dict[LanguageTag, str] = Field(
        default_factory=dict, description="Its name per language."
    )
    website: str = Field(min_length=1)
    contact: str = ""
    jurisdictions: tuple[str, ...] = Field(default=(), description="Empty: any.")
    products: tuple[str, ...] = Field(default=(), description="Empty: any.")
    eligibility: Eligibility = Eligibility()
    fees: str = Field(default="", description="Who pays what, as the complainant is told.")
    languages: tuple[LanguageTag, ...] = ()
    method: ReferralMethod = ReferralMethod.MANUAL
    url: str | None = Field(default=None, description="For method webhook: an https URL.")
    secret_env: str | None = Field(
        default=None, description="The environment variable holding the webhook secret."
    )
    email: str | None = None
    response_within: Duration = Field(
        default=Duration(amount=14, unit=DurationUnit.CALENDAR_DAYS),
        description="The organisation's reply to the provider is due this long after the "
        "provider acknowledges the referral.",
    )
    wording: dict[LanguageTag, str] = Field(
        description="What the complainant must be told, per language. Placeholders: "
        "{provider_name}, {provider_website}, {time_limit}, {reference}, {fees}."
    )
    time_limit_text: dict[LanguageTag, str] = Field(
        default_factory=dict, description="The time limit as the complainant is told it."
    )

    @model_validator(mode="after")
    def _can_be_reached(self) -> Provider:
        if self.method is ReferralMethod.WEBHOOK and not (
            self.url and self.url.startswith("https://") and self.secret_env
        ):
            raise ValueError("a webhook provider needs an https url and a secret_env")
        if self.method is ReferralMethod.EMAIL and not self.email:
            raise ValueError("an email provider needs its email address")
        if not self.wording:
            raise ValueError("wording: say what the complainant must be told")
        for language, text in self.wording.items():
            # Plain names only: a format spec ({fees:>300000000}) could make any size.
            unknown = set(placeholders(text)) - WORDING_PLACEHOLDERS
            if unknown:
                raise ValueError(f"wording {language}: unknown placeholder(s) {sorted(unknown)}")
        return self

    def name_in(self, language: str) -> str:
        return self.names.get(language, self.name)

    def covers(self, jurisdiction: str | None, product: str | None) -> bool:
        return (not self.jurisdictions or jurisdiction in self.jurisdictions) and (
            not self.products or product in self.products
        )


class EscalationPolicy(Frozen):
    providers: tuple[Provider, ...] = ()
    rejection_statuses: tuple[str, ...] = Field(
        default=(), description="Helpdesk statuses that say the complainant rejected the answer."
    )
    rejection_tags: tuple[str, ...] = ()
    rejection_fields: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Helpdesk field -> the values that say the complainant rejected the answer "
        '(e.g. {"customfield_10050": ["Rejected"]}).',
    )
    rejection_phrases: dict[LanguageTag, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Words in a complainant's reply that reject the answer, per language.",
    )
    request_tags: tuple[str, ...] = Field(
        default=("refer_complaint",), description="Tags an agent sets to ask for escalation."
    )
    on_final_deadline_missed: bool = Field(
        default=True,
        description="Escalate when a final-response clock breaches with no final response.",
    )
    send_packet: bool = Field(
        default=True, description="Send the referral packet when the complaint is eligible."
    )
    inform_tags: tuple[str, ...] = ("referral_rights_sent",)

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

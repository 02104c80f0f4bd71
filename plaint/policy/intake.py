"""The policy's intake sections: where each helpdesk keeps what the engine reads, and how
inbound email is trusted. Webhooks read payloads with these alone, so they are their own
light module, readable from a policy document without building the whole `Policy`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plaint.policy.positions import plain_json, structural_problems, value_lines
from plaint.vocabulary.base import Frozen
from plaint.vocabulary.errors import PolicyError
from plaint.vocabulary.terms import LanguageTag

FieldId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]


class JiraFieldMapping(Frozen):
    """Which Jira fields hold what Plaint reads, as the admin configures it: field ids such
    as "customfield_10010" (the JSM request type field), or None when there is none."""

    request_type_field: FieldId | None = None
    product_field: FieldId | None = None
    remedy_field: FieldId | None = None
    channel_field: FieldId | None = None
    language_field: FieldId | None = None
    complaint_review_field: FieldId | None = Field(
        default=None,
        description="The field agents answer a possible complaint with (confirm or "
        "dismiss); its changes arrive as complaint_review (see recognition.review).",
    )


class VerdictHandling(StrEnum):
    ACCEPT = "accept"
    FLAG = "flag"  # judged, with a tag the rules and agents can see
    SET_ASIDE = "set_aside"  # recorded as received, not judged


class EmailIntakePolicy(Frozen):
    """How inbound email is trusted: SES's verdicts, and the mailbox replies go to."""

    mailbox: str | None = Field(
        default=None,
        description="The complaints address; acknowledgements ask for replies to a "
        "plus-address of it that names the complaint.",
    )
    sender: str | None = Field(default=None, description="From address of acknowledgements.")
    on_spam: VerdictHandling = VerdictHandling.SET_ASIDE
    on_virus: VerdictHandling = VerdictHandling.SET_ASIDE
    on_dmarc_fail: VerdictHandling = Field(
        default=VerdictHandling.SET_ASIDE,
        description="When DMARC fails and the sender's domain asks for quarantine or reject.",
    )
    on_spf_or_dkim_fail: VerdictHandling = VerdictHandling.FLAG
    flag_tag: str = "email_authentication_failed"
    subjects: dict[LanguageTag, str] = Field(
        default_factory=dict,
        description="Subject of the acknowledgement email per language, over the built-in "
        "ones (en, ar, fa, az, tr, ru).",
    )


class HelpdeskFields(Frozen):
    """Where each helpdesk keeps what the engine reads, for helpdesks whose fields are the
    admin's own (Zendesk's trigger template names them instead)."""

    jira: JiraFieldMapping = JiraFieldMapping()


class IntakeSections(BaseModel):
    """A policy document's intake sections, the rest of it left unread. The whole document
    is checked where it is loaded or published (plaint.policy.loading); a webhook reads
    only these."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    helpdesk_fields: HelpdeskFields = HelpdeskFields()
    email: EmailIntakePolicy = EmailIntakePolicy()


def intake_sections(document: str) -> IntakeSections:
    """The intake sections of a policy document. Raises PolicyError naming each problem's
    JSON path and line."""
    data = plain_json(document)
    try:
        return IntakeSections.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(structural_problems(exc, value_lines(document))) from exc

"""The text of a holding response, final response or summary resolution for a local ticket:
the policy's letter template for the complaint's regime and language, filled with sample
words where only the agent could know them (the decision, its reasons) and with the
provider's details the check looks for. A policy with no letters (the default one) gets the
ISO 10002 pack's template, so the local story can be played on the defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from plaint.letters.checks import provider_details
from plaint.model.complaint import Complaint
from plaint.policy.document import Policy
from plaint.policy.letters import LetterKind, LetterPack, placeholders, render_template

SAMPLE_WORDS: Final = {
    "decision": "We uphold your complaint and will refund the second payment.",
    "reasons": "The same payment was taken twice because of a fault in our card system.",
    "resolution": "We refunded the second payment today.",
    "delay_reasons": "We are still waiting for the card scheme's records.",
    "next_steps": "We will write to you as soon as the records arrive.",
}


FALLBACK_PACK: Final = Path(__file__).resolve().parent.parent / "policies/letters/iso-10002.json"
FALLBACK_REGIME: Final = "iso-10002"
# What a letter says of a provider the policy does not name.
NO_PROVIDER: Final = {
    "provider_name": "an independent dispute-resolution provider",
    "provider_website": "the provider's website",
}


class NoLetterError(LookupError):
    """The policy has no template for this letter."""


def letter_text(
    policy: Policy, kind: LetterKind, complaint: Complaint | None, *, language: str, regime: str
) -> str:
    """The letter an agent would send: the template the check reads the letter against."""
    template = policy.letters.template_for(regime, kind, language)
    if template is None and not policy.letters.templates and not policy.letters.rules:
        template = fallback_template(kind, language)
    if template is None:
        raise NoLetterError(
            f"the policy has no {kind.value} template for regime {regime!r} in {language!r}: "
            "add one under letters.templates, or pass --text"
        )
    values = SAMPLE_WORDS | NO_PROVIDER
    values["reference"] = complaint.complaint_id if complaint else "your complaint"
    values["expected_by"] = _date(datetime.now(UTC) + timedelta(weeks=4))
    provider = provider_details(complaint, policy) if complaint else None
    if provider is not None:
        values |= provider.values(language)
    for name in placeholders(template):
        if name.startswith("due_"):
            values[name] = _due(complaint, name.removeprefix("due_"))
    return render_template(template, values, name=f"{kind.value}/{language}")


def fallback_template(kind: LetterKind, language: str) -> str | None:
    """The ISO 10002 pack's letter, in `language` or else English."""
    pack = LetterPack.model_validate_json(FALLBACK_PACK.read_text(encoding="utf-8"))
    found = pack.letters.template_for(FALLBACK_REGIME, kind, language)
    return found or pack.letters.template_for(FALLBACK_REGIME, kind, "en")


def _due(complaint: Complaint | None, clock_id: str) -> str:
    clocks = complaint.clocks if complaint else ()
    due = next((c.due_at for c in clocks if c.clock_id == clock_id), None)
    return _date(due) if due is not None else "the date we gave you"


def _date(moment: datetime) -> str:
    return moment.strftime("%d %B %Y")

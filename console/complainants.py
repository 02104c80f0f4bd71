"""Who an erasure request names: the identifier the complainant gives (an email address, a
phone number, a helpdesk user id) turned into the reference intake recorded them under.

Intake never keeps the address itself: an email complaint is recorded under a digest of the
sender's address, a helpdesk ticket under the requester's user id. The person asking knows
only their address, so the command computes the same reference intake computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.email.mapper import complainant_ref as email_reference

# References as intake writes them: given as they are.
_REFERENCE = re.compile(r"^(email:[0-9a-f]{64}|zendesk-user:\S+|jira-user:\S+)$")
_COMPLAINT_ID = re.compile(r"^(zendesk|jira|email):\S+$")
_ADDRESS = re.compile(r"^[^@\s<>\",]+@[^@\s<>\",]+\.[^@\s<>\",]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
MIN_PHONE_DIGITS = 7


class NotUnderstoodError(ValueError):
    """The identifier names nobody Plaint could have recorded; nothing may be answered."""


@dataclass(frozen=True)
class Complainant:
    reference: str
    described: str  # how the command says what it searched for


def complainant_for(identifier: str) -> Complainant:
    """The reference intake recorded this complainant under, or NotUnderstoodError."""
    text = identifier.strip()
    if _REFERENCE.match(text):
        return Complainant(text, f"the reference {text}")
    if _COMPLAINT_ID.match(text):
        raise NotUnderstoodError(
            f"{text!r} is a complaint id, not a complainant: give their email address, "
            "zendesk-user:ID or jira-user:ACCOUNT_ID (the requester's user id in the helpdesk)"
        )
    address = text.removeprefix("mailto:").strip("<>").strip()
    if _ADDRESS.match(address):
        # Normalised exactly as intake does (stripped, lower case), by intake's own function.
        return Complainant(email_reference(address) or "", f"the email address {address.lower()}")
    digits = re.sub(r"\D", "", text)
    if _PHONE.match(text) and len(digits) >= MIN_PHONE_DIGITS:
        raise NotUnderstoodError(
            f"{text!r} reads as the phone number +{digits}: Plaint keeps no phone numbers; a "
            "complaint made by telephone is recorded under the helpdesk user who called. Find "
            "that user in the helpdesk and give zendesk-user:ID or jira-user:ACCOUNT_ID "
            f"(a Zendesk user id on its own: zendesk-user:{digits})"
        )
    raise NotUnderstoodError(
        f"{text!r} names no complainant: give an email address, zendesk-user:ID or "
        "jira-user:ACCOUNT_ID (the requester's user id in the helpdesk)"
    )

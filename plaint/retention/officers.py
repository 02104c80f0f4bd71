"""Who may set and release legal holds: the policy's `retention.hold_officers`, matched
against who acts, as proven as the caller can prove it.

Officers are named as AWS identities, the form the caller's identity is proven in:

- an IAM user's or an assumed role session's ARN, exactly
  (`arn:aws:iam::123456789012:user/legal`,
  `arn:aws:sts::123456789012:assumed-role/LegalHold/jane@example.com`);
- an IAM role's ARN (`arn:aws:iam::123456789012:role/LegalHold`, any path): every session
  of that role, so whoever may assume the role is an officer;
- a plain name (`legal@example.com`): a portal user's signed-in name, or, where no identity
  can be proven (the local stack), a name typed on the command line.

A name typed on the command line proves nothing: it matches only a plain name, and the hold
records that nothing vouched for it.
"""

from __future__ import annotations

import re
from typing import Final

from pydantic import Field

from plaint.vocabulary.base import Frozen
from plaint.vocabulary.errors import PlaintError

AWS_STS: Final = "aws-sts"  # the caller's identity, from STS GetCallerIdentity
_SESSION: Final = re.compile(r"^arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([^/]+)/(.+)$")
_ROLE: Final = re.compile(r"^arn:(aws[\w-]*):iam::(\d{12}):role/(?:.+/)?([^/]+)$")


class Actor(Frozen):
    """Who sets or releases a hold."""

    name: str = Field(min_length=1, description="An ARN, a portal user, or a typed name.")
    vouched_by: str | None = Field(
        default=None,
        description="What proved the name: 'aws-sts' (the AWS caller identity) or 'portal' "
        "(its sign-in); none: typed on the command line, unproven.",
    )


class HoldRefusedError(PlaintError):
    """The actor may not set or release legal holds under this policy."""


NO_OFFICERS: Final = (
    "the policy names no hold officers: add retention.hold_officers (IAM user or role ARNs, "
    "role session ARNs, or portal user names; see docs/retention.md) and publish it first"
)


def authorise(actor: Actor, officers: tuple[str, ...], policy_version: str) -> None:
    if not officers:
        raise HoldRefusedError(NO_OFFICERS)
    if not any(_names(officer, actor) for officer in officers):
        proof = f"proven by {actor.vouched_by}" if actor.vouched_by else "typed, unproven"
        raise HoldRefusedError(
            f"{actor.name} ({proof}) is not a hold officer under policy {policy_version[:12]}"
        )


def _names(officer: str, actor: Actor) -> bool:
    if officer.startswith("arn:"):
        return actor.vouched_by == AWS_STS and (
            officer == actor.name or _role_of_session(officer, actor.name)
        )
    return officer == actor.name


def _role_of_session(role: str, session: str) -> bool:
    """Whether `session` is a session of the IAM role `role` (an STS ARN leaves out the
    role's path)."""
    role_match, session_match = _ROLE.match(role), _SESSION.match(session)
    if role_match is None or session_match is None:
        return False
    return role_match.groups() == session_match.groups()[:3]

"""Hold officers: who acts is matched as proven. An AWS identity matches its own ARN or its
role's; a name typed on the command line matches only a plain name; with no officers no one
may hold."""

from __future__ import annotations

import pytest

from plaint.retention.officers import AWS_STS, Actor, HoldRefusedError, authorise

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/legal/LegalHold"
JANE = f"arn:aws:sts::{ACCOUNT}:assumed-role/LegalHold/jane@example.com"
USER = f"arn:aws:iam::{ACCOUNT}:user/legal"


def proven(arn: str) -> Actor:
    return Actor(name=arn, vouched_by=AWS_STS)


@pytest.mark.parametrize(
    ("officers", "actor"),
    [
        ((USER,), proven(USER)),
        ((JANE,), proven(JANE)),
        ((ROLE,), proven(JANE)),  # any session of the role, whatever the role's path
        (("legal@example.com",), Actor(name="legal@example.com")),  # typed, locally
        (("legal@example.com",), Actor(name="legal@example.com", vouched_by="portal")),
    ],
)
def test_an_officer_is_matched_in_the_form_it_is_proven_in(
    officers: tuple[str, ...], actor: Actor
) -> None:
    authorise(actor, officers, "v" * 64)


@pytest.mark.parametrize(
    ("officers", "actor"),
    [
        ((USER,), Actor(name=USER)),  # an ARN typed on the command line proves nothing
        ((ROLE,), Actor(name=JANE)),
        ((ROLE,), proven(f"arn:aws:sts::{ACCOUNT}:assumed-role/Support/jane@example.com")),
        ((ROLE,), proven("arn:aws:sts::999999999999:assumed-role/LegalHold/jane@example.com")),
        ((JANE,), proven(f"arn:aws:sts::{ACCOUNT}:assumed-role/LegalHold/bob@example.com")),
        (("legal@example.com",), proven(USER)),
    ],
)
def test_anyone_else_is_refused(officers: tuple[str, ...], actor: Actor) -> None:
    with pytest.raises(HoldRefusedError, match="is not a hold officer"):
        authorise(actor, officers, "v" * 64)


def test_with_no_officers_no_one_may_hold_and_the_refusal_says_what_to_do() -> None:
    with pytest.raises(HoldRefusedError, match=r"names no hold officers: add retention\.hold"):
        authorise(proven(USER), (), "v" * 64)

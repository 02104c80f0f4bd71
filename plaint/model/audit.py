"""Entries of the compliance log: drafts as decisions make them, entries as the chain keeps
them, their query facets, personal values and erasures."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from plaint.vocabulary.base import AwareDatetime, Frozen


class ClockStanding(StrEnum):
    """Where a clock stood when an entry was written: what an auditor filters by."""

    ON_TIME = "on_time"
    WARNED = "warned"
    BREACHED = "breached"
    LAPSED = "lapsed"
    DISCHARGED = "discharged"


class AuditFacets(Frozen):
    """What the compliance log is queried by, besides complaint, kind, time and policy
    version. Part of the hashed entry, so an entry cannot be hidden from a query unseen."""

    category: str | None = None
    jurisdiction: str | None = None
    clock_status: ClockStanding | None = None


class AuditDraft(Frozen):
    """An audit entry before it is placed on the chain. `personal` holds the values that
    identify a person: the entry commits to salted digests of them, so they can be erased
    later without breaking the chain."""

    kind: str
    complaint_id: str | None
    policy_version: str
    at: AwareDatetime
    rule_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    facets: AuditFacets = AuditFacets()
    personal: dict[str, str] = Field(default_factory=dict)


class PersonalValue(Frozen):
    """A personal value kept beside its entry, with the salt of its digest. Erasure removes
    both; the digest stays in the hashed entry and still verifies."""

    value: str
    salt: str


class AuditEntry(Frozen):
    """An append-only, hash-chained record of one decision, on its complaint's chain."""

    chain: str
    seq: int = Field(ge=1)
    kind: str
    complaint_id: str | None
    policy_version: str
    at: AwareDatetime
    rule_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    facets: AuditFacets = AuditFacets()
    personal_digests: dict[str, str] = Field(default_factory=dict)
    personal: dict[str, PersonalValue] = Field(default_factory=dict)
    prev_hash: str
    hash: str


class Erasure(Frozen):
    """Personal values to remove from a written entry, through the erasure path: the entry's
    digests stay, and a `personal_data.erased` entry in the same decision names them.
    `expected` is the entry's personal values as read, so a concurrent change fails."""

    chain: str
    seq: int = Field(ge=1)
    fields: tuple[str, ...] = Field(min_length=1)
    expected: dict[str, PersonalValue]


class ChainHead(Frozen):
    chain: str
    seq: int = Field(ge=0)
    hash: str

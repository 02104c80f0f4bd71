"""Everything the portal's pages read and do, handed to `create_app` by `portal.app.build`
(the portal's one place that builds dependencies) or by a test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from plaint.auditlog.checkpoint import CheckpointSigner
from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.usecases.ports import CheckpointArchive
from plaint.vocabulary.errors import PolicyError
from portal.ports import ComplaintSearch, Records
from portal.publication import PolicyDesk, StoreDesk
from portal.search import LogIndexSearch
from portal.whatif import WhatIfRunner


@dataclass
class PortalSources:
    log: Records
    archive: CheckpointArchive | None
    signer: CheckpointSigner | None
    ledger: str
    clock: Callable[[], datetime]
    search: ComplaintSearch | None = None
    desk: PolicyDesk | None = None
    what_if: WhatIfRunner | None = None
    packaged: Policy | None = None
    policies: PolicyBook = field(init=False)

    def __post_init__(self) -> None:
        self.search = self.search or LogIndexSearch(self.log, self.ledger)
        self.desk = self.desk or StoreDesk(self.log, self.ledger)
        self.what_if = self.what_if or WhatIfRunner(self.log, self.ledger, self.clock)
        self.policies = PolicyBook(self.log, self.packaged)


# The name the audit API's first tests know it by.
AuditSources = PortalSources


class PolicyBook:
    """Published policies by version, parsed once: a version is its content's hash, so what
    was parsed for a version never changes."""

    def __init__(self, records: Records, packaged: Policy | None = None) -> None:
        self._records = records
        self._packaged = packaged
        self.get = lru_cache(maxsize=32)(self._parse)

    def _parse(self, version: str) -> Policy | None:
        if self._packaged is not None and self._packaged.version == version:
            return self._packaged
        document = self._records.policy_document(version)
        if document is None:
            return None
        try:
            return parse_policy(document)
        except PolicyError:
            return None

    def active(self) -> tuple[str, Policy | None] | None:
        active = self._records.active_policy()
        return None if active is None else (active[0], self.get(active[0]))

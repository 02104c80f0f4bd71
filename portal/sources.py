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
from plaint.usecases.ports import CheckpointArchive, Queue
from plaint.usecases.publication import PolicyPublication
from plaint.usecases.what_if_jobs import WhatIfJobs
from plaint.vocabulary.errors import PolicyError
from portal.ports import Records
from portal.whatif import WhatIfDesk


@dataclass
class PortalSources:
    log: Records
    archive: CheckpointArchive | None
    signer: CheckpointSigner | None
    ledger: str
    clock: Callable[[], datetime]
    packaged: Policy | None = None
    # What-if jobs and the queue their worker reads; without them no what-if can start.
    what_if_jobs: WhatIfJobs | None = None
    what_if_queue: Queue | None = None
    policies: PolicyBook = field(init=False)
    publication: PolicyPublication = field(init=False)
    what_if: WhatIfDesk | None = field(init=False)

    def __post_init__(self) -> None:
        self.policies = PolicyBook(self.log, self.packaged)
        self.publication = PolicyPublication(self.log, self.clock, self.ledger)
        jobs, queue = self.what_if_jobs, self.what_if_queue
        self.what_if = None
        if jobs is not None and queue is not None:
            self.what_if = WhatIfDesk(jobs, queue, self.policies, self.clock)


# The name the audit API's first tests know it by.
AuditSources = PortalSources


class PolicyBook:
    """Policies by version, parsed once: a version is its content's hash, so what was parsed
    for a version never changes. The packaged policy stands until one is published."""

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
        if active is None:
            packaged = self._packaged
            return None if packaged is None else (packaged.version, packaged)
        return active[0], self.get(active[0])

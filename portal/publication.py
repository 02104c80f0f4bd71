"""Publishing a policy under the two-person rule: one admin proposes a valid version,
another approves it, and only then does it become the active policy.

`PolicyDesk` is what the policy pages need. `StoreDesk` keeps proposals and the history of
publications beside the published documents in the state table (conditional writes on the
store's cursors, so two approvals of one proposal cannot both land).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Protocol

from pydantic import ValidationError

from plaint.policy.loading import parse_policy
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.errors import PlaintError, RevisionConflictError

PROPOSALS = "policy-proposals"
HISTORY = "policy-history"
Items = list[dict[str, object]]


def _proposal_key(version: str) -> str:
    return f"policy-proposal:{version}"


class TwoPersonRuleError(PlaintError):
    """The approver is the proposer: a second admin must approve."""


class ProposalMissingError(PlaintError):
    """No proposal of that version awaits approval (approved already, or never made)."""


class Proposal(Frozen):
    version: str
    name: str
    proposed_by: str
    proposed_at: AwareDatetime


class Publication(Frozen):
    version: str
    name: str
    proposed_by: str | None = None
    proposed_at: AwareDatetime | None = None
    approved_by: str | None = None
    published_at: AwareDatetime | None = None
    replaced: str | None = None


class PolicyDesk(Protocol):
    def propose(self, document: str, by: str, at: datetime) -> Proposal:
        """Keep a valid draft for approval. Raises PolicyError with every problem."""

    def proposals(self) -> list[Proposal]: ...

    def proposal_document(self, version: str) -> str | None: ...

    def approve(self, version: str, by: str, at: datetime) -> Publication:
        """Publish a proposal. Raises TwoPersonRuleError, ProposalMissingError, PolicyError
        (it no longer parses) or RevisionConflictError (the active policy moved)."""

    def history(self) -> list[Publication]:
        """Every publication, newest first."""


class _Cursors(Protocol):
    def get_cursor(self, name: str) -> str | None: ...

    def put_cursor(self, name: str, value: str, expected: str | None) -> None: ...

    def active_policy(self) -> tuple[str, str] | None: ...

    def publish_policy(self, version: str, document: str, expected_active: str | None) -> None: ...


class StoreDesk:
    def __init__(self, store: _Cursors, ledger: str) -> None:
        self._store = store
        self._ledger = ledger

    def propose(self, document: str, by: str, at: datetime) -> Proposal:
        policy = parse_policy(document)
        proposal = Proposal(
            version=policy.version, name=policy.name, proposed_by=by, proposed_at=at
        )
        stored = json.dumps({"proposal": proposal.model_dump(mode="json"), "document": document})
        # Proposed before if it exists: the same content, so the same version.
        with suppress(RevisionConflictError):
            self._store.put_cursor(_proposal_key(policy.version), stored, expected=None)
        self._update_list(
            PROPOSALS, lambda items: [*_without(items, policy.version), stored_head(proposal)]
        )
        return proposal

    def proposals(self) -> list[Proposal]:
        return [Proposal.model_validate(item) for item in self._list(PROPOSALS)]

    def proposal_document(self, version: str) -> str | None:
        stored = self._store.get_cursor(_proposal_key(version))
        return None if stored is None else str(json.loads(stored)["document"])

    def approve(self, version: str, by: str, at: datetime) -> Publication:
        waiting = {p.version: p for p in self.proposals()}
        proposal = waiting.get(version)
        document = self.proposal_document(version)
        if proposal is None or document is None:
            raise ProposalMissingError(f"no proposal {version[:12]} awaits approval")
        if proposal.proposed_by.strip().casefold() == by.strip().casefold():
            raise TwoPersonRuleError("the proposer cannot approve their own proposal")
        parse_policy(document)  # an invalid document is never published
        active = self._store.active_policy()
        previous = active[0] if active else None
        self._store.publish_policy(version, document, previous)
        publication = Publication(
            version=version,
            name=proposal.name,
            proposed_by=proposal.proposed_by,
            proposed_at=proposal.proposed_at,
            approved_by=by,
            published_at=at,
            replaced=previous,
        )
        self._update_list(PROPOSALS, lambda items: _without(items, version))
        self._update_list(HISTORY, lambda items: [publication.model_dump(mode="json"), *items])
        return publication

    def history(self) -> list[Publication]:
        try:
            return [Publication.model_validate(item) for item in self._list(HISTORY)]
        except ValidationError:
            return []

    def _list(self, name: str) -> list[dict[str, object]]:
        stored = self._store.get_cursor(name)
        return [] if stored is None else list(json.loads(stored))

    def _update_list(self, name: str, change: Callable[[Items], Items]) -> None:
        for _ in range(5):
            stored = self._store.get_cursor(name)
            items = [] if stored is None else list(json.loads(stored))
            updated = json.dumps(change(items))
            try:
                self._store.put_cursor(name, updated, expected=stored)
                return
            except RevisionConflictError:
                continue
        raise RevisionConflictError(f"{name} kept moving; try again")


def stored_head(proposal: Proposal) -> dict[str, object]:
    return proposal.model_dump(mode="json")


def _without(items: list[dict[str, object]], version: str) -> list[dict[str, object]]:
    return [item for item in items if item.get("version") != version]

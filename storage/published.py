"""Policies, kept in the state table: the document of every version ever proposed or
published (write-once, so an auditor can read the exact policy any decision names), a
pointer to the active one that moves only from the version the approver saw, and each
version's record of proposals and publications (plaint.model.publication), all in one
partition (storage.codec.policy_record_key)."""

from __future__ import annotations

from contextlib import suppress
from typing import Protocol

from plaint.model.publication import PolicyRecord
from plaint.vocabulary.errors import RevisionConflictError
from storage import codec
from storage.active_policy import ACTIVE, ActivePolicy, CursorReads, document_key
from storage.layout import Item


class _Cursors(CursorReads, Protocol):
    def put_cursor(self, name: str, value: str, expected: str | None) -> None: ...


class _Records(Protocol):
    def _state_item(self, key: Item) -> Item | None: ...

    def _policy_items(self) -> list[Item]: ...


class PublishedPolicies(ActivePolicy):
    """Mixed into both stores; built on their conditional cursor writes."""

    def publish_policy(
        self: _Cursors, version: str, document: str, expected_active: str | None
    ) -> None:
        """Keep `document` under its version and make it active, only if the active
        version is still `expected_active` (RevisionConflictError otherwise). Below the
        two-person rule: plaint.usecases.publication publishes through approvals."""
        # Published before if it exists: the version is the content's hash, so it is the same.
        with suppress(RevisionConflictError):
            self.put_cursor(document_key(version), document, expected=None)
        self.put_cursor(ACTIVE, version, expected=expected_active)

    def policy_record(self: _Records, version: str) -> PolicyRecord | None:
        item = self._state_item(codec.policy_record_key(version))
        return None if item is None else codec.policy_record_from_item(item)

    def policy_records(self: _Records) -> list[PolicyRecord]:
        """Every version ever proposed (one query of the policy partition)."""
        return [codec.policy_record_from_item(item) for item in self._policy_items()]

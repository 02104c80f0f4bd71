"""Published policies, kept in the state table: every version ever published (write-once,
so an auditor can read the exact policy any decision names) and a pointer to the active
one that moves only from the version the publisher saw."""

from __future__ import annotations

from contextlib import suppress
from typing import Protocol

from plaint.vocabulary.errors import RevisionConflictError

ACTIVE = "policy:active"


def _document_key(version: str) -> str:
    return f"policy-document:{version}"


class _Cursors(Protocol):
    def get_cursor(self, name: str) -> str | None: ...

    def put_cursor(self, name: str, value: str, expected: str | None) -> None: ...


class PublishedPolicies:
    """Mixed into both stores; built on their conditional cursor writes."""

    def publish_policy(
        self: _Cursors, version: str, document: str, expected_active: str | None
    ) -> None:
        """Keep `document` under its version and make it active, only if the active
        version is still `expected_active` (RevisionConflictError otherwise)."""
        # Published before if it exists: the version is the content's hash, so it is the same.
        with suppress(RevisionConflictError):
            self.put_cursor(_document_key(version), document, expected=None)
        self.put_cursor(ACTIVE, version, expected=expected_active)

    def active_policy(self: _Cursors) -> tuple[str, str] | None:
        """(version, document) of the active policy, or None before any publication."""
        version = self.get_cursor(ACTIVE)
        if version is None:
            return None
        document = self.get_cursor(_document_key(version))
        return None if document is None else (version, document)

    def policy_document(self: _Cursors, version: str) -> str | None:
        return self.get_cursor(_document_key(version))

"""Which policy is active, and each version's document: named values (cursor items) in the
state table, read here without the policy records' models, so that a webhook can find a
published policy's intake sections (storage.published keeps the rest of publication)."""

from __future__ import annotations

from typing import Protocol

from storage.layout import Item, cursor_key

ACTIVE = "policy:active"


def document_key(version: str) -> str:
    return f"policy-document:{version}"


def document_item(version: str, document: str) -> Item:
    return {**cursor_key(document_key(version)), "value": document}


def active_item(version: str) -> Item:
    return {**cursor_key(ACTIVE), "value": version}


class CursorReads(Protocol):
    def get_cursor(self, name: str) -> str | None: ...


class ActivePolicy:
    """Mixed into both stores and the webhook's inbox; built on their cursor reads."""

    def active_policy(self: CursorReads) -> tuple[str, str] | None:
        """(version, document) of the active policy, or None before any publication."""
        version = self.get_cursor(ACTIVE)
        if version is None:
            return None
        document = self.get_cursor(document_key(version))
        return None if document is None else (version, document)

    def policy_document(self: CursorReads, version: str) -> str | None:
        return self.get_cursor(document_key(version))

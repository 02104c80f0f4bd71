"""The tamper-evident audit chain: each entry's hash covers its content and the hash before it.

The canonical form is JSON with sorted keys, no insignificant whitespace and UTF-8 text, so an
auditor can recompute every hash from an export with any JSON library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from plaint.model import AuditDraft, AuditEntry, ChainHead

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _entry_body(ledger: str, seq: int, draft: AuditDraft) -> dict[str, Any]:
    return {
        "ledger": ledger,
        "seq": seq,
        "kind": draft.kind,
        "complaint_id": draft.complaint_id,
        "policy_version": draft.policy_version,
        "at": draft.at.isoformat(),
        "rule_id": draft.rule_id,
        "detail": draft.detail,
    }


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


def place_on_chain(head: ChainHead, drafts: Sequence[AuditDraft]) -> tuple[AuditEntry, ...]:
    """Turn drafts into chained entries that follow `head`."""
    entries: list[AuditEntry] = []
    prev_hash, seq = head.hash, head.seq
    for draft in drafts:
        seq += 1
        body = _entry_body(head.ledger, seq, draft)
        digest = entry_hash(prev_hash, body)
        entries.append(
            AuditEntry(
                ledger=head.ledger,
                seq=seq,
                kind=draft.kind,
                complaint_id=draft.complaint_id,
                policy_version=draft.policy_version,
                at=draft.at,
                rule_id=draft.rule_id,
                detail=draft.detail,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    return tuple(entries)


def next_head(head: ChainHead, entries: Sequence[AuditEntry]) -> ChainHead:
    if not entries:
        return head
    return ChainHead(ledger=head.ledger, seq=entries[-1].seq, hash=entries[-1].hash)


def first_break(entries: Iterable[AuditEntry], start: ChainHead | None = None) -> int | None:
    """The sequence number of the first entry that does not follow from its predecessor,
    or None when the chain holds. Full verification tooling builds on this."""
    prev_hash = start.hash if start else GENESIS_HASH
    expected_seq = (start.seq if start else 0) + 1
    for entry in entries:
        draft = AuditDraft(
            kind=entry.kind,
            complaint_id=entry.complaint_id,
            policy_version=entry.policy_version,
            at=entry.at,
            rule_id=entry.rule_id,
            detail=entry.detail,
        )
        body = _entry_body(entry.ledger, entry.seq, draft)
        if (
            entry.seq != expected_seq
            or entry.prev_hash != prev_hash
            or entry.hash != entry_hash(prev_hash, body)
        ):
            return entry.seq
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    return None

"""The audit chain: every entry commits to its content and to everything before it."""

from __future__ import annotations

from datetime import UTC, datetime

from plaint.audit import GENESIS_HASH, first_break, next_head, place_on_chain
from plaint.model import AuditDraft, ChainHead


def drafts(n: int) -> list[AuditDraft]:
    at = datetime(2025, 3, 4, 10, tzinfo=UTC)
    return [
        AuditDraft(
            kind="complaint.received",
            complaint_id=f"zendesk:{i}",
            policy_version="v1",
            at=at,
            detail={"text": "şikayət", "n": i},
        )
        for i in range(n)
    ]


def test_chain_links_and_verifies_across_batches() -> None:
    head = ChainHead(ledger="main", seq=0, hash=GENESIS_HASH)
    first = place_on_chain(head, drafts(3))
    second = place_on_chain(next_head(head, first), drafts(2))
    entries = [*first, *second]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[3].prev_hash == entries[2].hash
    assert first_break(entries) is None


def test_any_edit_deletion_or_reorder_is_detected() -> None:
    entries = list(place_on_chain(ChainHead(ledger="main", seq=0, hash=GENESIS_HASH), drafts(4)))
    edited = entries.copy()
    edited[1] = edited[1].model_copy(update={"detail": {"text": "changed", "n": 1}})
    assert first_break(edited) == 2
    assert first_break(entries[:1] + entries[2:]) == 3
    assert first_break([entries[1], entries[0], *entries[2:]]) == 2
    assert first_break(entries[:3]) is None  # a truncated tail needs the signed checkpoints

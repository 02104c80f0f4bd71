"""The audit chain: every entry commits to its content, to everything before it on its
complaint's chain, and to salted digests of its personal values."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from plaint.auditlog.chain import (
    GENESIS_HASH,
    chain_of,
    next_head,
    personal_digest,
    place_on_chain,
    recomputed_hash,
)
from plaint.auditlog.verify import FindingKind, verify
from plaint.model.audit import AuditDraft, ChainHead, PersonalValue

CHAIN = chain_of("main", "zendesk:1")


def drafts(n: int, start: int = 0) -> list[AuditDraft]:
    at = datetime(2025, 3, 4, 10, tzinfo=UTC)
    return [
        AuditDraft(
            kind="complaint.updated",
            complaint_id="zendesk:1",
            policy_version="v1",
            at=at,
            detail={"text": "şikayət", "n": i},
        )
        for i in range(start, start + n)
    ]


def test_chain_links_and_verifies_across_batches() -> None:
    head = ChainHead(chain=CHAIN, seq=0, hash=GENESIS_HASH)
    first = place_on_chain(head, drafts(3))
    second = place_on_chain(next_head(head, first), drafts(2, start=3))
    entries = [*first, *second]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert verify(entries, [], {}).holds


def test_an_edit_is_named_by_its_entry() -> None:
    entries = list(place_on_chain(ChainHead(chain=CHAIN, seq=0, hash=GENESIS_HASH), drafts(4)))
    entries[1] = entries[1].model_copy(update={"detail": {"text": "edited"}})
    first = verify(entries, [], {}).first
    assert first is not None
    assert (first.kind, first.chain, first.seq) == (FindingKind.MODIFIED, CHAIN, 2)


def test_personal_values_are_committed_to_as_salted_digests() -> None:
    draft = drafts(1)[0].model_copy(update={"personal": {"complainant": "zendesk-user:42"}})
    salts = iter(["00" * 16, "11" * 16])
    (one,) = place_on_chain(
        ChainHead(chain=CHAIN, seq=0, hash=GENESIS_HASH), [draft], lambda: next(salts)
    )
    (two,) = place_on_chain(
        ChainHead(chain=CHAIN, seq=0, hash=GENESIS_HASH), [draft], lambda: next(salts)
    )
    # The same person gives unrelated digests under different salts: no dictionary attack.
    assert one.personal_digests["complainant"] != two.personal_digests["complainant"]
    assert one.personal_digests["complainant"] == personal_digest("00" * 16, "zendesk-user:42")
    assert "zendesk-user:42" not in str(recomputed_hash(one))
    # Erasing value and salt leaves an entry whose hash still holds.
    erased = one.model_copy(update={"personal": {}})
    assert recomputed_hash(erased) == one.hash


def test_a_personal_value_altered_in_place_is_found() -> None:
    draft = drafts(1)[0].model_copy(update={"personal": {"complainant": "a@example.az"}})
    (entry,) = place_on_chain(ChainHead(chain=CHAIN, seq=0, hash=GENESIS_HASH), [draft])
    salt = entry.personal["complainant"].salt
    altered = entry.model_copy(
        update={"personal": {"complainant": PersonalValue(value="b@example.az", salt=salt)}}
    )
    finding = verify([altered], [], {}).first
    assert finding is not None and finding.kind is FindingKind.MODIFIED
    assert "complainant" in finding.message

"""Merkle tree hashes and inclusion proofs, held against RFC 6962's recursive definition."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plaint.auditlog import merkle


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written the way the RFC states it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(
        b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])
    ).digest()


leaf_lists = st.lists(st.binary(min_size=0, max_size=40), min_size=0, max_size=70)


@given(leaf_lists)
def test_root_matches_the_rfc_definition(leaves: list[bytes]) -> None:
    assert merkle.root(leaves) == reference_root(leaves).hex()


def test_known_answer_for_the_empty_tree() -> None:
    assert merkle.root([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@given(st.lists(st.binary(max_size=20), min_size=1, max_size=70), st.data())
def test_every_leaf_proves_its_inclusion(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = merkle.inclusion_proof(leaves, index)
    assert merkle.root_from_proof(leaves[index], index, len(leaves), proof) == merkle.root(leaves)


@given(st.lists(st.binary(max_size=20), min_size=2, max_size=40, unique=True), st.data())
def test_a_proof_does_not_hold_for_another_leaf(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    other = (index + 1) % len(leaves)
    proof = merkle.inclusion_proof(leaves, index)
    assert merkle.root_from_proof(leaves[other], index, len(leaves), proof) != merkle.root(leaves)


def test_a_proof_of_the_wrong_length_is_refused() -> None:
    leaves = [bytes([i]) for i in range(5)]
    proof = merkle.inclusion_proof(leaves, 2)
    with pytest.raises(ValueError, match="shorter"):
        merkle.root_from_proof(leaves[2], 2, 5, proof[:-1])
    with pytest.raises(ValueError, match="longer"):
        merkle.root_from_proof(leaves[2], 2, 5, [*proof, "00" * 32])

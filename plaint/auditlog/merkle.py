"""Merkle tree hashes as RFC 6962 (Certificate Transparency) defines them, so an auditor can
recompute a checkpoint's root with any implementation of that RFC.

Leaves and interior nodes are hashed with different prefixes (0x00, 0x01), so no interior
node can pass for a leaf. An inclusion proof shows one entry is under a signed root without
the other entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves: Sequence[bytes]) -> str:
    """The Merkle tree hash (hex) of `leaves` (each the leaf's data, not yet hashed)."""
    if not leaves:
        return EMPTY_ROOT
    level = [leaf_hash(leaf) for leaf in leaves]
    # Pairing left to right and carrying an odd last node up unchanged builds exactly the
    # RFC's tree, whose left subtree is always the largest power of two.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[str]:
    """The audit path (RFC 6962 2.1.1) of leaf `index`: sibling hashes, bottom up."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} of {len(leaves)}")
    return [node.hex() for node in _path(index, [leaf_hash(leaf) for leaf in leaves])]


def _path(index: int, nodes: list[bytes]) -> list[bytes]:
    if len(nodes) == 1:
        return []
    split = _largest_power_of_two_below(len(nodes))
    if index < split:
        return [*_path(index, nodes[:split]), _subtree(nodes[split:])]
    return [*_path(index - split, nodes[split:]), _subtree(nodes[:split])]


def _subtree(nodes: list[bytes]) -> bytes:
    if len(nodes) == 1:
        return nodes[0]
    split = _largest_power_of_two_below(len(nodes))
    return node_hash(_subtree(nodes[:split]), _subtree(nodes[split:]))


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def root_from_proof(leaf: bytes, index: int, size: int, proof: Sequence[str]) -> str:
    """The root that `proof` leads to from `leaf` at `index` in a tree of `size` leaves
    (RFC 9162 2.1.3.2); equal to the signed root exactly when the leaf is included."""
    if not 0 <= index < size:
        raise IndexError(f"leaf {index} of {size}")
    node, last = leaf_hash(leaf), size - 1
    position = index
    for sibling_hex in proof:
        sibling = bytes.fromhex(sibling_hex)
        if last == 0:
            raise ValueError("the proof is longer than the tree is deep")
        if position % 2 or position == last:
            node = node_hash(sibling, node)
            while position % 2 == 0 and position != 0:
                position, last = position >> 1, last >> 1
        else:
            node = node_hash(node, sibling)
        position, last = position >> 1, last >> 1
    if last != 0:
        raise ValueError("the proof is shorter than the tree is deep")
    return node.hex()

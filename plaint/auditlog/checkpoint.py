"""Signed checkpoints: every few minutes, one Merkle tree over every entry written since the
last checkpoint, on every complaint's chain, signed and kept in write-once storage.

Checkpoints cover consecutive windows of entry time (`at`). A window is sealed before it is
checkpointed: once sealed, the store refuses entries dated inside it, so a checkpoint built
later sees every entry its window will ever hold, and an entry that turns up inside a
checkpointed window without being among its leaves was put there afterwards.

Each checkpoint names the hash of the one before, so a missing checkpoint breaks the
sequence, and lists its leaves (chain, seq, entry hash, content digest), so verification
can name the first entry that was modified, inserted, reordered or deleted.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from pydantic import Field

from plaint.auditlog import merkle
from plaint.auditlog.chain import GENESIS_HASH, entry_body
from plaint.model.audit import AuditEntry
from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.canonical import canonical_json

FIRST_WINDOW_START = datetime(1970, 1, 1, tzinfo=UTC)


class SignatureAlgorithm(StrEnum):
    ED25519 = "ed25519"  # a local key on one machine
    ECDSA_P256_SHA256 = "ecdsa-p256-sha256"  # AWS KMS, ECC_NIST_P256 with ECDSA_SHA_256


class Leaf(Frozen):
    """One entry as a checkpoint saw it. `content` digests the entry without its place in
    the chain, so an entry that moved is told from one that changed."""

    chain: str
    seq: int = Field(ge=1)
    hash: str
    content: str

    def data(self) -> bytes:
        return canonical_json(self.model_dump(mode="json"))


class CheckpointBody(Frozen):
    """What the signature covers."""

    ledger: str
    number: int = Field(ge=1)
    window_start: AwareDatetime = Field(description="Exclusive: the previous window's end.")
    window_end: AwareDatetime = Field(description="Inclusive.")
    previous: str = Field(description="The previous checkpoint's hash; zeros for the first.")
    entries: int = Field(ge=0)
    merkle_root: str
    made_at: AwareDatetime
    key_id: str
    algorithm: SignatureAlgorithm


class Checkpoint(Frozen):
    body: CheckpointBody
    leaves: tuple[Leaf, ...]
    signature: str = Field(description="base64")

    @property
    def hash(self) -> str:
        return body_hash(self.body)

    @property
    def number(self) -> int:
        return self.body.number

    def chains(self) -> set[str]:
        return {leaf.chain for leaf in self.leaves}


class CheckpointSigner(Protocol):
    """A key that signs checkpoint bodies (a KMS key in the cloud, a key file locally)."""

    @property
    def key_id(self) -> str: ...

    @property
    def algorithm(self) -> SignatureAlgorithm: ...

    def sign(self, message: bytes) -> bytes: ...

    def public_key_pem(self) -> bytes: ...


def body_hash(body: CheckpointBody) -> str:
    return hashlib.sha256(canonical_json(body.model_dump(mode="json"))).hexdigest()


def content_digest(entry: AuditEntry) -> str:
    body = entry_body(entry)
    del body["chain"], body["seq"]
    return hashlib.sha256(canonical_json(body)).hexdigest()


def leaf_of(entry: AuditEntry) -> Leaf:
    return Leaf(chain=entry.chain, seq=entry.seq, hash=entry.hash, content=content_digest(entry))


def make_checkpoint(
    ledger: str,
    previous: Checkpoint | None,
    *,
    window_end: datetime,
    entries: Iterable[AuditEntry],
    signer: CheckpointSigner,
    now: datetime,
    window_start: datetime | None = None,
) -> Checkpoint:
    """The checkpoint after `previous` over `entries` (those dated in its window). The
    window starts where the previous one ended; the first one's, where the caller says."""
    if previous is not None:
        window_start = previous.body.window_end
    window_start = window_start or FIRST_WINDOW_START
    if window_end <= window_start:
        raise ValueError(f"window end {window_end} is not after its start {window_start}")
    leaves = tuple(sorted((leaf_of(e) for e in entries), key=lambda leaf: (leaf.chain, leaf.seq)))
    body = CheckpointBody(
        ledger=ledger,
        number=previous.number + 1 if previous else 1,
        window_start=window_start,
        window_end=window_end,
        previous=previous.hash if previous else GENESIS_HASH,
        entries=len(leaves),
        merkle_root=merkle.root([leaf.data() for leaf in leaves]),
        made_at=now,
        key_id=signer.key_id,
        algorithm=signer.algorithm,
    )
    signature = signer.sign(signed_bytes(body))
    return Checkpoint(body=body, leaves=leaves, signature=base64.b64encode(signature).decode())


def signed_bytes(body: CheckpointBody) -> bytes:
    return canonical_json(body.model_dump(mode="json"))

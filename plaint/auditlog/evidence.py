"""What verification takes besides entries, checkpoints and public keys: what only the live
store shows (entries whose index keys differ from their content, the audit table's
checkpoint copies), and the auditor's anchor. Kept apart from plaint.auditlog.verify so the
store and the functions can name these without loading the signature checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from plaint.auditlog.checkpoint import Checkpoint, CheckpointBody
from plaint.vocabulary.base import Frozen


class IndexMismatch(Frozen):
    """An entry whose stored query-index attributes are not those its content gives."""

    chain: str
    seq: int
    attributes: tuple[str, ...]


class CheckpointCopy(Frozen):
    """A checkpoint as the audit table keeps it: the number its key names, its body and
    signature (the leaves stay in the archive)."""

    number: int
    body: CheckpointBody
    signature: str


class Anchor(Frozen):
    """A checkpoint an auditor keeps outside Plaint (`plaint audit anchor`): every later
    verification checks the log still holds it unchanged and extends it."""

    ledger: str
    number: int = Field(ge=1)
    hash: str
    window_end: datetime


@dataclass(frozen=True)
class Evidence:
    """What only the live store shows, beside entries and checkpoints. `misindexed`: entries
    whose index attributes differ from their content. `copies`: the audit table's
    checkpoint copies, to hold against the archive (None: not read, as in an export).
    `misfiled`: archive names whose object holds another checkpoint (name, number inside)."""

    misindexed: tuple[IndexMismatch, ...] = ()
    copies: tuple[CheckpointCopy, ...] | None = None
    misfiled: tuple[tuple[int, int], ...] = ()
    anchor: Anchor | None = None


def anchor_of(checkpoint: Checkpoint) -> Anchor:
    return Anchor(
        ledger=checkpoint.body.ledger,
        number=checkpoint.number,
        hash=checkpoint.hash,
        window_end=checkpoint.body.window_end,
    )

"""The export an auditor takes away: entries, checkpoints and public keys, with a manifest
naming each file's SHA-256, readable back for `plaint audit verify --export`.

Personal values are left out unless asked for; the entries still carry their digests, and
the manifest says they were withheld, so verification does not mistake them for erased.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import Field, ValidationError

from plaint.auditlog.checkpoint import Checkpoint
from plaint.model.audit import AuditEntry
from plaint.vocabulary.base import AwareDatetime, Frozen

ENTRIES = "entries.jsonl"


ENTRIES_CSV = "entries.csv"


CHECKPOINTS = "checkpoints.jsonl"


KEYS = "public-keys.json"


MANIFEST = "manifest.json"


CSV_COLUMNS = (
    "chain",
    "seq",
    "at",
    "kind",
    "complaint_id",
    "policy_version",
    "rule_id",
    "category",
    "jurisdiction",
    "clock_status",
    "detail",
    "prev_hash",
    "hash",
)


HOW_TO_VERIFY = """\
This is an export of Plaint's compliance log.

  plaint audit verify --export THIS_FOLDER --public-key KEY.pem

checks every entry's hash and chain, every checkpoint's signature and Merkle root, and that
the entries are exactly those the checkpoints signed. Obtain the public key from the
organisation through a channel other than this export (public-keys.json is a copy, for
convenience). manifest.json names each file's SHA-256.
"""


class ExportInvalidError(ValueError):
    """An export that cannot be read: a file missing, altered or not in this format."""


class Manifest(Frozen):
    ledger: str
    exported_at: AwareDatetime
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    complaint_id: str | None = None
    entries: int
    checkpoints: int
    personal_withheld: bool
    covered_until: AwareDatetime | None = Field(
        default=None, description="The end of the newest checkpoint's window at export."
    )
    files: dict[str, str] = Field(default_factory=dict, description="name -> SHA-256")


def entry_lines(entries: Iterable[AuditEntry], *, with_personal: bool) -> str:
    exclude = None if with_personal else {"personal"}
    return "".join(entry.model_dump_json(exclude=exclude) + "\n" for entry in entries)


def entry_csv(entries: Iterable[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        facets = e.facets
        writer.writerow(
            [
                e.chain,
                e.seq,
                e.at.isoformat(),
                e.kind,
                e.complaint_id or "",
                e.policy_version,
                e.rule_id or "",
                facets.category or "",
                facets.jurisdiction or "",
                facets.clock_status or "",
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
                e.prev_hash,
                e.hash,
            ]
        )
    return out.getvalue()


def write_export(
    folder: Path,
    manifest: Manifest,
    entries: list[AuditEntry],
    checkpoints: list[Checkpoint],
    public_keys: Mapping[str, bytes],
) -> Manifest:
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        ENTRIES: entry_lines(entries, with_personal=not manifest.personal_withheld),
        ENTRIES_CSV: entry_csv(entries),
        CHECKPOINTS: "".join(c.model_dump_json() + "\n" for c in checkpoints),
        KEYS: json.dumps({k: v.decode("ascii") for k, v in public_keys.items()}, indent=2),
        "README.txt": HOW_TO_VERIFY,
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    files = {name: _sha256(folder / name) for name in texts}
    final = manifest.model_copy(update={"files": files})
    (folder / MANIFEST).write_text(final.model_dump_json(indent=2), encoding="utf-8")
    return final


def read_export(
    folder: Path,
) -> tuple[Manifest, list[AuditEntry], list[Checkpoint], dict[str, bytes]]:
    try:
        manifest = Manifest.model_validate_json((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValidationError) as exc:
        raise ExportInvalidError(f"{MANIFEST}: {exc}") from exc
    for name, digest in manifest.files.items():
        if not (folder / name).exists() or _sha256(folder / name) != digest:
            raise ExportInvalidError(f"{name}: missing, or not the file the manifest names")
    entries = [AuditEntry.model_validate_json(line) for line in _lines(folder / ENTRIES)]
    checkpoints = [Checkpoint.model_validate_json(line) for line in _lines(folder / CHECKPOINTS)]
    keys = json.loads((folder / KEYS).read_text("utf-8"))
    return manifest, entries, checkpoints, {k: v.encode("ascii") for k, v in keys.items()}


def _lines(path: Path) -> list[str]:
    try:
        return [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise ExportInvalidError(f"{path.name}: {exc.strerror}") from exc


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

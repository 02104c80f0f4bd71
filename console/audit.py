"""`plaint audit ...`: the auditor's commands, on the read-only query layer.

plaint audit query [--complaint ID | --kind K | --category C | --jurisdiction J |
                    --clock-status S | --policy-version V] [--since T] [--until T]
                    [--limit N] [--cursor C] [--json]
plaint audit verify [--complaint ID | --since T --until T] [--export DIR]
                    [--public-key PEM]... [--since-anchor FILE]
plaint audit anchor [--out FILE] the newest checkpoint's number and hash, for the auditor to
                                 keep outside Plaint and verify against later
plaint audit export DIR [--complaint ID | --since T --until T] [--with-personal]
plaint audit checkpoint          make the next checkpoint now (the scheduler does every 2 min)
plaint audit public-key          the key checkpoints are signed with, as PEM
plaint audit report --from T --to T --out DIR [--bucket day|week|month]
                    [--time-zone Z] [--format json|csv|svg]
                                 the ISO 10002 management report over complaints received

The checkpoint key and archive come from PLAINT_CHECKPOINT_KMS_KEY_ID or
PLAINT_CHECKPOINT_KEY_FILE, and PLAINT_CHECKPOINT_BUCKET or PLAINT_CHECKPOINT_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bootstrap.root import Root
from console import helps, report
from plaint.auditlog import export as audit_export
from plaint.auditlog.chain import chain_of
from plaint.auditlog.checkpoint import Checkpoint, CheckpointSigner
from plaint.auditlog.evidence import Anchor, Evidence, anchor_of
from plaint.auditlog.query import AuditQuery
from plaint.auditlog.verify import Scope, Verification, verify
from plaint.model.audit import AuditEntry
from plaint.usecases.checkpointing import Checkpointer
from plaint.usecases.ports import CheckpointArchive
from plaint.usecases.verification import Asked, gather, kept_as_named
from plaint.vocabulary.errors import CheckpointRollbackError, QueryInvalidError
from storage.dynamodb import DynamoStore

FACETS = ("complaint", "kind", "category", "jurisdiction", "clock_status", "policy_version")


@dataclass
class Trust:
    signer: CheckpointSigner | None
    archive: CheckpointArchive | None


def add_commands(areas: argparse._SubParsersAction, store_options) -> None:  # type: ignore[type-arg, no-untyped-def]
    audit = helps.group(areas, "audit", "the compliance log, for auditors")
    query = audit.add_parser(
        "query", help="entries by complaint, kind, category, clock status, period"
    )
    _scope_options(query)
    query.add_argument("--kind", help="an entry kind, e.g. complaint.assessed")
    query.add_argument("--category", help="complaints of this category")
    query.add_argument("--jurisdiction", help="complaints under this jurisdiction, e.g. GB")
    query.add_argument("--clock-status", help="open, met or breached")
    query.add_argument("--policy-version", help="entries decided under this policy version")
    query.add_argument("--limit", type=int, default=50, help="entries per page (50)")
    query.add_argument("--cursor", help="the next page, as the last line printed names it")
    query.add_argument("--json", action="store_true", help="one entry per line, as JSON")
    verify_ = audit.add_parser(
        "verify", help="check the hash chains and signed checkpoints, or an export"
    )
    _scope_options(verify_)
    verify_.add_argument("--export", type=Path, help="verify an export folder, offline")
    verify_.add_argument("--public-key", type=Path, action="append", default=[],
                         help="a PEM public key of your own to check signatures with")  # fmt: skip
    verify_.add_argument(
        "--since-anchor",
        type=Path,
        help="an anchor file from `plaint audit anchor`: the log must still hold that "
        "checkpoint unchanged, and every later one must extend it",
    )
    anchor = audit.add_parser(
        "anchor", help="the newest checkpoint's number and hash, to keep elsewhere"
    )
    anchor.add_argument("--out", type=Path, help="also write the anchor to this file")
    export = audit.add_parser("export", help="entries, checkpoints and keys into a folder")
    export.add_argument("folder", type=Path)
    _scope_options(export)
    export.add_argument("--with-personal", action="store_true", help="include personal values")
    audit.add_parser("checkpoint", help="make the next checkpoint now (the scheduler: every 2 min)")
    audit.add_parser("public-key", help="the key checkpoints are signed with, as PEM")
    report.add_command(audit, instant)
    for command in audit.choices.values():
        store_options(command)
        _trust_options(command)


def _scope_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--complaint", help="one complaint's entries, e.g. zendesk:11777")
    command.add_argument("--since", type=instant, help="ISO 8601 with an offset")
    command.add_argument("--until", type=instant, help="ISO 8601 with an offset")


def _trust_options(command: argparse.ArgumentParser) -> None:
    env = os.environ.get
    command.add_argument("--kms-key-id", default=env("PLAINT_CHECKPOINT_KMS_KEY_ID"))
    command.add_argument("--key-file", default=env("PLAINT_CHECKPOINT_KEY_FILE"))
    command.add_argument("--archive-bucket", default=env("PLAINT_CHECKPOINT_BUCKET"))
    command.add_argument("--archive-dir", default=env("PLAINT_CHECKPOINT_DIR"))


def instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r}: give the offset, e.g. 2026-11-21T00:00Z")
    return value


def run(args: argparse.Namespace, root: Root) -> int:
    trust = Trust(root.checkpoint_signer, root.checkpoint_archive)
    commands = {
        "query": _query,
        "verify": _verify,
        "export": _export,
        "checkpoint": _checkpoint,
        "anchor": _anchor,
        "public-key": _public_key,
        "report": _report_command,
    }
    return commands[args.command](args, root.store, trust)


def _report_command(args: argparse.Namespace, store: DynamoStore, _: Trust) -> int:
    return report.run(args, store)


def _query(args: argparse.Namespace, store: DynamoStore, _: Trust) -> int:
    try:
        query = AuditQuery(
            ledger=args.ledger,
            complaint_id=args.complaint,
            kind=args.kind,
            category=args.category,
            jurisdiction=args.jurisdiction,
            clock_status=args.clock_status,
            policy_version=args.policy_version,
            since=args.since,
            until=args.until,
            limit=args.limit,
            cursor=args.cursor,
        )
        page = store.query_audit(query, datetime.now(UTC))
    except (ValueError, QueryInvalidError) as exc:
        print(f"cannot ask that: {exc}")
        return 2
    for entry in page.entries:
        print(entry.model_dump_json(exclude={"personal"}) if args.json else _line(entry))
    print(f"# {len(page.entries)} entries, {page.items_read} read" + (
        f"; next page: --cursor {page.cursor}" if page.cursor else ""))  # fmt: skip
    return 0


# A value longer than this is cut in the human line; --json prints it whole.
MAX_VALUE_CHARS = 100


def _line(entry: AuditEntry) -> str:
    """One entry for a person: when, what, on which complaint, by which rule, and the
    decision's detail and facets (never personal values)."""
    about = f"{entry.complaint_id or entry.chain} #{entry.seq}"
    words = [entry.at.isoformat(timespec="seconds"), entry.kind, about]
    if entry.rule_id:
        words.append(f"rule={entry.rule_id}")
    values = entry.facets.model_dump(mode="json", exclude_none=True) | entry.detail
    words += [f"{key}={_shown(value)}" for key, value in values.items()]
    words.append(f"policy={entry.policy_version[:12]}")
    return " ".join(words)


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False,
                                                          separators=(",", ":"))  # fmt: skip
    text = json.dumps(text, ensure_ascii=False) if not text or " " in text else text
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _verify(args: argparse.Namespace, store: DynamoStore, trust: Trust) -> int:
    try:
        anchor = _read_anchor(args.since_anchor) if args.since_anchor else None
    except (OSError, ValueError) as exc:
        print(f"--since-anchor: {exc}")
        return 2
    if args.export:
        try:
            manifest, entries, checkpoints, keys = audit_export.read_export(args.export)
        except audit_export.ExportInvalidError as exc:
            print(f"export: {exc}")
            return 1
        scope, evidence = _export_scope(manifest), Evidence()
        if not args.public_key:
            print("# using the public keys in the export; pass --public-key to use your own copy")
    else:
        if trust.archive is None:
            print("no checkpoint archive configured (--archive-bucket or --archive-dir)")
            return 2
        found = gather(store, trust.archive, _asked(args))
        entries, checkpoints, scope = found.entries, found.checkpoints, found.scope
        evidence = found.evidence
        keys = {trust.signer.key_id: trust.signer.public_key_pem()} if trust.signer else {}
    for path in args.public_key:
        keys = _keys_for(path.read_bytes(), checkpoints)
    if anchor is not None:
        if not args.export and trust.archive is not None:
            # Every checkpoint from the anchored one on, whatever the scope asked for.
            numbers = [n for n in trust.archive.numbers(args.ledger) if n >= anchor.number]
            later, _ = kept_as_named(trust.archive, args.ledger, numbers)
            checkpoints = sorted({c.number: c for c in [*checkpoints, *later]}.values(),
                                 key=lambda c: c.number)  # fmt: skip
        evidence = replace(evidence, anchor=anchor)
    return _report(verify(entries, checkpoints, keys, scope, evidence))


def _read_anchor(path: Path) -> Anchor:
    return Anchor.model_validate_json(path.read_text(encoding="utf-8"))


def _keys_for(pem: bytes, checkpoints: list[Checkpoint]) -> dict[str, bytes]:
    """A key the auditor holds stands for every key id the checkpoints name; a checkpoint
    not signed by it then fails its signature check."""
    return {key_id: pem for key_id in {c.body.key_id for c in checkpoints}}


def _asked(args: argparse.Namespace) -> Asked:
    return Asked(
        ledger=args.ledger,
        now=datetime.now(UTC),
        complaint_id=args.complaint,
        since=args.since,
        until=args.until,
    )


def _export_scope(manifest: audit_export.Manifest) -> Scope:
    withheld = manifest.personal_withheld
    if manifest.complaint_id:
        chain = chain_of(manifest.ledger, manifest.complaint_id)
        return Scope(whole_log=False, covered_until=manifest.covered_until,
                     chains=frozenset({chain}), personal_withheld=withheld)  # fmt: skip
    if manifest.since or manifest.until:
        return Scope(whole_log=False, whole_chains=False, covered_until=manifest.covered_until,
                     personal_withheld=withheld)  # fmt: skip
    return Scope(personal_withheld=withheld, as_of=manifest.exported_at)


def _report(result: Verification) -> int:
    print(
        f"{result.entries} entries on {result.chains} chains, {result.checkpoints} checkpoints"
        + (f", covered to {result.covered_until.isoformat()}" if result.covered_until else "")
        + (f", {result.erased_values} personal values erased" if result.erased_values else "")
    )
    if result.holds:
        print("verified: nothing modified, inserted, reordered or deleted")
        return 0
    first = result.first
    assert first is not None
    print(f"FAILED: {len(result.findings)} finding(s); first: {first.kind}: {first.message}")
    for finding in result.findings[1:20]:
        print(f"  {finding.kind}: {finding.message}")
    return 1


def _export(args: argparse.Namespace, store: DynamoStore, trust: Trust) -> int:
    if trust.archive is None:
        print("no checkpoint archive configured (--archive-bucket or --archive-dir)")
        return 2
    found = gather(store, trust.archive, _asked(args))
    entries, checkpoints = found.entries, found.checkpoints
    keys = {trust.signer.key_id: trust.signer.public_key_pem()} if trust.signer else {}
    manifest = audit_export.Manifest(
        ledger=args.ledger,
        exported_at=datetime.now(UTC),
        since=args.since,
        until=args.until,
        complaint_id=args.complaint,
        entries=len(entries),
        checkpoints=len(checkpoints),
        personal_withheld=not args.with_personal,
        covered_until=found.scope.covered_until or _newest(checkpoints),
    )
    audit_export.write_export(args.folder, manifest, entries, checkpoints, keys)
    print(f"exported {len(entries)} entries and {len(checkpoints)} checkpoints to {args.folder}")
    return 0


def _newest(checkpoints: list[Checkpoint]) -> datetime | None:
    return max((c.body.window_end for c in checkpoints), default=None)


def _checkpoint(args: argparse.Namespace, store: DynamoStore, trust: Trust) -> int:
    if trust.signer is None or trust.archive is None:
        print("configure a key (--kms-key-id, --key-file) and an archive "
              "(--archive-bucket, --archive-dir)")  # fmt: skip
        return 2
    try:
        run_ = Checkpointer(store, trust.archive, trust.signer, lambda: datetime.now(UTC),
                            ledger=args.ledger).run()  # fmt: skip
    except CheckpointRollbackError as exc:
        print(f"REFUSED: {exc}")
        return 1
    made = run_.made
    if made is None:
        print("no window ready to checkpoint")
    else:
        end = made.body.window_end.isoformat()
        print(f"checkpoint #{made.number}: {made.body.entries} entries to {end}")
    print(f"sealed until {run_.sealed_until.isoformat() if run_.sealed_until else '-'}")
    return 0


def _anchor(args: argparse.Namespace, store: DynamoStore, trust: Trust) -> int:
    """The newest checkpoint, checked against the audit table's copy first, as JSON."""
    if trust.archive is None:
        print("no checkpoint archive configured (--archive-bucket or --archive-dir)")
        return 2
    numbers = trust.archive.numbers(args.ledger)
    newest = trust.archive.get(args.ledger, numbers[-1]) if numbers else None
    copy = store.newest_checkpoint_copy(args.ledger)
    if newest is None or copy is None or newest.number != numbers[-1]:
        print("no checkpoint to anchor yet" if newest is None else "the archive is inconsistent;"
              " run plaint audit verify")  # fmt: skip
        return 1
    if (copy.number, copy.body) != (newest.number, newest.body):
        print(f"the audit table's newest copy (#{copy.number}) is not the archive's newest "
              f"(#{newest.number}); run plaint audit verify")  # fmt: skip
        return 1
    text = anchor_of(newest).model_dump_json()
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    print("# keep this outside Plaint; later: plaint audit verify --since-anchor FILE",
          file=sys.stderr)  # fmt: skip
    return 0


def _public_key(args: argparse.Namespace, store: DynamoStore, trust: Trust) -> int:
    if trust.signer is None:
        print("configure a key (--kms-key-id or --key-file)")
        return 2
    print(f"# key id {trust.signer.key_id}, {trust.signer.algorithm}")
    print(trust.signer.public_key_pem().decode("ascii"), end="")
    return 0

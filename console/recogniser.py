"""`plaint recogniser labels`: agents' answers to reviews, as labelled data for improving
the recogniser.

plaint recogniser labels [--since T] [--until T] [--out FILE] [--agents-only]

Writes JSON Lines, one label per answer (see plaint.intake.labels for every field): the
ticket's source and id, the label (complaint / not_complaint), who labelled it (an agent, or
later words the rules or the recogniser judged), when, the language, the model version and
score the recogniser gave, and the keyed digest of the text that was judged with its key.
No ticket text: Plaint never keeps it. A training job fetches each ticket's text from the
helpdesk and keeps it only if HMAC-SHA256(`text_key`, text) matches `text_digest`
("hmac-sha256:<hex>"; complaints received before digests were keyed: SHA-256, "sha256:").
Records whose processing is restricted or that were disposed of are left out, and counted
on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bootstrap.root import Root
from console import helps
from plaint.auditlog.query import MAX_PAGE, AuditQuery
from plaint.intake.labels import LABEL_KINDS, label_row, withheld
from plaint.model.audit import AuditEntry
from storage.dynamodb import DynamoStore

DEFAULT_SPAN = timedelta(days=365)


def add_commands(
    areas: argparse._SubParsersAction,  # type: ignore[type-arg]
    store_options: Callable[[argparse.ArgumentParser], None],
    instant: Callable[[str], datetime],
) -> None:
    commands = helps.group(areas, "recogniser", "the embedded recogniser's labelled data")
    labels = commands.add_parser(
        "labels", help="agents' answers to reviews as JSON Lines of labelled data"
    )
    labels.add_argument("--since", type=instant, help="ISO 8601 with an offset (a year ago)")
    labels.add_argument("--until", type=instant, help="ISO 8601 with an offset (now)")
    labels.add_argument("--out", type=Path, help="file to write (standard output)")
    labels.add_argument(
        "--agents-only",
        action="store_true",
        help="leave out reviews settled by later words rather than by an agent",
    )
    store_options(labels)


def run(args: argparse.Namespace, root: Root) -> int:
    store = root.store
    until = args.until or datetime.now(UTC)
    since = args.since or until - DEFAULT_SPAN
    if until <= since:
        print("--until must be after --since", file=sys.stderr)
        return 2
    scope = {"ledger": args.ledger, "since": since, "until": until}
    if args.out is None:
        written, left_out = export(store, out=sys.stdout, agents_only=args.agents_only, **scope)
    else:
        with args.out.open("w", encoding="utf-8") as out:
            written, left_out = export(store, out=out, agents_only=args.agents_only, **scope)
    summary = ", ".join(f"{count} {why}" for why, count in sorted(left_out.items()))
    print(f"{written} label(s) written" + (f"; left out: {summary}" if summary else ""),
          file=sys.stderr)  # fmt: skip
    return 0


def export(
    store: DynamoStore,
    *,
    ledger: str,
    since: datetime,
    until: datetime,
    out: TextIO,
    agents_only: bool = False,
) -> tuple[int, Counter[str]]:
    """Write the labels answered in [since, until), oldest first; (written, left out by
    reason)."""
    entries = sorted(
        (e for kind in LABEL_KINDS for e in _entries(store, ledger, kind, since, until)),
        key=lambda entry: (entry.at, entry.chain, entry.seq),
    )
    written, left_out = 0, Counter[str]()
    for entry in entries:
        complaint = store.get_complaint(entry.complaint_id or "")
        row = label_row(entry, complaint)
        if agents_only and row["labelled_by"] != "agent":
            left_out["settled by later words"] += 1
            continue
        reason = withheld(complaint)
        if reason is not None:
            left_out[reason] += 1
            continue
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        written += 1
    return written, left_out


def _entries(
    store: DynamoStore, ledger: str, kind: str, since: datetime, until: datetime
) -> Iterator[AuditEntry]:
    cursor: str | None = None
    now = datetime.now(UTC)
    while True:
        query = AuditQuery(
            ledger=ledger, kind=kind, since=since, until=until, limit=MAX_PAGE, cursor=cursor
        )
        page = store.query_audit(query, now)
        yield from page.entries
        cursor = page.cursor
        if cursor is None:
            return

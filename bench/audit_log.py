"""The compliance log at 10,000, 100,000 and 1,000,000 entries.

Fills the audit table (moto, with infra/'s indexes) with a year of entries on one chain per
complaint (ten entries each), then:

- runs each kind of auditor query for a page of 100 and counts the items DynamoDB read per
  item returned (ScannedCount: what DynamoDB bills and what its latency follows). moto
  answers an index query by scanning the table, so its milliseconds grow with the table in a
  way DynamoDB's do not; they are printed as moto's;
- verifies the whole log (hashes, chains, checkpoint signatures and Merkle roots, leaves
  against entries) and gives entries per second;
- makes one checkpoint of a busy two-minute window and gives its time and its requests.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import boto3
from moto import mock_aws

from plaint.auditlog.chain import GENESIS_HASH, chain_of, place_on_chain
from plaint.auditlog.checkpoint import Checkpoint, make_checkpoint
from plaint.auditlog.query import AuditQuery
from plaint.auditlog.verify import verify
from plaint.model.audit import AuditDraft, AuditEntry, AuditFacets, ChainHead, ClockStanding
from storage import audit_codec
from storage.dynamo_wire import wire
from storage.dynamodb import DynamoStore
from storage.key_file import LocalSigner
from storage.tables import create_tables

START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
PER_COMPLAINT = 10
KINDS = ("complaint.received", "complaint.assessed", "acknowledgement.sent", "clock.warning",
         "clock.met", "complaint.updated", "clock.breached", "complaint.updated",
         "clock.started", "clock.met")  # fmt: skip
CATEGORIES = ("billing", "service", "product", "ödəniş", "خدمة", "staff")
JURISDICTIONS = ("AZ", "GB", "AE", "SA", "IR", "EU")
STANDINGS = {"clock.warning": ClockStanding.WARNED, "clock.met": ClockStanding.ON_TIME,
             "clock.breached": ClockStanding.BREACHED}  # fmt: skip
CHECKPOINT_EVERY = timedelta(minutes=2)


def _draft(n: int, complaints: int, i: int, kind: str, received: datetime) -> AuditDraft:
    facets = AuditFacets(
        category=CATEGORIES[n % 6],
        jurisdiction=JURISDICTIONS[n % 6],
        clock_status=STANDINGS.get(kind),
    )
    return AuditDraft(
        kind=kind,
        complaint_id=f"zendesk:{n}",
        policy_version=f"v{1 + n * 4 // complaints}",
        at=received + timedelta(hours=6 * i),
        detail={"step": i},
        facets=facets,
        personal={"complainant": f"zendesk-user:{n % 997}"} if i == 0 else {},
    )


def _entries(total: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    complaints = total // PER_COMPLAINT
    step = YEAR / complaints
    for n in range(complaints):
        received = START + step * n
        drafts = [_draft(n, complaints, i, kind, received) for i, kind in enumerate(KINDS)]
        head = ChainHead(chain=chain_of("main", f"zendesk:{n}"), seq=0, hash=GENESIS_HASH)
        entries.extend(place_on_chain(head, drafts, lambda: "00" * 16))
    return entries


def _load(client: Any, entries: list[AuditEntry]) -> None:
    for start in range(0, len(entries), 25):
        batch = [
            {"PutRequest": {"Item": wire(audit_codec.entry_item(e))}}
            for e in entries[start : start + 25]
        ]
        client.batch_write_item(RequestItems={"plaint-audit": batch})


def _queries() -> dict[str, AuditQuery]:
    since = START + timedelta(days=180)
    month = {"since": since, "until": since + timedelta(days=31), "limit": 100}
    return {
        "one complaint": AuditQuery(complaint_id="zendesk:7", limit=100),
        "kind, a month": AuditQuery(kind="clock.breached", **month),
        "category, a month": AuditQuery(category="ödəniş", **month),
        "jurisdiction, a month": AuditQuery(jurisdiction="AZ", **month),
        "clock status, a month": AuditQuery(clock_status=ClockStanding.BREACHED, **month),
        "policy version, a month": AuditQuery(policy_version="v2", **month),
        "time range, a day": AuditQuery(since=since, until=since + timedelta(days=1), limit=100),
    }


def _query_figures(client: Any, store: DynamoStore) -> dict[str, dict[str, float]]:
    read = {"items": 0}

    def count(parsed: dict[str, Any], **_: Any) -> None:
        read["items"] += int(parsed.get("ScannedCount", 0))

    client.meta.events.register("after-call.dynamodb.Query", count)
    figures = {}
    for name, query in _queries().items():
        read["items"] = 0
        started = time.perf_counter()
        page = store.query_audit(query, START + YEAR * 2)
        elapsed = time.perf_counter() - started
        returned = len(page.entries)
        figures[name] = {
            "returned": returned,
            "items_read_per_returned": read["items"] / max(returned, 1),
            "ms_on_moto": elapsed * 1000,
        }
    client.meta.events.unregister("after-call.dynamodb.Query", count)
    return figures


def _checkpoints(entries: list[AuditEntry], signer: LocalSigner) -> list[Checkpoint]:
    """Checkpoints over consecutive two-minute windows, as the scheduler makes them (the
    empty windows it also makes are left out; they would only add signatures to check)."""
    windows: dict[int, list[AuditEntry]] = {}
    for entry in entries:
        windows.setdefault(-(-(entry.at - START) // CHECKPOINT_EVERY), []).append(entry)
    checkpoints: list[Checkpoint] = []
    previous: Checkpoint | None = None
    for number in sorted(windows):
        previous = make_checkpoint(
            "main", previous, window_end=START + CHECKPOINT_EVERY * number,
            entries=windows[number], signer=signer, now=START + CHECKPOINT_EVERY * number,
            window_start=START - timedelta(microseconds=1),
        )  # fmt: skip
        checkpoints.append(previous)
    return checkpoints


def _verify_figures(entries: list[AuditEntry], signer: LocalSigner) -> dict[str, float]:
    started = time.perf_counter()
    checkpoints = _checkpoints(entries, signer)
    made = time.perf_counter() - started
    keys = {signer.key_id: signer.public_key_pem()}
    started = time.perf_counter()
    result = verify(entries, checkpoints, keys)
    elapsed = time.perf_counter() - started
    assert result.holds, result.first
    return {
        "checkpoints": len(checkpoints),
        "entries_per_second": len(entries) / elapsed,
        "checkpoints_per_second": len(checkpoints) / elapsed,
        "seconds": elapsed,
        "checkpointing_seconds_total": made,
    }


def _checkpoint_cost(signer: LocalSigner, entries_in_window: int = 1000) -> dict[str, float]:
    """One checkpoint over a busy two minutes: Merkle tree and signature, and its requests."""
    window = _entries(entries_in_window)
    started = time.perf_counter()
    checkpoint = make_checkpoint("main", None, window_end=START + YEAR, entries=window,
                                 signer=signer, now=START + YEAR)  # fmt: skip
    elapsed = time.perf_counter() - started
    chains = len(checkpoint.chains())
    return {
        "entries_in_window": entries_in_window,
        "ms_to_build_and_sign": elapsed * 1000,
        "archived_bytes": len(checkpoint.model_dump_json()),
        # Per checkpoint: the time-index query (one per day the window spans, plus pages of
        # 1 MB), one PutObject, one KMS Sign, one PutItem, and a BatchWriteItem per 25
        # chains it touched.
        "requests": 1 + 1 + 1 + 1 + -(-chains // 25),
        "checkpoints_per_day": 24 * 60 // 2,
    }


def _run(total: int, signer: LocalSigner) -> dict[str, Any]:
    entries = _entries(total)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_tables(client)
        started = time.perf_counter()
        _load(client, entries)
        loaded = time.perf_counter() - started
        queries = _query_figures(client, DynamoStore(client))
    return {
        "entries": total,
        "load_seconds_on_moto": loaded,
        "queries": queries,
        "verification": _verify_figures(entries, signer),
    }


def measure(sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    chosen = sizes or tuple(
        int(n)
        for n in os.environ.get("PLAINT_BENCH_AUDIT_SIZES", "10000,100000,1000000").split(",")
    )
    with TemporaryDirectory() as folder:
        signer = LocalSigner(Path(folder) / "bench.key")
        figures: dict[str, Any] = {f"{n:,}": _run(n, signer) for n in chosen}
        figures["checkpoint"] = _checkpoint_cost(signer)
    return figures

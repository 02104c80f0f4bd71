"""What the portal's complaint pages cost, at 100,000 complaints.

Fills the state table (moto, with infra/'s indexes) with a year of complaints received
under the UK FCA DISP pack: six categories, six regimes and jurisdictions (one complaint in
ten without), five channels, clocks met, running or breached, a tenth late, one in fifty
referred. The complaints whose pages are opened also get their chains in the audit table.
Then:

- runs each kind of search for a page of 50 and counts the items DynamoDB read per
  complaint shown (ScannedCount: what DynamoDB bills and what its latency follows). moto
  answers an index query by scanning the whole table, so its milliseconds grow with the
  table in a way DynamoDB's do not; they are printed as moto's, with the requests made;
- opens complaints' pages (plaint.usecases.story: one GetItem and one Query of the chain)
  and gives the same figures.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto import mock_aws

from devstack.stack import ROOT
from plaint.auditlog.chain import GENESIS_HASH, chain_of, place_on_chain
from plaint.intake import reception
from plaint.model.audit import AuditDraft, AuditKind, ChainHead
from plaint.model.complaint import ClockStatus, Complaint, ComplaintStatus, Referral, ReferralStage
from plaint.model.events import Channel, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.loading import load_policy
from plaint.reporting.search import ComplaintQuery
from plaint.usecases.story import complaint_story
from storage import audit_codec, codec
from storage.dynamo_wire import wire
from storage.dynamodb import DynamoStore
from storage.tables import create_tables

START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
NOW = START + YEAR + timedelta(days=30)
CATEGORIES = ("billing", "service", "product", "ödəniş", "خدمة", "staff")
REGIMES = (("uk-disp", "GB"), ("az-cbar", "AZ"), ("ae-cbuae", "AE"), ("sa-sama", "SA"),
           ("ir-cbi", "IR"), ("eu-psd2", "EU"))  # fmt: skip
CHANNELS = (Channel.EMAIL, Channel.WEB, Channel.PHONE, Channel.CHAT, Channel.SOCIAL)
PAGES_OPENED = 20
PAGE = 50


def _template() -> Complaint:
    policy = load_policy(ROOT / "policies" / "uk-fca-disp.json")
    event = TicketEvent(
        source=SourceSystem.ZENDESK, delivery_id="bench", ticket_id="0",
        kind=TicketEventKind.CREATED, occurred_at=START, created_at=START,
        subject="Charged twice", description="I was charged twice and want a refund",
    )  # fmt: skip
    decision = reception.receive(event, None, policy, START)
    assert decision.complaint is not None
    return decision.complaint


def _complaint(template: Complaint, n: int, total: int) -> Complaint:
    received = START + YEAR * n / total
    regime, jurisdiction = REGIMES[n % 6] if n % 10 else (None, None)
    recent = received > NOW - timedelta(days=56)
    status = ClockStatus.RUNNING if recent else ClockStatus.MET
    status = ClockStatus.BREACHED if n % 10 == 3 else status
    clocks = tuple(
        c.model_copy(update={"status": status, "started_at": received,
                             "due_at": received + timedelta(days=56)})
        for c in template.clocks[:1]
    )  # fmt: skip
    referrals: tuple[Referral, ...] = ()
    if n % 50 == 7:
        referrals = (Referral(referral_id=f"r-{n}", provider_id="fos", trigger="missed",
                              stage=ReferralStage.REFERRED, offered_at=received,
                              referred_at=received),)  # fmt: skip
    assessment = template.assessment.model_copy(update={"category": CATEGORIES[n % 6]})
    return template.model_copy(
        update={
            "complaint_id": f"zendesk:{n}", "ticket_id": str(n), "received_at": received,
            "acknowledgement_due_at": received + timedelta(days=1),
            "acknowledged_at": received + timedelta(hours=2),
            "status": ComplaintStatus.ACKNOWLEDGED, "assessment": assessment,
            "regime": regime, "jurisdiction": jurisdiction, "channel": CHANNELS[n % 5],
            "clocks": clocks, "referrals": referrals, "source_version": received,
        }
    )  # fmt: skip


def _write(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": wire(item)}} for item in items[start : start + 25]]
        client.batch_write_item(RequestItems={table: batch})


def _chain_items(complaint: Complaint) -> list[dict[str, Any]]:
    kinds = (AuditKind.COMPLAINT_RECEIVED, AuditKind.COMPLAINT_ASSESSED,
             AuditKind.ACKNOWLEDGEMENT_DEADLINE_SET, AuditKind.CLOCK_STARTED,
             AuditKind.ACKNOWLEDGEMENT_SENT, AuditKind.CLOCK_WARNING, AuditKind.COMPLAINT_UPDATED,
             AuditKind.CLOCK_WARNING, AuditKind.MILESTONE_REACHED, AuditKind.CLOCK_MET)  # fmt: skip
    drafts = [
        AuditDraft(kind=kind, complaint_id=complaint.complaint_id, policy_version="v1",
                   at=complaint.received_at + timedelta(hours=6 * i), detail={"step": i},
                   personal={"complainant": "zendesk-user:1"} if i == 0 else {})
        for i, kind in enumerate(kinds)
    ]  # fmt: skip
    head = ChainHead(chain=chain_of("main", complaint.complaint_id), seq=0, hash=GENESIS_HASH)
    entries = place_on_chain(head, drafts, lambda: "00" * 16)
    return [audit_codec.entry_item(e) for e in entries] + [
        audit_codec.head_item(ChainHead(chain=head.chain, seq=len(entries), hash=entries[-1].hash))
    ]


def _searches() -> dict[str, ComplaintQuery]:
    month = {"since": START + timedelta(days=181), "until": START + timedelta(days=212)}
    quarter = {"since": START + timedelta(days=181), "until": START + timedelta(days=273)}
    year = {"since": START, "until": START + YEAR}
    return {
        "period only, a month": ComplaintQuery(**month),
        "category, a month": ComplaintQuery(category="ödəniş", **month),
        "jurisdiction, a quarter": ComplaintQuery(jurisdiction="AZ", **quarter),
        "regime, a quarter": ComplaintQuery(regime="uk-disp", **quarter),
        "channel, a month": ComplaintQuery(channel=Channel.PHONE, **month),
        "clock status breached, a quarter": ComplaintQuery(clock_status="breached", **quarter),
        "late, a year": ComplaintQuery(late=True, **year),
        "referred, a year": ComplaintQuery(referred=True, **year),
        "category and not late, a month": ComplaintQuery(category="billing", late=False, **month),
        "regime and channel, a quarter": ComplaintQuery(
            regime="uk-disp", channel=Channel.PHONE, **quarter
        ),
        "category and clock status, a quarter": ComplaintQuery(
            category="service", clock_status="breached", **quarter
        ),
        "jurisdiction and late, a year": ComplaintQuery(jurisdiction="AZ", late=True, **year),
        "category and late, a year": ComplaintQuery(category="service", late=True, **year),
        "regime and clock status, a quarter": ComplaintQuery(
            regime="ae-cbuae", clock_status="met", **quarter
        ),
    }


class _Reads:
    """Items DynamoDB read (ScannedCount of queries, one per GetItem found) and requests."""

    def __init__(self, client: Any) -> None:
        self.items = self.requests = 0
        client.meta.events.register("after-call.dynamodb.Query", self._query)
        client.meta.events.register("after-call.dynamodb.GetItem", self._get)

    def _query(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += int(parsed.get("ScannedCount", 0))
        self.requests += 1

    def _get(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += 1 if "Item" in parsed else 0
        self.requests += 1

    def reset(self) -> None:
        self.items = self.requests = 0


def _search_figures(store: DynamoStore, reads: _Reads) -> dict[str, dict[str, float]]:
    figures = {}
    for name, query in _searches().items():
        reads.reset()
        started = time.perf_counter()
        page = store.search_complaints(query.model_copy(update={"limit": PAGE}), NOW)
        elapsed = time.perf_counter() - started
        shown = len(page.rows)
        figures[name] = {
            "shown": shown,
            "items_read_per_shown": reads.items / max(shown, 1),
            "requests": reads.requests,
            "ms_on_moto": elapsed * 1000,
        }
    return figures


def _page_figures(store: DynamoStore, reads: _Reads, opened: list[str]) -> dict[str, float]:
    reads.reset()
    started = time.perf_counter()
    shown = 0
    for complaint_id in opened:
        story = complaint_story(store, "main", complaint_id)
        assert story is not None and story.chain.links_hold
        shown += 1 + len(story.timeline)
    elapsed = time.perf_counter() - started
    return {
        "pages": len(opened),
        "entries_per_page": (shown - len(opened)) / len(opened),
        "items_read_per_item_shown": reads.items / shown,
        "requests_per_page": reads.requests / len(opened),
        "ms_per_page_on_moto": elapsed * 1000 / len(opened),
    }


def _run(total: int) -> dict[str, Any]:
    template = _template()
    complaints = [_complaint(template, n, total) for n in range(total)]
    opened = [c.complaint_id for c in complaints[:: total // PAGES_OPENED]][:PAGES_OPENED]
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_tables(client)
        started = time.perf_counter()
        _write(client, "plaint-state", [codec.complaint_item(c) for c in complaints])
        by_id = {c.complaint_id: c for c in complaints}
        _write(client, "plaint-audit", [i for cid in opened for i in _chain_items(by_id[cid])])
        loaded = time.perf_counter() - started
        store = DynamoStore(client)
        reads = _Reads(client)
        return {
            "complaints": total,
            "load_seconds_on_moto": loaded,
            "searches": _search_figures(store, reads),
            "complaint_page": _page_figures(store, reads, opened),
        }


def measure(sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    chosen = sizes or tuple(
        int(n) for n in os.environ.get("PLAINT_BENCH_PORTAL_SIZES", "100000").split(",")
    )
    return {f"{n:,}": _run(n) for n in chosen}

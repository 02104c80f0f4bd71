"""Portal pages at 100,000 complaints: `python -m bench portal`.

Fills the embedded DynamoDB (moto, in this process, with infra/'s tables and indexes) with a
year of complaints under the UK pack (each its record and three log entries: received,
assessed, clock started), serves the real portal over HTTP on a local port, signs in as an
auditor, and times pages as a browser asks for them:

- search: a month of complaints, 50 a page, by period alone and by period and category;
- a complaint's page (its record and its chain);
- the management report for a week.

For search it also counts the items DynamoDB read per complaint shown (ScannedCount plus
the records read). Then a what-if over 10,000 deliveries of the last week, asked for as the
portal does and run as its worker does, progress and report written to the job.

moto answers an index query by scanning the whole table, so its time grows with the table
in a way DynamoDB's does not; the page times include that. PLAINT_BENCH_COMPLAINTS changes
the number of complaints.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import requests
from moto import mock_aws
from werkzeug.serving import make_server

from plaint.auditlog.chain import GENESIS_HASH, chain_of, place_on_chain
from plaint.model.audit import AuditDraft, AuditEntry, AuditFacets, AuditKind, ChainHead
from plaint.model.complaint import Assessment, Clock, ClockStatus, Complaint, ComplaintStatus
from plaint.model.events import Channel, Delivery, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.loading import load_policy
from plaint.usecases.what_if_jobs import run_what_if_job
from plaint.vocabulary.terms import ClockKind, Duration, Expiry, Milestone
from portal.app import PortalSources, create_app
from portal.settings import PortalSettings
from storage import audit_codec, codec
from storage.deliveries import delivery_item
from storage.dynamo_wire import wire
from storage.dynamodb import DynamoStore
from storage.tables import create_tables
from storage.what_if_jobs import DynamoWhatIfJobs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOW = datetime(2026, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
CATEGORIES = ("billing", "service", "product", "ödəniş", "خدمة", "staff")
TOKEN = "bench-auditor-token"
WHAT_IF_DELIVERIES = int(os.environ.get("PLAINT_BENCH_DELIVERIES", "10000"))
SAMPLES = int(os.environ.get("PLAINT_BENCH_SAMPLES", "40"))
SEARCH_SAMPLES = int(os.environ.get("PLAINT_BENCH_SEARCH_SAMPLES", "20"))
READ = {"items": 0}
STORE: dict[str, float] = {"seconds": 0.0, "requests": 0}
_STARTED = threading.local()


def _before(**_: Any) -> None:
    _STARTED.at = time.perf_counter()


def _after(**_: Any) -> None:
    STORE["seconds"] += time.perf_counter() - getattr(_STARTED, "at", time.perf_counter())
    STORE["requests"] += 1


def _count(event_name: str, parsed: dict[str, Any], **_: Any) -> None:
    if event_name.endswith("GetItem"):
        READ["items"] += 1 if "Item" in parsed else 0
    else:
        READ["items"] += int(parsed.get("ScannedCount", 0))


def _complaint(n: int, received: datetime, version: str) -> Complaint:
    due = received + timedelta(weeks=8)
    clock = Clock(
        clock_id="final_response",
        regime="uk-disp",
        kind=ClockKind.REGULATORY,
        on_expiry=Expiry.BREACH,
        calendar="uk-england-wales",
        met_by=(Milestone.FINAL_RESPONSE,),
        within=Duration(amount=8, unit="weeks"),
        status=ClockStatus.RUNNING,
        started_at=received,
        due_at=due,
    )
    return Complaint(
        complaint_id=f"zendesk:{n}",
        source=SourceSystem.ZENDESK,
        ticket_id=str(n),
        channel=Channel.WEB,
        received_at=received,
        complainant_ref=f"zendesk-user:{n % 997}",
        language="az",
        subject="Ödəniş iki dəfə çıxılıb",
        product=None,
        description_digest="sha256:" + "0" * 64,
        remedy_sought=None,
        assessment=Assessment(
            is_complaint=True, category=CATEGORIES[n % 6], severity="medium", regime="uk-disp"
        ),
        status=ComplaintStatus.ACKNOWLEDGED,
        policy_version=version,
        acknowledgement_due_at=received + timedelta(days=1),
        acknowledged_at=received + timedelta(hours=1),
        regime="uk-disp",
        jurisdiction="GB",
        clocks=(clock,),
        source_version=received,
        revision=1,
    )


def _entries(complaint: Complaint) -> list[AuditEntry]:
    facets = AuditFacets(category=complaint.assessment.category, jurisdiction="GB")
    at = complaint.received_at
    drafts = [
        AuditDraft(
            kind=kind,
            complaint_id=complaint.complaint_id,
            policy_version=complaint.policy_version,
            at=at + timedelta(seconds=i),
            detail=detail,
            facets=facets,
            rule_id="defaults" if i == 1 else None,
        )
        for i, (kind, detail) in enumerate(
            (
                (AuditKind.COMPLAINT_RECEIVED, {"language": "az", "channel": "web"}),
                (AuditKind.COMPLAINT_ASSESSED, {"category": complaint.assessment.category}),
                (AuditKind.CLOCK_STARTED, {"clock": "final_response"}),
            )
        )
    ]
    head = ChainHead(chain=chain_of("main", complaint.complaint_id), seq=0, hash=GENESIS_HASH)
    return list(place_on_chain(head, drafts, lambda: "00" * 16))


def _fill(client: Any, complaints: int, version: str) -> None:
    state: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    step = YEAR / complaints
    for n in range(complaints):
        complaint = _complaint(n, NOW - YEAR + step * n, version)
        state.append(wire(codec.complaint_item(complaint)))
        audit.extend(wire(audit_codec.entry_item(e)) for e in _entries(complaint))
    for table, items in (("plaint-state", state), ("plaint-audit", audit)):
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            client.batch_write_item(RequestItems={table: batch})


def _deliveries(client: Any, count: int) -> None:
    """`count` tickets' first deliveries over the last six days, as the webhook keeps them."""
    items = []
    for n in range(count):
        arrived = NOW - timedelta(days=6) + timedelta(days=6) * n / count
        event = TicketEvent(
            source=SourceSystem.ZENDESK,
            delivery_id=f"d-{n}",
            ticket_id=str(900_000 + n),
            kind=TicketEventKind.CREATED,
            occurred_at=arrived,
            created_at=arrived,
            channel=Channel.WEB,
            complainant_ref=f"zendesk-user:{n}",
            language="az",
            subject="Şikayət: ödəniş",
            description="Kartımdan iki dəfə pul çıxılıb, narazıyam.",
        )
        delivery = Delivery(
            source=SourceSystem.ZENDESK, delivery_id=f"d-{n}", received_at=arrived, event=event
        )
        items.append(wire(delivery_item(delivery, datetime.now(UTC) + timedelta(days=7))))
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        client.batch_write_item(RequestItems={"plaint-state": batch})


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


OWN: list[float] = []
REQUESTS: list[float] = []


def _timed(
    session: requests.Session, url: str, params: dict[str, str] | None = None
) -> tuple[float, str]:
    store_before, requests_before = STORE["seconds"], STORE["requests"]
    started = time.perf_counter()
    answer = session.get(url, params=params, timeout=600)
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    OWN.append(elapsed - (STORE["seconds"] - store_before) * 1000)
    REQUESTS.append(STORE["requests"] - requests_before)
    return elapsed, answer.text


def _split(figure: dict[str, Any], count: int) -> dict[str, Any]:
    """The page's time less the time spent waiting on the store, and the store requests
    a page makes: with DynamoDB answering each in a few milliseconds, these two give the
    page's time where moto's scans would mislead."""
    own, asked = OWN[-count:], REQUESTS[-count:]
    return figure | {"portal_own_p95_ms": _p95(own), "store_requests_per_page": max(asked)}


def _pages(base: str, complaints: int) -> dict[str, Any]:
    session = requests.Session()
    page = session.get(f"{base}/sign-in", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    session.post(
        f"{base}/sign-in",
        data={"name": "Bench Auditor", "token": TOKEN, "tz": "UTC", "csrf_token": csrf.group(1)},
        timeout=10,
    )
    month = {
        "from": (NOW - timedelta(days=60)).date().isoformat(),
        "to": (NOW - timedelta(days=31)).date().isoformat(),
    }
    figures: dict[str, Any] = {"complaints": complaints}
    for name, params in (
        ("search", month),
        ("search_by_category", month | {"category": "billing"}),
    ):
        times, shown, read = [], 0, 0
        samples = SEARCH_SAMPLES if name == "search" else max(2, SEARCH_SAMPLES // 5)
        for _ in range(samples):
            elapsed, text = _timed(session, f"{base}/complaints", params)
            times.append(elapsed)
            shown = text.count("<tr>") - 1
            found = re.search(r"(\d+) items read", text)
            read = int(found.group(1)) if found else 0
        figures[name] = _split(
            {
                "p50_ms": statistics.median(times),
                "p95_ms": _p95(times),
                "shown": shown,
                "items_read_per_shown": read / max(shown, 1),
            },
            samples,
        )
    times = []
    reads = READ["items"]
    for i in range(SAMPLES):
        elapsed, _ = _timed(session, f"{base}/complaints/zendesk:{(i * 7919) % complaints}")
        times.append(elapsed)
    shown_items = SAMPLES * 4  # each page shows the record and its three entries
    figures["complaint_page"] = _split(
        {
            "p50_ms": statistics.median(times),
            "p95_ms": _p95(times),
            "items_read_per_shown": (READ["items"] - reads) / shown_items,
        },
        SAMPLES,
    )
    week = {
        "from": (NOW - timedelta(days=14)).date().isoformat(),
        "to": (NOW - timedelta(days=8)).date().isoformat(),
        "bucket": "day",
    }
    times = [_timed(session, f"{base}/reports", week)[0] for _ in range(2)]
    figures["report_week"] = _split({"p50_ms": statistics.median(times), "max_ms": max(times)}, 2)
    return figures


class _Queue:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def enqueue(self, delivery_key: str) -> None:
        self.sent.append(delivery_key)


def _what_if(sources: PortalSources, queue: _Queue) -> dict[str, Any]:
    """The job as the portal asks for it and the worker runs it (in this process)."""
    document = json.loads(Path(ROOT, "policies", "uk-fca-disp.json").read_text("utf-8"))
    document["regimes"][0]["clocks"][1]["within"] = {"amount": 10, "unit": "weeks"}
    assert sources.what_if is not None and sources.what_if_jobs is not None
    job = sources.what_if.start(json.dumps(document), "bench", 7, "bench-run-0001")
    store_before, requests_before = STORE["seconds"], STORE["requests"]
    started = time.perf_counter()
    ran = run_what_if_job(sources.what_if_jobs, sources.log, sources.policies.get,
                          queue.sent[0], runner="bench", clock=lambda: NOW)  # fmt: skip
    elapsed = time.perf_counter() - started
    report = sources.what_if.report(job.job_id)
    return {
        "deliveries": report.deliveries if report else None,
        "seconds": elapsed,
        "seconds_less_store": elapsed - (STORE["seconds"] - store_before),
        "store_requests": STORE["requests"] - requests_before,
        "tickets_changed": len(report.differences) if report else None,
        "error": ran.error if ran else "not run",
    }


def load_policy_text(text: str) -> Any:
    from plaint.policy.loading import parse_policy

    return parse_policy(text)


def measure() -> dict[str, Any]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    complaints = int(os.environ.get("PLAINT_BENCH_COMPLAINTS", "100000"))
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="eu-west-1"
    )
    with mock_aws():
        client = boto3.client("dynamodb")
        create_tables(client)
        client.meta.events.register("after-call.dynamodb.Query", _count)
        client.meta.events.register("after-call.dynamodb.GetItem", _count)
        client.meta.events.register("before-call.dynamodb", _before)
        client.meta.events.register("after-call.dynamodb", _after)
        uk = load_policy(f"{ROOT}/policies/uk-fca-disp.json")
        store = DynamoStore(client)
        store.publish_policy(
            uk.version, Path(ROOT, "policies", "uk-fca-disp.json").read_text("utf-8"), None
        )
        started = time.perf_counter()
        _fill(client, complaints, uk.version)
        filled = time.perf_counter() - started
        queue = _Queue()
        sources = PortalSources(
            log=store, archive=None, signer=None, ledger="main", clock=lambda: NOW,
            what_if_jobs=DynamoWhatIfJobs(client), what_if_queue=queue,
        )  # fmt: skip
        settings = PortalSettings(
            auditor_token_hashes=(hashlib.sha256(TOKEN.encode()).hexdigest(),),
            portal_secret_key="b" * 48,
        )
        server = make_server("127.0.0.1", 0, create_app(settings, sources), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            figures = _pages(f"http://127.0.0.1:{server.server_port}", complaints)
        finally:
            server.shutdown()
        _deliveries(client, WHAT_IF_DELIVERIES)
        figures["what_if"] = _what_if(sources, queue)
        figures["fill_seconds"] = filled
    return figures

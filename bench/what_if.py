"""A draft policy's what-if over a week of deliveries.

Records 10,000 deliveries over seven days in the state table (moto, with infra/'s
deliveries_by_day index): 7,000 tickets in six languages, complaints and questions, 3,000
of them with a follow-up; each ticket's words end with its number, so no two tickets read
alike (the recogniser's cache helps only across the two policies). Then asks for a what-if
job of a draft of the UK FCA DISP pack (active) that recognises late parcels, lengthens
the acknowledgement and the final response, runs it as the `run_what_if` worker does
(plaint.usecases.what_if_jobs: claim, progress written to the job item, the report written
in parts), and reports the time from claim to report (target: 60 s), split into judging
and reading (moto's reading, which serialises each item it answers with in milliseconds
and scans the whole table for each index query, where DynamoDB answers a 1 MB page in tens
of milliseconds), the items read per delivery, and what changed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto import mock_aws

from devstack.stack import ROOT
from plaint.model.events import Channel, Delivery, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.loading import parse_policy
from plaint.usecases.what_if_jobs import request_what_if, run_what_if_job
from storage.deliveries import delivery_item
from storage.dynamo_wire import wire
from storage.dynamodb import DynamoStore
from storage.tables import create_tables
from storage.what_if_jobs import DynamoWhatIfJobs

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
TEXTS = (
    ("en", "I was charged twice for one order and want a refund"),
    ("en", "When will my order ship?"),
    ("en", "The parcel is a week late and nobody answers"),
    ("az", "Pulumu iki dəfə çıxıblar, şikayət edirəm"),
    ("az", "Sifarişim nə vaxt gələcək?"),
    ("ar", "تم خصم المبلغ مرتين، أريد استرداد أموالي"),
    ("ar", "متى سيصل طلبي؟"),
    ("fa", "پول من دو بار کسر شد، شکایت دارم"),
    ("tr", "Siparişim hâlâ gelmedi, şikayet ediyorum"),
    ("ru", "С меня дважды списали деньги, это мошенничество"),
    ("en", "Someone made an unauthorised payment from my account"),
    ("en", "Thank you, all sorted"),
)
CHANNELS = (Channel.EMAIL, Channel.WEB, Channel.CHAT, Channel.PHONE)


def _deliveries(total: int) -> list[Delivery]:
    tickets = total * 7 // 10
    deliveries = []
    for n in range(total):
        ticket = n % tickets
        language, text = TEXTS[ticket % len(TEXTS)]
        created = NOW - WEEK + WEEK * ticket / tickets + timedelta(minutes=1)
        follow_up = n >= tickets
        arrived = created + (timedelta(hours=5) if follow_up else timedelta(seconds=3))
        event = TicketEvent(
            source=SourceSystem.ZENDESK, delivery_id=f"d-{n}", ticket_id=str(ticket),
            kind=TicketEventKind.COMMENT_ADDED if follow_up else TicketEventKind.CREATED,
            occurred_at=arrived - timedelta(seconds=2), created_at=created,
            channel=CHANNELS[ticket % 4], complainant_ref=f"zendesk-user:{ticket % 997}",
            language=language, subject=text[:30], description=f"{text} {ticket}",
            tags=("vip",) if ticket % 9 == 0 else (),
        )  # fmt: skip
        deliveries.append(Delivery(source=SourceSystem.ZENDESK, delivery_id=f"d-{n}",
                                   received_at=arrived, event=event))  # fmt: skip
    return deliveries


def _draft() -> Any:
    document = json.loads((ROOT / "policies" / "uk-fca-disp.json").read_text("utf-8"))
    document["rules"].insert(0, {
        "id": "late-parcel", "when": {"any_keywords": ["late", "gelmedi"]},
        "then": {"is_complaint": True, "category": "payment_services"},
    })  # fmt: skip
    document["acknowledgement"]["within"] = {"amount": 2, "unit": "business_days"}
    document["regimes"][0]["clocks"][1]["within"] = {"amount": 10, "unit": "weeks"}
    text = json.dumps(document)
    parse_policy(text)
    return text


class _Queue:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def enqueue(self, delivery_key: str) -> None:
        self.sent.append(delivery_key)


class _Timed:
    """The store's deliveries, with the time spent reading them (moto's: it serialises each
    item it answers with in milliseconds, and scans the table for each index query)."""

    def __init__(self, store: DynamoStore) -> None:
        self._store = store
        self.seconds = 0.0
        self.event_bytes = 0

    def deliveries_between(self, since: datetime, until: datetime) -> Iterator[Delivery]:
        found = iter(self._store.deliveries_between(since, until))
        while True:
            started = time.perf_counter()
            delivery = next(found, None)
            self.seconds += time.perf_counter() - started
            if delivery is None:
                return
            self.event_bytes += len(delivery.event.model_dump_json())
            yield delivery


def _run(total: int) -> dict[str, Any]:
    active = parse_policy((ROOT / "policies" / "uk-fca-disp.json").read_text("utf-8"))
    draft_text = _draft()
    deliveries = _deliveries(total)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_tables(client)
        items = [wire(delivery_item(d, d.received_at + WEEK)) for d in deliveries]
        for start in range(0, len(items), 25):
            batch: list[Any] = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
            client.batch_write_item(RequestItems={"plaint-state": batch})
        read = {"items": 0, "requests": 0}

        def count(parsed: dict[str, Any], **_: Any) -> None:
            read["items"] += int(parsed.get("ScannedCount", 0))
            read["requests"] += 1

        client.meta.events.register("after-call.dynamodb.Query", count)
        writes = {"progress": 0}

        def wrote(params: dict[str, Any], **_: Any) -> None:
            writes["progress"] += ":done" in params.get("ExpressionAttributeValues", {})

        client.meta.events.register("provide-client-params.dynamodb.UpdateItem", wrote)
        store = _Timed(DynamoStore(client, clock=lambda: NOW))
        jobs, queue = DynamoWhatIfJobs(client), _Queue()
        job = request_what_if(jobs, queue, draft_text=draft_text, active_version=active.version,
                              days=7, by="bench", token="bench-run-0001", now=NOW)  # fmt: skip
        started = time.perf_counter()
        ran = run_what_if_job(jobs, store, {active.version: active}.get, queue.sent[0],
                              runner="bench", clock=lambda: NOW)  # fmt: skip
        elapsed = time.perf_counter() - started
        report = jobs.job_report(job.job_id)
        assert ran is not None and report is not None, ran
    return {
        "deliveries": report.deliveries,
        "tickets": report.tickets,
        "seconds_on_moto": elapsed,
        "seconds_judging": elapsed - store.seconds,
        "seconds_reading_on_moto": store.seconds,
        "target_seconds": 60,
        "items_read_per_delivery": read["items"] / max(report.deliveries, 1),
        "queries": read["requests"],
        "megabytes_of_events_read": store.event_bytes / 1e6,
        "progress_writes": writes["progress"],
        "unchanged": report.unchanged,
        "changed": {k.value: v for k, v in report.counts.items()},
        "not_judged": len(report.not_judged),
    }


def measure(sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    chosen = sizes or tuple(
        int(n) for n in os.environ.get("PLAINT_BENCH_WHAT_IF_SIZES", "10000").split(",")
    )
    return {f"{n:,}": _run(n) for n in chosen}

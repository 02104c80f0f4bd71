"""Load and faults: `python -m bench load_and_faults [--deliveries N ...]` (--help lists them).

It starts the local stack (devstack/launcher.py) on free ports of 127.0.0.1, in a data
directory of its own, and sends it a steady stream of signed deliveries from all three
channels (Zendesk, Jira, SES receipts through SNS), each delivery three times and the
copies reordered among their neighbours. While it sends:

- DynamoDB throttles (ProvisionedThroughputExceeded) and cancels transactions for a
  conflict (TransactionCanceled, TransactionConflict) for a share of requests, and the fake
  helpdesks answer 429 with Retry-After, a 5xx, or carry a call out and lose its answer,
  all through the stack's fault switches (devstack/faults.py);
- the stack is stopped (SIGTERM; SIGKILL with --hard-kill) and started again halfway,
  keeping its data directory, and what was accepted before the stop is checked to be there
  after it.

A delivery refused (503, or no answer while the stack restarts) is sent again, as the
helpdesks and SNS do. Then the faults stop, and it waits (bounded) for the worker to judge
every accepted delivery and for every complaint to be acknowledged or parked, and prints
the table: what was sent and accepted, the complaints recorded, the acknowledgements the
fake helpdesks and the local SES received, duplicates (a second acknowledgement on one
ticket), lost (accepted but never judged, or a complaint with no acknowledgement and no
parked action), parked, and the answer times.

Bounded in count (--deliveries) and time (--seconds for everything, --drain-seconds for
the wait), and only ever sent to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from email import message_from_string, policy
from pathlib import Path
from typing import Any

import boto3
import requests

from connectors.email.mapper import ticket_for_message_id
from devstack.embedded_aws import FAULTS_PATH
from devstack.launcher import StackProcess
from devstack.local_ses import LOCAL_MAILBOX, SENT_LOG, SentLog
from devstack.local_sns import topic_arn
from devstack.send_webhook import (
    email_delivery,
    jira_headers,
    sample_event,
    sample_jira_event,
    signed_headers,
)
from devstack.ses_receipts import SAMPLES, complaint_email

CHANNELS = ("zendesk", "jira", "email")
FIRST_TICKET = 810_000
BLOCK = 4  # deliveries whose copies are shuffled together
RETRY_PAUSE = 0.5  # seconds before a refused delivery is sent again
TOPIC = topic_arn("eu-west-1", "plaint-ses-inbound")


@dataclass
class Options:
    deliveries: int = 60
    copies: int = 3
    rate: float = 4.0  # sends a second
    senders: int = 3
    restart: bool = True
    hard_kill: bool = False  # SIGKILL instead of SIGTERM: the local stack's last seconds go
    throttled: float = 0.1
    transaction_conflict: float = 0.1
    rate_limited: float = 0.15
    server_error: float = 0.1
    answer_lost: float = 0.1
    seconds: float = 600.0
    drain_seconds: float = 300.0
    seed: int = 17
    data_dir: Path | None = None


@dataclass
class Delivery:
    """One delivery: signed on its first send, every copy the same bytes, as a retry is."""

    channel: str
    number: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def complaint_id(self) -> str:
        if self.channel == "zendesk":
            return f"zendesk:{self.number}"
        if self.channel == "jira":
            return f"jira:CARE-{self.number}"
        return f"email:{ticket_for_message_id(self.message_id)}"

    @property
    def source(self) -> str:
        return self.channel

    @property
    def message_id(self) -> str:
        return f"<bench-{self.number}@example.az>"

    @property
    def path(self) -> str:
        return "/webhooks/" + ("ses" if self.channel == "email" else self.channel)

    def signed(self, stack: StackProcess) -> tuple[bytes, dict[str, str]]:
        with self.lock:
            if not self.body:
                self.body, self.headers = self._sign(stack)
            return self.body, self.headers

    def _sign(self, stack: StackProcess) -> tuple[bytes, dict[str, str]]:
        if self.channel == "zendesk":
            body = json.dumps(sample_event(ticket_id=self.number), ensure_ascii=False).encode()
            return body, signed_headers(body, stack.secret)
        if self.channel == "jira":
            body = json.dumps(sample_jira_event(self.number), ensure_ascii=False).encode()
            return body, jira_headers(body, stack.secret)
        complainant = replace(SAMPLES["az"], address=f"bench{self.number}@example.az")
        raw = complaint_email(complainant, LOCAL_MAILBOX, message_id=self.message_id)
        return email_delivery(stack.sns_signer, TOPIC, raw)


@dataclass
class Tally:
    """What the senders saw, behind one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0  # HTTP requests, retries included
    statuses: Counter[int] = field(default_factory=Counter)
    unanswered: int = 0
    answer_seconds: list[float] = field(default_factory=list)
    accepted: Counter[int] = field(default_factory=Counter)  # delivery number -> 202s
    keys: dict[int, str] = field(default_factory=dict)  # delivery number -> its key

    def answered(self, delivery: Delivery, answer: requests.Response, seconds: float) -> None:
        with self.lock:
            self.sent += 1
            self.statuses[answer.status_code] += 1
            self.answer_seconds.append(seconds)
            if answer.status_code == 202:
                self.accepted[delivery.number] += 1
                delivery_id = answer.json()["delivery_id"]
                self.keys[delivery.number] = f"{delivery.source}:{delivery_id}"

    def refused(self) -> None:
        with self.lock:
            self.sent += 1
            self.unanswered += 1


def schedule(options: Options) -> list[Delivery]:
    """Every send in order: deliveries from the three channels in turn, each `copies` times,
    the copies of each block of BLOCK deliveries shuffled together."""
    deliveries = [
        Delivery(CHANNELS[n % len(CHANNELS)], FIRST_TICKET + n) for n in range(options.deliveries)
    ]
    shuffler = random.Random(options.seed)
    sends: list[Delivery] = []
    for start in range(0, len(deliveries), BLOCK):
        block = deliveries[start : start + BLOCK] * options.copies
        shuffler.shuffle(block)
        sends += block
    return sends


class Run:
    def __init__(self, options: Options, stack: StackProcess) -> None:
        self.options = options
        self.stack = stack
        self.tally = Tally()
        self.started = time.monotonic()
        self.deadline = self.started + options.seconds

    # --- faults -------------------------------------------------------------------------

    def faults(self, on: bool) -> None:
        o = self.options
        dynamodb = {"throttled": o.throttled, "transaction_conflict": o.transaction_conflict}
        helpdesk = {
            "rate_limited": o.rate_limited,
            "server_error": o.server_error,
            "answer_lost": o.answer_lost,
        }
        shares = [
            (self.stack.aws_url + FAULTS_PATH, dynamodb),
            (self.stack.zendesk_url + "/__fake/fault-shares", helpdesk),
            (self.stack.jira_url + "/__fake/fault-shares", helpdesk),
        ]
        for url, switched in shares:
            document = {**switched, "seed": o.seed} if on else {}
            requests.post(url, json=document, timeout=10).raise_for_status()

    def injected(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for url in (
            self.stack.aws_url + FAULTS_PATH,
            self.stack.zendesk_url + "/__fake/fault-shares",
            self.stack.jira_url + "/__fake/fault-shares",
        ):
            total.update(requests.get(url, timeout=10).json()["injected"])
        return total

    # --- sending ------------------------------------------------------------------------

    def send(self, sends: list[Delivery]) -> dict[str, Any]:
        """Send everything at the steady rate; halfway, stop and start the stack."""
        slots = iter(enumerate(sends))
        slots_lock = threading.Lock()
        halfway = threading.Event()
        injected: Counter[str] = Counter()

        def sender() -> None:
            session = requests.Session()
            while time.monotonic() < self.deadline:
                with slots_lock:
                    slot = next(slots, None)
                if slot is None:
                    return
                index, delivery = slot
                pause = self.started + index / self.options.rate - time.monotonic()
                time.sleep(max(0.0, pause))
                if index >= len(sends) // 2:
                    halfway.set()
                self.deliver(session, delivery)

        threads = [threading.Thread(target=sender) for _ in range(self.options.senders)]
        for thread in threads:
            thread.start()
        restart: dict[str, Any] = {}
        if self.options.restart:
            halfway.wait(timeout=max(0.0, self.deadline - time.monotonic()))
            injected.update(self.injected())
            restart = self.restart()
            self.faults(on=True)
        for thread in threads:
            thread.join(timeout=max(1.0, self.deadline - time.monotonic()))
        injected.update(self.injected())
        self.faults(on=False)
        return {"restart": restart, "injected": dict(injected)}

    def deliver(self, session: requests.Session, delivery: Delivery) -> None:
        """Send one copy until it is answered other than 503, as a helpdesk retries."""
        while time.monotonic() < self.deadline:
            body, headers = delivery.signed(self.stack)
            started = time.perf_counter()
            try:
                answer = session.post(
                    self.stack.api_url + delivery.path, data=body, headers=headers, timeout=30
                )
            except requests.RequestException:
                self.tally.refused()  # the stack is restarting: no answer, so not owed
                time.sleep(RETRY_PAUSE)
                continue
            self.tally.answered(delivery, answer, time.perf_counter() - started)
            if answer.status_code != 503:
                return
            time.sleep(RETRY_PAUSE)

    def restart(self) -> dict[str, Any]:
        """Stop the stack (SIGTERM, as an operator or a container runtime does; SIGKILL
        with --hard-kill), start it again on the same data directory, and check nothing it
        had accepted is gone."""
        with self.tally.lock:
            answered = set(self.tally.keys.values())
        stopped_at = time.monotonic()
        if self.options.hard_kill and self.stack.process is not None:
            self.stack.process.kill()
            self.stack.process.wait(timeout=30)
            with self.tally.lock:  # answered up to the kill
                answered = set(self.tally.keys.values())
        self.stack.stop()
        kept = (self.stack.data_dir / "dynamodb.json").exists()
        self.stack.start()
        stored = set(self.deliveries())
        return {
            "down_seconds": round(time.monotonic() - stopped_at, 1),
            "data_kept": kept,
            "accepted_before": len(answered),
            "missing_after": len(answered - stored),
        }

    # --- what the stack and the helpdesks hold --------------------------------------------

    def items(self) -> list[dict[str, Any]]:
        """The state table (a scan is never faulted: it is how the stack saves itself)."""
        client = boto3.client(
            "dynamodb", endpoint_url=self.stack.aws_url, region_name="eu-west-1",
            aws_access_key_id="local", aws_secret_access_key="local",
        )  # fmt: skip
        pages = client.get_paginator("scan").paginate(TableName="plaint-state")
        return [item for page in pages for item in page["Items"]]

    def deliveries(self, items: list[dict[str, Any]] | None = None) -> dict[str, str]:
        """Every delivery the state table holds: its key and its status."""
        return {
            item["pk"]["S"].removeprefix("DELIVERY#"): item["status"]["S"]
            for item in (self.items() if items is None else items)
            if item["sk"]["S"] == "DELIVERY"
        }

    def acknowledgements(self, sends: list[Delivery]) -> Counter[int]:
        """How many acknowledgements each delivery's ticket, issue or thread received."""
        received: Counter[int] = Counter()
        for delivery in {d.number: d for d in sends}.values():
            if delivery.channel == "zendesk":
                url = f"{self.stack.zendesk_url}/__fake/tickets/{delivery.number}"
            elif delivery.channel == "jira":
                url = f"{self.stack.jira_url}/__fake/issues/CARE-{delivery.number}"
            else:
                continue
            answer = requests.get(url, timeout=10)
            received[delivery.number] = (
                len(answer.json().get("comments", [])) if answer.status_code == 200 else 0
            )
        replies = Counter(_in_reply_to(sent) for sent in self.sent_emails())
        for delivery in sends:
            if delivery.channel == "email":
                received[delivery.number] = replies[delivery.message_id]
        return received

    def sent_emails(self) -> list[dict[str, Any]]:
        return SentLog(self.stack.data_dir / SENT_LOG).read()

    def outcome(self, sends: list[Delivery]) -> dict[str, Any]:
        """Where every accepted delivery and its complaint stand now."""
        items = self.items()
        stored = self.deliveries(items)
        with self.tally.lock:
            keys = dict(self.tally.keys)
        complaints = {
            item["pk"]["S"].removeprefix("COMPLAINT#"): item["status"]["S"]
            for item in items
            if item["pk"]["S"].startswith("COMPLAINT#") and item["sk"]["S"] == "STATE"
        }
        parked = {
            item["complaint_id"]["S"]
            for item in items
            if item["sk"]["S"] == "ACTION" and item["status"]["S"] == "parked"
        }
        received = self.acknowledgements(sends)
        by_number = {d.number: d for d in sends}
        unjudged = [key for key in keys.values() if stored.get(key) != "processed"]
        unacknowledged = [
            number
            for number in keys
            if received[number] == 0 and by_number[number].complaint_id not in parked
        ]
        return {
            "accepted": len(keys),
            "complaints": sum(1 for n in keys if by_number[n].complaint_id in complaints),
            "acknowledgements": sum(received[n] for n in keys),
            "duplicates": sum(max(0, received[n] - 1) for n in received),
            "unjudged": len(unjudged),
            "unacknowledged": len(unacknowledged),
            "parked": len(parked & {by_number[n].complaint_id for n in keys}),
        }

    def drain(self, sends: list[Delivery]) -> tuple[dict[str, Any], float]:
        """Wait, bounded, until every accepted delivery is judged and every complaint is
        acknowledged or parked; what stands at the end, and how long it took."""
        started = time.monotonic()
        bound = min(started + self.options.drain_seconds, self.deadline)
        while True:
            outcome = self.outcome(sends)
            settled = not outcome["unjudged"] and not outcome["unacknowledged"]
            if settled or time.monotonic() >= bound:
                return outcome, time.monotonic() - started
            time.sleep(2.0)

    def figures(self) -> dict[str, Any]:
        sends = schedule(self.options)
        self.faults(on=True)
        sent = self.send(sends)
        outcome, drained = self.drain(sends)
        tally = self.tally
        times = sorted(tally.answer_seconds)
        return {
            "deliveries": self.options.deliveries,
            "sent": tally.sent,
            "answers": {str(k): v for k, v in sorted(tally.statuses.items())},
            "unanswered": tally.unanswered,
            "accepted": outcome["accepted"],
            "accepted_twice": sum(1 for count in tally.accepted.values() if count > 1),
            "complaints": outcome["complaints"],
            "acknowledgements": outcome["acknowledgements"],
            "duplicates": outcome["duplicates"],
            "lost": outcome["unjudged"] + outcome["unacknowledged"],
            "unjudged": outcome["unjudged"],
            "parked": outcome["parked"],
            "p50_ms": round(1000 * statistics.median(times), 1) if times else None,
            "p99_ms": round(1000 * times[int(0.99 * (len(times) - 1))], 1) if times else None,
            "drain_seconds": round(drained, 1),
            "total_seconds": round(time.monotonic() - self.started, 1),
            **sent,
        }


def _in_reply_to(sent: dict[str, Any]) -> str:
    message = message_from_string(sent.get("raw_data") or "", policy=policy.default)
    return str(message.get("In-Reply-To", ""))


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    figures = measure(options)
    print(table(options, figures), flush=True)
    return 0 if figures["lost"] == 0 and figures["duplicates"] == 0 else 1


def table(options: Options, f: dict[str, Any]) -> str:
    """The figures as the table the bench prints."""
    answers = f["answers"]
    restart = f["restart"]
    rows = [
        ("deliveries (each sent 3 times, reordered)", f"{f['deliveries']} x {options.copies}"),
        ("requests sent, retries included", f["sent"]),
        ("answers 202 / 200 / 503 / none",
         f"{answers.get('202', 0)} / {answers.get('200', 0)} / {answers.get('503', 0)} / "
         f"{f['unanswered']}"),
        ("other answers", {k: v for k, v in answers.items() if k not in ("200", "202", "503")}),
        ("deliveries accepted", f["accepted"]),
        ("accepted twice", f["accepted_twice"]),
        ("complaints recorded", f["complaints"]),
        ("acknowledgements delivered", f["acknowledgements"]),
        ("duplicate acknowledgements", f["duplicates"]),
        ("lost (never judged, or no acknowledgement and not parked)", f["lost"]),
        ("  of which never judged", f["unjudged"]),
        ("parked", f["parked"]),
        ("answer time p50 / p99", f"{f['p50_ms']} ms / {f['p99_ms']} ms"),
        ("drained after the faults stopped in", f"{f['drain_seconds']} s"),
        ("whole run", f"{f['total_seconds']} s"),
    ]  # fmt: skip
    if restart:
        rows.append(
            ("restart: down / data kept / accepted before / missing after",
             f"{restart['down_seconds']} s / {restart['data_kept']} / "
             f"{restart['accepted_before']} / {restart['missing_after']}")
        )  # fmt: skip
    rows.append(("faults injected", ", ".join(f"{k} {v}" for k, v in f["injected"].items())))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def parse(argv: list[str] | None) -> Options:
    defaults = Options()
    parser = argparse.ArgumentParser(
        prog="python -m bench load_and_faults",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for name, value in vars(defaults).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=value)
        elif name == "data_dir":
            parser.add_argument(flag, type=Path, default=None)
        else:
            parser.add_argument(flag, type=type(value), default=value)
    return Options(**vars(parser.parse_args(argv)))


def measure(options: Options | None = None) -> dict[str, Any]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="plaint-load-") as temporary:
        stack = StackProcess(options.data_dir or Path(temporary), sweep_seconds=1.0)
        stack.start()
        try:
            return Run(options, stack).figures()
        finally:
            stack.stop()

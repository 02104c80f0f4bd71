"""The whole of Plaint on one machine: embedded DynamoDB, SQS and SES (moto's server,
in-process), the webhook API (the real Chalice app on Chalice's local server), the worker
that drains the queue into the app's SQS handler, the scheduler that calls the app's sweep,
a fake Zendesk and a fake Jira that record what they are sent, and a local SNS signer so
email complaints (SES receipts through SNS) can be delivered signed."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from chalice.config import Config
from chalice.local import LambdaContext
from werkzeug.serving import make_server

from bootstrap import local_stack
from devstack.api_server import RequestGate, api_server
from devstack.embedded_aws import EmbeddedAws
from devstack.events import scheduled_event
from devstack.fake_http import FakeHttp
from devstack.fake_jira import FakeJira
from devstack.fake_zendesk import FakeZendesk
from devstack.local_ses import (
    CONFIGURATION_SET,
    EVENTS_TOPIC,
    SEND_EMAIL_PATH,
    SENT_LOG,
    SENT_MESSAGES_PATH,
    SendEvents,
    SentLog,
    create_configuration_set,
    local_policy,
    policy_sender,
    sent_messages_answer,
    verify_sender,
)
from devstack.local_sns import CERTIFICATE_PATH, SnsSigner, topic_arn
from devstack.queues import create_queues
from devstack.snapshot import restore, save, unprocessed_deliveries
from devstack.worker import QueueWorker
from portal.app import build
from storage.tables import create_tables, table_names

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_SECONDS = 10.0
DRAIN_SECONDS = 30.0  # the longest an API request in flight is waited for, when stopping
RECONCILE_EVERY = 6  # sweep ticks
CHECKPOINT_EVERY = 12  # sweep ticks: every two minutes at the default tick
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})
RECEIPT_TOPIC = "plaint-ses-inbound"
KEY_FILE, ARCHIVE = "checkpoint.key", "checkpoints"  # in the data directory
log = logging.getLogger("plaint.local")


@dataclass
class StackConfig:
    host: str = "127.0.0.1"
    api_port: int = 8000
    aws_port: int = 5400
    zendesk_port: int = 8765
    jira_port: int = 8766
    portal_port: int = 8767
    data_dir: Path = ROOT / ".plaint-local"
    sweep_seconds: float = 10.0
    fake_helpdesks: bool = True
    region: str = "eu-west-1"

    @property
    def aws_url(self) -> str:
        return f"http://{self.host}:{self.aws_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    @property
    def zendesk_url(self) -> str:
        return f"http://{self.host}:{self.zendesk_port}"

    @property
    def jira_url(self) -> str:
        return f"http://{self.host}:{self.jira_port}"

    @property
    def portal_url(self) -> str:
        return f"http://{self.host}:{self.portal_port}"

    @property
    def receipt_topic(self) -> str:
        """The SNS topic SES receipts arrive on, locally."""
        return topic_arn(self.region, RECEIPT_TOPIC)

    @property
    def events_topic(self) -> str:
        """The SNS topic of the acknowledgements' configuration set's Send events."""
        return topic_arn(self.region, EVENTS_TOPIC)


def webhook_secret(data_dir: Path) -> str:
    """The local signing secret (Zendesk and Jira alike): made once, kept with the data so
    restarts keep it."""
    return _kept_secret(data_dir / "webhook-secret", 32)


def auditor_token(data_dir: Path) -> str:
    """The local auditor's bearer token for the audit API, kept with the data."""
    return _kept_secret(data_dir / "auditor-token", 24)


def admin_token(data_dir: Path) -> str:
    """The local admins' token for the portal's policy pages, kept with the data."""
    return _kept_secret(data_dir / "admin-token", 24)


def portal_secret(data_dir: Path) -> str:
    """Signs the portal's session cookies, so a restart keeps people signed in."""
    return _kept_secret(data_dir / "portal-secret", 48)


def _kept_secret(path: Path, size: int) -> str:
    """A random secret of `size` bytes, made on first use and kept in `path`."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(size), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def configure_environment(config: StackConfig, secret: str, signer: SnsSigner) -> None:
    defaults = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": config.region,
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # The policy named (or the default), with the local sender and mailbox when it names
    # none: without a sender neither acknowledgement emails nor surveys could be sent.
    named = os.environ.get("PLAINT_POLICY_PATH") or str(ROOT / "policies" / "default.json")
    os.environ["PLAINT_POLICY_PATH"] = str(local_policy(Path(named), config.data_dir))
    os.environ["PLAINT_AWS_ENDPOINT_URL"] = config.aws_url
    os.environ["PLAINT_ZENDESK_WEBHOOK_SECRETS"] = secret
    os.environ["PLAINT_JIRA_WEBHOOK_SECRETS"] = secret
    # What `plaint connect` stores locally comes before these (bootstrap/secrets.py).
    os.environ["PLAINT_SECRETS_FILE"] = str(config.data_dir / local_stack.SECRETS_FILE)
    os.environ["PLAINT_SES_TOPIC_ARNS"] = config.receipt_topic
    os.environ["PLAINT_SES_EVENT_TOPIC_ARNS"] = config.events_topic
    os.environ["PLAINT_SES_CONFIGURATION_SET"] = CONFIGURATION_SET
    # The local signer's certificate is not on an SNS host; trust its folder, locally only.
    os.environ["PLAINT_SNS_TRUSTED_CERTIFICATE_URLS"] = signer.trusted_prefix
    # Checkpoints signed by a key file and kept in a folder, beside the data.
    os.environ.setdefault("PLAINT_CHECKPOINT_KEY_FILE", str(config.data_dir / KEY_FILE))
    os.environ.setdefault("PLAINT_CHECKPOINT_DIR", str(config.data_dir / ARCHIVE))
    token = auditor_token(config.data_dir)
    os.environ["PLAINT_AUDITOR_TOKEN_HASHES"] = hashlib.sha256(token.encode()).hexdigest()
    admin = admin_token(config.data_dir)
    os.environ["PLAINT_ADMIN_TOKEN_HASHES"] = hashlib.sha256(admin.encode()).hexdigest()
    os.environ["PLAINT_PORTAL_SECRET_KEY"] = portal_secret(config.data_dir)
    # Survey links point at the local API and stay valid across restarts.
    os.environ["PLAINT_SURVEY_LINK_SECRET"] = _kept_secret(config.data_dir / "survey-secret", 32)
    os.environ["PLAINT_SURVEY_BASE_URL"] = config.api_url
    if config.fake_helpdesks:
        for helpdesk, url in (("ZENDESK", config.zendesk_url), ("JIRA", config.jira_url)):
            os.environ[f"PLAINT_{helpdesk}_BASE_URL"] = url
            os.environ[f"PLAINT_{helpdesk}_EMAIL"] = "agent@example.com"
            os.environ[f"PLAINT_{helpdesk}_API_TOKEN"] = "local-token"


def discovery(config: StackConfig) -> local_stack.LocalStack:
    """How the `plaint` command reaches this stack (bootstrap/local_stack.py), once the
    environment is configured."""
    return local_stack.LocalStack(
        endpoint=config.aws_url, region=config.region, pid=os.getpid(),
        key_file=os.environ.get("PLAINT_CHECKPOINT_KEY_FILE", str(config.data_dir / KEY_FILE)),
        checkpoint_dir=os.environ.get("PLAINT_CHECKPOINT_DIR", str(config.data_dir / ARCHIVE)),
        api_url=config.api_url,
        zendesk_url=config.zendesk_url if config.fake_helpdesks else None,
        jira_url=config.jira_url if config.fake_helpdesks else None,
    )  # fmt: skip


def load_functions() -> ModuleType:
    """Import the Chalice project exactly as Lambda would run it."""
    sys.path.insert(0, str(ROOT / "functions"))
    import app as functions_app  # noqa: PLC0415 - only once the environment is configured

    return functions_app


@dataclass
class Stack:
    config: StackConfig
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    servers: list[Any] = field(default_factory=list)
    # One save at a time: the last one to start is the last to replace the file, so a
    # periodic save still running when the stack stops cannot overwrite the final one.
    saving: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self.secret = webhook_secret(self.config.data_dir)
        self.signer = SnsSigner.for_stack(self.config.data_dir, self.config.aws_url)
        configure_environment(self.config, self.secret, self.signer)
        self.send_events = SendEvents(
            self.signer,
            self.config.events_topic,
            f"{self.config.api_url}/webhooks/ses",
            self.config.region,
            CONFIGURATION_SET,
        )
        sent_log = SentLog(self.config.data_dir / SENT_LOG)

        def sent(request: bytes, answer: bytes) -> None:
            sent_log.observe(request, answer)
            self.send_events.observe(request, answer)

        observers = {("POST", SEND_EMAIL_PATH): sent}
        moto = EmbeddedAws(self.config.host, self.config.aws_port, self._local_routes(), observers)
        moto.start()
        self.servers.append(moto)
        self.send_events.start()
        self.servers.append(self.send_events)
        self._prepare_aws()
        if self.config.fake_helpdesks:
            for fake in (
                FakeZendesk(
                    host=self.config.host,
                    port=self.config.zendesk_port,
                    data_file=self.config.data_dir / "fake-zendesk.json",
                ),
                FakeJira(
                    host=self.config.host,
                    port=self.config.jira_port,
                    data_file=self.config.data_dir / "fake-jira.json",
                ),
            ):
                fake.start()
                self.servers.append(fake)
        self._watch_writes()
        self.functions = load_functions()
        self.worker = QueueWorker(self.functions, self.sqs, self.config.region)
        self._serve_api()
        self._serve_portal()
        self._spawn(self._work, "worker")
        self._spawn(self._work_what_ifs, "what-if worker")
        self._spawn(self._schedule, "scheduler")
        self._spawn(self._keep_snapshots, "snapshots")
        local_stack.announce(discovery(self.config), self.config.data_dir)

    def _watch_writes(self) -> None:
        """Mark the data dirty on every DynamoDB write the app makes, so snapshots are taken
        only when something changed (a scan of every table is not free)."""
        self.dirty = threading.Event()
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None

        def mark(event_name: str, **_: Any) -> None:
            if event_name.rsplit(".", 1)[-1] in WRITES:
                self.dirty.set()

        boto3.DEFAULT_SESSION.events.register("after-call.dynamodb", mark)

    def _local_routes(self) -> dict[str, Any]:
        certificate = ("application/x-pem-file", self.signer.certificate)
        return {
            CERTIFICATE_PATH: lambda: certificate,
            SENT_MESSAGES_PATH: lambda: sent_messages_answer(self.config.region),
        }

    def _prepare_aws(self) -> None:
        url, region = self.config.aws_url, self.config.region
        self.dynamodb = boto3.client("dynamodb", endpoint_url=url, region_name=region)
        self.sqs = boto3.client("sqs", endpoint_url=url, region_name=region)
        self.sesv2 = boto3.client("sesv2", endpoint_url=url, region_name=region)
        sender = policy_sender(Path(os.environ["PLAINT_POLICY_PATH"]))
        if sender:
            verify_sender(self.sesv2, sender)
        create_configuration_set(self.sesv2, CONFIGURATION_SET)
        create_tables(self.dynamodb)
        self.tables = sorted(table_names().values())
        queues = create_queues(self.sqs)
        self.queue_url = queues["plaint-inbox"]
        self.what_if_queue_url = queues["plaint-what-if"]
        restored = restore(self.dynamodb, self.snapshot_path)
        if restored:
            log.info("restored %d items from %s", restored, self.snapshot_path)
        for key in unprocessed_deliveries(self.snapshot_path):
            self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=key)

    @property
    def snapshot_path(self) -> Path:
        return self.config.data_dir / "dynamodb.json"

    def _serve_api(self) -> None:
        chalice_config = Config.create(
            chalice_stage="dev", app_name="plaint", lambda_timeout=30, lambda_memory_size=512
        )
        self.api_gate = RequestGate()
        self.api = api_server(
            self.functions.app, chalice_config, self.config.host, self.config.api_port,
            self.api_gate,
        )  # fmt: skip
        self._spawn(self.api.server.serve_forever, "api")

    def _serve_portal(self) -> None:
        self.portal = make_server(self.config.host, self.config.portal_port, build(), threaded=True)
        self._spawn(self.portal.serve_forever, "portal")

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _context(self, name: str, seconds: int) -> Any:
        return LambdaContext(name, 512, max_runtime_ms=seconds * 1000)

    def _work(self) -> None:
        self._drain(self.queue_url, "process_inbox", 120)

    def _work_what_ifs(self) -> None:
        """What-if jobs the portal queued, each run by the functions' `run_what_if`, as
        Lambda runs it on the plaint-what-if queue."""
        self._drain(self.what_if_queue_url, "run_what_if", 900)

    def _drain(self, queue_url: str, handler: str, seconds: int) -> None:
        while not self.stop.is_set():
            try:
                messages = self.sqs.receive_message(
                    QueueUrl=queue_url,
                    MaxNumberOfMessages=1,
                    WaitTimeSeconds=1,
                    AttributeNames=["All"],
                ).get("Messages", [])
            except Exception:  # the embedded server is shutting down
                if not self.stop.is_set():
                    log.exception("worker could not read the queue")
                    time.sleep(1)
                continue
            for message in messages:
                self.worker.handle(message, queue_url, handler, seconds)

    def _schedule(self) -> None:
        """The sweep every tick; reconciliation with the helpdesks every sixth; a checkpoint
        of the audit log every twelfth."""
        tick = 0
        while not self.stop.wait(self.config.sweep_seconds):
            tick += 1
            names = ["sweep"]
            names += ["reconcile"] if tick % RECONCILE_EVERY == 0 else []
            names += ["checkpoint"] if tick % CHECKPOINT_EVERY == 1 else []
            for name in names:
                try:
                    handler = getattr(self.functions, name)
                    handler(scheduled_event(self.config.region), self._context(name, 120))
                except Exception:
                    log.exception("%s failed; it runs again next tick", name)

    def _keep_snapshots(self) -> None:
        # A snapshot scans every table; after writes, at most every few seconds. A clean stop
        # always saves, so only a killed stack can lose the last few seconds.
        while not self.stop.wait(SNAPSHOT_SECONDS):
            if self.dirty.is_set():
                self.dirty.clear()
                self.snapshot()
            self._save_fakes()

    def _save_fakes(self) -> None:
        """The fake helpdesks' tickets, each saved when it changed (they save on stop too)."""
        for server in self.servers:
            if isinstance(server, FakeHttp):
                try:
                    server.save()
                except Exception:
                    log.exception("saving the fake %s failed", server.thread_name)

    def _stop_accepting(self) -> None:
        """Close the API's gate (later requests get 503; the helpdesks retry them), wait for
        the requests it let in, then stop listening; the portal likewise stops listening."""
        if not self.api_gate.close(timeout=DRAIN_SECONDS):
            log.warning("API requests still running after %.0f s; saving anyway", DRAIN_SECONDS)
        for server in (self.api.server, self.portal):
            server.shutdown()
            server.server_close()

    def snapshot(self) -> None:
        try:
            with self.saving:
                save(self.dynamodb, self.tables, self.snapshot_path)
        except Exception:
            if not self.stop.is_set():
                log.exception("snapshot failed")

    def shutdown(self) -> None:
        """Stop taking requests, finish those in flight, stop the threads that write, then
        save: everything answered 2xx is in the snapshot."""
        local_stack.withdraw(self.config.data_dir, os.getpid())
        started = time.monotonic()
        self._stop_accepting()
        accepting = time.monotonic()
        self.stop.set()
        for thread in self.threads:
            if thread.name in ("worker", "what-if worker", "scheduler", "snapshots"):
                thread.join(timeout=5)
        joined = time.monotonic()
        self.snapshot()
        log.info(
            "stopped the API and the portal in %.1f s, the threads in %.1f s, saved data in %.1f s",
            accepting - started,
            joined - accepting,
            time.monotonic() - joined,
        )
        for server in reversed(self.servers):
            if hasattr(server, "shutdown"):
                server.shutdown()
            else:
                server.stop()

"""The compliance log on DynamoDB (moto, tables from infra/): queries that read only what
they return, checkpoints signed by a KMS key or a key file and kept in an S3 Object Lock
bucket, and `plaint audit` verifying, exporting and naming what was tampered with."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from console.main import main as plaint
from plaint.auditlog.chain import chain_of
from plaint.auditlog.checkpoint import SignatureAlgorithm
from plaint.auditlog.query import AuditQuery
from plaint.auditlog.verify import verify
from plaint.model.audit import AuditDraft, AuditFacets, ClockStanding
from plaint.model.decision import Decision
from plaint.usecases.checkpointing import Checkpointer
from plaint.vocabulary.errors import CheckpointExistsError
from storage.archive import S3Archive
from storage.dynamodb import DynamoStore
from storage.key_file import LocalSigner
from storage.keys import KmsSigner
from storage.memory import MemoryStore
from tests.store_fixtures import ItemsRead

START = datetime(2026, 1, 30, 22, tzinfo=UTC)
KINDS = ("complaint.received", "clock.warning", "clock.breached", "acknowledgement.sent")
CATEGORIES = ("billing", "service", "ödəniş")
JURISDICTIONS = ("AZ", "GB")
STANDINGS = {"clock.warning": ClockStanding.WARNED, "clock.breached": ClockStanding.BREACHED}


def history(store: DynamoStore | MemoryStore, count: int = 60) -> list[AuditDraft]:
    """Entries over three months (a month boundary, a year's end), on eight complaints."""
    drafts = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        draft = AuditDraft(
            kind=kind,
            complaint_id=f"zendesk:{n % 8}",
            policy_version="v2" if n >= 40 else "v1",
            at=START + timedelta(hours=36 * n),
            detail={"n": n},
            facets=AuditFacets(
                category=CATEGORIES[n % 3],
                jurisdiction=JURISDICTIONS[n % 2],
                clock_status=STANDINGS.get(kind),
            ),
        )
        store.commit(Decision(complaint=None, audit=(draft,)), "main")
        drafts.append(draft)
    return drafts


@pytest.fixture
def dynamo(aws: dict[str, Any]) -> DynamoStore:
    return DynamoStore(aws["dynamodb"])


NOW = START + timedelta(days=120)
QUERIES: list[dict[str, Any]] = [
    {"kind": "clock.breached"},
    {"category": "ödəniş", "since": START + timedelta(days=20)},
    {"jurisdiction": "GB", "until": START + timedelta(days=40)},
    {"clock_status": ClockStanding.WARNED},
    {"policy_version": "v2"},
    {"complaint_id": "zendesk:3"},
    {"since": START + timedelta(days=10), "until": START + timedelta(days=15)},
]


@pytest.mark.parametrize("asked", QUERIES, ids=[",".join(map(str, q)) for q in QUERIES])
def test_each_query_reads_only_what_it_returns(
    aws: dict[str, Any], dynamo: DynamoStore, asked: dict[str, Any]
) -> None:
    history(dynamo)
    query = AuditQuery(**asked, limit=1000)
    wanted = [e for e in _all(dynamo) if query.matches(e)]
    read = ItemsRead(aws["dynamodb"])
    page = dynamo.query_audit(query, NOW)
    assert wanted, "the history must hold something to find"
    assert [(e.chain, e.seq) for e in page.entries] == [(e.chain, e.seq) for e in wanted]
    assert page.items_read == len(wanted)
    assert read.count == len(wanted)
    assert page.cursor is None


def _all(store: DynamoStore | MemoryStore) -> list[Any]:
    return sorted(
        store.entries_between("main", START - timedelta(days=1), NOW),
        key=lambda e: (e.at, e.chain, e.seq),
    )


@pytest.mark.parametrize("asked", QUERIES, ids=[",".join(map(str, q)) for q in QUERIES])
def test_pages_follow_one_another_across_months_in_both_stores(
    dynamo: DynamoStore, asked: dict[str, Any]
) -> None:
    memory = MemoryStore()
    history(dynamo)
    history(memory)
    for store in (dynamo, memory):
        seen, cursor = [], None
        while True:
            page = store.query_audit(AuditQuery(**asked, limit=3, cursor=cursor), NOW)
            seen += [(e.chain, e.seq) for e in page.entries]
            cursor = page.cursor
            if cursor is None:
                break
        wanted = [(e.chain, e.seq) for e in _all(store) if AuditQuery(**asked).matches(e)]
        assert seen == wanted


def test_a_forged_cursor_is_refused(dynamo: DynamoStore) -> None:
    from plaint.vocabulary.errors import QueryInvalidError

    with pytest.raises(QueryInvalidError, match="cursor"):
        dynamo.query_audit(AuditQuery(kind="x", cursor="not-a-cursor!"), NOW)


@pytest.fixture
def lock_bucket(aws: dict[str, Any]) -> Any:
    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket="plaint-checkpoints",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        ObjectLockEnabledForBucket=True,
    )
    return s3


def checkpointed(store: DynamoStore, archive: Any, signer: Any) -> Checkpointer:
    """The history written with a checkpoint run after every entry's day."""
    clock = [START - timedelta(hours=1)]
    checkpointer = Checkpointer(store, archive, signer, clock=lambda: clock[0])
    checkpointer.run()
    for n in range(12):
        clock[0] = START + timedelta(hours=36 * n) + timedelta(seconds=1)
        draft = AuditDraft(
            kind=KINDS[n % 4], complaint_id=f"zendesk:{n % 3}", policy_version="v1",
            at=clock[0], detail={"n": n}, personal={"complainant": f"user-{n % 3}"},
        )  # fmt: skip
        store.commit(Decision(complaint=None, audit=(draft,)), "main")
        clock[0] += timedelta(minutes=5)
        checkpointer.run()
        clock[0] += timedelta(minutes=5)
        checkpointer.run()
    # Up to today: the newest checkpoint is minutes old, as the scheduler keeps it.
    clock[0] = datetime.now(UTC)
    checkpointer.run()
    checkpointer.run()
    return checkpointer


def test_kms_signed_checkpoints_in_an_object_lock_bucket_verify(
    aws: dict[str, Any], dynamo: DynamoStore, lock_bucket: Any
) -> None:
    kms = boto3.client("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signer = KmsSigner(kms, key)
    archive = S3Archive(lock_bucket, "plaint-checkpoints", retain_for=timedelta(days=2557))
    checkpointed(dynamo, archive, signer)

    numbers = archive.numbers("main")
    checkpoints = [c for n in numbers if (c := archive.get("main", n))]
    assert (
        len(checkpoints) >= 12
        and checkpoints[0].body.algorithm is SignatureAlgorithm.ECDSA_P256_SHA256
    )
    assert sum(c.body.entries for c in checkpoints) == 12
    entries = _all(dynamo)
    result = verify(entries, checkpoints, {key: signer.public_key_pem()})
    assert result.holds, result.findings
    head = lock_bucket.head_object(
        Bucket="plaint-checkpoints", Key=f"checkpoints/main/{numbers[0]:012d}.json"
    )
    assert head["ObjectLockMode"] == "COMPLIANCE"
    made = checkpoints[0].body.made_at
    assert head["ObjectLockRetainUntilDate"] == made.replace(microsecond=0) + timedelta(days=2557)
    with pytest.raises(CheckpointExistsError):
        archive.put(checkpoints[0])


@pytest.fixture
def local_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    paths = {"key": tmp_path / "checkpoint.key", "archive": tmp_path / "checkpoints"}
    monkeypatch.setenv("PLAINT_CHECKPOINT_KEY_FILE", str(paths["key"]))
    monkeypatch.setenv("PLAINT_CHECKPOINT_DIR", str(paths["archive"]))
    return paths


def test_plaint_audit_verify_names_an_entry_edited_in_the_table(
    aws: dict[str, Any],
    dynamo: DynamoStore,
    local_trust: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.archive import DirectoryArchive

    checkpointed(dynamo, DirectoryArchive(local_trust["archive"]), LocalSigner(local_trust["key"]))
    assert plaint(["audit", "verify"]) == 0
    assert "verified" in capsys.readouterr().out

    chain = chain_of("main", "zendesk:1")
    aws["dynamodb"].update_item(
        TableName="plaint-audit",
        Key={"pk": {"S": f"CHAIN#{chain}"}, "sk": {"S": "SEQ#000000000002"}},
        UpdateExpression="SET detail = :d",
        ExpressionAttributeValues={":d": {"S": '{"n": 999}'}},
    )
    assert plaint(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"first: modified: {chain} #2" in out
    assert plaint(["audit", "verify", "--complaint", "zendesk:1"]) == 1
    assert f"{chain} #2" in capsys.readouterr().out
    assert plaint(["audit", "verify", "--complaint", "zendesk:2"]) == 0


def test_an_export_verifies_offline_and_refuses_an_altered_file(
    dynamo: DynamoStore,
    local_trust: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.archive import DirectoryArchive

    signer = LocalSigner(local_trust["key"])
    checkpointed(dynamo, DirectoryArchive(local_trust["archive"]), signer)
    folder = tmp_path / "export"
    assert plaint(["audit", "export", str(folder)]) == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["entries"] == 12 and manifest["personal_withheld"] is True
    assert "user-1" not in (folder / "entries.jsonl").read_text()
    pem = tmp_path / "key.pem"
    pem.write_bytes(signer.public_key_pem())
    capsys.readouterr()
    assert plaint(["audit", "verify", "--export", str(folder), "--public-key", str(pem)]) == 0
    assert "verified" in capsys.readouterr().out

    other = tmp_path / "other.pem"
    other.write_bytes(LocalSigner(tmp_path / "other.key").public_key_pem())
    assert plaint(["audit", "verify", "--export", str(folder), "--public-key", str(other)]) == 1
    assert "signature does not hold" in capsys.readouterr().out

    lines = (folder / "entries.jsonl").read_text().splitlines()
    (folder / "entries.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    assert plaint(["audit", "verify", "--export", str(folder)]) == 1
    assert "entries.jsonl: missing, or not the file the manifest names" in capsys.readouterr().out


def test_query_command_prints_a_page_and_its_cursor(
    dynamo: DynamoStore, capsys: pytest.CaptureFixture[str]
) -> None:
    history(dynamo)
    since = (START - timedelta(days=1)).isoformat()
    assert (
        plaint(["audit", "query", "--kind", "clock.breached", "--since", since, "--limit", "4"])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if " clock.breached " in line]) == 4
    assert out[-1].startswith("# 4 entries, 4 read; next page: --cursor ")
    assert plaint(["audit", "query", "--clock-status", "late"]) == 2
    assert "clock_status" in capsys.readouterr().out


def test_the_management_report_is_drawn_from_the_complaints_the_log_received(
    dynamo: DynamoStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from plaint.usecases.handling import ComplaintHandling
    from tests.factories import default_policy, ticket_event

    received = datetime(2026, 3, 2, 9, tzinfo=UTC)
    store = DynamoStore(dynamo._client, clock=lambda: received)  # judged back in March
    handling = ComplaintHandling(store=store, policy=default_policy(), clock=lambda: received)
    words = ("Pulumu iki dəfə çıxıblar, şikayət edirəm", "تم خصم المبلغ مرتين وأريد تقديم شكوى")
    for n in range(6):
        event = ticket_event(
            delivery_id=f"d-{n}", ticket_id=str(200 + n), created_at=received + timedelta(days=n),
            occurred_at=received + timedelta(days=n), description=words[n % 2],
            complainant_ref=f"zendesk-user:{n % 4}",
        )  # fmt: skip
        assert handling.accept(event)
        handling.process(f"zendesk:d-{n}")
    span = ["--from", "2026-03-01T00:00+00:00", "--to", "2026-04-01T00:00+00:00"]
    policy = str(Path(__file__).resolve().parents[2] / "policies" / "default.json")
    base = ["audit", "report", *span, "--bucket", "week", "--policy", policy]
    assert plaint([*base, "--out", str(tmp_path / "json")]) == 0
    report = json.loads((tmp_path / "json" / "report.json").read_text())
    assert report["complaints"] == 6
    assert report["repeat_complaints"]["complainants"] == 2
    assert plaint([*base, "--format", "svg", "--out", str(tmp_path / "svg")]) == 0
    drawn = sorted(p.name for p in (tmp_path / "svg").iterdir())
    assert drawn == ["breaches-by-clock.svg", "complaints-by-category.svg", "on-time.svg"]
    assert plaint([*base, "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "report.csv").read_text().startswith("figure,dimension")


def test_an_anchor_kept_by_the_auditor_catches_a_checkpoint_deleted_and_signed_again(
    aws: dict[str, Any],
    dynamo: DynamoStore,
    local_trust: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.archive import DirectoryArchive, object_name

    archive = DirectoryArchive(local_trust["archive"])
    checkpointed(dynamo, archive, LocalSigner(local_trust["key"]))
    anchor = tmp_path / "anchor.json"
    assert plaint(["audit", "anchor", "--out", str(anchor)]) == 0
    kept = json.loads(anchor.read_text())
    assert kept["number"] == archive.numbers("main")[-1] and len(kept["hash"]) == 64
    assert plaint(["audit", "verify", "--since-anchor", str(anchor)]) == 0
    capsys.readouterr()

    # The newest checkpoint deleted from the directory and the table, then made again.
    number = kept["number"]
    (local_trust["archive"] / "main" / object_name(number)).unlink()
    aws["dynamodb"].delete_item(
        TableName="plaint-audit",
        Key={"pk": {"S": "LEDGER#main"}, "sk": {"S": f"CHECKPOINT#{number:012d}"}},
    )
    assert plaint(["audit", "checkpoint"]) == 0
    assert plaint(["audit", "verify"]) == 0  # nothing inside the log can tell
    capsys.readouterr()
    assert plaint(["audit", "verify", "--since-anchor", str(anchor)]) == 1
    assert f"first: anchor_broken: checkpoint #{number}" in capsys.readouterr().out


def test_checkpointing_fails_loudly_when_the_newest_copy_was_rolled_back(
    aws: dict[str, Any],
    dynamo: DynamoStore,
    local_trust: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.archive import DirectoryArchive

    archive = DirectoryArchive(local_trust["archive"])
    checkpointed(dynamo, archive, LocalSigner(local_trust["key"]))
    number = archive.numbers("main")[-1]
    table = aws["dynamodb"]
    key = {"pk": {"S": "LEDGER#main"}, "sk": {"S": f"CHECKPOINT#{number - 1:012d}"}}
    previous = table.get_item(TableName="plaint-audit", Key=key)["Item"]
    table.put_item(
        TableName="plaint-audit",
        Item={**previous, "sk": {"S": f"CHECKPOINT#{number:012d}"}},
    )
    capsys.readouterr()
    assert plaint(["audit", "verify"]) == 1
    assert f"checkpoint_rolled_back: checkpoint #{number}" in capsys.readouterr().out
    assert plaint(["audit", "checkpoint"]) == 1
    assert "REFUSED" in capsys.readouterr().out
    assert archive.numbers("main")[-1] == number


def test_an_entry_hidden_from_queries_by_its_index_keys_is_named(
    aws: dict[str, Any],
    dynamo: DynamoStore,
    local_trust: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.archive import DirectoryArchive

    checkpointed(dynamo, DirectoryArchive(local_trust["archive"]), LocalSigner(local_trust["key"]))
    chain = chain_of("main", "zendesk:1")
    aws["dynamodb"].update_item(
        TableName="plaint-audit",
        Key={"pk": {"S": f"CHAIN#{chain}"}, "sk": {"S": "SEQ#000000000002"}},
        UpdateExpression="SET kpart = :k, tpart = :t",
        ExpressionAttributeValues={":k": {"S": "main#hidden#2026-01"}, ":t": {"S": "main#x"}},
    )
    capsys.readouterr()
    assert plaint(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"misindexed: {chain} #2: its query-index attributes (tpart, kpart)" in out
    assert plaint(["audit", "verify", "--complaint", "zendesk:1"]) == 1
    assert "misindexed" in capsys.readouterr().out


def test_the_checkpoint_function_fails_and_counts_a_refused_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from types import SimpleNamespace

    import app as functions_app

    from devstack.events import scheduled_event
    from plaint.vocabulary.errors import CheckpointRollbackError

    class Refusing:
        ledger = "main"

        def run(self) -> None:
            raise CheckpointRollbackError("ledger main: checkpoint #7 rolled back")

    monkeypatch.setattr(functions_app, "runtime", lambda: SimpleNamespace(checkpointer=Refusing()))
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 60_000)
    with pytest.raises(CheckpointRollbackError):
        functions_app.checkpoint(scheduled_event("eu-west-1"), context)
    lines = [json.loads(text) for text in capsys.readouterr().out.strip().splitlines()]
    (line,) = [line for line in lines if "_aws" in line]
    metrics = line["_aws"]["CloudWatchMetrics"][0]
    assert metrics["Namespace"] == "Plaint" and metrics["Dimensions"] == [["service", "Ledger"]]
    assert metrics["Metrics"] == [{"Name": "CheckpointRollback", "Unit": "Count"}]
    assert (line["Ledger"], line["CheckpointRollback"]) == ("main", [1.0])
    (refused,) = [line for line in lines if line.get("message") == "checkpoint refused"]
    assert refused["level"] == "ERROR" and "rolled back" in refused["error"]


def test_query_command_prints_each_entry_s_date_kind_complaint_rule_and_detail(
    dynamo: DynamoStore, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = AuditDraft(
        kind="complaint.assessed", complaint_id="zendesk:11777", policy_version="3f2a9c1b7e40ab",
        at=START, rule_id="expression-of-dissatisfaction",
        detail={"category": "billing", "severity": "medium", "flags": ["vulnerable"],
                "reason": "keyword matched"},
        facets=AuditFacets(category="billing", jurisdiction="AZ"),
    )  # fmt: skip
    dynamo.commit(Decision(complaint=None, audit=(draft,)), "main")
    assert plaint(["audit", "query", "--complaint", "zendesk:11777"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("2026-01-30T22:00:00+00:00 complaint.assessed zendesk:11777 #1 ")
    for shown in ("rule=expression-of-dissatisfaction", "category=billing", "severity=medium",
                  'flags=["vulnerable"]', 'reason="keyword matched"', "jurisdiction=AZ",
                  "policy=3f2a9c1b7e40"):  # fmt: skip
        assert f" {shown}" in line, (shown, line)


@pytest.mark.parametrize(
    ("group", "commands"),
    [
        ("audit", ("query", "verify", "anchor", "export", "checkpoint", "public-key", "report")),
        ("policy", ("check", "diff", "schema", "propose", "approve", "withdraw", "history",
                    "what-if", "publish")),
        ("clocks", ("recalculate",)),
        ("retention", ("show", "hold", "release")),
        ("referral", ("show", "offer", "step")),
        ("recogniser", ("labels",)),
        ("complaints", ("search", "show", "reindex")),
    ],
)  # fmt: skip
def test_each_command_group_s_help_lists_its_commands_one_line_each(
    group: str, commands: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        plaint([group, "--help"])
    lines = capsys.readouterr().out.splitlines()
    for command in commands:
        described = [line.split(None, 1) for line in lines if line.startswith(f"    {command} ")]
        assert len(described) == 1 and len(described[0]) == 2, (command, lines)

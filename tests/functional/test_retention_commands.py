"""`plaint retention` and `plaint erasure` against DynamoDB (moto, tables from infra/):
holds set and released by a hold officer only, proven by the caller's AWS identity (moto's
STS), and an erasure request answered from the by_complainant index, with its report."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from bootstrap.root import Root
from bootstrap.settings import Settings
from console.main import main as plaint
from console.opening import RefusedError
from console.retention import actor_of
from plaint.auditlog.verify import verify
from plaint.model.events import TicketEventKind
from plaint.retention.officers import Actor, HoldRefusedError, authorise
from plaint.usecases.handling import ComplaintHandling
from storage.dynamodb import DynamoStore
from tests.factories import DEFAULT_POLICY, ticket_event
from tests.fakes import ManualClock

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"
ROLE = "arn:aws:iam::123456789012:role/LegalHold"
MOTO_USER = "arn:aws:sts::123456789012:user/moto"  # moto's caller without an assumed role


def policy_with(folder: Path, officers: list[str] | None) -> Path:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    if officers is not None:
        document["retention"] = {"hold_officers": officers}
    path = folder / f"policy-{len(officers or [])}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    return policy_with(tmp_path, [ROLE, "legal@example.com"])


def as_legal_role(monkeypatch: pytest.MonkeyPatch, session: str) -> str:
    """Act through a session of the LegalHold role, as an officer's shell would."""
    trust = {"Version": "2012-10-17", "Statement": []}
    boto3.client("iam").create_role(
        RoleName="LegalHold", AssumeRolePolicyDocument=json.dumps(trust)
    )
    assumed = boto3.client("sts").assume_role(RoleArn=ROLE, RoleSessionName=session)
    credentials = assumed["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
    return str(assumed["AssumedRoleUser"]["Arn"])


@pytest.fixture
def store(aws: dict[str, Any], policy_file: Path) -> DynamoStore:
    """Two complaints from one complainant, the first closed, and one from another."""
    clock = ManualClock(now=datetime.now(UTC) - timedelta(days=10))
    dynamo = DynamoStore(aws["dynamodb"], clock=clock)
    from plaint.policy.loading import load_policy

    handling = ComplaintHandling(store=dynamo, policy=load_policy(policy_file), clock=clock)
    for n, person in ((1, 1), (2, 1), (3, 2), (4, 1)):
        text = (
            COMPLAINT if n < 4 else "Filialınız şənbə günü açıqdır?"
        )  # the fourth is no complaint
        event = ticket_event(delivery_id=f"d-{n}", ticket_id=str(n), description=text,
                             complainant_ref=f"zendesk-user:{person}", created_at=clock.now,
                             occurred_at=clock.now)  # fmt: skip
        assert handling.accept(event)
        handling.process(f"zendesk:d-{n}")
    clock.advance(days=1)
    closing = ticket_event(
        delivery_id="d-close", ticket_id="1", kind=TicketEventKind.UPDATED,
        helpdesk_status="solved", created_at=clock.now, occurred_at=clock.now,
    )  # fmt: skip
    assert handling.accept(closing)
    handling.process("zendesk:d-close")
    return dynamo


def test_a_hold_officer_proven_by_the_aws_identity_holds_and_releases_a_record(
    store: DynamoStore,
    policy_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = ["--policy", str(policy_file)]
    hold = ["retention", "hold", "zendesk:1", "--reason", "Litigation", "--reference", "Case 17"]
    # A typed officer's name no longer authorises anyone whose AWS identity is another's.
    assert plaint([*hold, "--by", "legal@example.com", *policy]) == 1
    assert f"is not the AWS identity acting ({MOTO_USER})" in capsys.readouterr().out
    assert plaint([*hold, *policy]) == 1
    assert f"{MOTO_USER} (proven by aws-sts) is not a hold officer" in capsys.readouterr().out
    jane = as_legal_role(monkeypatch, "jane@example.com")
    assert plaint([*hold, "--by", "jane@example.com", *policy]) == 0
    complaint = store.get_complaint("zendesk:1")
    assert complaint is not None and complaint.held
    assert (complaint.holds[0].set_by, complaint.holds[0].set_by_vouched) == (jane, "aws-sts")
    capsys.readouterr()
    assert plaint(["retention", "show", "zendesk:1", *policy]) == 0
    shown = capsys.readouterr().out
    assert "class standard" in shown and "Litigation (Case 17)" in shown and "active" in shown
    assert f"by {jane} (proven by aws-sts)" in shown
    hold_id = complaint.holds[0].hold_id
    assert plaint(["retention", "release", "zendesk:1", hold_id, *policy]) == 0
    released = store.get_complaint("zendesk:1")
    assert released is not None and not released.held
    assert released.holds[0].released_by == jane


def test_with_no_hold_officers_no_one_may_set_a_hold(
    store: DynamoStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ["--policy", str(policy_with(tmp_path, None))]
    assert plaint(["retention", "hold", "zendesk:1", "--reason", "claim", *policy]) == 1
    assert "names no hold officers: add retention.hold_officers" in capsys.readouterr().out
    complaint = store.get_complaint("zendesk:1")
    assert complaint is not None and not complaint.held


def test_on_the_local_stack_a_typed_name_is_all_there_is_and_is_said_to_prove_nothing(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")  # the local stack's dummy credentials
    root = Root(Settings())
    with pytest.raises(RefusedError, match="nothing proves who acts: say who with --by"):
        actor_of(argparse.Namespace(by=None), root)
    actor = actor_of(argparse.Namespace(by="legal@example.com"), root)
    assert actor == Actor(name="legal@example.com", vouched_by=None)
    assert "--by legal@example.com is recorded as typed, unproven" in capsys.readouterr().err
    with pytest.raises(HoldRefusedError):  # an ARN typed proves no role
        authorise(Actor(name=ROLE), (ROLE,), "v" * 64)


def test_an_erasure_request_is_answered_with_a_report(
    store: DynamoStore, policy_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "erasure.json"
    received = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    request = ["erasure", "zendesk-user:1", "--request-id", "er-7", "--received-at", received]
    request += ["--by", "dpo@example.com", "--policy", str(policy_file), "--out", str(out)]
    assert plaint(request) == 0
    report = json.loads(out.read_text())
    results = {f["complaint_id"]: f["result"] for f in report["findings"]}
    assert results == {"zendesk:1": "restricted", "zendesk:2": "restricted", "zendesk:4": "erased"}
    erased = store.complaint_entries("main", "zendesk:4")
    assert not erased[0].personal and erased[0].personal_digests
    # Who complained, and the key of the text's digest.
    assert verify(erased, [], {}).holds and verify(erased, [], {}).erased_values == 2
    assert "zendesk-user:1" not in out.read_text()
    assert "on time" in capsys.readouterr().out
    other = store.complaints_of("zendesk-user:2")
    assert [c.complaint_id for c in other] == ["zendesk:3"]


def _erasure_of(who: str, policy_file: Path) -> list[str]:
    received = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    return ["erasure", who, "--request-id", "er-9", "--received-at", received,
            "--by", "dpo@example.com", "--policy", str(policy_file)]  # fmt: skip


def _erasure_answers(store: DynamoStore) -> list[Any]:
    since, until = datetime.now(UTC) - timedelta(days=30), datetime.now(UTC) + timedelta(days=1)
    return [e for e in store.entries_between("main", since, until) if e.kind == "erasure.answered"]


def test_an_erasure_request_by_email_address_finds_the_email_complaints(
    store: DynamoStore, policy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from connectors.email.mapper import complainant_ref
    from plaint.policy.loading import load_policy

    clock = ManualClock(now=datetime.now(UTC) - timedelta(days=9))  # the store's clock
    handling = ComplaintHandling(store=store, policy=load_policy(policy_file), clock=clock)
    now = clock.now
    for n in (1, 2):  # as the email intake records its sender
        event = ticket_event(delivery_id=f"m-{n}", ticket_id=f"m-{n}", description=COMPLAINT,
                             complainant_ref=complainant_ref("ahmed@example.sa"),
                             created_at=now, occurred_at=now)  # fmt: skip
        assert handling.accept(event)
        handling.process(f"zendesk:m-{n}")
    assert plaint(_erasure_of("Ahmed@Example.SA", policy_file)) == 0
    out = capsys.readouterr().out
    assert "zendesk:m-1: restricted" in out and "zendesk:m-2: restricted" in out
    assert "no record names" not in out and "the email address ahmed@example.sa" in out
    assert len(_erasure_answers(store)) == 1


@pytest.mark.parametrize(
    ("who", "said"),
    [("ahmed", "names no complainant"), ("+994 50 123-45-67", "+994501234567"),
     ("zendesk:1", "is a complaint id")],
)  # fmt: skip
def test_an_identifier_not_understood_records_no_answer(
    store: DynamoStore, policy_file: Path, capsys: pytest.CaptureFixture[str], who: str, said: str
) -> None:
    assert plaint(_erasure_of(who, policy_file)) == 2
    out = capsys.readouterr().out
    assert said in out and "nothing recorded" in out and "on time" not in out
    assert _erasure_answers(store) == []

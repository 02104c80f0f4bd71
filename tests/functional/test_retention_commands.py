"""`plaint retention` and `plaint erasure` against DynamoDB (moto, tables from infra/):
holds set and released by a hold officer only, and an erasure request answered from the
by_complainant index, with its report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.main import main as plaint
from plaint.auditlog.verify import verify
from plaint.model.events import TicketEventKind
from plaint.usecases.handling import ComplaintHandling
from storage.dynamodb import DynamoStore
from tests.factories import DEFAULT_POLICY, ticket_event
from tests.fakes import ManualClock

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["retention"] = {"hold_officers": ["legal@example.com"]}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


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


def test_a_hold_officer_holds_and_releases_a_record(
    store: DynamoStore, policy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ["--policy", str(policy_file)]
    assert (
        plaint(["retention", "hold", "zendesk:1", "--reason", "claim", "--by", "agent@x", *policy])
        == 1
    )
    assert "not a hold officer" in capsys.readouterr().out
    assert plaint(["retention", "hold", "zendesk:1", "--reason", "Litigation", "--reference",
                   "Case 17", "--by", "legal@example.com", *policy]) == 0  # fmt: skip
    complaint = store.get_complaint("zendesk:1")
    assert complaint is not None and complaint.held
    assert plaint(["retention", "show", "zendesk:1", *policy]) == 0
    shown = capsys.readouterr().out
    assert "class standard" in shown and "Litigation (Case 17)" in shown and "active" in shown
    hold_id = complaint.holds[0].hold_id
    assert (
        plaint(["retention", "release", "zendesk:1", hold_id, "--by", "legal@example.com", *policy])
        == 0
    )
    released = store.get_complaint("zendesk:1")
    assert released is not None and not released.held


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

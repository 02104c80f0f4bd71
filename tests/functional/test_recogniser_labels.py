"""`plaint recogniser labels` against DynamoDB (moto, tables from infra/): agents' answers to
reviews exported as JSON Lines, without a word of any ticket, and nothing from a record whose
processing the complainant had restricted."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.main import main as plaint
from plaint.intake import reading as reading_module
from plaint.intake.labels import FIELDS
from plaint.intake.reception import description_digest
from plaint.model.events import FieldChange, TicketEventKind
from plaint.policy.loading import load_policy
from plaint.usecases.handling import ComplaintHandling
from storage.dynamodb import DynamoStore
from tests.factories import DEFAULT_POLICY, ticket_event
from tests.fakes import FakeRecogniser, ManualClock

TEXTS = {
    "1": "Where is my card? Ordered in March",
    "2": "Can I change the address on my account?",
    "3": "My statement shows a fee I do not understand",
    "4": "The branch was closed when it should be open",
}


@pytest.fixture
def store(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> DynamoStore:
    """Four possible complaints: one confirmed by tag, one dismissed by field, one settled by
    later words, one confirmed whose complainant then asked for erasure."""
    recogniser = FakeRecogniser(probability=0.4, cues=("request.question",))
    monkeypatch.setattr(reading_module, "recognise", recogniser)
    clock = ManualClock(now=datetime.now(UTC) - timedelta(days=10))
    dynamo = DynamoStore(aws["dynamodb"], clock=clock)
    handling = ComplaintHandling(store=dynamo, policy=load_policy(DEFAULT_POLICY), clock=clock)
    deliveries = 0

    def deliver(ticket: str, **event: Any) -> None:
        nonlocal deliveries
        deliveries += 1
        fields = {"delivery_id": f"d-{deliveries}", "ticket_id": ticket,
                  "created_at": clock.now, "occurred_at": clock.now,
                  "complainant_ref": f"zendesk-user:{ticket}"} | event  # fmt: skip
        assert handling.accept(ticket_event(**fields))
        handling.process(f"zendesk:d-{deliveries}")

    for ticket, text in TEXTS.items():
        deliver(ticket, description=text)
    clock.advance(hours=2)
    update = {"kind": TicketEventKind.UPDATED, "actor": "zendesk-user:900"}
    deliver("1", tags=("possible_complaint", "complaint_confirmed"), **update)
    deliver("2", changes=(FieldChange(field="complaint_review", after="Dismissed"),), **update)
    recogniser.probability = 0.95
    deliver("3", kind=TicketEventKind.COMMENT_ADDED, description="This is not acceptable")
    deliver("4", tags=("complaint_confirmed",), **update)
    clock.advance(hours=1)
    handling.answer_erasure("zendesk-user:4", "er-1", clock.now)
    return dynamo


def labels(tmp_path: Path, *options: str) -> list[dict[str, Any]]:
    out = tmp_path / "labels.jsonl"
    since = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    assert plaint(["recogniser", "labels", "--since", since, "--out", str(out), *options]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_answers_are_exported_as_labels_with_what_the_recogniser_said(
    store: DynamoStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = labels(tmp_path)
    assert [(r["ticket_id"], r["label"], r["labelled_by"], r["via"]) for r in rows] == [
        ("1", "complaint", "agent", "tag"),
        ("2", "not_complaint", "agent", "field"),
        ("3", "complaint", "assessment", "assessment"),
    ]
    first = rows[0]
    assert list(first) == list(FIELDS)
    assert (first["source"], first["complaint_id"]) == ("zendesk", "zendesk:1")
    assert (first["model_version"], first["score"], first["language"]) == (
        "sha256:fake-model", 0.4, "en",
    )  # fmt: skip
    assert (first["complaint_threshold"], first["review_threshold"]) == (0.5, 0.3)
    assert first["text_source"] == "ticket"
    # A training job checks the text it fetches with the key; without it, a guess confirms
    # nothing.
    assert first["text_digest"] == description_digest(first["text_key"], TEXTS["1"])
    assert first["text_digest"] != "sha256:" + hashlib.sha256(TEXTS["1"].encode()).hexdigest()
    entry = store.complaint_entries("main", "zendesk:1")
    assert first["entry"]["hash"] in {e.hash for e in entry}
    exported = json.dumps(rows, ensure_ascii=False)
    assert not any(text in exported for text in TEXTS.values())
    assert "zendesk-user:900" not in exported  # who answered stays in the log, not the data
    report = capsys.readouterr().err
    assert "3 label(s) written" in report
    assert "1 processing restricted at the complainant's request" in report


def test_agents_only_leaves_out_reviews_settled_by_later_words(
    store: DynamoStore, tmp_path: Path
) -> None:
    rows = labels(tmp_path, "--agents-only")
    assert [r["ticket_id"] for r in rows] == ["1", "2"]


def test_a_period_with_no_answers_gives_an_empty_file(store: DynamoStore, tmp_path: Path) -> None:
    out = tmp_path / "none.jsonl"
    since = (datetime.now(UTC) - timedelta(days=90)).isoformat()
    until = (datetime.now(UTC) - timedelta(days=60)).isoformat()
    assert plaint(["recogniser", "labels", "--since", since, "--until", until,
                   "--out", str(out)]) == 0  # fmt: skip
    assert out.read_text(encoding="utf-8") == ""


def test_a_reversed_period_is_refused(store: DynamoStore, capsys: Any) -> None:
    now = datetime.now(UTC)
    since, until = now.isoformat(), (now - timedelta(days=1)).isoformat()
    assert plaint(["recogniser", "labels", "--since", since, "--until", until]) == 2
    assert "--until must be after --since" in capsys.readouterr().err

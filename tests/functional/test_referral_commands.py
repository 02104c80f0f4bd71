"""`plaint referral` against DynamoDB (moto, tables from infra/): an agent offers the
referral, and each step of its life is recorded, out-of-order steps refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.main import main as plaint
from plaint.model.complaint import ReferralStage
from plaint.policy.loading import load_policy
from plaint.usecases.handling import ComplaintHandling
from storage.dynamodb import DynamoStore
from tests.factories import DEFAULT_POLICY, ticket_event
from tests.fakes import ManualClock

PROVIDER = {
    "id": "bank-ombudsman", "kind": "ombudsman", "name": "Bank Ombudsman",
    "names": {"az": "Bank Ombudsmanı"}, "website": "https://bankombudsman.az",
    "method": "manual", "eligibility": {"monetary_cap": {"amount": "10000", "currency": "USD"}},
    "wording": {lang: "{provider_name} ({provider_website}): {reference}"
                for lang in ("az", "en", "ru", "tr", "ar", "fa")},
}  # fmt: skip


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["escalation"] = {"providers": [PROVIDER]}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def store(aws: dict[str, Any], policy_file: Path) -> DynamoStore:
    clock = ManualClock(now=datetime.now(UTC) - timedelta(days=3))
    dynamo = DynamoStore(aws["dynamodb"], clock=clock)
    handling = ComplaintHandling(store=dynamo, policy=load_policy(policy_file), clock=clock)
    event = ticket_event(description="Pulumu iki dəfə çıxıblar, şikayət edirəm",
                         created_at=clock.now, occurred_at=clock.now)  # fmt: skip
    assert handling.accept(event)
    handling.process("zendesk:d-1")
    return dynamo


def test_an_agent_offers_a_referral_and_records_its_life(
    store: DynamoStore, policy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ["--policy", str(policy_file)]
    by = ["--by", "agent@example.com"]
    over = ["--amount", "12000", "--currency", "usd"]
    assert plaint(["referral", "offer", "zendesk:101", *by, *over, *policy]) == 0
    assert "referral.offered" in capsys.readouterr().out
    complaint = store.get_complaint("zendesk:101")
    assert complaint is not None
    (referral,) = complaint.referrals
    assert referral.stage is ReferralStage.INELIGIBLE and "10000 USD" in referral.reasons[0]
    # The claim, once given, stays with the complaint; corrected, the referral is eligible.
    under = ["--amount", "9000", "--currency", "USD"]
    assert plaint(["referral", "offer", "zendesk:101", *by, *under, *policy]) == 0
    referral_id = store.get_complaint("zendesk:101").referrals[-1].referral_id  # type: ignore[union-attr]
    step = ["referral", "step", "zendesk:101", referral_id]
    assert plaint([*step, "decided", "--outcome", "settled", *by, *policy]) == 1
    assert "cannot be decided next" in capsys.readouterr().out
    for stage in ("acknowledged", "responded"):
        assert plaint([*step, stage, *by, *policy]) == 0
    assert plaint([*step, "decided", "--outcome", "settled", *by, *policy]) == 0
    assert plaint(["referral", "show", "zendesk:101", *policy]) == 0
    shown = capsys.readouterr().out
    assert f"{referral_id}: bank-ombudsman, decided" in shown and "outcome settled" in shown

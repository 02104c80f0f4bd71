"""Publishing a policy to a running system, and the admin's clock recalculation, through
the `plaint` command line and the real Chalice handlers on moto: a valid policy replaces
the one judged by; an invalid or tampered one never does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.main import main
from devstack.send_webhook import sample_event
from plaint.policy.loading import load_policy
from storage.dynamodb import DynamoStore
from tests.conftest import ledger_entries
from tests.factories import DEFAULT_POLICY, ROOT, decided_pack
from tests.functional.test_worker_and_sweep import deliver, run_worker

UK_PACK = ROOT / "policies" / "uk-fca-disp.json"


@pytest.fixture
def uk_pack(tmp_path: Path) -> Path:
    """The UK pack with its approver decided, as an admin proposes it."""
    path = tmp_path / "uk-fca-disp.json"
    path.write_text(decided_pack("uk-fca-disp"), "utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()  # what the functions printed before (their JSON logs) is not the command's
    code = main(list(args))
    return code, capsys.readouterr().out


def publish(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Proposed by one person, approved by another."""
    code, out = run(capsys, "policy", "propose", str(path), "--by", "ops@example.com")
    if code != 0:
        return code, out
    version = load_policy(path).version[:12]
    return run(capsys, "policy", "approve", version, "--by", "head.of.complaints@example.com")


def test_a_valid_policy_is_published_and_judged_by(
    uk_pack: Path, functions: Any, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = publish(uk_pack, capsys)
    assert code == 0 and "replacing the packaged policy" in out
    store = DynamoStore(aws["dynamodb"])
    active = store.active_policy()
    assert active is not None and active[0] == load_policy(uk_pack).version
    run_worker(functions, deliver(functions, aws, sample_event(ticket_id=7001)))
    complaint = store.get_complaint("zendesk:7001")
    assert complaint is not None and complaint.policy_version == active[0]
    assert complaint.regime == "uk-disp" and complaint.clocks
    assert complaint.jurisdiction == "GB"
    again = run(capsys, "policy", "propose", str(uk_pack), "--by", "ops@example.com")
    assert again == (1, f"not proposed: {active[0][:12]} is already the active policy\n")


def test_publication_takes_two_people_and_is_recorded(
    uk_pack: Path, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    version = load_policy(uk_pack).version
    code, out = run(capsys, "policy", "publish", str(uk_pack), "--by", "ops@example.com")
    assert code == 1 and "plaint policy propose" in out and "plaint policy approve" in out

    assert run(capsys, "policy", "propose", str(uk_pack), "--by", "ops@example.com")[0] == 0
    code, out = run(capsys, "policy", "approve", version[:12], "--by", "OPS@example.com")
    assert code == 1 and "another person must approve it" in out
    code, out = run(capsys, "policy", "approve", "0" * 12, "--by", "head@example.com")
    assert code == 1 and "no policy 000000000000 was proposed" in out
    assert DynamoStore(aws["dynamodb"]).active_policy() is None

    assert run(capsys, "policy", "approve", version[:12], "--by", "head@example.com")[0] == 0
    code, out = run(capsys, "policy", "history")
    assert code == 0 and f"{version[:12]}" in out and "[active]" in out
    assert "proposed" in out and "by ops@example.com" in out and "by head@example.com" in out
    store = DynamoStore(aws["dynamodb"])
    kinds = [e.kind for e in ledger_entries(store)]
    assert kinds == ["policy.proposed", "policy.published"]


def test_a_proposal_is_withdrawn_from_the_command_line(
    uk_pack: Path, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    version = load_policy(uk_pack).version[:12]
    assert run(capsys, "policy", "propose", str(uk_pack), "--by", "ops@example.com")[0] == 0
    code, out = run(capsys, "policy", "withdraw", version, "--by", "head@example.com")
    assert code == 1 and "only they or an admin may withdraw it" in out
    code, out = run(capsys, "policy", "withdraw", version, "--by", "head@example.com",
                    "--admin", "--reason", "not yet")  # fmt: skip
    assert code == 0 and f"withdrew {version}" in out
    code, out = run(capsys, "policy", "approve", version, "--by", "head@example.com")
    assert code == 1 and "awaits no approval: withdrawn by head@example.com" in out
    code, out = run(capsys, "policy", "history")
    assert "[withdrawn]" in out and "withdrawn" in out.splitlines()[-1]
    store = DynamoStore(aws["dynamodb"])
    kinds = [e.kind for e in ledger_entries(store)]
    assert kinds == ["policy.proposed", "policy.withdrawn"] and store.active_policy() is None


def test_an_invalid_policy_is_refused_at_proposal(
    aws: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = json.loads(DEFAULT_POLICY.read_text("utf-8"))
    broken["acknowledgement"]["calendar"] = "nowhere"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, indent=2), "utf-8")
    code, out = publish(path, capsys)
    assert code == 1 and "invalid, nothing proposed" in out
    assert "acknowledgement.calendar" in out and "unknown calendar 'nowhere'" in out
    assert DynamoStore(aws["dynamodb"]).active_policy() is None
    assert DynamoStore(aws["dynamodb"]).policy_records() == []


def test_a_running_system_keeps_its_valid_policy_when_a_bad_one_is_published(
    functions: Any, aws: Any, caplog: pytest.LogCaptureFixture
) -> None:
    store = DynamoStore(aws["dynamodb"])
    packaged = load_policy(DEFAULT_POLICY).version
    # Written past the command line: not JSON a policy can be made of.
    store.publish_policy("f" * 64, '{"name": "half a policy"', None)
    run_worker(functions, deliver(functions, aws, sample_event(ticket_id=7002)))
    complaint = store.get_complaint("zendesk:7002")
    assert complaint is not None and complaint.policy_version == packaged
    assert "refused, still judging by" in caplog.text


def test_a_published_document_that_does_not_match_its_version_is_refused(
    functions: Any, aws: Any
) -> None:
    store = DynamoStore(aws["dynamodb"])
    uk = load_policy(UK_PACK)
    tampered = UK_PACK.read_text("utf-8").replace('"amount": 8', '"amount": 9')
    store.publish_policy(uk.version, tampered, None)
    run_worker(functions, deliver(functions, aws, sample_event(ticket_id=7003)))
    complaint = store.get_complaint("zendesk:7003")
    assert complaint is not None
    assert complaint.policy_version == load_policy(DEFAULT_POLICY).version


def test_recalculation_shows_before_and_after_and_records_only_when_applied(
    uk_pack: Path, functions: Any, aws: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(uk_pack, capsys)
    run_worker(functions, deliver(functions, aws, sample_event(ticket_id=7004)))
    store = DynamoStore(aws["dynamodb"])
    before = store.get_complaint("zendesk:7004")
    assert before is not None
    longer = json.loads(uk_pack.read_text("utf-8"))
    longer["regimes"][0]["clocks"][1]["within"] = {"amount": 10, "unit": "weeks"}
    path = tmp_path / "ten-weeks.json"
    path.write_text(json.dumps(longer), "utf-8")
    args = ["clocks", "recalculate", "zendesk:7004", "--policy", str(path),
            "--by", "head.of.complaints@example.com", "--reason", "error corrected"]  # fmt: skip
    assert main(args) == 0
    dry = capsys.readouterr().out
    assert "final_response:" in dry and "nothing written" in dry
    assert store.get_complaint("zendesk:7004") == before
    assert main([*args, "--apply"]) == 0
    assert "recorded in the audit log" in capsys.readouterr().out
    after = store.get_complaint("zendesk:7004")
    assert after is not None and after.clocks_policy_version == load_policy(path).version
    old = next(c for c in before.clocks if c.clock_id == "final_response")
    new = next(c for c in after.clocks if c.clock_id == "final_response")
    assert old.due_at and new.due_at and (new.due_at - old.due_at).days == 14
    entry = ledger_entries(store)[-1]
    assert entry.kind == "clocks.recalculated"
    assert entry.detail["requested_by"] == "head.of.complaints@example.com"
    assert entry.detail["clocks"][0]["before"]["due_at"] is not None


def test_a_pack_overlay_next_to_its_base_is_proposed_as_its_effective_policy(
    aws: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = json.loads(DEFAULT_POLICY.read_text("utf-8"))
    (tmp_path / "ours.json").write_text(json.dumps(base | {"name": "Our base"}), "utf-8")
    overlay = tmp_path / "acme.json"
    overlay.write_text(json.dumps({"extends": "ours.json", "name": "Acme"}), "utf-8")
    code, out = publish(overlay, capsys)
    assert code == 0, out
    active = DynamoStore(aws["dynamodb"]).active_policy()
    assert active is not None and active[0] == load_policy(overlay).version
    kept = json.loads(active[1])
    assert "extends" not in kept and kept["name"] == "Acme"
    assert [layer["file"] for layer in kept["composed_from"]] == ["ours.json", "acme.json"]


def test_a_policy_still_to_decide_is_not_proposed_naming_each_field_and_line(
    aws: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "acme.json"
    overlay.write_text(json.dumps({
        "extends": "uk-fca-disp",
        "approved_by": "REPLACE: the approver's name and role",
        "description": "REPLACE: what this policy is for",
    }, indent=2), "utf-8")  # fmt: skip
    code, out = run(capsys, "policy", "propose", str(overlay), "--by", "ops@example.com")
    assert code == 1
    assert out.splitlines() == [
        f"{overlay}: 2 value(s) still to decide, nothing proposed",
        "  description (acme.json line 4): still to decide: what this policy is for",
        "  approved_by (acme.json line 3): still to decide: the approver's name and role",
    ]
    assert DynamoStore(aws["dynamodb"]).policy_records() == []


def test_a_pack_as_shipped_waits_for_its_approver_to_be_decided(
    aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "policy", "propose", str(UK_PACK), "--by", "ops@example.com")
    line = next(n for n, row in enumerate(UK_PACK.read_text("utf-8").splitlines(), 1)
                if '"approved_by"' in row)  # fmt: skip
    assert code == 1 and out.splitlines() == [
        f"{UK_PACK}: 1 value(s) still to decide, nothing proposed",
        f"  approved_by (uk-fca-disp.json line {line}): still to decide: the approver's name "
        "and role",
    ]

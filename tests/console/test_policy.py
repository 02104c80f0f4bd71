"""`plaint policy check` and `plaint policy diff`, as an admin runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.policy import main
from tests.factories import DEFAULT_POLICY


def write(tmp_path: Path, name: str, document: dict[str, object]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return str(path)


def default_document() -> dict[str, object]:
    return json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_check_passes_a_valid_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", str(DEFAULT_POLICY)]) == 0
    assert "valid, version" in capsys.readouterr().out


def test_check_lists_every_problem_of_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = default_document()
    document["acknowledgement"]["calendar"] = "nowhere"  # type: ignore[index]
    document["acknowledgement"]["within"]["amount"] = 0  # type: ignore[index]
    broken = write(tmp_path, "broken.json", document)
    missing = str(tmp_path / "missing.json")
    assert main(["policy", "check", broken, str(DEFAULT_POLICY), missing]) == 1
    out = capsys.readouterr().out
    assert f"{broken}: 1 problem(s)" in out  # structure first; references once it parses
    assert "acknowledgement.within.amount (line " in out
    assert f"{missing}: cannot read" in out


def test_diff_names_what_changes_rule_by_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = default_document()
    document["acknowledgement"]["within"]["amount"] = 2  # type: ignore[index]
    rules = document["rules"]
    assert isinstance(rules, list)
    rules[0]["then"]["severity"] = "high"
    rules[4], rules[5] = rules[5], rules[4]
    rules.append({"id": "late-refund", "when": {"any_keywords": ["late refund"]},
                  "then": {"category": "billing"}})  # fmt: skip
    new = write(tmp_path, "new.json", document)
    assert main(["policy", "diff", str(DEFAULT_POLICY), new]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "~ acknowledgement.within.amount: 1 -> 2" in lines
    assert '~ rules[id=safety-hazard].then.severity: "critical" -> "high"' in lines
    assert any(line.startswith("+ rules[id=late-refund]: ") for line in lines)
    assert "~ rules: order changed (rules are read in order)" in lines
    assert not any(line.startswith("- ") for line in lines)


def test_diff_of_identical_policies_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "diff", str(DEFAULT_POLICY), str(DEFAULT_POLICY)]) == 0
    assert "no change" in capsys.readouterr().out


def test_diff_names_a_changed_clock_by_regime_and_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uk = DEFAULT_POLICY.parent / "uk-fca-disp.json"
    changed = json.loads(uk.read_text("utf-8"))
    changed["regimes"][1]["clocks"][1]["extension"]["to"]["amount"] = 30
    new = tmp_path / "new.json"
    new.write_text(json.dumps(changed), "utf-8")
    assert main(["policy", "diff", str(uk), str(new)]) == 1
    out = capsys.readouterr().out
    assert (
        "~ regimes[id=uk-disp-payments].clocks[id=final_response].extension.to.amount: 35 -> 30"
        in out
    )
    assert "deadlines of complaints already received stay frozen" in out


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p["regimes"][0].update(calendar="nowhere"), "regimes[0].calendar"),
        (
            lambda p: p["regimes"][0]["clocks"][1].update(discharged_by=["no_such_clock"]),
            "unknown clock of regime 'uk-disp' 'no_such_clock'",
        ),
        (
            lambda p: p["regimes"][0]["clocks"][1].update(pause_on_statuses=["pending"]),
            "a regulatory clock cannot pause",
        ),
        (lambda p: p["regimes"][0]["clocks"][1]["within"].update(amount=0), "greater than 0"),
        (lambda p: p["defaults"].update(regime="nowhere"), "unknown regime 'nowhere'"),
        (
            lambda p: p["regimes"][1]["clocks"][1]["extension"]["to"].update(amount=10),
            "an extension must allow more than `within`",
        ),
    ],
)
def test_check_explains_regime_mistakes(
    change: Any, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = json.loads((DEFAULT_POLICY.parent / "uk-fca-disp.json").read_text("utf-8"))
    change(policy)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy, indent=2), "utf-8")
    assert main(["policy", "check", str(path)]) == 1
    assert problem in capsys.readouterr().out

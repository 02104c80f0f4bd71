"""`plaint policy check|show|init` with packs: the effective policy, where each value came
from, a complete policy from a pack, and the values still to decide as warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.policy import main
from plaint.policy.loading import load_policy
from tests.factories import ROOT

UK = ROOT / "policies" / "uk-fca-disp.json"


def test_check_warns_of_each_value_still_to_decide_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "acme.json"
    overlay.write_text(json.dumps({
        "extends": "uk-fca-disp", "approved_by": "REPLACE: the approver's name and role",
    }, indent=2), "utf-8")  # fmt: skip
    assert main(["policy", "check", str(overlay)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{overlay}: valid, version ")
    assert lines[1:] == [
        "  warning: approved_by (acme.json line 3): still to decide: the approver's name and role"
    ]


def test_check_names_the_file_and_line_of_a_problem_in_a_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "acme.json"
    overlay.write_text('{\n  "extends": "uk-fca-disp",\n  "defaults": {"regime": "nope"}\n}\n')
    assert main(["policy", "check", str(overlay)]) == 1
    out = capsys.readouterr().out
    assert "defaults.regime (acme.json line 3): unknown regime 'nope'" in out


def test_show_annotates_each_value_with_its_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "show", str(UK)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("# files, base first: default.json (")
    assert 'default_language = "en"    # uk-fca-disp.json line ' in "\n".join(out)
    rules = [line for line in out if line.startswith("rules[0].id = ")]
    assert rules == [rules[0]] and "# default.json line " in rules[0]
    assert any(line.startswith("escalation.providers[0].name = \"Financial Ombudsman Service\"")
               for line in out)  # fmt: skip


def test_show_json_gives_the_effective_policy_and_the_origins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "show", str(UK), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["policy"]["languages"] == list(load_policy(UK).languages)
    assert shown["origins"]["acknowledgement.templates.ar"].startswith("default.json line ")
    assert shown["origins"]["regimes[0].id"].startswith("uk-fca-disp.json line ")


def test_init_writes_a_complete_policy_that_checks_with_only_its_decisions_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "policy.json"
    assert main([
        "policy", "init", "--jurisdiction", "uk-fca-disp", "--languages", "en,ar,de",
        "--opens", "08:30", "--closes", "18:00", "--timezone", "Europe/London",
        "--out", str(out),
    ]) == 0  # fmt: skip
    capsys.readouterr()
    policy = load_policy(out)
    assert policy.languages == ("en", "ar", "de") and policy.default_language == "en"
    calendar = policy.calendar(policy.acknowledgement.calendar)
    assert (str(calendar.working_hours.opens), str(calendar.working_hours.closes)) == (
        "08:30:00", "18:00:00")  # fmt: skip
    assert calendar.timezone == "Europe/London"
    assert policy.escalation.providers[0].name == "Financial Ombudsman Service"
    assert main(["policy", "check", str(out)]) == 0
    warnings = capsys.readouterr().out.splitlines()[1:]
    # Not known to the pack: who approves, and the texts in German.
    assert [w.split(" (")[0].strip() for w in warnings] == [
        "warning: approved_by",
        "warning: acknowledgement.templates.de",
        "warning: escalation.providers[0].wording.de",
    ]


def test_init_takes_the_approver_from_its_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "policy.json"
    args = ["policy", "init", "--jurisdiction", "ae-cbuae", "--languages", "ar,en"]
    assert main([*args, "--approver", "Layla Haddad, Head of Complaints", "--out", str(out)]) == 0
    assert "to decide: approved_by" not in capsys.readouterr().out
    assert load_policy(out).approved_by == "Layla Haddad, Head of Complaints"


def test_init_asks_for_the_approver_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def answer(prompt: str) -> str:
        asked.append(prompt)
        return "Aysel Mammadova"

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    out = tmp_path / "policy.json"
    assert main(["policy", "init", "--jurisdiction", "az-cbar", "--languages", "az,ru",
                 "--out", str(out)]) == 0  # fmt: skip
    assert asked == ["Who approves this policy (name and role)? "]
    assert load_policy(out).approved_by == "Aysel Mammadova"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["policy", "init", "--jurisdiction", "az-cbar", "--languages", "az",
                 "--out", str(out)]) == 0  # fmt: skip
    assert len(asked) == 1 and "to decide: approved_by" in capsys.readouterr().out

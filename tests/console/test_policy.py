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
    assert f"{broken}: 2 problem(s)" in out  # the wrong value and the reference together
    assert "acknowledgement.within.amount (line " in out
    assert "acknowledgement.calendar (line " in out and "unknown calendar 'nowhere'" in out
    assert f"{missing}: cannot read" in out


def test_check_lists_type_errors_and_references_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = default_document()
    rules: Any = document["rules"]
    rules[1]["then"]["is_complaint"] = "perhaps"  # a type error
    rules[2]["when"] = "anything"  # a whole section of the wrong shape
    rules[4]["id"] = rules[3]["id"]  # a rule id used twice, after the items set aside
    document["acknowledgement"]["within"]["amount"] = "two"  # type: ignore[index]
    document["acknowledgement"]["calendar"] = "nowhere"  # type: ignore[index]
    broken = write(tmp_path, "broken.json", document)
    text = Path(broken).read_text("utf-8")
    assert main(["policy", "check", broken]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{broken}: 5 problem(s)"

    def where(path: str, marker: str) -> str:
        return f"{path} (line {line_of_text(text, marker)})"

    expected = [
        where("rules[1].then.is_complaint", '"perhaps"'),
        where("rules[2].when", '"anything"'),
        where("acknowledgement.within.amount", '"two"'),
        where("acknowledgement.calendar", '"nowhere"'),
        # The id is written on the line above the description.
        f"rules[4].id (line {line_of_text(text, rules[4]['description']) - 1})",
    ]
    for prefix in expected:
        assert any(line.strip().startswith(prefix) for line in out[1:]), (prefix, out)
    assert any("unknown calendar 'nowhere'" in line for line in out)
    assert any("already used by rules[3]" in line for line in out)


def line_of_text(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_check_reports_no_reference_to_a_part_set_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A calendar of the wrong shape is set aside; the acknowledgement naming it is not
    reported as naming an unknown calendar."""
    document = default_document()
    document["calendars"][0]["weekend"] = "saturday"  # type: ignore[index]
    broken = write(tmp_path, "broken.json", document)
    assert main(["policy", "check", broken]) == 1
    out = capsys.readouterr().out
    assert f"{broken}: 1 problem(s)" in out and "calendars[0].weekend (line " in out
    assert "unknown calendar" not in out


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


def checked(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What `plaint policy check` says of a file: its problems, one a line."""
    path = tmp_path / "policy.json"
    path.write_bytes(content)
    assert main(["policy", "check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("problem(s)")
    return [line.strip() for line in lines[1:]]


def line_of(content: bytes, marker: str) -> int:
    return content[: content.index(marker.encode())].count(b"\n") + 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["calendars"][0].update(holidays_country="ZZ"),
            ("calendars[0].holidays_country", '"holidays_country"', "unknown country 'ZZ'"),
        ),
        (
            lambda d: d["calendars"][0].update(holidays_subdivision="XX"),
            (
                "calendars[0].holidays_subdivision",
                '"holidays_subdivision"',
                "AZ has no subdivision",
            ),
        ),
        (
            lambda d: d["acknowledgement"]["templates"].update(en="Ref {reference:>300000000}"),
            ("acknowledgement.templates.en", '"Ref {', "placeholder {reference:>300000000} must"),
        ),
        (
            lambda d: d["rules"][0]["when"]["any_keywords"].insert(3, ""),
            ("rules[0].when.any_keywords[3]", '""', "an empty keyword matches every ticket"),
        ),
        (
            lambda d: d["rules"][1]["when"]["any_keywords"].append("\u200b "),
            ("rules[1].when.any_keywords[21]", '"\u200b ', "an empty keyword matches every"),
        ),
        (
            lambda d: d["calendars"][0]["working_hours"].update(opens=9),
            ("calendars[0].working_hours.opens", '"opens"', "must be a local time"),
        ),
        (
            lambda d: d["calendars"][0]["working_hours"].update(closes="18:00+04:00"),
            ("calendars[0].working_hours.closes", '"closes"', "must be a local time"),
        ),
    ],
)
def test_check_refuses_what_would_break_the_worker_naming_path_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Any,
    expected: tuple[str, str, str],
) -> None:
    document = default_document()
    change(document)
    content = json.dumps(document, indent=2, ensure_ascii=False).encode()
    [problem] = checked(tmp_path, content, capsys)
    path, marker, message = expected
    assert problem.startswith(f"{path} (line {line_of(content, marker)}): {message}"), problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NaN", "acknowledgement.within.amount (line 5): NaN is not a JSON number"),
        ("-Infinity", "acknowledgement.within.amount (line 5): -Infinity is not a JSON number"),
        ("1e400", "acknowledgement.within.amount (line 5): 1e400 is too large for a number"),
        ("9" * 5000, "acknowledgement.within.amount (line 5): a number of 5000 digits"),
        ("[" * 100_000 + "]" * 100_000, "line 5, column 55: nested deeper than 32 levels"),
    ],
)
def test_check_refuses_what_is_not_plain_json_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: str, expected: str
) -> None:
    content = (
        '{\n  "name": "x",\n  "acknowledgement": {\n    "calendar": "c",\n'
        f'    "within": {{"amount": {raw}, "unit": "business_days"}}\n  }}\n}}\n'
    )
    [problem] = checked(tmp_path, content.encode(), capsys)
    assert problem.startswith(expected), problem


def test_check_refuses_a_file_that_is_not_utf8_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = DEFAULT_POLICY.read_bytes().replace(b"Baku", b"Bak\xff", 1)
    [problem] = checked(tmp_path, content, capsys)
    assert problem.startswith(f"line {line_of(content, 'Bak')}, byte ")
    assert "not UTF-8" in problem

"""The policy document: its schema stays generated, and every problem is reported with its
path and line."""

from __future__ import annotations

import json

import pytest

from plaint.policy.loading import parse_policy
from plaint.policy.schema import SCHEMA_PATH, rendered_schema
from plaint.vocabulary.errors import PolicyError
from tests.factories import DEFAULT_POLICY, default_policy


def test_schema_file_is_generated_from_the_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == rendered_schema(), (
        "policies/schema.json is stale: run `make schema`"
    )


def test_version_is_a_content_hash_insensitive_to_layout() -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    compact = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    assert parse_policy(compact).version == default_policy().version
    changed = json.loads(text)
    changed["acknowledgement"]["within"]["amount"] = 2
    assert parse_policy(json.dumps(changed)).version != default_policy().version


def problems(document: dict[str, object]) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(json.dumps(document, indent=2, ensure_ascii=False))
    return caught.value.problems


def test_every_structural_problem_is_reported_at_once_with_its_line() -> None:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["acknowledgement"]["within"]["amount"] = 0
    document["calendars"][0]["timezone"] = "Asia/Bakuu"
    document["rules"][2]["when"] = {}
    found = problems(document)
    assert len(found) == 3
    assert found[0].startswith("calendars[0].timezone (line ")
    assert found[0].endswith("unknown time zone 'Asia/Bakuu' (use an IANA name such as Asia/Baku)")
    assert any(p.startswith("rules[2].when (line ") for p in found)
    assert any(p.startswith("acknowledgement.within.amount (line ") for p in found)


def test_reference_problems_name_what_is_missing() -> None:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["acknowledgement"]["calendar"] = "head-office"
    document["rules"][1]["id"] = document["rules"][0]["id"]
    document["acknowledgement"]["templates"]["az"] = "Salam {customer}"
    del document["acknowledgement"]["templates"]["fa"]
    found = problems(document)
    assert any("unknown calendar 'head-office'" in p for p in found)
    assert any(
        p.startswith("rules[1].id (line ") and "already used by rules[0]" in p for p in found
    )
    assert any("templates.az" in p and "{customer}" in p for p in found)
    assert any("no text for language 'fa'" in p for p in found)


def test_broken_json_names_line_and_column() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy('{\n  "name": "x",\n  "rules": [\n}')
    assert caught.value.problems == ["line 4, column 1: Expecting value"]


def test_line_numbers_point_at_the_offending_value() -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8").replace(
        '"closes": "18:00"', '"closes": "08:00"'
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    [problem] = caught.value.problems
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"closes": "08:00"' in row)
    assert problem.startswith(f"calendars[0].working_hours (line {line})")

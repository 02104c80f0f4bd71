"""Packs that compose: a pack extends a base; the effective policy keeps the base's rules,
languages and texts and adds the regime's; problems name the file and line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from plaint.intake.reception import receive
from plaint.model.events import Channel
from plaint.policy.composition import compose_file, undecided
from plaint.policy.letters import LetterPack
from plaint.policy.loading import load_policy, parse_policy
from plaint.policy.schema import policy_schema
from plaint.vocabulary.errors import PolicyError
from tests.factories import DEFAULT_POLICY, ROOT, ticket_event

PACKS = sorted(p for p in (ROOT / "policies").glob("*.json") if p.stem not in ("schema", "default"))


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_every_pack_extends_the_default_and_keeps_its_rules_and_languages(path: Path) -> None:
    base = load_policy(DEFAULT_POLICY)
    pack = load_policy(path)
    assert json.loads(path.read_text("utf-8"))["extends"] == "default.json"
    assert set(base.languages) <= set(pack.languages)
    assert [r.id for r in pack.rules][: len(base.rules)] == [r.id for r in base.rules]
    for language in base.languages:
        assert pack.acknowledgement.templates[language]
    # Complete: providers every regime names, its retention classes, and what it cites.
    assert pack.escalation.providers and pack.sources
    assert all(r.providers for r in pack.regimes)
    assert pack.retention.classes[-1].source
    assert [layer.file for layer in pack.composed_from] == ["default.json", path.name]
    # Never published as shipped: who approves is the admin's to decide.
    assert any(v.startswith("approved_by (") for v in undecided(compose_file(path)))


def test_an_arabic_email_complaint_under_the_uk_pack_is_acknowledged_in_arabic() -> None:
    policy = load_policy(ROOT / "policies" / "uk-fca-disp.json")
    event = ticket_event(
        channel=Channel.EMAIL,
        subject="شكوى بخصوص حسابي",
        description="لدي شكوى: تم خصم مبلغ من حسابي مرتين ولم يتم رده حتى الآن.",
    )
    decision = receive(event, None, policy, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    [acknowledgement] = [a for a in decision.new_actions if a.kind == "acknowledge"]
    assert acknowledgement.language == "ar"
    assert acknowledgement.comment is not None
    assert acknowledgement.comment.startswith(policy.acknowledgement.templates["ar"][:10])


def test_objects_merge_by_key_lists_by_id_or_as_a_union(tmp_path: Path) -> None:
    write(tmp_path, "base.json", json.loads(DEFAULT_POLICY.read_text("utf-8")))
    rule = {"id": "billing", "when": {"any_keywords": ["invoice"]}, "then": {"category": "billing"}}
    overlay = write(tmp_path, "pack.json", {
        "extends": "base.json", "name": "Pack", "languages": ["en", "de"],
        "acknowledgement": {"templates": {"de": "Danke. Referenz {reference}."}},
        "rules": [rule, {"id": "new-rule", "when": {"any_tags": ["x"]},
                         "then": {"severity": "high"}}],
    })  # fmt: skip
    base, composed = load_policy(DEFAULT_POLICY), compose_file(overlay)
    policy = load_policy(overlay)
    assert policy.name == "Pack"
    assert policy.languages == (*base.languages, "de")
    assert policy.acknowledgement.templates["az"] == base.acknowledgement.templates["az"]
    ids = [r.id for r in policy.rules]
    assert ids == [*(r.id for r in base.rules), "new-rule"]
    assert policy.rules[ids.index("billing")].when.any_keywords == ("invoice",)
    assert policy.acknowledgement.within == base.acknowledgement.within
    billing = ("rules", ids.index("billing"), "when", "any_keywords", 0)
    assert composed.origins[billing].startswith("pack.json line ")
    assert composed.origins[("acknowledgement", "within")].startswith("base.json line ")


def test_a_problem_of_the_effective_policy_names_the_file_and_line(tmp_path: Path) -> None:
    overlay = write(tmp_path, "pack.json", {
        "extends": "default.json", "acknowledgement": {"calendar": "nowhere"},
        "calendars": [{"id": "x", "timezone": "Mars/Olympus",
                       "working_hours": {"opens": "09:00", "closes": "17:00"}}],
    })  # fmt: skip
    with pytest.raises(PolicyError) as caught:
        load_policy(overlay)
    problems = "\n".join(caught.value.problems)
    assert "calendars[1].timezone (pack.json line 9): unknown time zone 'Mars/Olympus'" in problems


def test_a_missing_base_a_cycle_and_a_conflict_are_named(tmp_path: Path) -> None:
    missing = write(tmp_path, "a.json", {"name": "A", "extends": "nowhere.json"})
    with pytest.raises(PolicyError, match=r"extends \(a.json line 3\): no policy 'nowhere.json'"):
        load_policy(missing)
    write(tmp_path, "b.json", {"extends": "c.json"})
    write(tmp_path, "c.json", {"extends": "b.json"})
    with pytest.raises(PolicyError, match=r"a cycle: b.json -> c.json -> b.json"):
        load_policy(tmp_path / "b.json")
    clash = write(tmp_path, "d.json", {"extends": "default.json", "languages": {"en": True}})
    with pytest.raises(PolicyError) as caught:
        load_policy(clash)
    [problem] = caught.value.problems
    assert problem.startswith("languages (d.json line 3): an object here, but the base has a list")
    assert "(default.json line " in problem
    twice = write(
        tmp_path,
        "e.json",
        {
            "extends": "default.json",
            "calendars": [
                {
                    "id": "x",
                    "timezone": "UTC",
                    "working_hours": {"opens": "09:00", "closes": "17:00"},
                },
                {
                    "id": "x",
                    "timezone": "UTC",
                    "working_hours": {"opens": "09:00", "closes": "17:00"},
                },
            ],
        },
    )
    with pytest.raises(PolicyError, match=r"calendars\[1\] \(e.json line \d+\): id 'x' already"):
        load_policy(twice)


def test_the_effective_document_is_self_contained_and_names_its_files(tmp_path: Path) -> None:
    overlay = write(tmp_path, "pack.json", {"extends": "uk-fca-disp", "name": "Acme UK"})
    composed = compose_file(overlay)
    document = composed.document()
    assert "extends" not in json.loads(document)
    # The same policy, and version, when read back from the effective document alone.
    assert parse_policy(document).version == load_policy(overlay).version
    files = [layer.file for layer in parse_policy(document).composed_from]
    assert files == ["default.json", "uk-fca-disp", "pack.json"]
    # The version is what the policy says, whichever files or names it was composed from.
    uk = ROOT / "policies" / "uk-fca-disp.json"
    assert parse_policy(uk.read_text("utf-8")).version == load_policy(uk).version


def test_a_value_to_decide_is_found_with_its_file_and_line(tmp_path: Path) -> None:
    overlay = write(tmp_path, "pack.json", {
        "extends": "default.json", "approved_by": "REPLACE: the approver's name and role",
    })  # fmt: skip
    composed = compose_file(overlay)
    assert undecided(composed) == [
        "approved_by (pack.json line 3): still to decide: the approver's name and role"
    ]
    load_policy(overlay)  # valid: only publication refuses it


@pytest.mark.parametrize("name", ["uk-fca-disp", "az-cbar", "iso-10002"])
def test_a_packs_letters_are_its_letter_packs(name: str) -> None:
    pack = load_policy(ROOT / "policies" / f"{name}.json")
    letters = LetterPack.model_validate_json(
        (ROOT / "policies" / "letters" / f"{name}.json").read_text("utf-8")
    )
    assert pack.letters == letters.letters


def test_the_schema_takes_an_overlay_without_the_fields_its_base_gives() -> None:
    validator = Draft202012Validator(policy_schema())
    assert not list(validator.iter_errors({"extends": "default.json", "name": "Acme"}))
    missing = {e.message for e in validator.iter_errors({"name": "Acme"})}
    assert "'approved_by' is a required property" in missing
    pack = json.loads((ROOT / "policies" / "uk-fca-disp.json").read_text("utf-8"))
    assert not list(validator.iter_errors(pack))

"""The policy's recognition section: thresholds, categories and the review band, each
problem reported with its JSON path and line like every other policy problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plaint.policy.loading import load_policy, parse_policy
from plaint.vocabulary.errors import PolicyError
from tests.factories import DEFAULT_POLICY, ROOT


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    return loaded


def problems(doc: dict[str, Any]) -> tuple[list[str], str]:
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    return caught.value.problems, text


def line_of(text: str, needle: str, after: str | None = None) -> int:
    lines = text.splitlines()
    start = next(n for n, row in enumerate(lines) if after in row) if after else 0
    return next(n for n, row in enumerate(lines[start:], start + 1) if needle in row)


def test_thresholds_in_the_wrong_order_name_the_path_and_line() -> None:
    doc = document()
    doc["recognition"]["review_threshold"] = 0.6
    [problem], text = problems(doc)
    line = line_of(text, '"review_threshold": 0.6')
    assert problem == (
        f"recognition.review_threshold (line {line}): must be below complaint_threshold (0.5); "
        "scores between the two are possible complaints"
    )


def test_a_threshold_outside_zero_to_one_is_a_structural_problem() -> None:
    doc = document()
    doc["recognition"]["complaint_threshold"] = 1.5
    [problem], text = problems(doc)
    line = line_of(text, '"complaint_threshold": 1.5')
    assert problem.startswith(f"recognition.complaint_threshold (line {line}): ")
    assert "less than or equal to 1" in problem


def test_category_problems_are_each_reported_with_their_line() -> None:
    doc = document()
    categories = doc["recognition"]["categories"]
    categories[1]["id"] = categories[0]["id"]
    categories[2] = {"id": "privacy", "description": "Privacy"}
    categories[3]["description"] = ""
    doc["rules"][4]["then"]["category"] = "billling"
    found, text = problems(doc)
    # The empty description is structural: first, and the references with it in one run.
    assert found[0].startswith("recognition.categories[3].description (line ")
    twice = [n for n, row in enumerate(text.splitlines(), 1) if '"id": "product_safety"' in row]
    assert (
        f"recognition.categories[1].id (line {twice[1]}): category 'product_safety' defined twice"
        in found
    )
    assert any(
        p.startswith("recognition.categories[2].description (line ")
        and "too little to recognise the category by" in p
        for p in found
    )
    misspelt = line_of(text, '"billling"')
    assert any(
        p.startswith(f"rules[4].then.category (line {misspelt}): ")
        and "unknown category 'billling'" in p
        for p in found
    )


def test_review_tags_that_would_answer_themselves_are_refused() -> None:
    doc = document()
    review = doc["recognition"]["review"]
    review["add_tags"] = ["possible_complaint", "complaint_confirmed", "complaint"]
    review["dismiss_tags"] = ["complaint_dismissed", "complaint_confirmed"]
    review["notes"] = {"en": "Please look: {score} {customer}"}
    found, _ = problems(doc)
    assert any(
        p.startswith("recognition.review.add_tags[1] (line ") and "would answer itself" in p
        for p in found
    )
    assert any(
        p.startswith("recognition.review.add_tags[2] (line ") and "rules[7].when.any_tags" in p
        for p in found
    )
    assert any("confirm_tags[0]" in p and "both confirms and dismisses" in p for p in found)
    assert any("recognition.review.notes.en" in p and "{customer}" in p for p in found)


def test_a_policy_without_a_recognition_section_gets_the_defaults() -> None:
    doc = document()
    del doc["recognition"]
    policy = parse_policy(json.dumps(doc))
    assert policy.recognition.enabled
    assert (policy.recognition.review_threshold, policy.recognition.complaint_threshold) == (
        0.3,
        0.5,
    )
    assert policy.recognition.categories == ()


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.json")))
def test_every_pack_names_only_categories_it_describes(path: Path) -> None:
    if path.name == "schema.json":
        return
    policy = load_policy(path)
    ids = {c.id for c in policy.recognition.categories}
    if not ids:
        return
    assert policy.defaults.category in ids
    assert {r.then.category for r in policy.rules if r.then.category} <= ids


def test_the_starter_policy_describes_its_categories_in_every_language() -> None:
    policy = load_policy(DEFAULT_POLICY)
    for category in policy.recognition.categories:
        if category.recognised and category.id != policy.defaults.category:
            assert set(category.examples) == set(policy.languages), category.id

"""The policy's outcome signals: every mistake is reported with its path and line."""

from __future__ import annotations

import hashlib
import json

import pytest

from plaint.model.complaint import ComplaintOutcome
from plaint.policy.loading import parse_policy
from plaint.vocabulary.canonical import canonical_json
from plaint.vocabulary.errors import PolicyError
from tests.factories import DEFAULT_POLICY, default_policy


def problems(document: dict[str, object]) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(json.dumps(document, indent=2, ensure_ascii=False))
    return caught.value.problems


def document() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    return loaded


def test_the_default_policy_signals_each_outcome_by_its_own_tag() -> None:
    signals = {s.outcome: s.tags for s in default_policy().outcomes}
    assert set(signals) == set(ComplaintOutcome)
    assert signals[ComplaintOutcome.UPHELD] == ("complaint_upheld",)


def test_an_unknown_outcome_is_named_with_its_line() -> None:
    policy = document()
    policy["outcomes"] = [{"outcome": "withdrawn", "tags": ["complaint_withdrawn"]}]
    [found] = problems(policy)
    assert found.startswith("outcomes[0].outcome (line ")
    assert "'upheld', 'partly_upheld' or 'not_upheld'" in found


def test_a_tag_for_two_outcomes_or_an_outcome_twice_is_refused() -> None:
    policy = document()
    policy["outcomes"] = [
        {"outcome": "upheld", "tags": ["complaint_upheld"]},
        {"outcome": "not_upheld", "tags": ["complaint_closed", "complaint_upheld"]},
        {"outcome": "upheld", "tags": ["complaint_won"]},
    ]
    found = problems(policy)
    assert len(found) == 2
    assert found[0].startswith("outcomes[1].tags[1] (line ")
    assert found[0].endswith("tag 'complaint_upheld' already signals outcome 'upheld'")
    assert found[1].startswith("outcomes[2].outcome (line ")
    assert "already signalled by outcomes[0]" in found[1]


def test_a_milestone_tag_cannot_also_signal_an_outcome() -> None:
    policy = document()
    policy["outcomes"] = [{"outcome": "not_upheld", "tags": ["final_response_sent"]}]
    [found] = problems(policy)
    assert found.startswith("outcomes[0].tags[0] (line ")
    assert "also signals milestone 'final_response'" in found


def test_an_outcome_without_tags_is_refused() -> None:
    policy = document()
    policy["outcomes"] = [{"outcome": "upheld", "tags": []}]
    [found] = problems(policy)
    assert found.startswith("outcomes[0].tags (line ")


def test_a_policy_without_outcomes_keeps_the_version_it_had_before_them() -> None:
    without = {k: v for k, v in document().items() if k != "outcomes"}
    policy = parse_policy(json.dumps(without))
    content = policy.model_dump(mode="json", exclude={"composed_from", "outcomes", "sources"})
    assert policy.version == hashlib.sha256(canonical_json(content)).hexdigest()
    assert default_policy().version != policy.version

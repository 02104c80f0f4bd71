"""The policy's surveys section: a mistake is reported with its path and line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plaint.policy.loading import parse_policy
from plaint.policy.surveys import DEFAULT_QUESTIONS, Aspect
from plaint.vocabulary.errors import PolicyError
from tests.factories import DEFAULT_POLICY, default_policy


def with_surveys(**changes: Any) -> list[str]:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["surveys"] |= changes
    with pytest.raises(PolicyError) as caught:
        parse_policy(json.dumps(document, indent=2, ensure_ascii=False))
    return caught.value.problems


def test_the_default_policy_asks_every_aspect_in_six_languages() -> None:
    rules = default_policy().surveys
    assert rules.enabled
    assert [q.aspect for q in rules.questions] == list(Aspect)
    for question in DEFAULT_QUESTIONS:
        assert set(question.texts) == {"az", "ar", "fa", "tr", "ru", "en"}


@pytest.mark.parametrize(
    ("changes", "path", "says"),
    [
        ({"quiet_hours": {"start": "9pm", "end": "08:00"}}, "surveys.quiet_hours.start",
         'local time written "HH:MM"'),
        ({"quiet_hours": {"start": "08:00", "end": "08:00"}}, "surveys.quiet_hours",
         "the same time"),
        ({"scale": {"lowest": 5, "highest": 1}}, "surveys.scale", "lowest must be below"),
        ({"channel": "sms"}, "surveys.channel", "'email', 'zendesk' or 'jira'"),
        ({"after": []}, "surveys.after", "at least 1"),
        ({"languages": ["az", "de"]}, "surveys", "has no text in de"),
        ({"questions": [{"aspect": "speed", "texts": {"en": "Fast?"}}], "languages": ["en"]},
         "surveys", "need the overall question"),
        ({"calendar": "head-office"}, "surveys.calendar", "unknown calendar 'head-office'"),
        ({"link_valid_days": 0}, "surveys.link_valid_days", "greater than or equal to 1"),
    ],
)  # fmt: skip
def test_each_mistake_names_its_field_and_line(
    changes: dict[str, Any], path: str, says: str
) -> None:
    found = with_surveys(**changes)
    assert any(p.startswith(f"{path} (line ") and says in p for p in found), found

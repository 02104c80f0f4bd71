"""The intake sections a webhook reads payloads with: read from a policy document without
building the whole policy, and taken from a published policy only under PolicyBook's
checks."""

from __future__ import annotations

import json

import pytest

from plaint.policy.book import IntakeBook
from plaint.policy.intake import VerdictHandling, intake_sections
from plaint.policy.loading import parse_policy
from plaint.vocabulary.errors import PolicyError
from tests.factories import DEFAULT_POLICY


def document(**changes: object) -> str:
    policy = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    policy.update(changes)
    return json.dumps(policy, indent=2)


def test_the_sections_are_the_whole_policys() -> None:
    text = document(
        helpdesk_fields={"jira": {"product_field": "customfield_10078"}},
        email={"mailbox": "complaints@example.com", "on_spam": "flag"},
    )
    assert intake_sections(text) == parse_policy(text).intake
    assert intake_sections(text).helpdesk_fields.jira.product_field == "customfield_10078"
    assert intake_sections(text).email.on_spam is VerdictHandling.FLAG


def test_the_rest_of_the_document_is_left_unread() -> None:
    text = json.dumps({"calendars": "not a list", "email": {"on_virus": "accept"}})
    assert intake_sections(text).email.on_virus is VerdictHandling.ACCEPT


def test_a_bad_section_names_its_path_and_line() -> None:
    text = document(helpdesk_fields={"jira": {"product_field": "custom field 1"}})
    with pytest.raises(PolicyError) as caught:
        intake_sections(text)
    (problem,) = caught.value.problems
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"product_field"' in t)
    assert problem.startswith(f"helpdesk_fields.jira.product_field (line {line}): ")


def test_broken_json_names_its_line() -> None:
    with pytest.raises(PolicyError) as caught:
        intake_sections('{\n  "email": {,\n}')
    assert caught.value.problems[0].startswith("line 2, column 13: ")


def published(**changes: object) -> tuple[str, str]:
    text = document(**changes)
    return parse_policy(text).version, text


def test_a_valid_published_policy_replaces_the_packaged_sections() -> None:
    book = IntakeBook(intake_sections(DEFAULT_POLICY.read_text(encoding="utf-8")))
    version, text = published(helpdesk_fields={"jira": {"remedy_field": "customfield_10077"}})
    assert book.offer(version, text).helpdesk_fields.jira.remedy_field == "customfield_10077"
    assert book.version == version


def test_a_tampered_or_invalid_published_policy_is_refused_and_the_last_kept() -> None:
    packaged = intake_sections(DEFAULT_POLICY.read_text(encoding="utf-8"))
    book = IntakeBook(packaged)
    version, text = published(email={"on_spam": "accept"})
    tampered = text.replace('"on_spam": "accept"', '"on_spam": "flag"')
    assert book.offer(version, tampered) == packaged  # valid, but not what was published
    assert book.offer("f" * 64, '{"name": "half a policy"') == packaged
    assert book.refused == {version, "f" * 64}
    assert book.offer(version, text) == packaged  # refused once, for good

"""The order of the initial assessment: the admin's rules, then the embedded recogniser, then
the policy's defaults; the review band; what the recogniser's cues and categories decide."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plaint.intake import reading as reading_module
from plaint.intake.assessment import (
    DEFAULT_RULE,
    RECOGNISER_RULE,
    WITHOUT_HELPDESK_RULE,
    assess,
    assessment_of,
)
from plaint.intake.reading import category_hints
from plaint.model.complaint import Flag, Severity
from plaint.model.events import SourceSystem
from plaint.model.recognition import Band, Reading, ReadingOutcome
from plaint.policy.document import Policy
from tests.factories import default_policy, ticket_event


def reading(band: Band | None, score: float | None = None, **changes: Any) -> Reading:
    fields: dict[str, Any] = {
        "model_version": "sha256:test",
        "outcome": ReadingOutcome.JUDGED if band else ReadingOutcome.EMPTY,
        "band": band,
        "score": score,
        "complaint_threshold": 0.5,
        "review_threshold": 0.3,
        "language": "en",
        "characters_read": 10,
        "characters_total": 10,
    }
    return Reading(**(fields | changes))


def rebuilt(policy: Policy, section: str, **changes: Any) -> Policy:
    """The policy with one section changed, validated afresh (so its version is new)."""
    document = policy.model_dump(mode="json")
    document[section] = document[section] | changes
    return Policy.model_validate(document)


def with_recognition(policy: Policy, **changes: Any) -> Policy:
    return rebuilt(policy, "recognition", **changes)


def with_defaults(policy: Policy, **changes: Any) -> Policy:
    return rebuilt(policy, "defaults", **changes)


def judge(read: Reading | None, policy: Policy | None = None, **event: Any):
    fields = {"subject": "Account", "description": "About my account"} | event
    return assessment_of(ticket_event(**fields), policy or default_policy(), "en", read)


# --- the admin's rules come first ---------------------------------------------------------


def test_a_rule_wins_over_the_recogniser() -> None:
    result = judge(reading(Band.NOT_A_COMPLAINT, 0.02), tags=("complaint",))
    assert result.is_complaint and not result.review
    assert result.rule_for("is_complaint") == "complaint-tag"


def test_a_rule_saying_no_complaint_wins_over_a_confident_recogniser() -> None:
    policy = default_policy()
    newsletter = policy.rules[0].model_copy(
        update={
            "id": "newsletter",
            "when": policy.rules[0].when.model_copy(update={"any_keywords": ("newsletter",)}),
            "then": policy.rules[0].then.model_copy(
                update={"is_complaint": False, "flags": (), "severity": None}
            ),
        }
    )
    policy = policy.model_copy(update={"rules": (newsletter, *policy.rules)})
    result = judge(reading(Band.COMPLAINT, 0.97), policy, description="Unsubscribe newsletter")
    assert not result.is_complaint
    assert result.rule_for("is_complaint") == "newsletter"


def test_a_rule_category_wins_over_the_recogniser_category() -> None:
    read = reading(Band.COMPLAINT, 0.9, category="delivery", category_score=0.4)
    result = judge(read, description="I was charged twice")
    assert result.category == "billing" and result.rule_for("category") == "billing"


# --- the recogniser decides what no rule did ----------------------------------------------


@pytest.mark.parametrize(
    ("band", "score", "is_complaint", "review", "value"),
    [
        (Band.COMPLAINT, 0.91, True, False, "true"),
        (Band.POSSIBLE_COMPLAINT, 0.41, False, True, "possible"),
        (Band.NOT_A_COMPLAINT, 0.05, False, False, "false"),
    ],
)
def test_the_recogniser_decides_what_no_rule_did(
    band: Band, score: float, is_complaint: bool, review: bool, value: str
) -> None:
    result = judge(reading(band, score))
    assert (result.is_complaint, result.review) == (is_complaint, review)
    [decided] = [m for m in result.matches if m.attribute == "is_complaint"]
    assert (decided.value, decided.rule_id) == (value, RECOGNISER_RULE)
    assert result.recognition is not None and result.recognition.score == score


def test_the_bands_follow_the_policy_thresholds() -> None:
    policy = with_recognition(default_policy(), complaint_threshold=0.8, review_threshold=0.6)
    assert reading_module.band_of(0.8, policy) is Band.COMPLAINT
    assert reading_module.band_of(0.79, policy) is Band.POSSIBLE_COMPLAINT
    assert reading_module.band_of(0.6, policy) is Band.POSSIBLE_COMPLAINT
    assert reading_module.band_of(0.59, policy) is Band.NOT_A_COMPLAINT


def test_the_recogniser_never_takes_a_complaint_away_from_the_defaults() -> None:
    policy = with_defaults(default_policy(), is_complaint=True)
    result = judge(reading(Band.NOT_A_COMPLAINT, 0.01), policy)
    assert result.is_complaint and result.rule_for("is_complaint") == DEFAULT_RULE


def test_with_the_recogniser_off_the_defaults_decide() -> None:
    policy = with_recognition(default_policy(), enabled=False)
    event = ticket_event(description="I have waited three weeks for my refund, nobody answers")
    result = assess(event, policy, "en")
    assert result.recognition is None and not result.is_complaint
    assert result.rule_for("is_complaint") == DEFAULT_RULE


@pytest.mark.parametrize("outcome", [ReadingOutcome.EMPTY, ReadingOutcome.NO_WORDS])
def test_text_without_words_is_left_to_the_defaults(outcome: ReadingOutcome) -> None:
    result = judge(reading(None, outcome=outcome))
    assert not result.is_complaint and not result.review
    assert result.rule_for("is_complaint") == DEFAULT_RULE


def test_an_unknown_language_is_put_to_an_agent_or_left_to_the_defaults() -> None:
    unknown = reading(None, outcome=ReadingOutcome.UNKNOWN_LANGUAGE, language=None)
    result = judge(unknown)
    assert result.review and result.rule_for("is_complaint") == RECOGNISER_RULE
    policy = with_recognition(default_policy(), unknown_language="defaults")
    result = judge(unknown, policy)
    assert not result.review and result.rule_for("is_complaint") == DEFAULT_RULE


def test_a_possible_complaint_by_email_follows_the_policy_without_a_helpdesk() -> None:
    possible = reading(Band.POSSIBLE_COMPLAINT, 0.4)
    result = judge(possible, source=SourceSystem.EMAIL)
    assert result.is_complaint and not result.review
    assert result.rule_for("is_complaint") == WITHOUT_HELPDESK_RULE
    review = default_policy().recognition.review.model_dump() | {
        "without_helpdesk": "not_a_complaint"
    }
    policy = with_recognition(default_policy(), review=review)
    result = judge(possible, policy, source=SourceSystem.EMAIL)
    assert not result.is_complaint and not result.review


# --- categories, severity and flags -------------------------------------------------------


def test_the_recogniser_category_counts_above_the_policy_threshold_only() -> None:
    read = reading(Band.COMPLAINT, 0.9, category="service", category_score=0.07)
    result = judge(read)
    assert (result.category, result.rule_for("category")) == ("service", RECOGNISER_RULE)
    policy = with_recognition(default_policy(), category_threshold=0.1)
    result = judge(read, policy)
    assert (result.category, result.rule_for("category")) == ("general", DEFAULT_RULE)


def test_a_ticket_that_is_no_complaint_gets_no_category_or_flags_from_cues() -> None:
    read = reading(
        Band.NOT_A_COMPLAINT, 0.1, category="service", category_score=0.3,
        cues=("vulnerability.bereavement",), vulnerability_cues=("vulnerability.bereavement",),
    )  # fmt: skip
    result = judge(read)
    assert result.category == "general" and result.flags == ()


def test_cues_map_to_severity_and_flags_where_no_rule_set_them() -> None:
    cues = ("severity.safety", "vulnerability.illness", "regulatory.ombudsman")
    read = reading(
        Band.COMPLAINT, 0.99, cues=cues, severity_cues=cues[:1], vulnerability_cues=cues[1:2],
        regulatory_cues=cues[2:],
    )  # fmt: skip
    result = judge(read)
    assert result.severity is Severity.CRITICAL
    assert result.flags == (Flag.SAFETY, Flag.REGULATORY, Flag.VULNERABILITY)
    assert {m.rule_id for m in result.matches if m.attribute == "flag"} == {RECOGNISER_RULE}


def test_a_rule_severity_wins_over_cues_and_flags_accumulate() -> None:
    cues = ("severity.fraud",)
    read = reading(Band.COMPLAINT, 0.99, cues=cues, severity_cues=cues)
    result = judge(read, description="The charger caught fire")
    assert result.severity is Severity.CRITICAL and result.rule_for("severity") == "safety-hazard"
    flag_rules = {m.value: m.rule_id for m in result.matches if m.attribute == "flag"}
    assert flag_rules == {"safety": "safety-hazard", "regulatory": RECOGNISER_RULE}


def test_category_hints_are_built_once_per_policy_version() -> None:
    policy = default_policy()
    hints = category_hints(policy)
    assert category_hints(policy) is hints
    ids = [hint.id for hint in hints]
    # The defaults' category is the fallback, never a choice.
    assert "general" not in ids and {"billing", "delivery", "fraud"} <= set(ids)
    categories = [c.model_dump() for c in policy.recognition.categories]
    categories[0]["description"] = "Other words"
    changed = with_recognition(policy, categories=categories)
    assert category_hints(changed) is not hints
    assert category_hints(changed)[0].texts[0] == "Other words"


# --- the real recogniser on bad input -----------------------------------------------------


def real(description: str, subject: str = "", language: str | None = None):
    event = ticket_event(subject=subject, description=description, language=language)
    result = assess(event, default_policy(), "en")
    assert result.recognition is not None
    return result, result.recognition


def test_empty_text_is_recorded_as_empty() -> None:
    result, read = real("")
    assert read.outcome is ReadingOutcome.EMPTY and read.score is None
    assert result.rule_for("is_complaint") == DEFAULT_RULE


def test_emoji_only_is_recorded_as_no_words() -> None:
    result, read = real("😡😡😡 👎 !!!")
    assert read.outcome is ReadingOutcome.NO_WORDS and read.band is None
    assert result.rule_for("is_complaint") == DEFAULT_RULE


def test_a_256_kib_body_is_cut_deterministically_and_says_so() -> None:
    body = ("My refund has still not arrived after three weeks. " * 6000)[: 256 * 1024]
    first = real(body)[1]
    again = real(body)[1]
    assert first.truncated and first.characters_total == 256 * 1024
    assert 0 < first.characters_read <= 3000
    assert first == again  # same cut, same score, same cues
    assert first.band is Band.COMPLAINT


def test_mixed_scripts_are_judged_not_crashed() -> None:
    _, read = real("Salam, мой заказ 12345 هنوز نرسیده and nobody answers")
    assert read.outcome in (ReadingOutcome.JUDGED, ReadingOutcome.UNKNOWN_LANGUAGE)
    assert read.script is not None


@pytest.mark.parametrize(
    "text",
    [
        "ana mesh 3aref leh el order ma wesselsh lesa, 3ayez a7'od flosy",  # Arabizi
        "salam, sefaresh man hanooz naresideh, kheili bad shod, pool ro pas bedid",  # Finglish
    ],
)
def test_arabizi_and_finglish_are_unknown_and_go_to_an_agent(text: str) -> None:
    result, read = real(text)
    assert read.outcome is ReadingOutcome.UNKNOWN_LANGUAGE and read.band is None
    assert result.review  # never judged as English


def test_a_language_the_policy_does_not_list_is_never_judged_as_english() -> None:
    result, read = real("Ich möchte mich beschweren, das Paket ist kaputt", language="de")
    assert read.outcome is ReadingOutcome.UNKNOWN_LANGUAGE and read.language == "de"
    assert result.review


def test_a_helpdesk_language_the_text_plainly_contradicts_is_not_used() -> None:
    # A requester whose profile says English, writing in Persian.
    _, read = real("سه هفته است منتظر بازپرداخت پولم هستم و کسی جواب نمی‌دهد", language="en")
    assert read.outcome is ReadingOutcome.JUDGED and read.language == "fa"


def test_a_failing_recogniser_is_recorded_and_the_ticket_put_to_an_agent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("weights unreadable")

    monkeypatch.setattr(reading_module, "recognise", broken)
    result, read = real("My refund has not arrived")
    assert read.outcome is ReadingOutcome.FAILED and read.error == "RuntimeError"
    assert result.review


def test_the_reading_holds_cue_identifiers_and_never_the_complainants_words() -> None:
    text = "Xylophonic Quetzalcoatl: my refund is delayed three weeks, nobody answers emails"
    result, read = real(text)
    assert read.cues and all("." in cue for cue in read.cues)
    dumped = json.dumps(result.model_dump(mode="json"), ensure_ascii=False).lower()
    for word in ("xylophonic", "quetzalcoatl", "weeks", "nobody", "answers", "emails"):
        assert word not in dumped


def test_an_answer_the_record_cannot_hold_is_a_recorded_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.fakes import FakeRecogniser

    monkeypatch.setattr(reading_module, "recognise", FakeRecogniser(outcome="half_judged"))
    result, read = real("My refund has not arrived")
    assert read.outcome is ReadingOutcome.FAILED and read.error == "ValueError"
    assert result.review

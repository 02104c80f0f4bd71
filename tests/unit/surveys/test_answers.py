"""Answers recorded as decisions: once however often given, a later change as a change, the
comment a personal value that erasure removes; every refused link records nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.model.actions import OutboundAction
from plaint.model.events import TicketEventKind
from plaint.surveys import answers
from plaint.surveys.links import LinkClaims, LinkProblem, sign, verify
from tests.conftest import ledger_entries
from tests.unit.surveys.support import SECRET, Desk


def tokens(sent: OutboundAction) -> list[str]:
    return re.findall(r"/surveys/([\w.-]+)", sent.comment or "")


def entries(desk: Desk, kind_prefix: str = "survey.answer") -> list[dict[str, object]]:
    return [e.detail for e in ledger_entries(desk.store) if e.kind.startswith(kind_prefix)]


def test_a_one_click_answer_is_recorded_once_and_its_replay_shows_it() -> None:
    desk = Desk()
    four = tokens(desk.until_sent())[3]
    opened = desk.answering.open(four)
    assert opened.status == 200
    assert 'value="4" checked' in opened.html
    assert 'lang="az" dir="ltr"' in opened.html
    assert [(d["aspect"], d["score"], d["via"]) for d in entries(desk)] == [
        ("overall", 4, "one_click")
    ]
    again = desk.answering.open(four)
    assert again.status == 409
    assert again.problem is LinkProblem.REPLAYED
    assert 'value="4" checked' in again.html
    assert len(entries(desk)) == 1


def test_the_page_records_every_answer_and_a_change_as_a_change() -> None:
    desk = Desk()
    links = tokens(desk.until_sent())
    desk.answering.open(links[4])  # overall 5
    page = links[5]
    shown = desk.answering.open(page)
    assert shown.status == 200
    assert shown.html.count("<fieldset>") == 7
    answered = desk.answering.answer(page, {"overall": "3", "speed": "2", "comment": "Gec oldu"})
    assert answered.status == 200
    kinds = [k for k in desk.kinds() if k.startswith("survey.answer")]
    assert kinds == ["survey.answered", "survey.answer_changed", "survey.answered"]
    changed = entries(desk)[1]
    assert (changed["aspect"], changed["score"], changed["previous"]) == ("overall", 3, 5)
    # The same answers again: nothing new.
    desk.answering.answer(page, {"overall": "3", "speed": "2", "comment": "Gec oldu"})
    assert len(entries(desk)) == 3
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.answers == {"overall": 3, "speed": 2}


def test_the_comment_is_personal_data_that_disposal_removes() -> None:
    desk = Desk()
    page = tokens(desk.until_sent())[5]
    desk.answering.answer(page, {"overall": "2", "comment": "Əməkdaş kobud idi"})
    (entry,) = [e for e in ledger_entries(desk.store) if e.kind == "survey.answered"]
    assert entry.personal["comment"].value == "Əməkdaş kobud idi"
    assert "Əməkdaş" not in str(entry.detail)
    desk.receive(kind=TicketEventKind.STATUS_CHANGED, helpdesk_status="solved")
    desk.clock.advance(days=366 * 12)
    desk.sweep()  # past its retention date: the record is disposed of
    (entry,) = [e for e in ledger_entries(desk.store) if e.kind == "survey.answered"]
    assert entry.personal == {}
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.contact_address is None
    assert complaint.survey is not None and complaint.survey.comment_digest is None


def test_a_link_for_a_complainant_who_asked_for_erasure_records_nothing() -> None:
    desk = Desk()
    page = tokens(desk.until_sent())[5]
    desk.handling.answer_erasure("zendesk-user:1", "erase-1", desk.clock())
    refused = desk.answering.answer(page, {"overall": "5", "comment": "salam"})
    assert (refused.status, refused.problem) == (410, LinkProblem.ERASED)
    assert "bağlanıb" in refused.html
    assert not [k for k in desk.kinds() if k.startswith("survey.answer")]


@pytest.mark.parametrize(
    ("form", "problem", "status"),
    [
        ({"overall": "6"}, LinkProblem.SCORE_OUT_OF_RANGE, 400),
        ({"overall": "0"}, LinkProblem.SCORE_OUT_OF_RANGE, 400),
        ({"overall": "-1"}, LinkProblem.SCORE_OUT_OF_RANGE, 400),
        ({"overall": "five"}, LinkProblem.SCORE_OUT_OF_RANGE, 400),
        ({"overall": "٣"}, LinkProblem.SCORE_OUT_OF_RANGE, 400),
        ({"loyalty": "3"}, LinkProblem.UNKNOWN_QUESTION, 400),
        ({"overall": "3", "comment": "x" * 1_000_000}, LinkProblem.COMMENT_TOO_LONG, 413),
    ],
)
def test_bad_answers_get_a_clear_page_and_record_nothing(
    form: dict[str, str], problem: LinkProblem, status: int
) -> None:
    desk = Desk()
    page = tokens(desk.until_sent())[5]
    before = desk.kinds()
    answered = desk.answering.answer(page, form)
    assert (answered.status, answered.problem) == (status, problem)
    assert '<html lang="az"' in answered.html
    assert desk.kinds() == before


def test_forged_expired_and_cross_complaint_links_record_nothing() -> None:
    desk = Desk()
    links = tokens(desk.until_sent())
    before = desk.kinds()
    forged = links[4][:-2] + ("AA" if not links[4].endswith("AA") else "BB")
    assert desk.answering.open(forged).problem is LinkProblem.FORGED
    assert desk.answering.open(forged).status == 403
    claims = verify(links[4], SECRET, desk.clock())
    other = sign(claims.model_copy(update={"complaint_id": "zendesk:999"}), SECRET)
    assert desk.answering.open(other).problem is LinkProblem.OTHER_COMPLAINT
    another_survey = sign(claims.model_copy(update={"link_id": "1"}), SECRET)
    assert desk.answering.answer(another_survey, {"overall": "1"}).status == 403
    desk.clock.advance(days=31)
    expired = desk.answering.open(links[4])
    assert (expired.status, expired.problem) == (410, LinkProblem.EXPIRED)
    assert "müddəti bitib" in expired.html
    assert desk.kinds()[: len(before)] == before
    assert not [k for k in desk.kinds() if k.startswith("survey.answer")]


def test_a_signed_score_off_the_scale_records_nothing() -> None:
    desk = Desk()
    claims = verify(tokens(desk.until_sent())[0], SECRET, desk.clock())
    token = sign(claims.model_copy(update={"score": 9}), SECRET)
    answered = desk.answering.open(token)
    assert (answered.status, answered.problem) == (400, LinkProblem.SCORE_OUT_OF_RANGE)
    assert not [k for k in desk.kinds() if k.startswith("survey.answer")]


def test_a_link_before_any_survey_was_sent_is_refused() -> None:
    desk = Desk()
    desk.open_complaint()
    token = sign(
        LinkClaims(complaint_id="zendesk:101", question="page",
                   expires_at=datetime(2030, 1, 1, tzinfo=UTC), link_id="1", language="az"),
        SECRET,
    )  # fmt: skip
    assert desk.answering.open(token).status == 404


SENT = Desk()
PAGE_TOKEN = tokens(SENT.until_sent())[5]
PAGE_CLAIMS = verify(PAGE_TOKEN, SECRET, SENT.clock())
aspects = st.sampled_from(["overall", "speed", "clarity"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(aspects, st.integers(1, 5), min_size=1), max_size=8))
def test_answers_given_again_count_once_and_each_change_is_recorded(
    forms: list[dict[str, int]],
) -> None:
    complaint = SENT.store.get_complaint("zendesk:101")
    assert complaint is not None
    latest: dict[str, int] = {}
    answered = 0
    for form in forms:
        decision = answers.answered(
            complaint, PAGE_CLAIMS, PAGE_TOKEN, scores=form, comment="",
            policy=SENT.policy, now=SENT.clock(),
        )  # fmt: skip
        expected_new = sum(aspect not in latest for aspect in form)
        expected_changes = sum(a in latest and latest[a] != s for a, s in form.items())
        kinds = [e.kind for e in decision.audit] if decision else []
        assert kinds.count("survey.answered") == expected_new
        assert kinds.count("survey.answer_changed") == expected_changes
        answered += expected_new
        latest |= form
        if decision is not None:
            assert decision.complaint is not None
            complaint = decision.complaint
    assert complaint.survey is not None
    assert complaint.survey.answers == latest
    assert answered == len(latest)

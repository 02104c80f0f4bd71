"""Ratings the helpdesk collected (Zendesk's satisfaction rating, Jira Service Management's
request feedback) recorded as the `overall` answer of a survey left to the helpdesk: mapped
onto the policy's scale, once however often the rating is sent again, a later different
rating as a change, the comment as a personal value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plaint.model.events import TicketEventKind
from plaint.model.survey import HelpdeskRating, SurveyStage
from plaint.policy.surveys import Scale
from plaint.surveys.helpdesk import on_scale
from tests.conftest import ledger_entries
from tests.unit.surveys.support import COMPLAINT, Desk, survey_policy

GOOD = HelpdeskRating(via="zendesk_rating", score=1, lowest=0, highest=1, comment="Sağ olun")
BAD = HelpdeskRating(via="zendesk_rating", score=0, lowest=0, highest=1)


def rated_desk() -> Desk:
    desk = Desk(survey_policy(channel="zendesk"))
    desk.open_complaint()
    desk.final_response()
    return desk


def rate(desk: Desk, rating: HelpdeskRating) -> None:
    desk.clock.advance(minutes=5)
    desk.receive(kind=TicketEventKind.UPDATED, description=COMPLAINT, helpdesk_rating=rating)


@pytest.mark.parametrize(
    ("score", "lowest", "highest", "scale", "expected"),
    [
        (1, 0, 1, (1, 5), 5),
        (0, 0, 1, (1, 5), 1),
        (1, 0, 1, (0, 10), 10),
        (3, 1, 5, (1, 5), 3),
        (2, 1, 5, (0, 10), 3),
        (4, 1, 5, (0, 10), 8),
        (3, 1, 5, (0, 10), 5),
        (5, 1, 5, (1, 3), 3),
        (2, 1, 5, (1, 3), 2),
    ],
)
def test_the_helpdesks_scale_is_stretched_onto_the_policys(
    score: int, lowest: int, highest: int, scale: tuple[int, int], expected: int
) -> None:
    rating = HelpdeskRating(via="jira_feedback", score=score, lowest=lowest, highest=highest)
    assert on_scale(rating, Scale(lowest=scale[0], highest=scale[1])) == expected


@given(st.integers(1, 5), st.integers(0, 9), st.integers(1, 10))
def test_a_mapped_score_is_always_on_the_policys_scale(score: int, low: int, span: int) -> None:
    scale = Scale(lowest=low, highest=min(low + span, 10)) if low + span <= 10 else Scale()
    rating = HelpdeskRating(via="jira_feedback", score=score, lowest=1, highest=5)
    assert scale.lowest <= on_scale(rating, scale) <= scale.highest


def test_a_rating_off_its_own_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="not on 1 to 5"):
        HelpdeskRating(via="jira_feedback", score=6, lowest=1, highest=5)


def test_a_good_rating_is_the_overall_answer_and_its_comment_personal_data() -> None:
    desk = rated_desk()
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.stage is SurveyStage.WITH_HELPDESK
    rate(desk, GOOD)
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.answers == {"overall": 5}
    (answered,) = [e for e in ledger_entries(desk.store) if e.kind == "survey.answered"]
    assert answered.detail["via"] == "zendesk_rating" and answered.detail["comment"] is True
    assert answered.personal["comment"].value == "Sağ olun"
    assert "Sağ olun" not in str(answered.detail)


def test_the_same_rating_again_counts_once_and_a_change_is_recorded_as_one() -> None:
    desk = rated_desk()
    rate(desk, GOOD)
    rate(desk, GOOD)  # every later ticket update carries the rating again
    assert desk.survey_kinds() == ["survey.scheduled", "survey.answered"]
    rate(desk, BAD)
    assert desk.survey_kinds() == ["survey.scheduled", "survey.answered", "survey.answer_changed"]
    changed = [e for e in ledger_entries(desk.store) if e.kind == "survey.answer_changed"][-1]
    assert (changed.detail["score"], changed.detail["previous"]) == (1, 5)


def test_a_rating_is_ignored_when_the_survey_was_mailed_or_never_decided() -> None:
    mailed = Desk()
    mailed.open_complaint()
    rate(mailed, GOOD)  # no trigger reached: no survey yet
    mailed.final_response()
    rate(mailed, GOOD)  # the email asks; the helpdesk's rating is not this survey's answer
    assert mailed.survey_kinds() == ["survey.scheduled"]


def test_a_long_comment_is_kept_to_the_policys_length() -> None:
    desk = rated_desk()
    rate(desk, GOOD.model_copy(update={"comment": "ə" * 5000}))
    (answered,) = [e for e in ledger_entries(desk.store) if e.kind == "survey.answered"]
    assert answered.personal["comment"].value == "ə" * 2000

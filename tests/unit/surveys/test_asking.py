"""Whom to ask and when: the survey decided once at the final response, sent by the sweep
after the delay and outside quiet hours, one reminder, and the reasons for never asking."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from plaint.model.complaint import Flag, Referral, ReferralStage
from plaint.model.events import TicketEventKind
from plaint.model.survey import SkipReason, SurveyStage
from plaint.policy.surveys import QuietHours
from plaint.surveys import asking
from plaint.surveys.links import verify
from plaint.vocabulary.errors import TransientDeliveryError
from tests.unit.surveys.support import COMPLAINT, FINAL, SECRET, Desk, survey_policy


def test_asked_once_a_day_after_the_final_response_in_the_complainants_language() -> None:
    desk = Desk()
    desk.open_complaint()
    desk.final_response()
    assert desk.survey_kinds() == ["survey.scheduled"]
    desk.clock.advance(hours=23)
    desk.sweep()
    assert desk.surveys_sent() == []  # not yet due
    desk.clock.advance(hours=1, seconds=1)
    desk.sweep()
    (sent,) = desk.surveys_sent()
    assert sent.recipient == "aysel@example.az"
    assert sent.language == "az"
    assert sent.fields["subject"] == "Şikayətinizə necə baxdıq?"
    assert 'dir="ltr"' in sent.fields["html"]
    links = re.findall(r"https://plaint\.example/api/surveys/([\w.-]+)", sent.comment or "")
    claims = [verify(token, SECRET, desk.clock()) for token in links]
    assert [(c.question, c.score) for c in claims] == [
        ("overall", 1), ("overall", 2), ("overall", 3), ("overall", 4), ("overall", 5),
        ("page", None),
    ]  # fmt: skip
    assert {c.complaint_id for c in claims} == {"zendesk:101"}
    assert desk.survey_kinds() == ["survey.scheduled", "survey.sent"]


def test_a_complaint_solved_and_reopened_is_asked_once() -> None:
    desk = Desk()
    desk.until_sent()
    desk.clock.advance(hours=1)
    desk.receive(kind=TicketEventKind.UPDATED, tags=(), description=COMPLAINT + " yenə")
    desk.final_response(description=COMPLAINT + " yenə də")
    desk.clock.advance(days=2)
    desk.sweep()
    assert len(desk.surveys_sent()) == 1
    assert desk.survey_kinds().count("survey.scheduled") == 1


def test_arabic_survey_is_right_to_left() -> None:
    desk = Desk()
    desk.open_complaint(language="ar", description="أريد تقديم شكوى، تم خصم المبلغ مرتين")
    desk.final_response(description="أريد تقديم شكوى")
    desk.clock.advance(days=1, seconds=1)
    desk.sweep()
    (sent,) = desk.surveys_sent()
    assert sent.fields["subject"] == "كيف تعاملنا مع شكواك؟"
    assert '<html lang="ar" dir="rtl">' in sent.fields["html"]


def test_one_reminder_when_nothing_is_answered() -> None:
    desk = Desk()
    desk.until_sent()
    desk.clock.advance(hours=72, seconds=1)
    desk.sweep()
    _, reminder = desk.surveys_sent()
    assert reminder.fields["reminder"] == "yes"
    assert reminder.fields["subject"].startswith("Xatırlatma")
    desk.clock.advance(days=30)
    desk.sweep()
    assert len(desk.surveys_sent()) == 2


def test_no_reminder_once_answered() -> None:
    desk = Desk()
    sent = desk.until_sent()
    token = re.findall(r"/surveys/([\w.-]+)", sent.comment or "")[4]  # overall = 5
    assert desk.answering.open(token).status == 200
    desk.clock.advance(days=4)
    desk.sweep()
    assert len(desk.surveys_sent()) == 1


def test_without_a_link_secret_the_survey_is_recorded_as_skipped() -> None:
    desk = Desk(links=None)
    desk.open_complaint()
    desk.final_response()
    desk.clock.advance(days=1, seconds=1)
    desk.sweep()
    assert desk.surveys_sent() == []
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.skipped is SkipReason.NOT_CONFIGURED
    assert desk.survey_kinds() == ["survey.scheduled", "survey.skipped"]


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"tags": ("no_survey",)}, SkipReason.OPTED_OUT),
        ({"contact_email": None, "complainant_ref": None}, SkipReason.NO_EMAIL_ADDRESS),
        ({"description": COMPLAINT + " xəstəxana"}, SkipReason.VULNERABLE),
    ],
)
def test_never_asked_with_the_reason(event: dict[str, object], reason: SkipReason) -> None:
    desk = Desk()
    desk.open_complaint(**event)
    desk.final_response()
    desk.clock.advance(days=5)
    desk.sweep()
    assert desk.surveys_sent() == []
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.stage is SurveyStage.SKIPPED
    assert complaint.survey.skipped is reason
    entries = [e for e in desk.kinds() if e.startswith("survey.")]
    assert entries == ["survey.skipped"]


def test_each_exclusion_can_be_turned_off_and_languages_limit_who_is_asked() -> None:
    desk = Desk()
    desk.open_complaint()
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None
    rules = survey_policy().surveys
    vulnerable = complaint.model_copy(
        update={"assessment": complaint.assessment.model_copy(
            update={"flags": (Flag.VULNERABILITY,)})}
    )  # fmt: skip
    assert asking.skip_reason(vulnerable, rules) is SkipReason.VULNERABLE
    lenient = rules.model_copy(
        update={"exclude": rules.exclude.model_copy(update={"vulnerable": False})}
    )
    assert asking.skip_reason(vulnerable, lenient) is None
    referred = complaint.model_copy(update={"referrals": (Referral(
        referral_id="r1", provider_id="ombudsman", trigger="agent",
        stage=ReferralStage.REFERRED, offered_at=complaint.received_at),)})  # fmt: skip
    assert asking.skip_reason(referred, rules) is SkipReason.OPEN_REFERRAL
    only_english = rules.model_copy(update={"languages": ("en",)})
    assert asking.skip_reason(complaint, only_english) is SkipReason.LANGUAGE_NOT_OFFERED


def test_quiet_hours_move_a_survey_to_their_end_in_the_calendars_zone() -> None:
    baku = ZoneInfo("Asia/Baku")  # UTC+4
    quiet = QuietHours.model_validate({"start": "21:00", "end": "08:00"})
    late = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)  # 22:30 in Baku
    assert asking.after_quiet_hours(late, quiet, baku) == datetime(2025, 3, 5, 4, 0, tzinfo=UTC)
    early = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)  # 06:00 in Baku
    assert asking.after_quiet_hours(early, quiet, baku) == datetime(2025, 3, 4, 4, 0, tzinfo=UTC)
    noon = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    assert asking.after_quiet_hours(noon, quiet, baku) == noon
    lunch = QuietHours.model_validate({"start": "12:00", "end": "13:00"})
    assert asking.after_quiet_hours(noon, lunch, baku) == datetime(2025, 3, 4, 9, tzinfo=UTC)


def test_the_scheduled_time_respects_the_policys_quiet_hours() -> None:
    policy = survey_policy(delay_hours=10, quiet_hours={"start": "21:00", "end": "08:00"})
    desk = Desk(policy)
    desk.open_complaint()  # 10:00 UTC = 14:00 Baku; the final response at 16:00 Baku
    desk.final_response()
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None and complaint.survey is not None
    # 16:00 + 10 h = 02:00 Baku, quiet: moved to 08:00 Baku = 04:00 UTC the next day
    assert complaint.survey.due_at == datetime(2025, 3, 5, 4, 0, tzinfo=UTC)


def test_surveys_off_unless_enabled_and_then_no_address_is_kept() -> None:
    desk = Desk(survey_policy(enabled=False))
    desk.open_complaint()
    desk.final_response(tags=(FINAL,))
    desk.clock.advance(days=3)
    desk.sweep()
    assert desk.survey_kinds() == []
    complaint = desk.store.get_complaint("zendesk:101")
    assert complaint is not None
    assert complaint.contact_address is None  # not kept when no survey will be mailed


def test_a_survey_ses_throttles_is_retried_by_the_sweep_and_sent_once() -> None:
    desk = Desk()
    desk.open_complaint()
    desk.final_response()
    desk.clock.advance(days=1, seconds=1)
    desk.ses.fail_next(TransientDeliveryError("SES answered 429 TooManyRequestsException"))
    desk.sweep()
    assert desk.surveys_sent() == []
    assert "survey.sent" not in desk.survey_kinds()
    desk.clock.advance(minutes=1)
    desk.sweep()
    assert len(desk.surveys_sent()) == 1
    assert desk.survey_kinds() == ["survey.scheduled", "survey.sent"]

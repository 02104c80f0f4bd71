"""The report's satisfaction section (ISO 10004) on a hand-computed month of surveys: who
was asked and why not, the response rate, scores with their 95 % intervals (Wilson checked
against Newcombe's published values), groups too small to score, the indirect indicators,
and the same figures in CSV and JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from plaint.model.complaint import (
    ClockStatus,
    Complaint,
    ComplaintOutcome,
    Referral,
    ReferralOutcome,
    ReferralStage,
)
from plaint.model.events import Channel
from plaint.model.survey import SkipReason, Survey, SurveyStage
from plaint.policy.surveys import Scale
from plaint.reporting import svg
from plaint.reporting.charts import charts
from plaint.reporting.figures import Absent, ComplaintReport, Satisfaction, Score
from plaint.reporting.report import build_report
from plaint.reporting.satisfaction import TOO_FEW, t_quantile, wilson
from plaint.reporting.table import rows
from plaint.vocabulary.terms import Milestone
from tests.unit.reporting.test_report import AS_OF, JURISDICTIONS, MARCH, at, clock, complaint

DECIDED = datetime(2025, 3, 20, tzinfo=UTC)


def survey(stage: SurveyStage, **fields: Any) -> Survey:
    return Survey(stage=stage, trigger="final_response", decided_at=DECIDED, **fields)


def sent(overall: int | None, **answers: int) -> Survey:
    given = answers | ({"overall": overall} if overall is not None else {})
    return survey(SurveyStage.SENT, sent_at=DECIDED, answers=given)


def surveyed_month() -> list[Complaint]:
    """Eleven complaints: six answered (overall 5, 4, 4, 2, 5, 1), one asked and silent,
    two never asked, one scheduled and one with no survey decided yet."""
    referral = Referral(
        referral_id="r1", provider_id="fos", trigger="final_response",
        stage=ReferralStage.DECIDED, offered_at=at(10),
        outcome=ReferralOutcome.DETERMINATION_UPHELD, decided_at=at(25),
    )  # fmt: skip
    return [
        complaint(1, at(2), survey=sent(5, speed=4), outcome=ComplaintOutcome.PARTLY_UPHELD,
                  milestones={Milestone.FINAL_RESPONSE: at(9)}),
        complaint(2, at(3), survey=sent(4), complainant_ref="zendesk-user:1",
                  milestones={Milestone.SUMMARY_RESOLUTION: at(4)}),
        complaint(3, at(4), survey=sent(4), referrals=(referral,),
                  milestones={Milestone.REFERRAL: at(11)}),
        complaint(4, at(5), survey=sent(2), category="service", reopened=1,
                  outcome=ComplaintOutcome.NOT_UPHELD),
        complaint(5, at(6), survey=sent(5), category="service", outcome=ComplaintOutcome.UPHELD,
                  clocks=(clock(status=ClockStatus.BREACHED, due_at=at(20)),)),
        complaint(6, at(7), category="service", channel=Channel.WEB,
                  survey=survey(SurveyStage.WITH_HELPDESK, answers={"overall": 1})),
        complaint(7, at(8), survey=sent(None)),
        complaint(8, at(9), survey=survey(SurveyStage.SKIPPED, skipped=SkipReason.OPTED_OUT)),
        complaint(9, at(10), survey=survey(SurveyStage.SKIPPED, skipped=SkipReason.VULNERABLE)),
        complaint(10, at(11), survey=survey(SurveyStage.SCHEDULED, due_at=at(29))),
        complaint(11, at(12)),
    ]  # fmt: skip


def report_of(records: list[Complaint], **options: Any) -> ComplaintReport:
    return build_report(
        records, MARCH, bucket_size="month", time_zone="Europe/London", as_of=AS_OF,  # type: ignore[arg-type]
        jurisdiction_of=JURISDICTIONS, **options,
    )  # fmt: skip


def found(report: ComplaintReport) -> Satisfaction:
    assert isinstance(report.satisfaction, Satisfaction)
    return report.satisfaction


def cell(section: Satisfaction, aspect: str, dimension: str, key: str) -> Score | Absent:
    return next(
        c.score for c in section.scores
        if (c.aspect, c.dimension, c.key) == (aspect, dimension, key)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombes_published_values(
    successes: int, trials: int, low: float, high: float
) -> None:
    # Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 1998,
    # table I, method 3 (score interval without continuity correction).
    interval = wilson(successes, trials)
    assert (interval.low, interval.high) == (low, high)


def test_t_quantiles_from_the_table_and_beyond_it() -> None:
    assert t_quantile(5) == 2.571
    assert t_quantile(30) == 2.042
    assert round(t_quantile(40), 3) == 2.021  # tables: 2.021
    assert round(t_quantile(120), 3) == 1.980  # tables: 1.980


def test_who_was_asked_who_answered_and_why_some_never_were() -> None:
    section = found(report_of(surveyed_month()))
    assert (section.asked, section.answered) == (7, 6)
    assert section.response_rate.share == 0.8571  # 6 of 7
    assert (section.never_asked.numerator, section.never_asked.denominator) == (2, 11)
    assert [(t.key, t.complaints) for t in section.never_asked_reasons] == [
        ("opted_out", 1), ("vulnerable", 1)
    ]  # fmt: skip
    assert (section.not_yet_asked.numerator, section.not_yet_asked.share) == (2, 0.1818)


def test_the_overall_score_with_its_intervals() -> None:
    overall = cell(found(report_of(surveyed_month())), "overall", "all", "all")
    assert isinstance(overall, Score)
    # 5, 4, 4, 2, 5, 1: mean 3.5; sd sqrt(13.5 / 5) = 1.6432; t(5) 2.571 * 1.6432 / sqrt 6
    # = 1.7247, so 1.78 to 5.22, clipped to the scale's 5.
    assert (overall.answers, overall.mean) == (6, 3.5)
    assert (overall.mean_interval.low, overall.mean_interval.high) == (1.78, 5.0)
    # Satisfied (4 or 5): 4 of 6. Wilson: centre 0.6016, half-width 0.3016.
    assert (overall.satisfied.numerator, overall.satisfied.share) == (4, 0.6667)
    assert (overall.satisfied_interval.low, overall.satisfied_interval.high) == (0.3, 0.9032)


def test_groups_with_too_few_answers_say_so() -> None:
    section = found(report_of(surveyed_month()))
    billing = cell(section, "overall", "category", "billing")
    assert isinstance(billing, Absent)
    assert billing.reason == TOO_FEW.format(answers=3, minimum=5)
    assert isinstance(cell(section, "speed", "all", "all"), Absent)  # one answer
    assert isinstance(cell(section, "overall", "month", "2025-03"), Score)
    smaller = found(report_of(surveyed_month(), minimum_answers=3))
    assert isinstance(cell(smaller, "overall", "category", "billing"), Score)


def test_scores_are_broken_down_by_outcome_timeliness_channel_and_jurisdiction() -> None:
    section = found(report_of(surveyed_month(), minimum_answers=1))
    keys = {(c.dimension, c.key): c.answers for c in section.scores if c.aspect == "overall"}
    # The organisation's recorded outcome first; then what the milestones and referrals say.
    assert keys[("outcome", "partly_upheld")] == 1  # recorded, beside its final response
    assert keys[("outcome", "not_upheld")] == 1
    assert keys[("outcome", "upheld")] == 1
    assert ("outcome", "final_response") not in keys
    assert keys[("outcome", "summary_resolution")] == 1
    assert keys[("outcome", "referred_upheld")] == 1
    assert keys[("outcome", "unresolved")] == 1
    assert keys[("channel", "email")] == 5 and keys[("channel", "web")] == 1
    assert keys[("jurisdiction", "GB")] == 6
    assert keys[("timeliness", "late")] == 1  # the breached clock
    assert keys[("timeliness", "no_deadline")] == 5
    assert section.minimum_answers == 2  # a mean interval needs two answers


def test_indirect_indicators_beside_the_scores() -> None:
    indirect = found(report_of(surveyed_month())).indirect
    assert (indirect.repeat_complaints.numerator, indirect.repeat_complaints.denominator) == (2, 11)
    assert (indirect.reopened.numerator, indirect.reopened.share) == (1, 0.0909)
    assert indirect.referred.numerator == 1 and indirect.clock_breached.numerator == 1


def test_a_period_without_surveys_says_satisfaction_is_absent() -> None:
    section = report_of([complaint(1, at(2))]).satisfaction
    assert isinstance(section, Absent) and "ISO 10004" in section.reason


def test_a_scale_of_zero_to_ten_counts_nine_and_ten_as_satisfied() -> None:
    records = [
        complaint(n, at(n), survey=sent(score)) for n, score in enumerate([10, 9, 8, 0, 7], 1)
    ]
    overall = cell(found(report_of(records, survey_scale=Scale(lowest=0, highest=10))),
                   "overall", "all", "all")  # fmt: skip
    assert isinstance(overall, Score) and overall.satisfied.numerator == 2


def test_csv_and_json_carry_the_section() -> None:
    report = report_of(surveyed_month())
    table = list(rows(report))
    assert ("survey_response_rate", "", "", "period", "0.8571", "6", "7", "") in table
    assert ("survey_never_asked", "reason", "opted_out", "period", "1", "", "", "") in table
    mean = next(r for r in table if r[0] == "satisfaction_mean" and r[2] == "overall")
    assert mean[4] == "3.5" and "1.78 to 5.0" in mean[7]
    too_few = next(r for r in table if r[0] == "satisfied_share" and r[2] == "overall / billing")
    assert too_few[4] == "" and too_few[7].startswith("too few answers")
    assert ("indirect_reopened", "", "", "period", "0.0909", "1", "11", "") in table
    assert ComplaintReport.model_validate_json(report.model_dump_json()) == report


def test_the_satisfaction_chart_draws_each_aspect_with_its_interval() -> None:
    report = report_of(surveyed_month())
    drawn = charts(report)
    assert set(drawn) == {
        "complaints-by-category.svg", "on-time.svg", "breaches-by-clock.svg", "satisfaction.svg"
    }  # fmt: skip
    root = ET.fromstring(drawn["satisfaction.svg"].encode("utf-8"))
    desc = root.find(f"{{{svg.SVG_NS}}}desc")
    assert desc is not None and "6 of 7 asked answered" in (desc.text or "")
    bars = [
        r
        for r in root.iter(f"{{{svg.SVG_NS}}}rect")
        if r.find(f"{{{svg.SVG_NS}}}title") is not None
    ]
    assert len(bars) == 1  # overall; speed has one answer, too few to draw
    title = bars[0].find(f"{{{svg.SVG_NS}}}title")
    assert title is not None
    assert title.text == "overall: 4 of 6 satisfied (67%, 95% interval 30% to 90%), mean 3.5 of 5"
    shown = [t.text for t in root.iter(f"{{{svg.SVG_NS}}}text")]
    assert "speed: too few answers (1)" in shown


def test_no_satisfaction_chart_without_answers() -> None:
    assert "satisfaction.svg" not in charts(report_of([complaint(1, at(2), survey=sent(None))]))

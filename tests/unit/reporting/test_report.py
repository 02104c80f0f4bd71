"""Management reports over complaints: figures hand-computed on a small month of complaints,
the same figures from complaints handled by the engine, CSV and JSON, and properties that
hold for any records (shares within [0, 1], counts that add up, medians within range)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.actions import attempts
from plaint.intake import reception
from plaint.model.actions import ActionKind
from plaint.model.complaint import (
    Assessment,
    Clock,
    ClockStatus,
    Complaint,
    ComplaintOutcome,
    ComplaintStatus,
    Referral,
    ReferralOutcome,
    ReferralStage,
    Severity,
    WarningMark,
)
from plaint.model.events import Channel, SourceSystem, TicketEvent, TicketEventKind
from plaint.policy.letters import LetterPolicy
from plaint.policy.loading import load_policy
from plaint.reporting.figures import BucketSize, ComplaintReport, ReportPeriod, Timeliness
from plaint.reporting.report import (
    ReportRequestError,
    build_report,
    final_response_clock,
    nearest_rank,
    time_buckets,
)
from plaint.reporting.table import COLUMNS, rows, write_csv
from plaint.vocabulary.terms import ClockKind, Duration, DurationUnit, Expiry, Milestone
from tests.factories import ROOT, ticket_event

LONDON = "Europe/London"
# March 2025 in London: GMT until 30 March 01:00 UTC, then BST, so the month ends at 23:00 UTC.
MARCH = ReportPeriod(
    start=datetime(2025, 3, 1, tzinfo=ZoneInfo(LONDON)),
    end=datetime(2025, 4, 1, tzinfo=ZoneInfo(LONDON)),
)
AS_OF = datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
JURISDICTIONS = {"uk-disp": "GB", "sa-sama": "SA"}
ARABIC_BILLING = "الفواتير"


def at(day: int, hour: float = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC) + timedelta(hours=hour)


def clock(
    clock_id: str = "final_response",
    status: ClockStatus = ClockStatus.RUNNING,
    *,
    due_at: datetime | None = None,
    kind: ClockKind = ClockKind.REGULATORY,
    met_by: tuple[Milestone, ...] = (Milestone.FINAL_RESPONSE,),
    on_expiry: Expiry = Expiry.BREACH,
    warnings: tuple[WarningMark, ...] = (),
) -> Clock:
    return Clock(
        clock_id=clock_id,
        regime="uk-disp",
        kind=kind,
        on_expiry=on_expiry,
        calendar="uk-england-wales",
        met_by=met_by,
        within=Duration(amount=8, unit=DurationUnit.WEEKS),
        status=status,
        due_at=due_at,
        warnings=warnings,
    )


def complaint(n: int, received_at: datetime, **fields: Any) -> Complaint:
    is_complaint = fields.pop("is_complaint", True)
    possible = fields.pop("possible", False)  # in the review band, not yet confirmed
    regime = fields.pop("regime", "uk-disp")
    values: dict[str, Any] = {
        "complaint_id": f"zendesk:{n}",
        "source": SourceSystem.ZENDESK,
        "ticket_id": str(n),
        "channel": Channel.EMAIL,
        "received_at": received_at,
        "complainant_ref": f"zendesk-user:{n}",
        "language": "en",
        "subject": "complaint",
        "product": "card",
        "description_digest": "0" * 64,
        "remedy_sought": None,
        "assessment": Assessment(
            is_complaint=is_complaint,
            category=fields.pop("category", "billing"),
            severity=Severity.MEDIUM,
            regime=regime,
        ),
        "status": ComplaintStatus.RECEIVED
        if is_complaint
        else ComplaintStatus.POSSIBLE_COMPLAINT
        if possible
        else ComplaintStatus.NOT_A_COMPLAINT,
        "policy_version": "v1",
        "acknowledgement_due_at": received_at + timedelta(days=1),
        "regime": regime,
        "source_version": received_at,
        "revision": 1,
    }
    return Complaint(**(values | fields))


def mark(when: datetime, recorded: bool = True) -> WarningMark:
    return WarningMark(fraction=0.5, at=when, recorded=recorded)


def march() -> list[Complaint]:
    """Six complaints received in March 2025, one record that is not a complaint, two
    outside the period. Each figure the tests assert is worked out in its comments."""
    return [
        # A: acknowledged after 2 h (on time); final response after 168 h, clock met.
        complaint(1, at(3, 10), complainant_ref="p1", acknowledged_at=at(3, 12),
                  clocks=(clock(status=ClockStatus.MET, due_at=at(28, 23, month=4),
                                warnings=(mark(at(31)),)),),
                  milestones={Milestone.FINAL_RESPONSE: at(10, 10)}),
        # B: acknowledged after 48 h, a day late; the final response clock breached with two
        # warnings sent, and a third mark closed at the deadline (no warning).
        complaint(2, at(5, 9), complainant_ref="p1", channel=Channel.WEB,
                  acknowledged_at=at(7, 9),
                  clocks=(clock(status=ClockStatus.BREACHED, due_at=at(30, 9),
                                warnings=(mark(at(17)), mark(at(25)), mark(at(30, 9)))),
                          clock("first_reply", ClockStatus.BREACHED, due_at=at(7, 9),
                                kind=ClockKind.SERVICE,
                                met_by=(Milestone.HOLDING_RESPONSE, Milestone.FINAL_RESPONSE)))),
        # C: acknowledged after 1 h; resolved by summary resolution after 24 h, which
        # discharged the final response clock.
        complaint(3, at(11, 14), complainant_ref="p2", category="delivery",
                  channel=Channel.PHONE, product=None, acknowledged_at=at(11, 15),
                  clocks=(clock(status=ClockStatus.DISCHARGED, due_at=at(6, 23, month=5)),),
                  milestones={Milestone.SUMMARY_RESOLUTION: at(12, 14)}),
        # D: Saudi regime, Arabic category, no complainant reference; not acknowledged and
        # past its deadline at as_of (late); final response due 15 April (pending).
        complaint(4, at(17, 8), complainant_ref=None, category=ARABIC_BILLING,
                  channel=Channel.CHAT, regime="sa-sama",
                  clocks=(clock(due_at=at(15, 12, month=4)),)),
        # E: 23:30 UTC on Sunday 30 March is 00:30 BST on Monday 31 March: week 14, not 13.
        # Acknowledgement due after as_of (pending); no regime, so no final response clock.
        complaint(5, at(30, 23.5), complainant_ref="p3", regime=None,
                  acknowledgement_due_at=at(1, 16, month=4)),
        # H: no acknowledgement deadline; acknowledged after 1.5 h; final response after
        # 30 h; referred; its referral window lapses rather than breaches.
        complaint(8, at(20, 12), complainant_ref="p1", acknowledgement_due_at=None,
                  acknowledged_at=at(20, 13.5),
                  clocks=(clock(status=ClockStatus.MET, due_at=at(15, 23, month=5)),
                          clock("referral_window", on_expiry=Expiry.LAPSE,
                                met_by=(Milestone.REFERRAL,), due_at=at(21, 18, month=9))),
                  milestones={Milestone.FINAL_RESPONSE: at(21, 18),
                              Milestone.REFERRAL: at(25, 9)},
                  # The ombudsman decided for the complainant after six and a half days.
                  referrals=(Referral(referral_id="zendesk:8:fos:1", provider_id="fos",
                                      trigger="rejected", stage=ReferralStage.DECIDED,
                                      offered_at=at(25, 9), referred_at=at(25, 9),
                                      outcome=ReferralOutcome.DETERMINATION_UPHELD,
                                      decided_at=at(31, 21)),
                             Referral(referral_id="zendesk:8:adr:2", provider_id="adr",
                                      trigger="agent_request", stage=ReferralStage.INELIGIBLE,
                                      reasons=("too late",), offered_at=at(26, 9)))),
        # F: judged not a complaint.
        complaint(6, at(4, 9), is_complaint=False),
        # G: outside the period: the last minute of February, and the period's end itself.
        complaint(7, at(28, 23.99, month=2)),
        complaint(9, datetime(2025, 3, 31, 23, 0, tzinfo=UTC)),
    ]  # fmt: skip


def march_report(**options: Any) -> ComplaintReport:
    return build_report(
        march(),
        MARCH,
        bucket_size=options.pop("bucket_size", BucketSize.WEEK),
        time_zone=LONDON,
        as_of=AS_OF,
        jurisdiction_of=options.pop("jurisdiction_of", JURISDICTIONS),
        **options,
    )


def tallies(breakdown: Any) -> list[tuple[str, int]]:
    return [(t.key, t.complaints) for t in breakdown.totals]


def test_possible_complaints_awaiting_review_are_counted_apart() -> None:
    found = [*march(), complaint(90, at(12, 9), is_complaint=False, possible=True)]
    report = build_report(found, MARCH, bucket_size=BucketSize.WEEK, time_zone=LONDON,
                          as_of=AS_OF)  # fmt: skip
    assert (report.complaints, report.possible_complaints, report.not_a_complaint) == (6, 1, 1)
    assert ("possible_complaints", "1") in [(r[0], r[4]) for r in rows(report)]


def test_complaints_are_counted_by_category_channel_product_and_jurisdiction() -> None:
    report = march_report()
    assert (report.complaints, report.not_a_complaint) == (6, 1)
    # Equal counts are listed by key: Latin letters sort before Arabic ones.
    assert tallies(report.by_category) == [("billing", 4), ("delivery", 1), (ARABIC_BILLING, 1)]
    assert tallies(report.by_channel) == [("email", 3), ("chat", 1), ("phone", 1), ("web", 1)]
    assert tallies(report.by_product) == [("card", 5), ("unspecified", 1)]
    assert tallies(report.by_jurisdiction) == [("GB", 4), ("SA", 1), ("unspecified", 1)]


def test_complaints_are_counted_by_whether_the_organisation_upheld_them() -> None:
    decided = {1: ComplaintOutcome.UPHELD, 2: ComplaintOutcome.PARTLY_UPHELD,
               3: ComplaintOutcome.UPHELD, 4: ComplaintOutcome.NOT_UPHELD}  # fmt: skip
    found = [
        complaint(n, at(3 + n, 9), outcome=decided.get(n), category="billing") for n in range(1, 7)
    ]
    report = build_report(found, MARCH, bucket_size=BucketSize.MONTH, time_zone=LONDON,
                          as_of=AS_OF)  # fmt: skip
    assert tallies(report.by_outcome) == [
        ("not_yet_decided", 2), ("upheld", 2), ("not_upheld", 1), ("partly_upheld", 1),
    ]  # fmt: skip
    assert report.model_dump(mode="json")["by_outcome"]["dimension"] == "outcome"
    table = [tuple(r[:5]) for r in rows(report)]
    assert ("complaints", "outcome", "upheld", "period", "2") in table
    assert ("complaints", "outcome", "not_yet_decided", "2025-03", "2") in table


def test_weeks_are_iso_weeks_in_the_report_time_zone_and_empty_ones_are_kept() -> None:
    report = march_report()
    assert [(b.label, b.partial) for b in report.buckets] == [
        ("2025-W09", True),  # Saturday 1 March is in the week of Monday 24 February
        ("2025-W10", False),
        ("2025-W11", False),
        ("2025-W12", False),
        ("2025-W13", False),
        ("2025-W14", True),  # only Monday 31 March is in the period
    ]
    assert report.buckets[-1].start == datetime(2025, 3, 31, tzinfo=ZoneInfo(LONDON))
    per_week = {
        b.bucket: [(t.key, t.complaints) for t in b.counts] for b in report.by_category.by_bucket
    }
    assert per_week == {
        "2025-W09": [],
        "2025-W10": [("billing", 2)],  # A and B; F is not a complaint
        "2025-W11": [("delivery", 1)],
        "2025-W12": [("billing", 1), (ARABIC_BILLING, 1)],
        "2025-W13": [],
        "2025-W14": [("billing", 1)],  # E, received on Monday 31 March local time
    }


def test_months_and_days_are_labelled_by_their_local_date() -> None:
    monthly = march_report(bucket_size=BucketSize.MONTH)
    assert [(b.label, b.partial) for b in monthly.buckets] == [("2025-03", False)]
    daily = march_report(bucket_size=BucketSize.DAY)
    assert len(daily.buckets) == 31
    assert daily.buckets[-1].label == "2025-03-31"
    assert daily.buckets[-1].end == datetime(2025, 3, 31, 23, 0, tzinfo=UTC)


def test_acknowledgement_share_leaves_pending_and_deadline_free_complaints_out() -> None:
    ack = march_report().acknowledgement
    # A and C on time, B and D late, E pending, H without a deadline: 2 of 4.
    assert (ack.on_time, ack.late, ack.pending, ack.no_deadline) == (2, 2, 1, 1)
    assert ack.share == 0.5 and ack.denominator == 4


def test_final_response_share_counts_a_summary_resolution_as_on_time_but_apart() -> None:
    final = march_report().final_response
    # A and H met, C discharged, B breached, D pending, E has no clock: 3 of 4.
    assert (final.on_time, final.discharged, final.late, final.pending, final.no_deadline) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert final.share == 0.75


def test_deadlines_kept_per_week_of_receipt() -> None:
    report = march_report()
    shares = {
        b.bucket: (b.acknowledgement.share, b.final_response.share)
        for b in report.timeliness_by_bucket
    }
    assert shares == {
        "2025-W09": (None, None),
        "2025-W10": (0.5, 0.5),  # A on time, B late, for both deadlines
        "2025-W11": (1.0, 1.0),  # C: acknowledged on time, discharged
        "2025-W12": (0.0, 1.0),  # D late and H without a deadline; D pending, H met
        "2025-W13": (None, None),
        "2025-W14": (None, None),  # E: acknowledgement pending, no final response clock
    }


def test_an_open_clock_past_its_deadline_is_late_before_the_sweep_records_it() -> None:
    overdue = complaint(1, at(3, 10), clocks=(clock(due_at=at(20)),))
    report = build_report(
        [overdue], MARCH, bucket_size=BucketSize.MONTH, time_zone=LONDON, as_of=AS_OF
    )
    assert (report.final_response.late, report.final_response.share) == (1, 0.0)
    assert report.clocks[0].breached == 0  # breaches are what the sweep recorded


def test_time_to_acknowledge_and_resolve_in_hours() -> None:
    report = march_report()
    ack = report.time_to_acknowledge
    # 1, 1.5, 2 and 48 hours; D and E not acknowledged. The median is the mean of the two
    # middle values; the nearest-rank 90th percentile of four values is the fourth.
    assert (ack.measured, ack.not_reached) == (4, 2)
    assert (ack.minimum, ack.median, ack.p90, ack.maximum) == (1.0, 1.75, 48.0, 48.0)
    resolve = report.time_to_resolve
    # C by summary resolution after 24 h, H after 30 h, A after 168 h.
    assert (resolve.measured, resolve.not_reached) == (3, 3)
    assert (resolve.minimum, resolve.median, resolve.p90, resolve.maximum) == (
        24.0,
        30.0,
        168.0,
        168.0,
    )


def test_nearest_rank_is_a_value_some_complaint_took() -> None:
    values = [float(v) for v in range(1, 11)]
    assert nearest_rank(values, 0.9) == 9.0
    assert nearest_rank(values[:1], 0.9) == 1.0
    assert nearest_rank([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 0.9) == 10.0


def test_breaches_and_warnings_by_clock() -> None:
    figures = {
        c.clock_id: (c.kind, c.carried, c.breached, c.lapsed, c.warnings, c.can_breach)
        for c in march_report().clocks
    }
    assert list(figures) == ["final_response", "first_reply", "referral_window"]
    # A's warning and B's two before the deadline; B's mark at the deadline warned of nothing.
    assert figures["final_response"] == (ClockKind.REGULATORY, 5, 1, 0, 3, True)
    assert figures["first_reply"] == (ClockKind.SERVICE, 1, 1, 0, 0, True)
    assert figures["referral_window"] == (ClockKind.REGULATORY, 1, 0, 0, 0, False)


def test_referral_rate_and_each_providers_overturn_rate_and_cycle_time() -> None:
    report = march_report()
    assert (report.referral.numerator, report.referral.denominator) == (1, 6)
    assert report.referral.share == 0.1667
    adr, fos = report.providers
    assert (adr.provider_id, adr.referrals, adr.ineligible, adr.decided) == ("adr", 1, 1, 0)
    assert adr.overturn_rate.share is None and adr.days_to_decision.not_reached == 0
    assert (fos.referrals, fos.decided, fos.overturned, fos.overturn_rate.share) == (1, 1, 1, 1.0)
    assert fos.days_to_decision.median == 6.5
    assert report.satisfaction.available is False and "ISO 10004" in report.satisfaction.reason


def test_repeat_complainants_and_recurring_causes() -> None:
    report = march_report()
    repeat = report.repeat_complaints
    # p1 complained three times (A, B, H); D has no complainant reference.
    assert (repeat.complainants, repeat.complaints, repeat.identified, repeat.unidentified) == (
        1,
        3,
        5,
        1,
    )
    assert [(c.category, c.product, c.complaints) for c in report.recurring_causes] == [
        ("billing", "card", 4)
    ]


def test_without_a_jurisdiction_map_every_complaint_is_unspecified() -> None:
    report = march_report(jurisdiction_of=None)
    assert tallies(report.by_jurisdiction) == [("unspecified", 6)]


def test_final_response_clock_prefers_the_regulatory_clock_only_the_final_response_meets() -> None:
    in_progress = clock(
        "company_response", met_by=(Milestone.FINAL_RESPONSE, Milestone.IN_PROGRESS_RESPONSE)
    )
    final = clock("final_response")
    sla = clock("investigation_sla", kind=ClockKind.SERVICE)
    found = final_response_clock(complaint(1, at(3), clocks=(sla, in_progress, final)))
    assert found is final
    assert final_response_clock(complaint(2, at(3), clocks=(sla,))) is sla
    assert final_response_clock(complaint(3, at(3))) is None


def test_requests_the_report_cannot_answer_are_typed_errors() -> None:
    with pytest.raises(ReportRequestError):
        build_report([], MARCH, bucket_size=BucketSize.DAY, time_zone="Mars/Olympus", as_of=AS_OF)
    with pytest.raises(ReportRequestError):
        build_report(
            [], MARCH, bucket_size=BucketSize.DAY, time_zone=LONDON, as_of=datetime(2025, 4, 1)
        )
    with pytest.raises(ReportRequestError):
        build_report([], MARCH, bucket_size="fortnight", time_zone=LONDON, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ReportPeriod(start=MARCH.end, end=MARCH.start)


def test_an_empty_period_reports_zeros_and_no_shares() -> None:
    report = build_report([], MARCH, bucket_size=BucketSize.MONTH, time_zone=LONDON, as_of=AS_OF)
    assert report.complaints == 0 and report.acknowledgement.share is None
    assert report.time_to_resolve.median is None and report.referral.share is None
    assert report.clocks == () and report.recurring_causes == ()


def test_json_round_trips() -> None:
    report = march_report()
    text = report.model_dump_json(indent=2)
    assert ComplaintReport.model_validate_json(text) == report
    document = json.loads(text)
    assert document["providers"][1]["overturn_rate"] == {
        "numerator": 1,
        "denominator": 1,
        "share": 1.0,
    }
    assert document["by_category"]["totals"][2] == {"key": ARABIC_BILLING, "complaints": 1}


def test_a_share_that_does_not_follow_from_its_counts_is_refused() -> None:
    with pytest.raises(ValueError):
        Timeliness(on_time=1, late=1, pending=0, no_deadline=0, share=0.9)


# --- CSV ----------------------------------------------------------------------------------


def csv_table(report: ComplaintReport) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_csv(report, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def find(table: list[dict[str, str]], **match: str) -> list[dict[str, str]]:
    return [row for row in table if all(row[k] == v for k, v in match.items())]


def test_csv_is_one_long_table_of_figures() -> None:
    table = csv_table(march_report())
    assert tuple(table[0]) == COLUMNS
    assert find(table, figure="report", key="time_zone")[0]["value"] == LONDON
    assert find(table, figure="complaints", dimension="", bucket="period")[0]["value"] == "6"
    billing_w10 = find(
        table, figure="complaints", dimension="category", key="billing", bucket="2025-W10"
    )
    assert billing_w10[0]["value"] == "2"
    [ack] = find(table, figure="acknowledgement_on_time", bucket="period")
    assert (ack["value"], ack["count"], ack["denominator"]) == ("0.5", "2", "4")
    assert ack["note"] == "excluded: 1 pending, 1 without a deadline"
    [final] = find(table, figure="final_response_on_time", bucket="period")
    assert (final["value"], final["count"], final["denominator"]) == ("0.75", "3", "4")
    [p90] = find(table, figure="time_to_acknowledge_hours", key="p90")
    assert (p90["value"], p90["count"]) == ("48.0", "4")
    [breaches] = find(table, figure="clock_breaches", key="final_response")
    assert breaches["value"] == "1"
    [overturn] = find(table, figure="provider_overturn_rate", key="fos")
    assert (overturn["value"], overturn["count"], overturn["denominator"]) == ("1.0", "1", "1")
    [cause] = find(table, figure="recurring_cause")
    assert (cause["key"], cause["value"]) == ("billing / card", "4")
    # A week with no deadline reached yet has an empty share, not a zero.
    [w14] = find(table, figure="acknowledgement_on_time", bucket="2025-W14")
    assert (w14["value"], w14["denominator"]) == ("", "0")


def test_csv_rows_all_have_every_column() -> None:
    assert {len(row) for row in rows(march_report())} == {len(COLUMNS)}


def test_csv_writes_names_that_look_like_formulas_as_text() -> None:
    records = [complaint(1, at(3, 10), product='=HYPERLINK("http://x")')]
    report = build_report(
        records, MARCH, bucket_size=BucketSize.MONTH, time_zone=LONDON, as_of=AS_OF
    )
    [row] = find(csv_table(report), figure="complaints", dimension="product", bucket="period")
    assert row["key"] == '\'=HYPERLINK("http://x")'


# --- through the engine -------------------------------------------------------------------


class Desk:
    """The engine's use cases with the complaints kept in a dict: each delivery judged by
    reception.receive, and the acknowledgement it asks for recorded as sent at once."""

    def __init__(self, policy_file: str, *, letter_checks: bool = True) -> None:
        self.policy = load_policy(ROOT / "policies" / policy_file)
        if not letter_checks:  # the tags stand for letters already checked
            self.policy = self.policy.model_copy(update={"letters": LetterPolicy()})
        self.complaints: dict[str, Complaint] = {}

    def deliver(self, event: TicketEvent, now: datetime) -> None:
        current = self.complaints.get(event.complaint_id)
        decision = reception.receive(event, current, self.policy, now)
        assert decision.complaint is not None
        complaint = decision.complaint
        for action in decision.new_actions:
            if action.kind is ActionKind.ACKNOWLEDGE:
                done = attempts.action_done(action, complaint, self.policy, now, found=False)
                assert done.complaint is not None
                complaint = done.complaint
        self.complaints[event.complaint_id] = complaint


def test_figures_from_complaints_the_engine_handled_under_the_uk_pack() -> None:
    received = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # Monday; GMT in London
    # The pack checks final responses' letters (tests/unit/letters); these tickets carry
    # tags alone, so the figures are counted with the checks off.
    desk = Desk("uk-fca-disp.json", letter_checks=False)

    def deliver(n: int, ticket: str, now: datetime, **event: Any) -> None:
        kind = TicketEventKind.CREATED if now == received else TicketEventKind.UPDATED
        e = ticket_event(
            delivery_id=f"d-{n}",
            ticket_id=ticket,
            kind=kind,
            created_at=received,
            occurred_at=now,
            **event,
        )
        desk.deliver(e, now)

    deliver(1, "101", received, description="I want to complain: you charged me twice.")
    deliver(2, "102", received, description="I want to complain: my card was declined.")
    # Tuesday: the second is resolved at once; ten days on, a final response to the first.
    deliver(3, "102", received + timedelta(days=1), tags=("summary_resolution_sent",))
    deliver(4, "101", received + timedelta(days=10), tags=("final_response_sent",))

    report = build_report(
        desk.complaints.values(),
        MARCH,
        bucket_size=BucketSize.WEEK,
        time_zone=LONDON,
        as_of=received + timedelta(days=10),
        jurisdiction_of={"uk-disp": "GB"},
    )
    assert report.complaints == 2
    assert tallies(report.by_jurisdiction) == [("GB", 2)]
    # Both acknowledged as they arrived, well within the firm's one business day.
    assert report.acknowledgement.on_time == 2 and report.acknowledgement.share == 1.0
    assert report.time_to_acknowledge.maximum == 0.0
    # The first met its eight-week clock; the summary resolution discharged the second's.
    final = report.final_response
    assert (final.on_time, final.discharged, final.late, final.share) == (1, 1, 0, 1.0)
    # Resolved after 24 h (summary resolution) and 240 h (final response).
    resolve = report.time_to_resolve
    assert (resolve.minimum, resolve.median, resolve.maximum) == (24.0, 132.0, 240.0)
    assert report.repeat_complaints.complainants == 1  # both from zendesk-user:1
    assert all(c.breached == 0 for c in report.clocks)


# --- properties ---------------------------------------------------------------------------

START = datetime(2025, 1, 1, tzinfo=UTC)
CATEGORIES = ["billing", "delivery", ARABIC_BILLING, "شکایت"]
hours_after = st.floats(min_value=0, max_value=24 * 90, allow_nan=False)


@st.composite
def records(draw: st.DrawFn, n: int) -> Complaint:
    received = START + timedelta(hours=draw(st.floats(min_value=-24 * 10, max_value=24 * 70)))
    status = draw(st.sampled_from(list(ClockStatus)))
    has_clock = draw(st.booleans())
    acknowledged = draw(st.none() | hours_after)
    resolved = draw(st.none() | hours_after)
    is_complaint = draw(st.booleans())
    return complaint(
        n,
        received,
        is_complaint=is_complaint,
        possible=not is_complaint and draw(st.booleans()),
        category=draw(st.sampled_from(CATEGORIES)),
        product=draw(st.sampled_from([None, "card", "loan"])),
        complainant_ref=draw(st.sampled_from([None, "p1", "p2", "p3"])),
        acknowledgement_due_at=draw(st.none() | st.just(received + timedelta(days=1))),
        acknowledged_at=None if acknowledged is None else received + timedelta(hours=acknowledged),
        clocks=(clock(status=status, due_at=received + timedelta(days=30)),) if has_clock else (),
        milestones={}
        if resolved is None
        else {Milestone.FINAL_RESPONSE: received + timedelta(hours=resolved)},
    )


@st.composite
def complaint_lists(draw: st.DrawFn) -> list[Complaint]:
    count = draw(st.integers(min_value=0, max_value=25))
    return [draw(records(n)) for n in range(count)]


def assert_kept_adds_up(kept: Timeliness, complaints: int) -> None:
    assert kept.complaints == complaints
    if kept.denominator:
        assert kept.share is not None and 0 <= kept.share <= 1
    else:
        assert kept.share is None


@settings(max_examples=150, deadline=None)
@given(
    complaint_lists(),
    st.sampled_from(list(BucketSize)),
    st.sampled_from(["UTC", LONDON, "Asia/Tehran", "Pacific/Kiritimati"]),
)
def test_any_records_give_shares_within_bounds_and_counts_that_add_up(
    found: list[Complaint], size: BucketSize, zone: str
) -> None:
    period = ReportPeriod(start=START, end=START + timedelta(days=60))
    report = build_report(
        found, period, bucket_size=size, time_zone=zone, as_of=START + timedelta(days=45)
    )
    in_period = [c for c in found if period.start <= c.received_at < period.end]
    counted = report.complaints + report.possible_complaints + report.not_a_complaint
    assert counted == len(in_period)
    for breakdown in report.breakdowns:
        assert sum(t.complaints for t in breakdown.totals) == report.complaints
        per_bucket = sum(t.complaints for b in breakdown.by_bucket for t in b.counts)
        assert per_bucket == report.complaints  # every complaint lands in one bucket
    assert_kept_adds_up(report.acknowledgement, report.complaints)
    assert_kept_adds_up(report.final_response, report.complaints)
    for bucket in report.timeliness_by_bucket:
        received = next(b for b in report.by_category.by_bucket if b.bucket == bucket.bucket)
        assert_kept_adds_up(bucket.acknowledgement, sum(t.complaints for t in received.counts))
    for hours in (report.time_to_acknowledge, report.time_to_resolve):
        assert hours.measured + hours.not_reached == report.complaints
        if hours.measured:
            assert hours.minimum is not None and hours.maximum is not None
            assert hours.median is not None and hours.p90 is not None
            assert hours.minimum <= hours.median <= hours.p90 <= hours.maximum
    assert report.referral.share is None or 0 <= report.referral.share <= 1
    repeat = report.repeat_complaints
    assert repeat.complaints >= 2 * repeat.complainants
    assert repeat.identified + repeat.unidentified == report.complaints


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    st.floats(min_value=0.01, max_value=24 * 400),
    st.sampled_from(list(BucketSize)),
    st.sampled_from(["UTC", LONDON, "America/Santiago", "Asia/Tehran", "Australia/Lord_Howe"]),
)
def test_buckets_tile_the_period_without_gaps(
    start: datetime, hours: float, size: BucketSize, zone: str
) -> None:
    period = ReportPeriod(start=start, end=start + timedelta(hours=hours))
    buckets = time_buckets(period, size, ZoneInfo(zone))
    assert buckets[0].start <= period.start < buckets[0].end
    assert buckets[-1].start < period.end <= buckets[-1].end
    assert all(a.end == b.start for a, b in pairwise(buckets))
    assert len({b.label for b in buckets}) == len(buckets)

"""SVG charts of a complaint report: valid XML whatever the labels hold, announced to screen
readers, right-to-left names marked so, and bars drawn to the report's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.model.complaint import Complaint
from plaint.reporting import svg
from plaint.reporting.charts import (
    OTHER,
    PARTIAL_NOTE,
    breaches_by_clock_chart,
    charts,
    complaints_by_category_chart,
    on_time_chart,
)
from plaint.reporting.figures import BucketSize, ComplaintReport
from plaint.reporting.report import build_report
from tests.unit.reporting.test_report import (
    ARABIC_BILLING,
    AS_OF,
    LONDON,
    MARCH,
    at,
    complaint,
    march_report,
)

NS = {"svg": svg.SVG_NS}
PERSIAN = "شکایت از خدمات"


def parse(document: str) -> ET.Element:
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(document.encode("utf-8"))


def texts(root: ET.Element) -> dict[str, ET.Element]:
    return {t.text or "": t for t in root.iter(f"{{{svg.SVG_NS}}}text")}


def bars(root: ET.Element) -> list[tuple[str, float, float]]:
    """(tooltip, width, height) of each rect that carries a tooltip."""
    found = []
    for rect in root.iter(f"{{{svg.SVG_NS}}}rect"):
        title = rect.find("svg:title", NS)
        if title is not None:
            found.append(
                (title.text or "", float(rect.get("width", 0)), float(rect.get("height", 0)))
            )
    return found


def report_of(records: list[Complaint], size: BucketSize = BucketSize.WEEK) -> ComplaintReport:
    return build_report(records, MARCH, bucket_size=size, time_zone=LONDON, as_of=AS_OF)


@pytest.mark.parametrize(
    "name", ["complaints-by-category.svg", "on-time.svg", "breaches-by-clock.svg"]
)
def test_every_chart_is_an_svg_image_with_a_title_and_a_description(name: str) -> None:
    root = parse(charts(march_report(), target=0.9)[name])
    assert root.tag == f"{{{svg.SVG_NS}}}svg"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "2025-03-01 to 2025-03-31 (Europe/London)" in (desc.text or "")


def test_stacked_bars_are_drawn_to_the_counts_per_week_and_category() -> None:
    root = parse(complaints_by_category_chart(march_report()))
    drawn = {tip: height for tip, _, height in bars(root)}
    assert set(drawn) == {
        "2025-W10: billing, 2 of 2",
        "2025-W11: delivery, 1 of 1",
        "2025-W12: billing, 1 of 2",
        f"2025-W12: {ARABIC_BILLING}, 1 of 2",
        "2025-W14: billing, 1 of 1",
    }
    # The axis tops at 2, so two complaints fill the plot and one fills half of it.
    assert drawn["2025-W10: billing, 2 of 2"] == 2 * drawn["2025-W11: delivery, 1 of 1"]
    desc = root.find("svg:desc", NS)
    assert desc is not None and "6 complaints in all" in (desc.text or "")
    assert "2025-W14*" in texts(root) and PARTIAL_NOTE in texts(root)


def test_a_right_to_left_name_is_marked_rtl_and_still_starts_beside_its_swatch() -> None:
    root = parse(complaints_by_category_chart(march_report()))
    arabic, latin = texts(root)[ARABIC_BILLING], texts(root)["billing"]
    assert (arabic.get("direction"), arabic.get("unicode-bidi")) == ("rtl", "embed")
    # In SVG, text-anchor follows the text's direction: "end" of RTL text is its left edge.
    assert arabic.get("text-anchor") == "end" and arabic.get("x") == latin.get("x")
    assert latin.get("direction") is None and latin.get("text-anchor") == "start"


def test_categories_past_seven_are_gathered_as_other() -> None:
    names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    records = [complaint(n, at(3 + n), category=name) for n, name in enumerate(names)]
    root = parse(complaints_by_category_chart(report_of(records)))
    legend = [t for t in texts(root) if t in [*names, OTHER]]
    assert legend == [OTHER, "f", "e", "d", "c", "b", "a"]  # top down, as the stack reads


def test_on_time_bars_show_each_share_a_real_zero_and_the_target() -> None:
    root = parse(on_time_chart(march_report(), target=0.9))
    drawn = {tip: height for tip, _, height in bars(root)}
    full = drawn["2025-W11 acknowledgement: 100%: 1 of 1 on time, 0 pending"]
    assert drawn["2025-W10 final response: 50%: 1 of 2 on time, 0 pending"] == full / 2
    # W12's acknowledgement is 0 of 1: a sliver, not nothing.
    assert drawn["2025-W12 acknowledgement: 0%: 0 of 1 on time, 0 pending"] == 2
    # W14 has no deadline reached yet: marked n/a, with no bar.
    assert not any(tip.startswith("2025-W14") for tip in drawn)
    assert "n/a" in texts(root)
    target = next(
        line for line in root.iter(f"{{{svg.SVG_NS}}}line") if line.get("stroke-dasharray")
    )
    baseline_to_target = 0.9 * full
    assert float(target.get("y1", 0)) == pytest.approx(88 + full - baseline_to_target, abs=0.01)
    assert "target 90%" in texts(root)


def test_on_time_target_must_be_a_share() -> None:
    with pytest.raises(ValueError):
        on_time_chart(march_report(), target=95)


def test_breaches_by_clock_leave_out_windows_that_only_lapse() -> None:
    root = parse(breaches_by_clock_chart(march_report()))
    drawn = [(tip, width) for tip, width, _ in bars(root)]
    assert [tip for tip, _ in drawn] == [
        "final_response (regulatory clock): 1 breached of 5, 3 warnings sent",
        "first_reply (service clock): 1 breached of 1, 0 warnings sent",
    ]
    assert drawn[0][1] == drawn[1][1] > 0
    assert "referral_window" not in texts(root)
    assert "1 of 5" in texts(root)


def test_an_empty_period_still_draws_every_chart() -> None:
    empty = report_of([])
    assert "No complaints received in this period" in texts(
        parse(complaints_by_category_chart(empty))
    )
    assert "No clock that can be breached in this period" in texts(
        parse(breaches_by_clock_chart(empty))
    )
    assert texts(parse(on_time_chart(empty)))["n/a"] is not None


def test_markup_and_control_characters_in_names_are_text() -> None:
    hostile = '<script>alert("x")</script> & \x07 \u202etxt.exe'
    root = parse(complaints_by_category_chart(report_of([complaint(1, at(3), category=hostile)])))
    assert not list(root.iter("script")) and not list(root.iter(f"{{{svg.SVG_NS}}}script"))
    cleaned = '<script>alert("x")</script> & txt.exe'  # the bell and the override dropped
    [legend] = [t for t in texts(root).values() if t.find("svg:title", NS) is not None]
    assert legend.text == cleaned[:27] + "…"  # shortened in the legend...
    assert legend.findtext("svg:title", namespaces=NS) == cleaned  # ...whole in its tooltip


def test_many_daily_buckets_thin_their_labels() -> None:
    root = parse(complaints_by_category_chart(march_report(bucket_size=BucketSize.DAY)))
    days = [t for t in texts(root) if t.startswith("2025-03-")]
    assert 3 <= len(days) < 31 and "2025-03-01" in days


def test_rtl_detection_follows_the_first_strong_character() -> None:
    assert svg.is_rtl(PERSIAN) and svg.is_rtl("12 " + ARABIC_BILLING)
    assert not svg.is_rtl("billing " + ARABIC_BILLING) and not svg.is_rtl("2025")


labels = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=1, max_size=10))
def test_any_names_give_charts_that_parse(names: list[tuple[str, str]]) -> None:
    records = [
        complaint(n, datetime(2025, 3, 3 + n, 12, tzinfo=UTC), category=category, product=product)
        for n, (category, product) in enumerate(names)
    ]
    for document in charts(report_of(records)).values():
        root = parse(document)
        for element in root.iter(f"{{{svg.SVG_NS}}}text"):
            label = element.text or ""
            assert (element.get("direction") == "rtl") == svg.is_rtl(label)

"""The portal in a real browser (Debian's Chromium) against the local stack: sign-in, a
search, a complaint's timeline, a report with its charts, a draft with an error at its line,
a what-if, the two-person publication, an Arabic page laid out right to left, and a
verification that fails once an entry is altered in the store (last: it spoils the log)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from devstack.launcher import StackProcess, wait_until
from tests.browser.conftest import TICKETS, audit_entries, shot, signed_in
from tests.factories import ROOT

pytestmark = pytest.mark.browser
UK_PACK = ROOT / "policies" / "uk-fca-disp.json"


def test_sign_in_and_search(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Aysel Auditor")
    shot(page, "01-complaints")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == len(TICKETS)
    page.fill("input[name=category]", "no-such-category")
    page.click("#search button")
    assert page.locator("p.notice").inner_text() == "Nothing matches in this period."
    page.fill("input[name=category]", "")
    page.select_option("select[name=late]", "no")
    page.click("#search button")
    assert page.locator("table.results tbody tr").count() == len(TICKETS)
    assert "late=no" in page.url
    shot(page, "02-search-filtered")


def test_a_complaints_timeline(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Aysel Auditor")
    page.click(f"text=zendesk:{TICKETS[0]}")
    page.wait_for_selector("ol.timeline")
    kinds = page.locator("ol.timeline li strong").all_inner_texts()
    assert any("complaint.received" in k for k in kinds)
    assert any("complaint.assessed" in k for k in kinds)
    first = page.locator("ol.timeline li").first
    assert (
        "Europe/London" in first.inner_text() and "Z" in first.locator(".muted").first.inner_text()
    )
    assert page.locator("text=Personal values are withheld for your role.").count() >= 1
    shot(page, "03-complaint-timeline")


def test_a_report_with_its_charts(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Aysel Auditor")
    page.goto(f"{stack.portal_url}/reports")
    today = datetime.now(UTC).date()
    page.fill("input[name=from]", (today - timedelta(days=6)).isoformat())
    page.fill("input[name=to]", (today + timedelta(days=1)).isoformat())
    page.select_option("select[name=bucket]", "day")
    page.click("#report-form button")
    page.wait_for_selector("figure.chart svg")
    assert page.locator("figure.chart svg").count() == 3
    box = page.locator("figure.chart svg").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    # No survey in the stack's policy: the section says why, with no fourth chart.
    assert page.locator("#satisfaction h2").inner_text() == "Satisfaction (ISO 10004)"
    assert "no complaint of this period has a survey" in page.locator("#satisfaction").inner_text()
    with page.expect_download() as download:
        page.click("text=Download CSV")
    assert download.value.suggested_filename == "report.csv"
    shot(page, "04-report")


def test_a_draft_with_an_error_shown_at_its_line(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Leyla Admin", admin=True)
    page.goto(f"{stack.portal_url}/admin/drafts")
    document = json.loads(UK_PACK.read_text("utf-8"))
    document["acknowledgement"]["calendar"] = "nowhere"
    text = json.dumps(document, indent=2)
    page.fill("textarea[name=text]", text)
    page.click("#draft-form button >> nth=0")
    page.wait_for_selector("#problems")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"calendar": "nowhere"' in row)
    assert page.locator("#problems li").count() >= 1
    assert f"line {line}" in page.locator("#problems").inner_text()
    highlighted = page.locator(f"#L{line}")
    assert "problem" in (highlighted.get_attribute("class") or "")
    page.click(f"#problems a[href='#L{line}']")
    assert highlighted.is_visible()
    shot(page, "05-draft-problem")


def test_a_what_if_run(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Leyla Admin", admin=True)
    page.goto(f"{stack.portal_url}/admin/drafts")
    document = json.loads(UK_PACK.read_text("utf-8"))
    document["regimes"][0]["clocks"][1]["within"] = {"amount": 10, "unit": "weeks"}
    page.fill("textarea[name=text]", json.dumps(document, indent=2))
    page.click("#draft-form button >> nth=0")
    page.wait_for_selector("#valid")
    page.click("#run-what-if")
    page.wait_for_selector("#what-if-outcome", timeout=60_000)
    assert page.locator("#what-if-count").inner_text() == f"{len(TICKETS)} / {len(TICKETS)}"
    outcome = page.locator("#what-if-outcome").inner_text()
    assert "clock deadlines" in outcome and f"zendesk:{TICKETS[0]}" in outcome
    shot(page, "06-what-if")


def test_two_person_publication(browser: Any, stack: StackProcess) -> None:
    proposer = signed_in(browser, stack, "Leyla Admin", admin=True)
    proposer.goto(f"{stack.portal_url}/admin/drafts")
    document = json.loads(UK_PACK.read_text("utf-8"))
    document["name"] = "UK pack, reviewed in the portal"
    document["approved_by"] = "Head of Complaints"  # the pack leaves it to decide
    proposer.fill("textarea[name=text]", json.dumps(document, indent=2))
    proposer.click("#draft-form button >> nth=0")
    proposer.wait_for_selector("#changes")
    proposer.click("#propose")
    proposer.wait_for_selector("#own-proposal")
    assert proposer.locator("#approve").count() == 0
    url = proposer.url
    approver = signed_in(browser, stack, "Rashad Approver", admin=True)
    approver.goto(url)
    approver.click("#approve")
    approver.wait_for_url("**/admin/policies")
    history = approver.locator("#history").inner_text()
    assert "Leyla Admin" in history and "Rashad Approver" in history
    assert "UK pack, reviewed in the portal" in history
    shot(approver, "07-policy-history")


def test_a_proposal_withdrawn_by_its_proposer(browser: Any, stack: StackProcess) -> None:
    proposer = signed_in(browser, stack, "Leyla Admin", admin=True)
    proposer.goto(f"{stack.portal_url}/admin/drafts")
    document = json.loads(UK_PACK.read_text("utf-8"))
    document["name"] = "UK pack, proposed and taken back"
    document["approved_by"] = "Head of Complaints"  # the pack leaves it to decide
    proposer.fill("textarea[name=text]", json.dumps(document, indent=2))
    proposer.click("#draft-form button >> nth=0")
    proposer.wait_for_selector("#changes")
    proposer.click("#propose")
    proposer.wait_for_selector("#own-proposal")
    url = proposer.url
    proposer.fill("#withdraw-form input[name=reason]", "the wrong regime was edited")
    proposer.click("#withdraw")
    proposer.wait_for_url("**/admin/policies")
    assert "UK pack, proposed and taken back" not in proposer.locator("#proposals").inner_text()
    versions = proposer.locator("ul.versions").inner_text()
    line = next(v for v in versions.splitlines() if "proposed and taken back" in v)
    assert "withdrawn" in line and "Leyla Admin" in line
    shot(proposer, "08-proposal-withdrawn")
    entries = audit_entries(stack, kind="policy.withdrawn")
    assert any(e["detail"]["reason"] == "the wrong regime was edited" for e in entries)
    # The withdrawn proposal can no longer be approved: its page is gone.
    approver = signed_in(browser, stack, "Rashad Approver", admin=True)
    answer = approver.goto(url)
    assert answer is not None and answer.status == 404


def test_an_arabic_page_is_laid_out_right_to_left(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "عائشة", lang="ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "الشكاوى"
    brand = page.locator(".brand").bounding_box()
    who = page.locator(".who").bounding_box()
    assert brand is not None and who is not None
    assert brand["x"] > who["x"], "the brand starts on the right in Arabic"
    header = page.locator("table.results th").first.bounding_box()
    last = page.locator("table.results th").last.bounding_box()
    assert header is not None and last is not None and header["x"] > last["x"]
    assert page.evaluate("getComputedStyle(document.querySelector('th')).textAlign") in (
        "start",
        "right",
    )
    shot(page, "08-arabic-rtl")
    page.goto(f"{stack.portal_url}/complaints/zendesk:{TICKETS[0]}")
    shot(page, "09-arabic-complaint")


def test_an_auditor_cannot_open_admin_pages(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Aysel Auditor")
    assert page.locator("text=Policies").count() == 0
    answer = page.goto(f"{stack.portal_url}/admin/drafts")
    assert answer is not None and answer.status == 403


def test_verification_fails_after_an_entry_is_altered(browser: Any, stack: StackProcess) -> None:
    page = signed_in(browser, stack, "Aysel Auditor")

    def verified() -> bool:
        page.goto(f"{stack.portal_url}/verification?scope=whole")
        return bool(page.locator("section.verdict.ok").count() == 1)

    wait_until(verified, "a checkpoint that covers the complaints", 60)
    shot(page, "10-verification-holds")
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_url,
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = dynamodb.scan(TableName="plaint-audit")["Items"]
    item = next(i for i in items if i.get("kind", {}).get("S") == "complaint.assessed")
    item["policy_version"] = {"S": "0" * 64}
    dynamodb.put_item(TableName="plaint-audit", Item=item)
    page.goto(f"{stack.portal_url}/verification?scope=whole")
    verdict = page.locator("section.verdict.failed")
    assert verdict.count() == 1 and "modified" in verdict.inner_text()
    shot(page, "11-verification-failed")

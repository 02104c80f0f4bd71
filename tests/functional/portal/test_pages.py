"""Every page of the portal, read by a signed-in auditor and admin on the test client."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from plaint.model.complaint import Complaint
from plaint.model.survey import Survey, SurveyStage
from tests.functional.portal.conftest import ADMIN_TOKEN, checkpoint_now, sign_in


def test_an_auditor_finds_a_complaint_and_reads_its_story(client: FlaskClient) -> None:
    assert sign_in(client).status_code == 302
    search = client.get("/complaints").get_data(as_text=True)
    assert "zendesk:5101" in search and "zendesk:5102" in search
    page = client.get("/complaints/zendesk:5101")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "complaint.received" in text and "complaint.assessed" in text
    assert "Europe/London" in text  # the UK regime's calendar: times in the complaint's zone
    assert "UTC" in text and "final_response" in text
    assert "Personal values are withheld for your role." in text


def test_an_admin_sees_personal_values_an_auditor_does_not(client: FlaskClient) -> None:
    sign_in(client, name="Leyla Admin", token=ADMIN_TOKEN)
    text = client.get("/complaints/zendesk:5101").get_data(as_text=True)
    assert "Personal values are withheld" not in text
    assert "Personal values" in text


def test_search_filters_by_the_complaint_record_and_counts_what_it_read(
    client: FlaskClient,
) -> None:
    sign_in(client)
    text = client.get("/complaints", query_string={"regime": "uk-disp", "late": "no"}).get_data(
        as_text=True
    )
    assert "zendesk:5101" in text and "uk-disp" in text
    none = client.get("/complaints", query_string={"regime": "nowhere"}).get_data(as_text=True)
    assert "Nothing matches in this period." in none


def test_the_log_page_lists_entries_by_kind(client: FlaskClient) -> None:
    sign_in(client)
    text = client.get("/audit", query_string={"kind": "complaint.received"}).get_data(as_text=True)
    assert text.count("complaint.received") >= 3  # the option and two entries


def test_verification_holds_then_names_an_altered_entry(
    client: FlaskClient, world: dict[str, Any], clock: list[Any], aws: dict[str, Any]
) -> None:
    clock[0] += timedelta(minutes=5)
    checkpoint_now(world, clock[0])
    sign_in(client)
    page = client.get("/verification", query_string={"scope": "whole"}).get_data(as_text=True)
    assert "Verified: nothing modified" in page
    assert "Key fingerprint" in page and world["signer"].key_id in page
    item = next(
        i
        for i in aws["dynamodb"].scan(TableName="plaint-audit")["Items"]
        if i.get("kind", {}).get("S") == "complaint.assessed"
    )
    body = json.loads(item["detail"]["S"]) if "detail" in item and "S" in item["detail"] else None
    if body is not None:
        body["category"] = "altered"
        item["detail"] = {"S": json.dumps(body)}
    else:
        item["policy_version"] = {"S": "0" * 64}
    aws["dynamodb"].put_item(TableName="plaint-audit", Item=item)
    failed = client.get("/verification", query_string={"scope": "whole"}).get_data(as_text=True)
    assert "Verification FAILED" in failed and "modified" in failed
    one = client.get(
        "/verification", query_string={"scope": "complaint", "complaint": "zendesk:5102"}
    )
    assert "Verified: nothing modified" in one.get_data(as_text=True)


def test_checkpoints_show_the_chain_and_the_offline_recipe(
    client: FlaskClient, world: dict[str, Any], clock: list[Any]
) -> None:
    clock[0] += timedelta(minutes=5)
    checkpoint_now(world, clock[0])
    sign_in(client)
    text = client.get("/checkpoints").get_data(as_text=True)
    assert "plaint audit verify --export" in text and "Merkle root" in text
    assert world["signer"].key_id in text


def test_the_report_has_its_charts_and_downloads(client: FlaskClient, clock: list[Any]) -> None:
    sign_in(client)
    day = clock[0].date()
    # To the day after: in the viewer's zone (Baku, UTC+4) today may already be tomorrow.
    asked = {"from": (day - timedelta(days=1)).isoformat(),
             "to": (day + timedelta(days=1)).isoformat(), "bucket": "day"}  # fmt: skip
    text = client.get("/reports", query_string=asked).get_data(as_text=True)
    assert text.count("<svg") == 3 and "complaints-by-category" in text
    assert "possible complaints awaiting review" in text
    csv = client.get("/reports/report.csv", query_string=asked)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    report = client.get("/reports/report.json", query_string=asked).get_json(force=True)
    assert report["complaints"] == 2 and report["possible_complaints"] == 0
    assert "possible_complaints," in csv.get_data(as_text=True)


def test_the_export_bundle_is_a_verifiable_folder(
    client: FlaskClient, world: dict[str, Any], clock: list[Any], tmp_path: Any
) -> None:
    clock[0] += timedelta(minutes=5)
    checkpoint_now(world, clock[0])
    sign_in(client)
    answer = client.get("/exports/bundle.zip", query_string={"scope": "whole"})
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as bundle:
        bundle.extractall(tmp_path)
    from console.main import main

    folder = tmp_path / "plaint-export"
    pem = tmp_path / "key.pem"
    pem.write_bytes(world["signer"].public_key_pem())
    assert main(["audit", "verify", "--export", str(folder), "--public-key", str(pem)]) == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["personal_withheld"] is True


def test_the_report_shows_satisfaction_with_its_chart(
    client: FlaskClient, world: dict[str, Any], clock: list[Any]
) -> None:
    sign_in(client)
    day = clock[0].date()
    # To the day after: in the viewer's zone (Baku, UTC+4) today may already be tomorrow.
    asked = {"from": (day - timedelta(days=1)).isoformat(),
             "to": (day + timedelta(days=1)).isoformat(), "bucket": "day"}  # fmt: skip
    before = client.get("/reports", query_string=asked).get_data(as_text=True)
    assert "Satisfaction (ISO 10004)" in before and "no complaint of this period" in before
    answers = iter(({"overall": 5}, {"overall": 2}))

    def answered(complaint: Complaint) -> Complaint:
        survey = Survey(stage=SurveyStage.SENT, trigger="final_response",
                        decided_at=clock[0], answers=next(answers))  # fmt: skip
        return complaint.model_copy(update={"survey": survey})

    assert world["store"].reindex_complaints(answered) == 2
    text = client.get("/reports", query_string=asked).get_data(as_text=True)
    assert text.count("<svg") == 4 and "satisfaction" in text
    assert "Answered, of those asked" in text and "<dd>2 / 2</dd>" in text
    assert "too few answers" in text  # two answers: fewer than a score needs
    report = client.get("/reports/report.json", query_string=asked).get_json(force=True)
    assert report["satisfaction"]["response_rate"]["share"] == 1.0
    assert report["satisfaction"]["scores"][0]["answers"] == 2
    csv = client.get("/reports/report.csv", query_string=asked).get_data(as_text=True)
    assert "survey_response_rate,,,period,1.0,2,2," in csv

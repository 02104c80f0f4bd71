"""Zendesk's satisfaction rating through the real Chalice app on moto: a policy that leaves
surveys to Zendesk, a complaint's final response, then ticket events carrying the
requester's rating, recorded once as the `overall` answer and changed when it changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storage.dynamodb import DynamoStore
from tests.conftest import dumps, ledger_entries, load_event
from tests.factories import DEFAULT_POLICY
from tests.functional.test_surveys import deliver, trigger


@pytest.fixture
def rated(functions: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["milestones"] = [{"milestone": "final_response", "tags": ["final_response_sent"]}]
    document["surveys"] |= {"channel": "zendesk", "quiet_hours": None}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PLAINT_POLICY_PATH", str(path))
    from chalicelib import wiring

    wiring.reset()
    return functions


def rating_event(number: int, time: str, rating: dict[str, Any]) -> bytes:
    """Zendesk's documented ticket event, for the trigger's ticket, carrying a rating."""
    document = json.loads(load_event("event_ticket_created_docs.json"))
    document["type"] = "zen:event-type:ticket.status_changed"
    document["id"] = f"rating-{number}"
    document["time"] = time
    document["detail"] |= {"id": "48213", "status": "SOLVED", "satisfaction_rating": rating}
    document["event"] = {"current": "SOLVED", "previous": "OPEN"}
    return dumps(document)


def survey_entries(aws: dict[str, Any]) -> list[Any]:
    store = DynamoStore(aws["dynamodb"])
    return [e for e in ledger_entries(store) if e.kind.startswith("survey.")]


def test_a_zendesk_rating_is_the_overall_answer_once_and_its_change_is_recorded(
    rated: Any, aws: dict[str, Any]
) -> None:
    deliver(rated, aws, trigger("2025-03-04T08:17Z", "şikayət web_form"))
    deliver(rated, aws, trigger("2025-03-06T12:00Z", "şikayət final_response_sent"))
    assert [e.kind for e in survey_entries(aws)] == ["survey.scheduled"]
    assert survey_entries(aws)[0].detail["channel"] == "zendesk"

    good = {"id": 1234, "score": "good", "comment": "Çox sağ olun"}
    deliver(rated, aws, rating_event(1, "2025-03-07T09:00:00Z", good))
    deliver(rated, aws, rating_event(2, "2025-03-07T10:00:00Z", good))  # sent again
    deliver(rated, aws, rating_event(3, "2025-03-08T09:00:00Z", {"id": 1234, "score": "bad"}))

    entries = survey_entries(aws)
    assert [e.kind for e in entries] == [
        "survey.scheduled", "survey.answered", "survey.answer_changed"
    ]  # fmt: skip
    answered, changed = entries[1], entries[2]
    assert (answered.detail["score"], answered.detail["via"]) == (5, "zendesk_rating")
    assert answered.personal["comment"].value == "Çox sağ olun"
    assert (changed.detail["score"], changed.detail["previous"]) == (1, 5)
    complaint = DynamoStore(aws["dynamodb"]).get_complaint("zendesk:48213")
    assert complaint is not None and complaint.survey is not None
    assert complaint.survey.answers == {"overall": 1}

"""The portal's JSON log lines: one per answer, naming the route, the complaint and the
viewer's role, never the viewer's name, a search's words or a token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.functional.portal.conftest import AUDITOR_TOKEN, sign_in


def _answers(out: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("message") == "answered"]


def test_each_answer_is_one_json_line_without_the_viewers_data(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    sign_in(client, name="Aysel Qurbanova")
    assert client.get("/complaints/zendesk:5101").status_code == 200
    assert client.get("/complaints?q=Qurbanova").status_code == 200
    out = capsys.readouterr().out
    answers = _answers(out)
    (page,) = [a for a in answers if a["route"] == "/complaints/<complaint_id>"]
    assert page["complaint_id"] == "zendesk:5101"
    assert (page["method"], page["status"], page["role"]) == ("GET", 200, "auditor")
    assert page["service"] == "plaint"
    assert [a["status"] for a in answers if a["route"] == "/sign-in"] == [200, 302]
    for needle in ("Aysel", "Qurbanova", AUDITOR_TOKEN):
        assert needle not in out, needle

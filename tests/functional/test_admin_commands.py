"""The admin's and auditor's commands against the real tables on moto: complaint search
and a complaint's story after the real webhook and worker, and a draft's what-if over the
deliveries they recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.main import main
from devstack.send_webhook import sample_event
from tests.factories import DEFAULT_POLICY
from tests.functional.test_worker_and_sweep import deliver, run_worker


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


@pytest.fixture
def received(functions: Any, aws: Any) -> list[str]:
    tickets = ["8101", "8102"]
    for ticket in tickets:
        run_worker(functions, deliver(functions, aws, sample_event(ticket_id=int(ticket))))
    return [f"zendesk:{t}" for t in tickets]


def test_search_and_story(received: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "complaints", "search", "--category", "billing")
    assert code == 0
    assert all(c in out for c in received) and "# 2 complaints, 2 read" in out
    code, out = run(capsys, "complaints", "search", "--late", "yes")
    assert (code, out) == (0, "# 0 complaints, 0 read\n")
    code, out = run(capsys, "complaints", "search", "--since", "2000-01-01T00:00Z")
    assert code == 2 and "longer than search reads" in out
    code, out = run(capsys, "complaints", "search", "--clock-status", "soon")
    assert code == 2 and "clock_status" in out

    code, out = run(capsys, "complaints", "show", received[0])
    assert code == 0 and "complaint.received" in out and "links hold" in out
    assert "complainant" not in out
    code, out = run(capsys, "complaints", "show", received[0], "--with-personal", "--json")
    story = json.loads(out)
    assert story["with_personal"] and story["record"]["personal"]["complainant_ref"]
    assert run(capsys, "complaints", "show", "zendesk:404") == (1, "no complaint zendesk:404\n")


def test_what_if_reads_the_recorded_deliveries(
    received: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = json.loads(DEFAULT_POLICY.read_text("utf-8"))
    draft["acknowledgement"]["within"] = {"amount": 3, "unit": "business_days"}
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft), "utf-8")

    code, out = run(capsys, "policy", "what-if", str(path), "--days", "1")

    assert code == 0
    assert "2 deliveries, 2 tickets" in out and "nothing written" in out
    assert "acknowledgement deadline: 2" in out and "newly recognised: 0" in out
    assert f"{received[0]}: acknowledgement_deadline" in out
    code, out = run(capsys, "policy", "what-if", str(path), "--days", "30")
    assert code == 2 and "1 to 7 days" in out

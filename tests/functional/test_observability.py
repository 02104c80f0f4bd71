"""The functions' JSON log lines and embedded-format metrics, read from what they print: a
parked action and a breached clock set the metrics their alarms in infra/resources.json
watch, and no line carries the complainant's data or a secret."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from devstack.fake_zendesk import FakeZendesk
from devstack.send_webhook import sample_event
from tests.conftest import SECRETS, dumps
from tests.functional.test_alarms import RESOURCES
from tests.functional.test_worker_and_sweep import deliver, run_sweep, run_worker


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _metric_lines(out: str, name: str) -> list[dict[str, Any]]:
    return [
        line
        for line in _lines(out)
        if "_aws" in line
        and any(m["Name"] == name for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"])
    ]


def _assert_alarm_watches(alarm_name: str, line: dict[str, Any]) -> None:
    """The alarm's namespace, metric and dimensions are those of the printed line, and the
    line's value reaches the alarm's threshold."""
    alarm = RESOURCES[alarm_name]["Properties"]
    declared = line["_aws"]["CloudWatchMetrics"][0]
    assert declared["Namespace"] == alarm["Namespace"]
    assert alarm["MetricName"] in [m["Name"] for m in declared["Metrics"]]
    assert declared["Dimensions"] == [[d["Name"] for d in alarm["Dimensions"]]]
    assert {d["Name"]: line[d["Name"]] for d in alarm["Dimensions"]} == {
        d["Name"]: d["Value"] for d in alarm["Dimensions"]
    }
    assert sum(line[alarm["MetricName"]]) >= alarm["Threshold"]


def test_a_parked_action_sets_the_metric_its_alarm_watches(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk, capsys: pytest.CaptureFixture[str]
) -> None:
    # 403 is not worth retrying: the acknowledgement is parked on its first attempt.
    requests.post(f"{fake_zendesk.url}/__fake/faults", json={"status": 403, "count": 50}, timeout=5)
    keys = deliver(functions, aws, sample_event(ticket_id=9101))
    capsys.readouterr()
    run_worker(functions, keys)
    out = capsys.readouterr().out
    (line,) = _metric_lines(out, "ActionsParked")
    _assert_alarm_watches("ActionsParkedAlarm", line)
    (decided,) = _metric_lines(out, "Decisions")
    assert decided["kind"] == "complaint"
    logged = [entry for entry in _lines(out) if entry.get("message") == "decision committed"]
    assert {entry["complaint_id"] for entry in logged} == {"zendesk:9101"}
    assert all(entry["delivery_id"] and entry["source"] == "zendesk" for entry in logged)
    assert all(entry["policy_version"] for entry in logged)


def test_a_breached_clock_sets_the_metric_its_alarm_watches(
    functions: Any, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default policy has no regulatory clock, so the breach the sweep records is the
    engine's own draft, noted as the sweep's commit notes it; the sweep function prints it."""
    from chalicelib.wiring import runtime

    from plaint.auditlog.drafts import record
    from plaint.model.audit import AuditKind
    from plaint.model.decision import Decision

    handling = runtime().handling
    breach = record(
        AuditKind.CLOCK_BREACHED, "zendesk:9102", handling.policy, datetime.now(UTC),
        detail={"clock": "regulator-8-weeks", "at": datetime.now(UTC).isoformat()},
    )  # fmt: skip
    handling.outcomes.note(Decision(complaint=None, audit=(breach,)))
    capsys.readouterr()
    run_sweep(functions)
    (line,) = _metric_lines(capsys.readouterr().out, "ClockBreaches")
    _assert_alarm_watches("ClockBreachAlarm", line)
    assert not handling.outcomes.measures  # published once, not again by the next run


def test_the_webhook_counts_accepted_duplicate_and_refused_deliveries(
    functions: Any, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.functional.test_webhook_api import post, signed

    body = dumps(sample_event(ticket_id=9103))
    capsys.readouterr()
    assert post(functions, body, signed(body)).status_code == 202
    assert post(functions, body, signed(body)).status_code == 200
    assert post(functions, body, {"X-Zendesk-Webhook-Signature": "forged"}).status_code == 401
    lines = [line for line in _lines(capsys.readouterr().out) if "_aws" in line]
    declared = [line["_aws"]["CloudWatchMetrics"][0] for line in lines]
    pairs = zip(declared, lines, strict=True)
    names = [(d["Metrics"][0]["Name"], line.get("reason")) for d, line in pairs]
    assert names == [
        ("DeliveriesAccepted", None),
        ("DeliveriesDuplicate", None),
        ("DeliveriesRefused", "signature_rejected"),
    ]
    assert all(d["Namespace"] == "Plaint" for d in declared)


def test_no_log_line_carries_the_complainants_data_or_a_secret(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk, capsys: pytest.CaptureFixture[str]
) -> None:
    email, name = "leyla.mammadova@example.az", "Leyla Mammadova"
    text = f"Mən {name}, {email}. Kartımdan ödəniş iki dəfə çıxılıb, pulumu qaytarın!"
    event = sample_event(ticket_id=9104)
    event["detail"] |= {"description": text, "subject": f"Şikayət: {name} <{email}>"}
    capsys.readouterr()
    keys = deliver(functions, aws, event)
    run_worker(functions, keys)
    requests.post(f"{fake_zendesk.url}/__fake/faults", json={"status": 503, "count": 5}, timeout=5)
    run_sweep(functions)
    out = capsys.readouterr().out
    assert len(_lines(out)) >= 3  # the webhook's, the worker's and the metrics: all JSON
    secrets = [*SECRETS, "token"]
    for needle in [email, name, "Leyla", "iki dəfə", *secrets]:
        assert needle not in out, needle


@pytest.mark.parametrize("name", ["plaint.usecases.intake", "storage.inbox", "connectors.http"])
def test_the_engines_and_adapters_lines_are_json_once(
    functions: Any, aws: Any, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    import logging

    from tests.functional.test_webhook_api import post, signed

    body = dumps(sample_event(ticket_id=9105))
    assert post(functions, body, signed(body)).status_code == 202
    capsys.readouterr()
    logging.getLogger(name).warning("probe %s", "line")
    probes = [line for line in _lines(capsys.readouterr().out) if line.get("message")]
    assert [(p["message"], p["level"], p["service"]) for p in probes] == [
        ("probe line", "WARNING", "plaint")
    ]


def test_the_sweep_reports_each_dead_letter_queues_depth(
    functions: Any, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    aws["sqs"].send_message(QueueUrl=aws["queues"]["plaint-inbox-parked"], MessageBody="x:1")
    capsys.readouterr()
    run_sweep(functions)
    lines = _metric_lines(capsys.readouterr().out, "DeadLetterDepth")
    assert {line["queue"]: line["DeadLetterDepth"] for line in lines} == {
        "plaint-inbox-parked": [1.0],
        "plaint-what-if-parked": [0.0],
    }


def test_a_reconciliation_gap_sets_the_metric_its_alarm_watches(
    functions: Any, aws: Any, fake_zendesk: FakeZendesk, capsys: pytest.CaptureFixture[str]
) -> None:
    from chalice.test import Client

    from devstack.send_webhook import SAMPLE_COMPLAINT

    # A ticket made in the helpdesk whose webhook never arrived: one gap.
    requests.post(
        f"{fake_zendesk.url}/__fake/tickets",
        json={"id": 9106, "subject": "Ödəniş", "description": SAMPLE_COMPLAINT, "requester_id": 7},
        timeout=5,
    )
    capsys.readouterr()
    with Client(functions.app) as client:
        event = client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        client.lambda_.invoke("reconcile", event)
    out = capsys.readouterr().out
    total = [line for line in _metric_lines(out, "ReconciliationGaps") if "source" not in line]
    (line,) = total
    alarm = RESOURCES["ReconciliationGapsAlarm"]["Properties"]
    declared = line["_aws"]["CloudWatchMetrics"][0]
    assert (declared["Namespace"], declared["Dimensions"]) == ("Plaint", [["service"]])
    assert [d["Name"] for d in alarm["Dimensions"]] == ["service"]
    assert alarm["Namespace"] == "Plaint" and line["ReconciliationGaps"] == [1.0]
    by_source = {
        line["source"]: line["ReconciliationGaps"]
        for line in _metric_lines(out, "ReconciliationGaps")
        if "source" in line
    }
    assert by_source["zendesk"] == [1.0]

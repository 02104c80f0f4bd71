"""The alarms in infra/resources.json watch what the code really emits: the checkpoint
rollback metric's namespace, name and dimensions, every dead-letter queue, and the checkpoint
function; each one notifies the operators' topic (tests/functional/test_observability.py
drives the parked-action and breach metrics through the functions)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bootstrap.settings import Settings
from devstack.stack import ROOT

RESOURCES: dict[str, Any] = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]


def _alarms() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in RESOURCES.items()
        if resource.get("Type") == "AWS::CloudWatch::Alarm"
    }


def test_the_rollback_alarm_watches_the_metric_a_refused_checkpoint_emits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from chalicelib.observed import split

    split("CheckpointRollback", ("Ledger", Settings().ledger))  # as functions/app.py does
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    declared = line["_aws"]["CloudWatchMetrics"][0]
    alarm = _alarms()["CheckpointRollbackAlarm"]
    assert declared["Namespace"] == alarm["Namespace"] == "Plaint"
    assert [m["Name"] for m in declared["Metrics"]] == [alarm["MetricName"]]
    assert declared["Dimensions"] == [[d["Name"] for d in alarm["Dimensions"]]]
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "service": "plaint",
        "Ledger": Settings().ledger,
    }
    assert sum(line[alarm["MetricName"]]) >= alarm["Threshold"]


def test_every_dead_letter_queue_alarms_on_its_first_message() -> None:
    targets = {
        props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for resource in RESOURCES.values()
        if resource.get("Type") == "AWS::SQS::Queue"
        and "RedrivePolicy" in (props := resource["Properties"])
    }
    watched = {
        alarm["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in _alarms().values()
        if alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible"
    }
    assert targets == {"ParkedQueue", "WhatIfParkedQueue"}
    assert watched == targets
    for alarm in _alarms().values():
        if alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (
                1,
                "GreaterThanOrEqualToThreshold",
            )


def test_a_checkpoint_missing_for_ten_minutes_alarms() -> None:
    alarm = _alarms()["CheckpointStaleAlarm"]
    stats = [m["MetricStat"] for m in alarm["Metrics"] if "MetricStat" in m]
    assert {s["Metric"]["Dimensions"][0]["Value"]["Ref"] for s in stats} == {"Checkpoint"}
    assert {s["Period"] for s in stats} == {600}
    # No run at all is no data: that must alarm too.
    assert alarm["TreatMissingData"] == "breaching"


def test_every_alarm_notifies_the_operators_topic() -> None:
    alarms = _alarms()
    assert len(alarms) == 8
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_dashboard_shows_every_alarmed_plaint_metric() -> None:
    body = RESOURCES["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for alarm in _alarms().values():
        if alarm.get("Namespace") == "Plaint":
            assert f'"{alarm["MetricName"]}"' in body, alarm["MetricName"]
    threshold = _alarms()["ReconciliationGapsAlarm"]["Threshold"]
    assert threshold == {"Ref": "ReconciliationGapThreshold"}

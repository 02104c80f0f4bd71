"""The alarms in infra/resources.json watch what the code really emits: the checkpoint
rollback metric's namespace, name and dimension, every dead-letter queue, and the checkpoint
function; each one notifies the operators' topic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bootstrap.settings import Settings
from devstack.stack import ROOT
from plaint.usecases.checkpointing import ROLLBACK_METRIC, rollback_metric

RESOURCES: dict[str, Any] = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]


def _alarms() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in RESOURCES.items()
        if resource.get("Type") == "AWS::CloudWatch::Alarm"
    }


def test_the_rollback_alarm_watches_the_metric_a_refused_checkpoint_emits() -> None:
    line = json.loads(rollback_metric("main", datetime(2026, 12, 3, tzinfo=UTC), "refused"))
    declared = line["_aws"]["CloudWatchMetrics"][0]
    alarm = _alarms()["CheckpointRollbackAlarm"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ROLLBACK_METRIC
    assert declared["Namespace"] == alarm["Namespace"]
    assert [m["Name"] for m in declared["Metrics"]] == [alarm["MetricName"]]
    assert declared["Dimensions"] == [[d["Name"] for d in alarm["Dimensions"]]]
    assert alarm["Dimensions"] == [{"Name": "Ledger", "Value": Settings().ledger}]
    assert line[alarm["MetricName"]] >= alarm["Threshold"]


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
    assert len(alarms) == 4
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]

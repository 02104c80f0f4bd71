"""Create the SQS queues infra/resources.json defines, on the embedded server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "resources.json"


def create_queues(client: Any, template: Path = TEMPLATE) -> dict[str, str]:
    """Create every AWS::SQS::Queue (dead-letter queues first); returns name -> URL."""
    resources = json.loads(template.read_text(encoding="utf-8"))["Resources"]
    # .get: the template also amends resources Chalice generates, with no Type of their own.
    queues = {
        k: v["Properties"] for k, v in resources.items() if v.get("Type") == "AWS::SQS::Queue"
    }
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}
    for logical_id in sorted(queues, key=lambda k: "RedrivePolicy" in queues[k]):
        props = queues[logical_id]
        attributes = {
            key: str(value)
            for key, value in props.items()
            if key in ("VisibilityTimeout", "MessageRetentionPeriod")
        }
        redrive = props.get("RedrivePolicy")
        if redrive:
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": arns[target], "maxReceiveCount": redrive["maxReceiveCount"]}
            )
        url = client.create_queue(QueueName=props["QueueName"], Attributes=attributes)["QueueUrl"]
        urls[props["QueueName"]] = url
        arns[logical_id] = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
    return urls

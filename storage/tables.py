"""Create the DynamoDB tables from infra/resources.json, the template production deploys.

The local stack and the tests call `create_tables`, so they run against the very key schema,
index and TTL that CloudFormation creates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "resources.json"
TABLE_TYPE = "AWS::DynamoDB::Table"
# CloudFormation spells these exactly as the CreateTable API does.
CREATE_KEYS = (
    "TableName",
    "KeySchema",
    "AttributeDefinitions",
    "BillingMode",
    "GlobalSecondaryIndexes",
)


def table_properties(template_path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Logical id -> Properties of every DynamoDB table in the template."""
    template = json.loads(Path(template_path or TEMPLATE).read_text(encoding="utf-8"))
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == TABLE_TYPE
    }


def table_names(template_path: str | Path | None = None) -> dict[str, str]:
    return {
        logical_id: props["TableName"]
        for logical_id, props in table_properties(template_path).items()
    }


def create_table_kwargs(properties: dict[str, Any]) -> dict[str, Any]:
    return {key: properties[key] for key in CREATE_KEYS if key in properties}


def create_tables(client: DynamoDBClient, template_path: str | Path | None = None) -> list[str]:
    """Create the template's tables that do not exist yet; return the names created."""
    created: list[str] = []
    for props in table_properties(template_path).values():
        name = props["TableName"]
        if not _exists(client, name):
            client.create_table(**create_table_kwargs(props))
            created.append(name)
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
        )
        if "TimeToLiveSpecification" in props:
            _enable_ttl(client, name, props["TimeToLiveSpecification"])
    return created


def _exists(client: DynamoDBClient, name: str) -> bool:
    try:
        client.describe_table(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        return False
    return True


def _enable_ttl(client: DynamoDBClient, name: str, spec: dict[str, Any]) -> None:
    # DynamoDB refuses to enable TTL twice, so look before asking.
    current = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if current.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") or not spec.get("Enabled"):
        return
    client.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"AttributeName": spec["AttributeName"], "Enabled": True},
    )

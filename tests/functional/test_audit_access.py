"""Who may do what with the compliance log, checked by moto's IAM simulation against the
very policy documents that are deployed: the auditors' role reads and writes nothing; the
webhook functions' role holds no permission to call the audit API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase as fnmatch
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.authorization import enable_iam_authentication
from moto.iam.access_control import IAMPolicy, PermissionResult

from storage.tables import create_tables

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = json.loads((ROOT / "infra" / "resources.json").read_text())
BUCKET = "plaint-checkpoints-123456789012-eu-west-1"
FUNCTION_POLICIES = sorted((ROOT / "functions" / ".chalice").glob("policy*.json"))


ACCOUNT = "arn:aws:{service}:eu-west-1:123456789012"
AUDIT_TABLE = ACCOUNT.format(service="dynamodb") + ":table/plaint-audit"
STATE_TABLE = ACCOUNT.format(service="dynamodb") + ":table/plaint-state"
KEY = ACCOUNT.format(service="kms") + ":key/0f4e8a52-5c1d-4c39-9a3e-2b7f1f0c9d11"
AUDIT_API = ACCOUNT.format(service="execute-api") + ":a1b2c3d4e5/api/GET/api/audit/entries"


def auditor_policy() -> dict[str, Any]:
    """AuditorReadOnly from infra/resources.json, its references resolved to ARNs."""
    resource = TEMPLATE["Resources"]["AuditorReadOnly"]["Properties"]["PolicyDocument"]
    document: dict[str, Any] = json.loads(json.dumps(resource))
    arns = {"AuditTable": AUDIT_TABLE, "StateTable": STATE_TABLE, "CheckpointKey": KEY,
            "CheckpointBucket": f"arn:aws:s3:::{BUCKET}"}  # fmt: skip
    for statement in document["Statement"]:
        statement["Resource"] = _resolve(statement["Resource"], arns)
    return document


def _resolve(value: Any, arns: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_resolve(v, arns) for v in value]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return arns[value["Fn::GetAtt"][0]]
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"]
        for name, arn in arns.items():
            text = text.replace(f"${{{name}.Arn}}", arn)
        assert "${" not in text, text
        return text
    return value


def permitted(document: dict[str, Any], action: str, resource: str) -> bool:
    """moto's IAM policy evaluation, the one it applies to the requests it simulates."""
    result = IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)
    return result is PermissionResult.PERMITTED


@pytest.fixture
def auditor(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name, value in {"AWS_ACCESS_KEY_ID": "setup", "AWS_SECRET_ACCESS_KEY": "setup",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})  # fmt: skip
        s3.put_object(Bucket=BUCKET, Key="checkpoints/main/000000000001.json", Body=b"{}")
        iam = boto3.client("iam")
        iam.create_user(UserName="auditor")
        policy = auditor_policy()
        iam.put_user_policy(UserName="auditor", PolicyName="AuditorReadOnly",
                            PolicyDocument=json.dumps(policy))  # fmt: skip
        credentials = iam.create_access_key(UserName="auditor")["AccessKey"]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            region_name="eu-west-1",
        )
        with enable_iam_authentication():
            yield {"session": session}


def denied(call: Any, **kwargs: Any) -> bool:
    try:
        call(**kwargs)
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        return code in ("AccessDenied", "AccessDeniedException")
    return False


READS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem")
WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
          "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem")  # fmt: skip


def test_the_auditors_role_reads_the_log_and_writes_nothing() -> None:
    # moto does not simulate IAM on DynamoDB or KMS requests, so the deployed policy is
    # judged here by moto's own policy evaluation, on the real resource ARNs.
    policy = auditor_policy()
    for table in (AUDIT_TABLE, f"{AUDIT_TABLE}/index/by_kind"):
        assert all(permitted(policy, action, table) for action in READS)
        assert not any(permitted(policy, action, table) for action in WRITES)
    assert permitted(policy, "kms:GetPublicKey", KEY)
    assert not permitted(policy, "kms:Sign", KEY)
    assert not permitted(policy, "dynamodb:Query", AUDIT_TABLE.replace("audit", "other"))


def test_the_auditors_role_reads_checkpoints_but_cannot_replace_or_delete_them(
    auditor: dict[str, Any],
) -> None:
    s3 = auditor["session"].client("s3")
    name = "checkpoints/main/000000000001.json"
    assert s3.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"{}"
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1
    assert denied(s3.put_object, Bucket=BUCKET, Key=name, Body=b'{"forged": true}')
    assert denied(s3.delete_object, Bucket=BUCKET, Key=name)
    assert denied(
        s3.put_object, Bucket=BUCKET, Key="checkpoints/main/000000000002.json", Body=b"{}"
    )


def test_a_checkpoint_under_lock_outlives_a_delete_even_by_its_writer(aws: dict[str, Any]) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})  # fmt: skip
    name = "checkpoints/main/000000000001.json"
    version = s3.put_object(
        Bucket=BUCKET, Key=name, Body=b"{}", ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=datetime.now(UTC) + timedelta(days=2557),
    )["VersionId"]  # fmt: skip
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.delete_object(Bucket=BUCKET, Key=name, VersionId=version)


@pytest.mark.parametrize("path", FUNCTION_POLICIES, ids=[p.name for p in FUNCTION_POLICIES])
def test_the_webhook_functions_hold_no_permission_to_call_the_audit_api(path: Path) -> None:
    document = json.loads(path.read_text())
    assert document["Statement"], "a policy that allows nothing would prove nothing"
    assert not permitted(document, "execute-api:Invoke", AUDIT_API)
    # Neither may they rewrite history: no deleting audit entries or checkpoints.
    assert not permitted(document, "dynamodb:DeleteItem", AUDIT_TABLE)
    assert not permitted(document, "s3:DeleteObject", f"arn:aws:s3:::{BUCKET}/checkpoints/x")


def test_the_portal_is_deployed_with_cognito_sign_in_and_its_own_role() -> None:
    # People sign in through Cognito in the app (pages and API alike), so API Gateway does
    # not also ask for SigV4; PLAINT_AUDITOR_AUTH=iam with iam_authorization remains for
    # machine-only deployments (docs/portal.md).
    settings = json.loads((ROOT / "infra" / "zappa_settings.json").read_text())["portal"]
    assert settings["iam_authorization"] is False
    assert settings["manage_roles"] is False and settings["role_name"] == "plaint-portal"
    assert settings["environment_variables"]["PLAINT_AUDITOR_AUTH"] == "cognito"
    module, _, name = settings["app_function"].rpartition(".")
    assert (ROOT / (module.replace(".", "/") + ".py")).exists() and name == "app"


def portal_writes_policy() -> dict[str, Any]:
    resource = TEMPLATE["Resources"]["PortalPublication"]["Properties"]["PolicyDocument"]
    document: dict[str, Any] = json.loads(json.dumps(resource))
    arns = {"AuditTable": AUDIT_TABLE, "StateTable": STATE_TABLE,
            "WhatIfQueue": ACCOUNT.format(service="sqs") + ":plaint-what-if"}  # fmt: skip
    for statement in document["Statement"]:
        statement["Resource"] = _resolve(statement["Resource"], arns)
    return document


def allows_item(document: dict[str, Any], action: str, resource: str, leading_key: str) -> bool:
    """IAM's answer for one item of a request, with the `dynamodb:LeadingKeys` conditions
    the portal's statements carry (moto's evaluation leaves conditions out)."""
    for statement in document["Statement"]:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
        if statement["Effect"] != "Allow" or not any(fnmatch(action, a) for a in actions):
            continue
        if not any(fnmatch(resource, r) for r in resources):
            continue
        condition = statement.get("Condition", {})
        assert set(condition) <= {"ForAllValues:StringEquals", "ForAllValues:StringLike"}
        equals = condition.get("ForAllValues:StringEquals", {}).get("dynamodb:LeadingKeys")
        like = condition.get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
        if equals is not None and leading_key not in equals:
            continue
        if like is not None and not any(fnmatch(leading_key, p) for p in like):
            continue
        return True
    return False


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def written_items(client: Any) -> list[tuple[str, str, str]]:
    """(IAM action, table ARN, partition key) of every item each write request touches."""
    seen: list[tuple[str, str, str]] = []
    actions = {"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem",
               "Delete": "dynamodb:DeleteItem",
               "ConditionCheck": "dynamodb:ConditionCheckItem"}  # fmt: skip

    def table_arn(name: str) -> str:
        return ACCOUNT.format(service="dynamodb") + f":table/{name}"

    def record(event_name: str, params: dict[str, Any], **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        if operation == "TransactWriteItems":
            for op in params["TransactItems"]:
                ((kind, body),) = op.items()
                key = body.get("Item") or body.get("Key")
                seen.append((actions[kind], table_arn(body["TableName"]), key["pk"]["S"]))
        elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
            key = params.get("Item") or params["Key"]
            seen.append((f"dynamodb:{operation}", table_arn(params["TableName"]), key["pk"]["S"]))
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    item = (
                        request.get("PutRequest", {}).get("Item") or request["DeleteRequest"]["Key"]
                    )
                    seen.append(("dynamodb:BatchWriteItem", table_arn(table), item["pk"]["S"]))

    client.meta.events.register("provide-client-params.dynamodb", record)
    return seen


def test_the_portal_writes_only_publications_and_what_if_jobs(aws: dict[str, Any]) -> None:
    from plaint.model.decision import Decision
    from plaint.policy.loading import parse_policy
    from plaint.usecases.publication import PolicyPublication
    from plaint.usecases.what_if_jobs import request_what_if
    from storage.dynamodb import DynamoStore
    from storage.sqs import SqsQueue
    from storage.what_if_jobs import DynamoWhatIfJobs
    from tests.factories import decided_pack
    from tests.store_fixtures import complaint, draft

    policy = portal_writes_policy()
    pack = ROOT / "policies" / "uk-fca-disp.json"
    store = DynamoStore(aws["dynamodb"])
    seen = written_items(aws["dynamodb"])
    desk = PolicyPublication(store, lambda: datetime.now(UTC), "main")
    desk.propose(decided_pack("uk-fca-disp"), "Leyla")
    desk.approve(parse_policy(decided_pack("uk-fca-disp")).version, "Rashad")
    request_what_if(DynamoWhatIfJobs(aws["dynamodb"]),
                    SqsQueue(aws["sqs"], aws["queues"]["plaint-what-if"]),
                    draft_text=pack.read_text("utf-8"), active_version="a" * 64, days=7,
                    by="Leyla", token="t" * 20, now=datetime.now(UTC))  # fmt: skip
    portal_writes = list(seen)
    assert {pk.split("#")[0] for _, _, pk in portal_writes} >= {"POLICIES", "CURSOR", "CHAIN",
                                                               "LEDGER", "WHATIF"}  # fmt: skip
    for action, table, pk in portal_writes:
        assert allows_item(policy, action, table, pk), (action, table, pk)

    # What the worker writes for a complaint, the portal may not: neither its record nor
    # its chain, nor the seal, nor any entry of the policy chain by UpdateItem or DeleteItem.
    seen.clear()
    store.commit(
        Decision(complaint=complaint("7"), audit=(draft(complaint_id="zendesk:7"),)), "main"
    )
    writes = [(a, t, pk) for a, t, pk in seen if a != "dynamodb:ConditionCheckItem"]
    assert {pk.split("#")[0] for _, _, pk in writes} == {"COMPLAINT", "CHAIN"}
    assert not any(allows_item(policy, action, table, pk) for action, table, pk in writes)
    for action in ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"):
        assert not allows_item(policy, action, AUDIT_TABLE, "CHAIN#main/policy")
        assert not allows_item(policy, action, STATE_TABLE, "CURSOR#policy:active")
    assert not allows_item(policy, "dynamodb:PutItem", AUDIT_TABLE, "LEDGER#main")
    assert not allows_item(policy, "dynamodb:PutItem", AUDIT_TABLE, "CHAIN#main/zendesk:7")
    assert not allows_item(policy, "dynamodb:PutItem", STATE_TABLE, "CURSOR#zendesk")
    assert not permitted(policy, "sqs:SendMessage", ACCOUNT.format(service="sqs") + ":plaint-inbox")
    role = TEMPLATE["Resources"]["PortalRole"]["Properties"]["ManagedPolicyArns"]
    assert {"Ref": "PortalPublication"} in role and {"Ref": "AuditorReadOnly"} in role

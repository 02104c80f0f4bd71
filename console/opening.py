"""How every store command opens: the parts its options name, the policy it judges by and
the complaint it is about; and how it ends when it cannot go on."""

from __future__ import annotations

import argparse
import os
import sys

from bootstrap import local_stack
from bootstrap.root import Root
from bootstrap.settings import Settings
from console.report import active_policy
from plaint.auditlog.chain import with_facets
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.policy.document import Policy
from plaint.usecases.ports import ComplaintStore
from plaint.vocabulary.errors import RevisionConflictError
from storage.dynamodb import DynamoStore

# Command options -> the settings they stand for (each defaults to its environment variable).
_OPTIONS = {
    "state_table": "state_table",
    "audit_table": "audit_table",
    "endpoint_url": "aws_endpoint_url",
    "ledger": "ledger",
    "kms_key_id": "checkpoint_kms_key_id",
    "key_file": "checkpoint_key_file",
    "archive_bucket": "checkpoint_bucket",
    "archive_dir": "checkpoint_dir",
}


class RefusedError(Exception):
    """The command cannot go on; `main` prints why and exits with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


NOT_CONFIGURED = (
    "no AWS account configured and no local stack running: start one with `make run` "
    f"(or set {local_stack.DATA_DIR_VARIABLE} to its --data-dir), or give AWS a region and "
    "credentials (AWS_PROFILE, or AWS_DEFAULT_REGION and AWS_ACCESS_KEY_ID)"
)


def root_of(args: argparse.Namespace) -> Root:
    """The parts of Plaint this command may use, wired from its options."""
    given = {field: getattr(args, option) for option, field in _OPTIONS.items()
             if hasattr(args, option)}  # fmt: skip
    return Root(Settings(**_with_aws(given)))


def _with_aws(given: dict[str, str | None]) -> dict[str, str | None]:
    """The settings, reaching AWS as configured, or else the running local stack."""
    import boto3  # noqa: PLC0415 - only store commands pay for it

    session = boto3.session.Session()
    credentials = session.get_credentials()
    endpoint = given.get("aws_endpoint_url")
    if session.region_name is not None and credentials is not None:
        # The local stack's dummy credentials alone name no AWS account.
        local = credentials.access_key == local_stack.LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"]
        if endpoint is not None or not local:
            return given  # an AWS account, or an endpoint given with all it needs
    stack = local_stack.running()
    if stack is None or endpoint not in (None, stack.endpoint):
        raise RefusedError(NOT_CONFIGURED, code=2)
    for variable, value in (*local_stack.LOCAL_CREDENTIALS.items(),
                            ("AWS_DEFAULT_REGION", stack.region)):  # fmt: skip
        os.environ.setdefault(variable, value)
    print(f"# the local stack at {stack.endpoint}", file=sys.stderr)
    chosen = {
        "aws_endpoint_url": stack.endpoint,
        "checkpoint_key_file": stack.key_file,
        "checkpoint_dir": stack.checkpoint_dir,
    }
    return given | {k: v for k, v in chosen.items() if given.get(k) is None}


def policy_for(args: argparse.Namespace, store: DynamoStore) -> Policy:
    policy = active_policy(args, store)
    if policy is None:
        raise RefusedError("no policy: publish one, or pass --policy FILE", code=2)
    return policy


def complaint_for(store: ComplaintStore, complaint_id: str) -> Complaint:
    complaint = store.get_complaint(complaint_id)
    if complaint is None:
        raise RefusedError(f"no complaint {complaint_id}")
    return complaint


def commit(
    store: ComplaintStore, decision: Decision, complaint: Complaint, policy: Policy, ledger: str
) -> None:
    try:
        store.commit(with_facets(decision, complaint, policy), ledger)
    except RevisionConflictError as exc:
        raise RefusedError("the complaint changed meanwhile; run again") from exc

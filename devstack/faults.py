"""Faults the local stack can inject for a share of requests, to prove that nothing accepted
is lost and nothing is done twice when the parts around Plaint misbehave.

Off by default: only the load-and-fault bench (bench/load_and_faults.py) and the tests turn
them on, at run time, through the stack's operator endpoints:

  POST {aws}/__local/faults          DynamoFaults: a share of DynamoDB requests throttled
                                     (ProvisionedThroughputExceededException), a share of
                                     transactions cancelled by a conflict
  POST {helpdesk}/__fake/fault-shares  HelpdeskFaults: a share of API calls answered 429
                                     with Retry-After, 5xx, or carried out and then left
                                     unanswered (the connection closed)

An empty body ({}) turns them off. The answers are in the wire shape AWS and the helpdesks
use, so the clients' own retries and Plaint's react as they would in production.
"""

from __future__ import annotations

import json
import random
import threading
from enum import StrEnum
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DYNAMODB_ERROR_PREFIX: Final = "com.amazonaws.dynamodb.v20120810#"
THROTTLED_MESSAGE: Final = (
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API."
)
# What Plaint calls on its request paths. Scan and BatchWriteItem are the stack's own
# snapshot and restore: faulting them would test the stack, not Plaint.
FAULTED_OPERATIONS: Final = frozenset(
    {
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem",
        "TransactGetItems", "TransactWriteItems",
    }
)  # fmt: skip
TRANSACTIONS: Final = frozenset({"TransactWriteItems", "TransactGetItems"})

Share = float  # a share of requests, 0 to 1


class DynamoFaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    throttled: Share = Field(0.0, ge=0, le=1)
    transaction_conflict: Share = Field(0.0, ge=0, le=1)
    seed: int = 17


class HelpdeskFaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_limited: Share = Field(0.0, ge=0, le=1)
    server_error: Share = Field(0.0, ge=0, le=1)
    answer_lost: Share = Field(0.0, ge=0, le=1)
    retry_after: int = Field(1, ge=0, le=60)
    server_status: int = Field(503, ge=500, le=599)
    seed: int = 17


class Drawn(StrEnum):
    THROTTLED = "throttled"
    TRANSACTION_CONFLICT = "transaction_conflict"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    ANSWER_LOST = "answer_lost"


M = TypeVar("M", DynamoFaults, HelpdeskFaults)


class FaultSwitch(Generic[M]):
    """The faults in force, and a seeded draw per request (repeatable runs), behind a lock.
    `injected` counts what was drawn, for the bench's table."""

    def __init__(self, off: M) -> None:
        self._lock = threading.Lock()
        self._faults: M = off
        self._random = random.Random(off.seed)
        self.injected: dict[str, int] = {}

    @property
    def faults(self) -> M:
        return self._faults

    def set(self, faults: M) -> None:
        with self._lock:
            self._faults = faults
            self._random = random.Random(faults.seed)

    def draw(self, kinds: tuple[Drawn, ...]) -> Drawn | None:
        """One of `kinds`, each with its share, or None (most requests)."""
        with self._lock:
            roll = self._random.random()
            for kind in kinds:
                share = float(getattr(self._faults, kind.value))
                if roll < share:
                    self.injected[kind.value] = self.injected.get(kind.value, 0) + 1
                    return kind
                roll -= share
            return None

    def answer(self) -> dict[str, Any]:
        """The faults in force and what was injected so far, as the operator endpoint says."""
        with self._lock:
            return {"faults": self._faults.model_dump(), "injected": dict(self.injected)}


def dynamodb_fault(switch: FaultSwitch[DynamoFaults], operation: str) -> Drawn | None:
    """The fault a DynamoDB request gets, if any: a conflict only cancels a transaction."""
    if operation not in FAULTED_OPERATIONS:
        return None
    if operation in TRANSACTIONS:
        return switch.draw((Drawn.THROTTLED, Drawn.TRANSACTION_CONFLICT))
    return switch.draw((Drawn.THROTTLED,))


def dynamodb_answer(fault: Drawn, request: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """DynamoDB's HTTP 400 for `fault`: its headers and JSON body, as the service sends them.

    A cancelled transaction lists a reason per item in request order; the first item is
    the one in conflict, the others `None`."""
    if fault is Drawn.THROTTLED:
        code = "ProvisionedThroughputExceededException"
        body: dict[str, Any] = {
            "__type": DYNAMODB_ERROR_PREFIX + code,
            "message": THROTTLED_MESSAGE,
        }
    else:
        code = "TransactionCanceledException"
        count = max(1, len(_transact_items(request)))
        reasons: list[dict[str, str]] = [
            {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
        ] + [{"Code": "None"}] * (count - 1)
        listed = ", ".join(reason["Code"] for reason in reasons)
        body = {
            "__type": DYNAMODB_ERROR_PREFIX + code,
            "CancellationReasons": reasons,
            "Message": "Transaction cancelled, please refer cancellation reasons for specific "
            f"reasons [{listed}]",
        }
    headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("x-amzn-ErrorType", code),
    ]
    return headers, json.dumps(body).encode("utf-8")


def _transact_items(request: bytes) -> list[Any]:
    try:
        items = json.loads(request).get("TransactItems", [])
    except (ValueError, AttributeError):
        return []
    return items if isinstance(items, list) else []


def helpdesk_fault(switch: FaultSwitch[HelpdeskFaults]) -> Drawn | None:
    return switch.draw((Drawn.RATE_LIMITED, Drawn.SERVER_ERROR, Drawn.ANSWER_LOST))


def problems(exc: ValidationError) -> list[str]:
    """A refused fault switch, field by field: "throttled: Input should be ..."."""
    return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]

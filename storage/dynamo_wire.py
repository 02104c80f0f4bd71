"""The DynamoDB wire: typed attribute values, and errors that mean "try again later"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from plaint.vocabulary.errors import StoreUnavailableError
from storage.layout import Item

UNAVAILABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "TransactionConflictException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def wire(item: Item) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def plain(item: dict[str, Any]) -> Item:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def read_item(client: Any, table: str, key: Item) -> Item | None:
    """One item by its key, read consistently; None when there is none."""
    with translated():
        found = client.get_item(TableName=table, Key=wire(key), ConsistentRead=True).get("Item")
    return None if found is None else plain(found)


@contextmanager
def translated() -> Iterator[None]:
    """Turn overload and outage into StoreUnavailableError; let real bugs surface."""
    try:
        yield
    except ClientError as exc:
        if error_code(exc) in UNAVAILABLE_CODES:
            raise StoreUnavailableError(str(exc)) from exc
        raise
    except (BotoConnectionError, HTTPClientError) as exc:
        raise StoreUnavailableError(str(exc)) from exc


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def cancellation_reasons(exc: ClientError) -> list[tuple[int, str]]:
    """A cancelled transaction's failed items: their place in the request, and the code."""
    reasons = exc.response.get("CancellationReasons") or []
    return [
        (index, str(reason.get("Code")))
        for index, reason in enumerate(reasons)
        if reason.get("Code") not in (None, "None")
    ]

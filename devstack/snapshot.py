"""Local data that survives a restart: the embedded DynamoDB's tables, dumped to one JSON file.

Queued messages are not kept: every accepted delivery is already in DynamoDB, and the
stack queues those not yet processed again when it starts (`unprocessed_deliveries`), as
SQS would have kept their messages. Without that they waited for the sweep's redrive,
five minutes later.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

BATCH = 25  # DynamoDB's BatchWriteItem limit


def save(client: Any, tables: Iterable[str], path: Path) -> int:
    dump: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        items: list[dict[str, Any]] = []
        for page in client.get_paginator("scan").paginate(TableName=table):
            items.extend(page["Items"])
        dump[table] = items
    temporary = path.with_suffix(".tmp")
    text = json.dumps(dump, ensure_ascii=False, default=_binary)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)  # atomic: a crash mid-write never leaves half a snapshot
    return sum(len(items) for items in dump.values())


def restore(client: Any, path: Path) -> int:
    if not path.exists():
        return 0
    text = path.read_text(encoding="utf-8")
    dump: dict[str, list[dict[str, Any]]] = json.loads(text, object_hook=_unbinary)
    restored = 0
    for table, items in dump.items():
        for start in range(0, len(items), BATCH):
            chunk = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH]]
            pending: dict[str, Any] = {table: chunk}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems", {})
            restored += len(chunk)
    return restored


def unprocessed_deliveries(path: Path, table: str = "plaint-state") -> list[str]:
    """The keys of the deliveries in the snapshot that were accepted but not processed."""
    if not path.exists():
        return []
    items = json.loads(path.read_text(encoding="utf-8"), object_hook=_unbinary).get(table, [])
    return [
        item["pk"]["S"].removeprefix("DELIVERY#")
        for item in items
        if item.get("sk", {}).get("S") == "DELIVERY"
        and item.get("status", {}).get("S") == "accepted"
    ]


# Binary attributes (a what-if report's parts) as base64 in the JSON, and back.
_BYTES = "__base64__"


def _binary(value: object) -> dict[str, str]:
    if isinstance(value, bytes | bytearray):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    raise TypeError(f"{type(value).__name__} is not kept in a snapshot")


def _unbinary(document: dict[str, Any]) -> Any:
    if set(document) == {_BYTES}:
        return base64.b64decode(document[_BYTES])
    return document

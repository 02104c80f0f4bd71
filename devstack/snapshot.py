"""Local data that survives a restart: the embedded DynamoDB's tables, dumped to one JSON file.

Queued messages are not kept: every accepted delivery is already in DynamoDB, and the
sweep hands unprocessed ones back to the worker after a restart.
"""

from __future__ import annotations

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
    temporary.write_text(json.dumps(dump, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)  # atomic: a crash mid-write never leaves half a snapshot
    return sum(len(items) for items in dump.values())


def restore(client: Any, path: Path) -> int:
    if not path.exists():
        return 0
    dump: dict[str, list[dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    restored = 0
    for table, items in dump.items():
        for start in range(0, len(items), BATCH):
            chunk = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH]]
            pending: dict[str, Any] = {table: chunk}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems", {})
            restored += len(chunk)
    return restored

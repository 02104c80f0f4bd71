"""What changes between two policies, path by path; lists of identified parts (rules,
calendars) are matched by id, so reordering is not mistaken for rewriting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from plaint.policy.document import Policy


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _by_id(items: list[Any]) -> dict[str, Any] | None:
    if items and all(isinstance(i, dict) and "id" in i for i in items):
        return {i["id"]: i for i in items}
    return None


def _changes(old: Any, new: Any, path: str) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        yield from _mapping_changes(old, new, path)
    elif isinstance(old, list) and isinstance(new, list) and _by_id(old) and _by_id(new):
        yield from _identified_changes(old, new, path)
    elif old != new:
        yield f"~ {path}: {_show(old)} -> {_show(new)}"


def _mapping_changes(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[str]:
    for key in sorted(old.keys() | new.keys()):
        sub = f"{path}.{key}" if path else key
        if key not in new:
            yield f"- {sub}: {_show(old[key])}"
        elif key not in old:
            yield f"+ {sub}: {_show(new[key])}"
        else:
            yield from _changes(old[key], new[key], sub)


def _identified_changes(old: list[Any], new: list[Any], path: str) -> Iterator[str]:
    old_ids, new_ids = _by_id(old) or {}, _by_id(new) or {}
    for key in [*old_ids, *(k for k in new_ids if k not in old_ids)]:
        sub = f"{path}[id={key}]"
        if key not in new_ids:
            yield f"- {sub}"
        elif key not in old_ids:
            yield f"+ {sub}: {_show(new_ids[key])}"
        else:
            yield from _changes(old_ids[key], new_ids[key], sub)
    if [k for k in old_ids if k in new_ids] != [k for k in new_ids if k in old_ids]:
        yield f"~ {path}: order changed (rules are read in order)"


def policy_changes(old: Policy, new: Policy) -> list[str]:
    return list(_changes(old.model_dump(mode="json"), new.model_dump(mode="json"), ""))

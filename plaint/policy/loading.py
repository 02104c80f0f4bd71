"""Loading a policy document: every problem at once, each with its JSON path and line."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any, cast

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from plaint.policy.composition import Composed, compose_file, compose_text
from plaint.policy.document import Policy, reference_problems
from plaint.policy.positions import Path, describe, structural_problems
from plaint.vocabulary.errors import PolicyError

_CONTEXT = {"defer_references": True}
# Each round drops what failed one level further up; policies nest 8 levels at most.
_ROUNDS = 12


def parse_policy(text: str) -> Policy:
    """Parse and check a policy document. Raises PolicyError listing every problem: the
    values of the wrong type or shape, and the references between parts (an unknown
    calendar, a rule id used twice) among the parts that are valid. A document that
    `extends` a base is composed with it first (the base looked for among the packaged
    packs); `load_policy` reads a base next to its file."""
    return composed_policy(compose_text(text))


def composed_policy(composed: Composed) -> Policy:
    """The policy of a composed document; each problem names the file and line to change."""
    text = composed.document()
    data = composed.data
    lines: Mapping[Path, int | str] = composed.origins if composed.composed else composed.lines
    try:
        policy = Policy.model_validate_json(text, context=_CONTEXT)
    except ValidationError as exc:
        problems = structural_problems(exc, lines)
        problems += [describe(p, m, lines) for p, m in _salvaged_references(data, exc)]
        raise PolicyError(problems) from exc
    references = reference_problems(policy)
    if references:
        raise PolicyError([describe(path, message, lines) for path, message in references])
    return policy


def _salvaged_references(data: Any, exc: ValidationError) -> list[tuple[Path, str]]:
    """The reference problems of what is left once every invalid part is set aside, so one
    type error does not hide an unknown calendar. A problem that could come from a part set
    aside (it names that part's id) is not reported: it may be no problem at all."""
    salvage = _Salvage(copy.deepcopy(data))
    salvage.stand_in(exc.errors())
    error: ValidationError | None = None
    for _ in range(_ROUNDS):
        if error is not None and not salvage.set_aside([tuple(e["loc"]) for e in error.errors()]):
            return []
        try:
            policy = Policy.model_validate(salvage.data, context=_CONTEXT)
        except ValidationError as again:
            error = again
            continue
        return [
            (salvage.original(path), salvage.original_text(message))
            for path, message in reference_problems(policy)
            if not any(f"{name!r}" in message for name in salvage.names_aside)
        ]
    return []


class _Salvage:
    """A copy of the document with invalid parts removed, remembering where each list item
    now left stood in the original, so a problem found in the copy names the original path."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.kept: dict[Path, list[int]] = {}  # list path (original) -> original indexes left
        self.names_aside: set[str] = set()

    def stand_in(self, errors: list[ErrorDetails]) -> None:
        """Put a valid value of the same kind in place of each wrong value, so a required
        field of the wrong type does not take its whole section with it. A stand-in that
        fails too is set aside in the next round."""
        for error in errors:
            path = tuple(error["loc"])
            if self._deepest(path) != path or isinstance(self._at(path), dict | list):
                continue
            value = _stand_in(error)
            if value is not None:
                *parent, last = path
                self.names_aside |= {str(value), *_ids_in(self._at(path))}
                self._at(tuple(parent))[last] = value

    def _at(self, path: Path) -> Any:
        node = self.data
        for part in path:
            node = node[part]
        return node

    def set_aside(self, locations: list[Path]) -> bool:
        """Remove the deepest part of the copy each location reaches; False when that part
        is the whole document (nothing can be salvaged)."""
        found = {self._deepest(location) for location in locations}
        if () in found:
            return False
        outermost = {p for p in found if not any(q != p and p[: len(q)] == q for q in found)}
        # Highest index first, so removing an item does not move the next one to remove.
        for path in sorted(outermost, key=_removal_order, reverse=True):
            self._remove(path)
        return True

    def _deepest(self, location: Path) -> Path:
        node, reached = self.data, cast(Path, ())
        for part in location:
            present = (isinstance(node, dict) and isinstance(part, str) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            )
            if not present:
                break
            node = node[part]
            reached = (*reached, part)
        return reached

    def _remove(self, path: Path) -> None:
        parent = self.data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        self.names_aside |= set(_ids_in(parent[last]))
        if isinstance(parent, list) and isinstance(last, int):
            list_path = self.original(path[:-1])
            kept = self.kept.setdefault(list_path, list(range(len(parent))))
            del kept[last]
        del parent[last]

    def original_text(self, message: str) -> str:
        """A message naming an item of a top-level list ("rules[3]") names the original."""

        def item(match: re.Match[str]) -> str:
            path = self.original((match[1], int(match[2])))
            return f"{match[1]}[{path[1]}]"

        return _ITEM.sub(item, message)

    def original(self, path: Path) -> Path:
        """Where a path of the copy stood in the original document."""
        out: Path = ()
        for part in path:
            kept = self.kept.get(out) if isinstance(part, int) else None
            out = (*out, kept[part] if kept and isinstance(part, int) else part)
        return out


STAND_IN = "set-aside"
_ITEM = re.compile(r"\b([a-z_]+)\[(\d+)\]")


def _stand_in(error: ErrorDetails) -> object | None:
    """A value of the kind the field expects: the first allowed value, a number within the
    bounds, 1, false or a name."""
    ctx = error.get("ctx") or {}
    expected = str(ctx.get("expected", ""))
    if "'" in expected:
        return expected.split("'")[1]
    for bound, step in (("gt", 1), ("ge", 0), ("lt", -1), ("le", 0)):
        if isinstance(ctx.get(bound), int | float):
            return cast(float, ctx[bound]) + step
    kind = error["type"]
    for prefix, value in (("int", 1), ("float", 1.0), ("bool", False), ("string", STAND_IN)):
        if kind.startswith(prefix):
            return value
    return None


def _removal_order(path: Path) -> tuple[Any, ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in path)


def _ids_in(value: Any) -> list[str]:
    """The names a part set aside could have given (its ids), or the value itself."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "id" and isinstance(v, str)] + [
            name for v in value.values() if isinstance(v, dict | list) for name in _ids_in(v)
        ]
    if isinstance(value, list):
        return [name for item in value for name in _ids_in(item)]
    return []


def load_policy(path: str | FilePath) -> Policy:
    return composed_policy(compose_file(path))

"""Where each value of a JSON document starts, by path, so errors can name the line."""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator, Mapping
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped
from typing import Any

from pydantic import ValidationError

from plaint.vocabulary.errors import PolicyError
from plaint.vocabulary.json_nesting import too_deep

Path = tuple[str | int, ...]


# NaN and Infinity too: Python's json reads them, and plain_json refuses them by their line.
_SCALAR = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")


_SPACE = re.compile(r"\s*")


class _Locator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[Path, int] = {}
        # Where each line ends: a value's line is found by bisection, not by counting from
        # the start of the document for each value.
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def skip(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, path: Path) -> int:
        pos = self.skip(pos)
        self.lines[path] = self.line_at(pos)
        char = self.text[pos : pos + 1]
        if char == "{":
            return self.members(pos + 1, path)
        if char == "[":
            return self.items(pos + 1, path)
        if char == '"':
            end: int = scanstring(self.text, pos + 1)[1]
            return end
        match = _SCALAR.match(self.text, pos)
        if not match:
            raise ValueError(pos)
        return match.end()

    def members(self, pos: int, path: Path) -> int:
        pos = self.skip(pos)
        if self.text.startswith("}", pos):
            return pos + 1
        while True:
            pos = self.skip(pos)
            key, pos = scanstring(self.text, pos + 1)
            pos = self.skip(pos) + 1  # the colon
            pos = self.skip(self.value(pos, (*path, key)))
            if self.text.startswith("}", pos):
                return pos + 1
            pos += 1  # the comma

    def items(self, pos: int, path: Path) -> int:
        pos = self.skip(pos)
        if self.text.startswith("]", pos):
            return pos + 1
        index = 0
        while True:
            pos = self.skip(self.value(pos, (*path, index)))
            if self.text.startswith("]", pos):
                return pos + 1
            pos, index = pos + 1, index + 1


# Policies nest 8 levels at most; Python's json and the locator below recurse per level.
MAX_DEPTH = 32
MAX_DIGITS = 30


class _Refused:
    """What plain_json reads in place of a value JSON does not allow, saying why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a JSON number; write a finite number")


def _integer(text: str) -> int | _Refused:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        return _Refused(f"a number of {digits} digits; at most {MAX_DIGITS}")
    return int(text)


def _decimal(text: str) -> float | _Refused:
    value = float(text)
    if math.isinf(value) or len(text) > 2 * MAX_DIGITS:
        return _Refused(f"{text[:20]}... is too large for a number" if len(text) > 20 else
                        f"{text} is too large for a number")  # fmt: skip
    return value


def plain_json(text: str) -> Any:
    """The value of a JSON document, or PolicyError naming the line (and, once the document
    parses, the JSON path) of what plain JSON does not allow: broken syntax, nesting deeper
    than MAX_DEPTH, NaN or Infinity, numbers too large to be meant."""
    _refuse_deep_nesting(text)
    try:
        data = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_decimal)
    except json.JSONDecodeError as exc:
        raise PolicyError([syntax_problem(exc)]) from exc
    refused = list(_refused_values(data))
    if refused:
        lines = value_lines(text)
        raise PolicyError([describe(path, reason, lines) for path, reason in refused])
    return data


def _refuse_deep_nesting(text: str) -> None:
    place = too_deep(text, MAX_DEPTH)
    if place is not None:
        line, column = place
        raise PolicyError([f"line {line}, column {column}: nested deeper than {MAX_DEPTH} levels"])


def _refused_values(data: Any) -> Iterator[tuple[Path, str]]:
    """Every refused value with its path, in document order (nesting is bounded by now)."""
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Refused):
            yield path, value.reason
        elif isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))


def value_lines(text: str) -> dict[Path, int]:
    """Map every path in a valid JSON document to the line its value starts on."""
    # Only valid documents are located; callers report syntax errors first. Numbers stay
    # text: this only checks the syntax, and Python refuses ints of more than 4300 digits.
    json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    locator = _Locator(text)
    locator.value(0, ())
    return locator.lines


def line_of(lines: Mapping[Path, int | str], path: Path) -> int | str | None:
    """The line of `path`, or of its nearest ancestor present in the document."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def describe(path: Path, message: str, lines: Mapping[Path, int | str]) -> str:
    """A problem as the admin reads it: where in the document (JSON path and line, or the
    file and line of a composed policy), what."""
    line = line_of(lines, path)
    where = "" if line is None else f" (line {line})" if isinstance(line, int) else f" ({line})"
    return f"{format_path(path)}{where}: {message}"


def syntax_problem(exc: json.JSONDecodeError) -> str:
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"


def structural_problems(exc: ValidationError, lines: Mapping[Path, int | str]) -> list[str]:
    """Every problem pydantic found, each described once."""
    errors = [(tuple(e["loc"]), e["type"], e["msg"]) for e in exc.errors()]
    paths = [loc for loc, _, _ in errors]
    problems = []
    for loc, kind, message in errors:
        # An invalid item also leaves its list "too short": that echo is no problem of its own.
        echo = kind == "too_short" and any(p[: len(loc)] == loc and p != loc for p in paths)
        if not echo:
            problems.append(describe(loc, message.removeprefix("Value error, "), lines))
    return problems

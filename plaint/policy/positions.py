"""Where each value of a JSON document starts, by path, so errors can name the line."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped

from pydantic import ValidationError

Path = tuple[str | int, ...]


_SCALAR = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null")


_SPACE = re.compile(r"\s*")


class _Locator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[Path, int] = {}

    def line_at(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

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


def value_lines(text: str) -> dict[Path, int]:
    """Map every path in a valid JSON document to the line its value starts on."""
    json.loads(text)  # only valid documents are located; callers report syntax errors first
    locator = _Locator(text)
    locator.value(0, ())
    return locator.lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
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


def describe(path: Path, message: str, lines: dict[Path, int]) -> str:
    """A problem as the admin reads it: where in the document (JSON path and line), what."""
    line = line_of(lines, path)
    where = f" (line {line})" if line is not None else ""
    return f"{format_path(path)}{where}: {message}"


def syntax_problem(exc: json.JSONDecodeError) -> str:
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"


def structural_problems(exc: ValidationError, lines: dict[Path, int]) -> list[str]:
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

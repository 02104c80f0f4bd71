"""Loading a policy document: every problem at once, each with its JSON path and line."""

from __future__ import annotations

import json
from pathlib import Path as FilePath

from pydantic import ValidationError

from plaint.policy.document import Policy, reference_problems
from plaint.policy.positions import Path, format_path, line_of, value_lines
from plaint.vocabulary.errors import PolicyError


def parse_policy(text: str) -> Policy:
    """Parse and check a policy document. Raises PolicyError listing every problem."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError([f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from exc
    lines = value_lines(text)
    try:
        policy = Policy.model_validate_json(text, context={"defer_references": True})
    except ValidationError as exc:
        raise PolicyError(_structural_problems(exc, lines)) from exc
    references = reference_problems(policy)
    if references:
        raise PolicyError([_describe(path, message, lines) for path, message in references])
    return policy


def _structural_problems(exc: ValidationError, lines: dict[Path, int]) -> list[str]:
    errors = [(tuple(e["loc"]), e["type"], e["msg"]) for e in exc.errors()]
    paths = [loc for loc, _, _ in errors]
    problems = []
    for loc, kind, message in errors:
        # An invalid item also leaves its list "too short": that echo is no problem of its own.
        echo = kind == "too_short" and any(p[: len(loc)] == loc and p != loc for p in paths)
        if not echo:
            problems.append(_describe(loc, message.removeprefix("Value error, "), lines))
    return problems


def load_policy(path: str | FilePath) -> Policy:
    return parse_policy(FilePath(path).read_text(encoding="utf-8"))


def _describe(path: Path, message: str, lines: dict[Path, int]) -> str:
    line = line_of(lines, path)
    where = f" (line {line})" if line is not None else ""
    return f"{format_path(path)}{where}: {message}"

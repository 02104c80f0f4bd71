"""Loading a policy document: every problem at once, each with its JSON path and line."""

from __future__ import annotations

import json
from pathlib import Path as FilePath

from pydantic import ValidationError

from plaint.errors import PolicyError
from plaint.jsonlines import format_path, line_of, value_lines
from plaint.policy import Policy, reference_problems


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
        problems = [_describe(tuple(error["loc"]), error["msg"], lines) for error in exc.errors()]
        raise PolicyError(problems) from exc
    references = reference_problems(policy)
    if references:
        raise PolicyError([_describe(path, message, lines) for path, message in references])
    return policy


def load_policy(path: str | FilePath) -> Policy:
    return parse_policy(FilePath(path).read_text(encoding="utf-8"))


def _describe(
    path: tuple[str | int, ...], message: str, lines: dict[tuple[str | int, ...], int]
) -> str:
    line = line_of(lines, path)
    where = f" (line {line})" if line is not None else ""
    return f"{format_path(path)}{where}: {message}"

"""Loading a policy document: every problem at once, each with its JSON path and line."""

from __future__ import annotations

from pathlib import Path as FilePath

from pydantic import ValidationError

from plaint.policy.document import Policy, reference_problems
from plaint.policy.positions import describe, plain_json, structural_problems, value_lines
from plaint.vocabulary.errors import PolicyError


def parse_policy(text: str) -> Policy:
    """Parse and check a policy document. Raises PolicyError listing every problem."""
    plain_json(text)
    lines = value_lines(text)
    try:
        policy = Policy.model_validate_json(text, context={"defer_references": True})
    except ValidationError as exc:
        raise PolicyError(structural_problems(exc, lines)) from exc
    references = reference_problems(policy)
    if references:
        raise PolicyError([describe(path, message, lines) for path, message in references])
    return policy


def load_policy(path: str | FilePath) -> Policy:
    return parse_policy(utf8_text(FilePath(path).read_bytes()))


def utf8_text(raw: bytes) -> str:
    """A document's bytes as text, or PolicyError naming the line of the first byte that
    is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        problem = f"line {line}, byte {column}: not UTF-8 ({exc.reason}); save the file as UTF-8"
        raise PolicyError([problem]) from exc

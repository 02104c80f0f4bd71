"""Loading a policy document: every problem at once, each with its JSON path and line."""

from __future__ import annotations

import json
from pathlib import Path as FilePath

from pydantic import ValidationError

from plaint.policy.document import Policy, reference_problems
from plaint.policy.positions import describe, structural_problems, syntax_problem, value_lines
from plaint.vocabulary.errors import PolicyError


def parse_policy(text: str) -> Policy:
    """Parse and check a policy document. Raises PolicyError listing every problem."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError([syntax_problem(exc)]) from exc
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
    return parse_policy(FilePath(path).read_text(encoding="utf-8"))

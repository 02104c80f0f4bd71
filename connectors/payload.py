"""Reading a webhook body: JSON decoding and pydantic validation, with errors that say
where the body went wrong (line and column, or the failing field's path)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from connectors.errors import PayloadInvalidError

M = TypeVar("M", bound=BaseModel)


def decode_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; PayloadInvalidError when it is not UTF-8, not JSON, or
    not an object."""
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PayloadInvalidError(f"body is not UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise PayloadInvalidError(
            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    if not isinstance(document, dict):
        raise PayloadInvalidError("body must be a JSON object")
    return document


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """`data` as a `model`; PayloadInvalidError naming every failing field (under `prefix`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PayloadInvalidError(validation_message(exc, prefix)) from exc


def validation_message(exc: ValidationError, prefix: str = "") -> str:
    """Every problem pydantic found, each named by its field path."""
    problems = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        problems.append(f"{path or '(body)'}: {error['msg']}")
    return "; ".join(problems)

"""Reading a webhook body: JSON decoding and pydantic validation, with errors that say
where the body went wrong (line and column, or the failing field's path).

Every channel decodes through `decode_json`, which holds a body to the edge limits below
before anything is parsed into Python values, so that hostile JSON is refused with a 400
naming the field: it cannot exhaust the stack (nesting), trip Python's integer-conversion
limit (digits), or carry text no store can hold (lone surrogates). The wire models add the
limits on values: timestamps in a plausible window, ids and tags of bounded length.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Final, TypeVar

from pydantic import BaseModel, Field, ValidationError

from connectors.errors import PayloadInvalidError
from plaint.vocabulary.json_nesting import too_deep

M = TypeVar("M", bound=BaseModel)

# The edge limits, the same for every channel (docs/architecture.md#edge-limits).
MAX_DEPTH: Final = 32  # nested objects and arrays; ADF documents nest about ten deep
MAX_INTEGER_DIGITS: Final = 20  # every 64-bit id fits; Jira's epoch milliseconds have 13
MAX_NUMBER_CHARS: Final = 40  # a number with a fraction or an exponent, as written
MAX_STRING_CHARS: Final = 256 * 1024  # one string: an SNS message carries at most 256 KiB
MAX_ID_CHARS: Final = 128  # a user, brand, group... id
MAX_TAGS: Final = 1000
MAX_TAG_CHARS: Final = 255
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)  # timestamps outside [EARLIEST, LATEST)
LATEST: Final = datetime(2101, 1, 1, tzinfo=UTC)  # are refused, whatever the channel

# The limits on ids and tags as field types, for every channel's wire models.
BoundedId = Annotated[str, Field(max_length=MAX_ID_CHARS)]
BoundedTags = Annotated[
    tuple[Annotated[str, Field(max_length=MAX_TAG_CHARS)], ...], Field(max_length=MAX_TAGS)
]

_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class _Refused:
    """A number the decoder would not build, kept in place so the walk can name its field."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _integer(text: str) -> Any:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        return _Refused(f"an integer of {digits} digits (at most {MAX_INTEGER_DIGITS})")
    return int(text)


def _number(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    value = float(text)
    return value if math.isfinite(value) else _Refused("a number too large to hold")


def _constant(text: str) -> Any:
    return _Refused(f"{text} is not a JSON number")


def decode_json(text: str | bytes, what: str = "body") -> Any:
    """`text` as JSON within the edge limits; PayloadInvalidError saying where it is not
    UTF-8, not JSON, too deep, or holds a value beyond a limit."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayloadInvalidError(f"{what} is not UTF-8 (byte {exc.start})") from exc
    _check_depth(text, what)
    try:
        document = json.loads(
            text, parse_int=_integer, parse_float=_number, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise PayloadInvalidError(
            f"{what} is not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno} "
            f"column {exc.colno}"
        ) from exc
    for path, problem in _problems(document, ()):
        where = ".".join(str(part) for part in path) or f"({what})"
        raise PayloadInvalidError(f"{where}: {problem}")
    return document


def decode_object(body: bytes | str, what: str = "body") -> dict[str, Any]:
    """The body as a JSON object within the edge limits; PayloadInvalidError otherwise."""
    document = decode_json(body, what)
    if not isinstance(document, dict):
        raise PayloadInvalidError(f"{what} must be a JSON object")
    return document


def _check_depth(text: str, what: str) -> None:
    place = too_deep(text, MAX_DEPTH)
    if place is not None:
        line, column = place
        raise PayloadInvalidError(
            f"{what} nests deeper than {MAX_DEPTH} levels at line {line} column {column}"
        )


def _problems(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Each value beyond a limit, with its path; nesting is already bounded by MAX_DEPTH."""
    if isinstance(value, _Refused):
        yield path, value.reason
    elif isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            yield path, problem
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(key)
            if problem:
                yield (*path, key[:40]), f"the name is {problem}"
            yield from _problems(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, (*path, index))


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_STRING_CHARS:
        return f"text of {len(text)} characters (at most {MAX_STRING_CHARS})"
    if not text.isascii() and _SURROGATE.search(text):
        return "text with a lone surrogate (\\ud800-\\udfff), which is not Unicode"
    return None


def plausible(value: datetime) -> datetime:
    """A timestamp the engine can judge, in [EARLIEST, LATEST) (a naive one read as UTC;
    the model's own rules say whether it may be naive). For the wire models' validators."""
    aware = value if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError(
            f"timestamp {value.isoformat()} is outside {EARLIEST.year}-{LATEST.year - 1}"
        )
    return value


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


def plain_address(value: str | None) -> str | None:
    """An email address when it is one plain address; None otherwise (a survey then
    records that it had nowhere to go)."""
    address = (value or "").strip()
    local, at, domain = address.partition("@")
    plain = at and local and "." in domain and len(address) <= 320
    return (
        address if plain and not any(c.isspace() or c in '<>",;@' for c in local + domain) else None
    )

"""Reading what forms and query strings send: periods as dates in the viewer's zone,
identifiers that must look like identifiers, choices from a known list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pydantic import ValidationError

from portal import i18n
from portal.errors import BadInputError, NotFoundError

# A complaint id is a source and the helpdesk's ticket id: zendesk:11777, jira:CS-12,
# email:<message-id digest>. Nothing with a slash, a quote, a space or markup.
COMPLAINT_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}:[A-Za-z0-9][A-Za-z0-9._@+=-]{0,199}$")
FACET_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$")
LONGEST_DAYS = 400


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive, as the viewer chose it
    since: datetime
    until: datetime  # exclusive: the start of the day after `end`


def complaint_id(raw: str) -> str:
    if not COMPLAINT_ID.match(raw):
        raise NotFoundError("no complaint has an id like that")
    return raw


def facet(raw: str | None, name: str) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if not FACET_VALUE.match(value):
        raise BadInputError("{name}: letters, digits and . _ : @ + - only", name=name)
    return value


def choice(
    raw: str | None, allowed: Mapping[str, object] | frozenset[str], name: str
) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise BadInputError("{name}: not one of the choices offered", name=name)
    return value


def yes_no(raw: str | None, name: str) -> bool | None:
    value = (raw or "").strip()
    if value in ("", "any"):
        return None
    if value not in ("yes", "no"):
        raise BadInputError("{name}: yes, no or any", name=name)
    return value == "yes"


def period(args: Mapping[str, str], time_zone: str, today: date, default_days: int) -> Period:
    start = _day(args.get("from"), "from") or today - timedelta(days=default_days - 1)
    end = _day(args.get("to"), "to") or today
    if end < start:
        raise BadInputError("the period ends before it starts")
    if (end - start).days + 1 > LONGEST_DAYS:
        raise BadInputError(
            "a period of more than {days} days would read the whole index: choose a shorter one",
            days=LONGEST_DAYS,
        )
    zone = i18n.zone(time_zone)
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    return Period(start, end, since, until)


def first_error(exc: Exception) -> str:
    """A validation error's first problem, or the error's own words."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)


def _day(raw: str | None, name: str) -> date | None:
    value = (raw or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInputError("{name}: a date as YYYY-MM-DD", name=name) from exc

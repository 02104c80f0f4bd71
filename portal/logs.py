"""The portal's JSON log lines, through aws-lambda-powertools' Logger: one line per answer
with the method, the route, the status, the viewer's role and, where the page names them,
the complaint id and the policy version. Never the viewer's name, a query string (a search
may hold a person's name), a form's fields or a token."""

from __future__ import annotations

import sys
from typing import IO, Any, cast

from aws_lambda_powertools import Logger


class _Stdout:
    """sys.stdout as it is at each write (a test's captured output, a server that swaps it)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


# The same logger as the functions' ("plaint"), so the portal's own (plaint.portal) and the
# engine's lines come out in one shape.
logger = Logger(service="plaint", stream=cast(IO[str], _Stdout()))

# A route's variables worth a field of their own, by the name the log uses.
_KEYS = {"complaint_id": "complaint_id", "version": "policy_version", "job_id": "job_id"}


def answered(
    method: str, route: str | None, view_args: dict[str, Any] | None, status: int, role: str | None
) -> None:
    fields: dict[str, Any] = {"method": method, "route": route, "status": status, "role": role}
    for name, key in _KEYS.items():
        if view_args and name in view_args:
            fields[key] = str(view_args[name])
    logger.info("answered", extra=fields)

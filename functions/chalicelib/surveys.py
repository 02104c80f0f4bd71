"""GET and POST /surveys/{token}: the satisfaction survey's answer page
(plaint.usecases.surveys). Plain HTML in the complainant's language; every refusal is a
4xx page saying why, and records nothing. The survey code is imported on first use, so
the webhooks' cold start does not pay for it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from chalicelib.wiring import runtime
from plaint.vocabulary.errors import PlaintError

if TYPE_CHECKING:
    from plaint.usecases.surveys import SurveyAnswering, SurveyPage

log = logging.getLogger(__name__)
surveys = Blueprint(__name__)

# Browsers send the form urlencoded; anything else is read as a form too, so the answer is
# our page, not Chalice's bare 415.
FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain",
              "application/octet-stream", "application/json"]  # fmt: skip
MAX_FIELDS = 20
HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
}
UNAVAILABLE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Survey</title>'
    "</head><body><p>The survey is not available at the moment. Please try again later."
    "</p></body></html>\n"
)


@surveys.route("/surveys/{token}", methods=["GET"])
def open_survey(token: str) -> Response:
    return _answered(lambda answering: answering.open(token))


@surveys.route("/surveys/{token}", methods=["POST"], content_types=FORM_TYPES)
def answer_survey(token: str) -> Response:
    from plaint.surveys.links import LinkProblem

    raw = surveys.current_request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    if len(body) > runtime().settings.max_body_bytes:
        return _answered(lambda answering: answering.refuse(token, LinkProblem.COMMENT_TOO_LONG))
    form = _form(body)
    if form is None:
        return _answered(lambda answering: answering.refuse(token, LinkProblem.UNREADABLE_FORM))
    return _answered(lambda answering: answering.answer(token, form))


def _form(body: bytes) -> dict[str, str] | None:
    """The fields of an urlencoded form, each once; None when it cannot be read so."""
    from urllib.parse import parse_qsl

    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS,
                          encoding="utf-8", errors="strict")  # fmt: skip
    except (UnicodeDecodeError, ValueError):
        return None
    form = dict(pairs)
    return form if len(form) == len(pairs) else None


def _answered(respond: Callable[[SurveyAnswering], SurveyPage]) -> Response:
    try:
        answering = runtime().survey_answering()
        if answering is None:
            log.warning("survey page asked for, but no survey link secret or address is set")
            return Response(body=UNAVAILABLE, status_code=404, headers=HEADERS)
        page = respond(answering)
    except PlaintError as exc:  # the store unreachable: nothing was recorded
        log.warning("survey page unavailable: %s", exc)
        return Response(body=UNAVAILABLE, status_code=503, headers=HEADERS)
    return Response(body=page.html, status_code=page.status, headers=HEADERS)

"""A fake Zendesk Support API over real HTTP, for the local stack and the tests.

It answers GET and PUT /api/v2/tickets/{id}.json the way Zendesk does: it wants an
Authorization header, replaces `tags`, merges `additional_tags`, appends the comment, sets
custom fields and refuses a `safe_update` whose `updated_stamp` is stale with 409. Tickets
appear on first sight with no tags: the real ones live in the real helpdesk.

It also answers the cursor-based incremental ticket export,
GET /api/v2/incremental/tickets/cursor.json?start_time=<unix seconds> (at least a minute
old, else 400) then ?cursor=<after_cursor>, with {"tickets", "after_cursor", "after_url",
"end_of_stream"}: tickets in the order of their last change, `export_page_size` (2 unless
configured; `per_page` asks for fewer) to a page, deleted ones with status "deleted".

Operator endpoints (no auth, not recorded):
  GET  /__fake/requests            every API request seen
  GET  /__fake/tickets/{id}        a ticket with its comments
  POST /__fake/tickets             {"id", "subject", "description", "requester_id",
                                   "created_at"?, "updated_at"?, "tags"?, "status"?, "via"?}:
                                   a ticket made in the helpdesk (whose webhooks were lost);
                                   times ISO 8601, now when left out; status "deleted" makes
                                   it a deleted ticket
  DELETE /__fake/tickets/{id}      the ticket answers 404 from now on (and is exported as
                                   deleted)
  POST /__fake/faults              {"status": 429, "retry_after": 1, "count": 2}: the next
                                   `count` API calls fail that way
  POST /__fake/reset               forget everything

Run alone: python -m devstack.fake_zendesk --port 8765
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from devstack.fake_http import Answer, FakeHttp, FakeHttpState, Fault, parse_json, run_alone

_API_TICKET: Final = re.compile(r"^/api/v2/tickets/(\d{1,20})\.json$")
_FAKE_TICKET: Final = re.compile(r"^/__fake/tickets/(\d{1,20})$")
EXPORT_PATH: Final = "/api/v2/incremental/tickets/cursor.json"
DEFAULT_EXPORT_PAGE_SIZE: Final = 2
_TOO_RECENT: Final = "Too recent start_time. Use a start_time older than 1 minute"
_RATE_LIMITED: Final = "Number of allowed API requests per minute exceeded"
_STALE_STAMP: Final = (
    "Safe Update prevented the update due to outdated ticket data. "
    "Please fetch the latest ticket data and try again."
)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, error: str, description: str = "", **extra: Any) -> Answer:
    body: dict[str, Any] = {"error": error, **extra}
    if description:
        body["description"] = description
    return status, body, {}


@dataclass
class FakeTicket:
    id: int
    created_at: datetime
    updated_at: datetime
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[int, Any] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    status: str = "open"
    deleted: bool = False
    subject: str | None = None
    description: str | None = None
    requester_id: int | None = None
    via_channel: str = "web"

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "tags": list(self.tags),
            "custom_fields": [{"id": k, "value": v} for k, v in self.custom_fields.items()],
            "created_at": _stamp(self.created_at),
            "updated_at": _stamp(self.updated_at),
        }

    def export_view(self) -> dict[str, Any]:
        """The ticket as the incremental export shows it."""
        return {
            **self.view(),
            "url": f"https://example.zendesk.com/api/v2/tickets/{self.id}.json",
            "subject": self.subject,
            "raw_subject": self.subject,
            "description": self.description,
            "requester_id": self.requester_id,
            "submitter_id": self.requester_id,
            "via": {"channel": self.via_channel, "source": {"from": {}, "to": {}, "rel": None}},
            "status": "deleted" if self.deleted else self.status,
            "generated_timestamp": int(self.updated_at.timestamp()),
        }

    def position(self) -> tuple[int, int]:
        """Where the ticket stands in the export: its last change, then its id."""
        return int(self.updated_at.timestamp()), self.id

    def touch(self) -> None:
        # Zendesk stamps have whole seconds; keep them strictly increasing so that a stale
        # `updated_stamp` is always told apart from the current one.
        now = datetime.now(UTC).replace(microsecond=0)
        self.updated_at = max(now, self.updated_at + timedelta(seconds=1))


class FakeState(FakeHttpState):
    """Everything the fake remembers, behind one lock."""

    def __init__(self, authorization: str | None = None) -> None:
        super().__init__(authorization)
        self.tickets: dict[int, FakeTicket] = {}
        self.export_page_size = DEFAULT_EXPORT_PAGE_SIZE

    def forget(self) -> None:
        self.tickets.clear()

    def ticket(self, ticket_id: int) -> FakeTicket:
        """The ticket, created on first sight. Call with the lock held."""
        if ticket_id not in self.tickets:
            now = datetime.now(UTC).replace(microsecond=0)
            self.tickets[ticket_id] = FakeTicket(ticket_id, created_at=now, updated_at=now)
        return self.tickets[ticket_id]


# --- the Zendesk API --------------------------------------------------------------------


def _route(state: FakeState, method: str, path: str, body: Any) -> Answer:
    """An API request, authorized and unfaulted. Call with the lock held."""
    if urlsplit(path).path == EXPORT_PATH and method == "GET":
        return _export(state, path)
    return _tickets(state, method, path, body)


def _export(state: FakeState, target: str) -> Answer:
    """A page of the cursor-based incremental ticket export. Call with the lock held."""
    query = {name: values[-1] for name, values in parse_qs(urlsplit(target).query).items()}
    try:
        size = min(int(query.get("per_page", state.export_page_size)), state.export_page_size)
        if "cursor" in query:
            after = _decode_cursor(query["cursor"])
        elif "start_time" in query:
            start = int(query["start_time"])
            if start > datetime.now(UTC).timestamp() - 60:
                return _error(400, "InvalidValue", _TOO_RECENT)
            after = (start - 1, 2**63)
        else:
            return _error(400, "InvalidPaginationParameter", "start_time or cursor is required")
    except ValueError:
        return _error(400, "InvalidPaginationParameter", "Invalid cursor or start_time")
    pending = sorted(
        (t for t in state.tickets.values() if t.position() > after), key=FakeTicket.position
    )
    page = pending[: max(size, 1)]
    last = page[-1].position() if page else after
    cursor = _encode_cursor(last)
    return (
        200,
        {
            "tickets": [ticket.export_view() for ticket in page],
            "after_url": f"https://example.zendesk.com{EXPORT_PATH}?cursor={cursor}",
            "after_cursor": cursor,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": len(pending) <= len(page),
        },
        {},
    )


def _encode_cursor(position: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(f"{position[0]}|{position[1]}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        stamp, ticket_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    return int(stamp), int(ticket_id)


def _tickets(state: FakeState, method: str, path: str, body: Any) -> Answer:
    match = _API_TICKET.match(path)
    if match is None or method not in ("GET", "PUT"):
        return _error(404, "InvalidEndpoint", "Not found")
    ticket = state.ticket(int(match.group(1)))
    if ticket.deleted:
        return _error(404, "RecordNotFound", "Not found")
    if method == "GET":
        return 200, {"ticket": ticket.view()}, {}
    return _update(ticket, body)


def expected_authorization(auth: tuple[str, str] | str) -> str:
    """The header Zendesk accepts for an (email, API token) pair or an OAuth token."""
    if isinstance(auth, str):
        return f"Bearer {auth}"
    email, api_token = auth
    return "Basic " + base64.b64encode(f"{email}/token:{api_token}".encode()).decode()


def _fault_answer(fault: Fault) -> Answer:
    headers = fault.retry_headers()
    if fault.status == 429:
        return 429, _RATE_LIMITED, headers
    return fault.status, {"error": HTTPStatus(fault.status).phrase}, headers


def _update(ticket: FakeTicket, body: Any) -> Answer:
    update = body.get("ticket") if isinstance(body, dict) else None
    if not isinstance(update, dict):
        return _error(400, "InvalidJSON", 'expected a JSON object {"ticket": {...}}')
    if update.get("safe_update") and update.get("updated_stamp") != _stamp(ticket.updated_at):
        return _error(409, "UpdateConflict", _STALE_STAMP)
    comment = update.get("comment")
    if comment is not None and not (isinstance(comment, dict) and comment.get("body")):
        details = {"base": [{"description": "Comment: body cannot be blank"}]}
        return _error(422, "RecordInvalid", "Record validation errors", details=details)
    try:
        fields = {int(f["id"]): f.get("value") for f in update.get("custom_fields") or []}
    except (TypeError, KeyError, ValueError, AttributeError):
        details = {"custom_fields": [{"description": "each needs a numeric id"}]}
        return _error(422, "RecordInvalid", "Record validation errors", details=details)
    _apply_tags(ticket, update)
    ticket.custom_fields.update(fields)
    ticket.touch()
    if comment is not None:
        ticket.comments.append(
            {
                "body": comment["body"],
                "public": comment.get("public", True),
                "created_at": _stamp(ticket.updated_at),
            }
        )
    return 200, {"ticket": ticket.view()}, {}


def _tag_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [str(tag) for tag in value or []]


def _apply_tags(ticket: FakeTicket, update: dict[str, Any]) -> None:
    tags = _tag_list(update["tags"]) if "tags" in update else list(ticket.tags)
    tags += _tag_list(update.get("additional_tags"))
    removed = set(_tag_list(update.get("remove_tags")))
    ticket.tags = [tag for tag in dict.fromkeys(tags) if tag not in removed]


# --- operator endpoints -----------------------------------------------------------------


def _operator(state: FakeState, method: str, path: str, raw: bytes) -> Answer:
    """The Zendesk fake's own operator endpoints. Call with the lock held."""
    if (method, path) == ("POST", "/__fake/tickets"):
        return _create_ticket(state, parse_json(raw))
    match = _FAKE_TICKET.match(path)
    if match and method in ("GET", "DELETE"):
        return _operator_ticket(state, method, int(match.group(1)))
    return _error(404, "InvalidEndpoint", "Not found")


def _operator_ticket(state: FakeState, method: str, ticket_id: int) -> Answer:
    if method == "DELETE":
        ticket = state.ticket(ticket_id)
        ticket.deleted = True
        ticket.touch()
        return 200, {"deleted": ticket_id}, {}
    found = state.tickets.get(ticket_id)
    if found is None:
        return _error(404, "RecordNotFound", "ticket not seen yet")
    return 200, {"ticket": found.view(), "comments": list(found.comments)}, {}


def _create_ticket(state: FakeState, body: Any) -> Answer:
    """A ticket made in the helpdesk. Call with the lock held."""
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        created = _when(body.get("created_at"), now)
        ticket = FakeTicket(
            id=int(body["id"]),
            created_at=created,
            updated_at=_when(body.get("updated_at"), created),
            tags=[str(tag) for tag in body.get("tags") or []],
            status=str(body.get("status") or "new"),
            subject=body.get("subject"),
            description=body.get("description"),
            requester_id=None if body.get("requester_id") is None else int(body["requester_id"]),
            via_channel=str(body.get("via") or "web"),
        )
    except (TypeError, KeyError, ValueError, AttributeError):
        return _error(400, "InvalidTicket", 'expected {"id": 1, "subject": ..., ...}')
    if ticket.status == "deleted":
        ticket.status, ticket.deleted = "closed", True
    state.tickets[ticket.id] = ticket
    return 201, {"ticket": ticket.export_view()}, {}


def _when(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


# --- lifecycle ----------------------------------------------------------------------------


class FakeZendesk(FakeHttp[FakeState]):
    """The fake, on its own thread. Use as a context manager or start()/stop().

    With `auth` ((email, API token) or an OAuth token) only those credentials are accepted.
    """

    thread_name = "fake-zendesk"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: tuple[str, str] | str | None = None,
        *,
        export_page_size: int = DEFAULT_EXPORT_PAGE_SIZE,
    ) -> None:
        state = FakeState(None if auth is None else expected_authorization(auth))
        state.export_page_size = export_page_size
        super().__init__(host, port, state)

    def route(self, method: str, target: str, body: Any) -> Answer:
        return _route(self.state, method, target, body)

    def operate(self, method: str, path: str, raw: bytes) -> Answer:
        return _operator(self.state, method, path, raw)

    def unauthorized(self) -> Answer:
        return _error(401, "Couldn't authenticate you")

    def fault_answer(self, fault: Fault) -> Answer:
        return _fault_answer(fault)

    def fault_rejected(self) -> Answer:
        return _error(400, "InvalidFault", 'expected {"status": 429, "retry_after": 1, "count": 2}')

    def encode(self, body: Any) -> tuple[bytes, str | None]:
        if isinstance(body, str):
            return body.encode(), "text/plain; charset=utf-8"
        return json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8"


def main(argv: list[str] | None = None) -> None:
    run_alone("Zendesk", 8765, FakeZendesk, argv)


if __name__ == "__main__":
    main()

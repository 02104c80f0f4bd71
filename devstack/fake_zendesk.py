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

import argparse
import base64
import binascii
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qs, urlsplit

_API_TICKET: Final = re.compile(r"^/api/v2/tickets/(\d{1,20})\.json$")
_FAKE_TICKET: Final = re.compile(r"^/__fake/tickets/(\d{1,20})$")
EXPORT_PATH: Final = "/api/v2/incremental/tickets/cursor.json"
DEFAULT_EXPORT_PAGE_SIZE: Final = 2
_TOO_RECENT: Final = "Too recent start_time. Use a start_time older than 1 minute"
_RECORDED_HEADERS: Final = ("content-type", "accept", "user-agent")
_RATE_LIMITED: Final = "Number of allowed API requests per minute exceeded"
_STALE_STAMP: Final = (
    "Safe Update prevented the update due to outdated ticket data. "
    "Please fetch the latest ticket data and try again."
)

Answer = tuple[int, Any, dict[str, str]]


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


@dataclass
class Fault:
    status: int
    count: int
    retry_after: int | None = None


class FakeState:
    """Everything the fake remembers, behind one lock."""

    def __init__(self, authorization: str | None = None) -> None:
        # When set, the one Authorization header accepted; otherwise any Basic or Bearer.
        self.authorization = authorization
        self.lock = threading.Lock()
        self.tickets: dict[int, FakeTicket] = {}
        self.requests: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.export_page_size = DEFAULT_EXPORT_PAGE_SIZE

    def reset(self) -> None:
        with self.lock:
            self.tickets.clear()
            self.requests.clear()
            self.faults.clear()

    def ticket(self, ticket_id: int) -> FakeTicket:
        """The ticket, created on first sight. Call with the lock held."""
        if ticket_id not in self.tickets:
            now = datetime.now(UTC).replace(microsecond=0)
            self.tickets[ticket_id] = FakeTicket(ticket_id, created_at=now, updated_at=now)
        return self.tickets[ticket_id]

    def next_fault(self) -> Fault | None:
        """Consume one pending fault. Call with the lock held."""
        while self.faults and self.faults[0].count <= 0:
            self.faults.pop(0)
        if not self.faults:
            return None
        self.faults[0].count -= 1
        return self.faults[0]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the recorded requests are the log."""

    def _dispatch(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state = self.server.state
        if self.path.startswith("/__fake/"):
            status, body, headers = _operator(state, self.command, self.path, raw)
        else:
            status, body, headers = _api(state, self.command, self.path, dict(self.headers), raw)
        self._answer(status, body, headers)

    def _answer(self, status: int, body: Any, headers: dict[str, str]) -> None:
        if isinstance(body, str):
            payload, content_type = body.encode(), "text/plain; charset=utf-8"
        else:
            payload = json.dumps(body, ensure_ascii=False).encode()
            content_type = "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: FakeState) -> None:
        super().__init__(address, _Handler)
        self.state = state


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw.decode("utf-8", "replace")


# --- the Zendesk API --------------------------------------------------------------------


def _api(state: FakeState, method: str, path: str, headers: dict[str, str], raw: bytes) -> Answer:
    lowered = {k.lower(): v for k, v in headers.items()}
    body = _parse_json(raw)
    with state.lock:
        state.requests.append(_record(method, path, lowered, body))
        if not _authorized(state, lowered.get("authorization", "")):
            return _error(401, "Couldn't authenticate you")
        fault = state.next_fault()
        if fault is not None:
            return _fault_answer(fault)
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


def _authorized(state: FakeState, authorization: str) -> bool:
    if state.authorization is not None:
        return authorization == state.authorization
    return authorization.startswith(("Basic ", "Bearer "))


def expected_authorization(auth: tuple[str, str] | str) -> str:
    """The header Zendesk accepts for an (email, API token) pair or an OAuth token."""
    if isinstance(auth, str):
        return f"Bearer {auth}"
    email, api_token = auth
    return "Basic " + base64.b64encode(f"{email}/token:{api_token}".encode()).decode()


def _record(method: str, path: str, headers: dict[str, str], body: Any) -> dict[str, Any]:
    kept: dict[str, str] = {name: headers[name] for name in _RECORDED_HEADERS if name in headers}
    if "authorization" in headers:
        kept["authorization"] = headers["authorization"].split(" ", 1)[0]  # scheme, no secret
    return {
        "method": method,
        "path": path,
        "headers": kept,
        "json": body,
        "at": datetime.now(UTC).isoformat(),
    }


def _fault_answer(fault: Fault) -> Answer:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
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
    if (method, path) == ("POST", "/__fake/reset"):
        state.reset()
        return 200, {"reset": True}, {}
    with state.lock:
        if (method, path) == ("GET", "/__fake/requests"):
            return 200, {"requests": list(state.requests)}, {}
        if (method, path) == ("POST", "/__fake/faults"):
            return _add_fault(state, _parse_json(raw))
        if (method, path) == ("POST", "/__fake/tickets"):
            return _create_ticket(state, _parse_json(raw))
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


def _add_fault(state: FakeState, body: Any) -> Answer:
    try:
        fault = Fault(
            status=int(body["status"]),
            count=int(body.get("count", 1)),
            retry_after=None if body.get("retry_after") is None else int(body["retry_after"]),
        )
        HTTPStatus(fault.status)
    except (TypeError, KeyError, ValueError):
        return _error(400, "InvalidFault", 'expected {"status": 429, "retry_after": 1, "count": 2}')
    state.faults.append(fault)
    return 200, {"faults": [vars(f) for f in state.faults]}, {}


# --- lifecycle ----------------------------------------------------------------------------


class FakeZendesk:
    """The fake, on its own thread. Use as a context manager or start()/stop().

    With `auth` ((email, API token) or an OAuth token) only those credentials are accepted.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: tuple[str, str] | str | None = None,
        *,
        export_page_size: int = DEFAULT_EXPORT_PAGE_SIZE,
    ) -> None:
        self.state = FakeState(None if auth is None else expected_authorization(auth))
        self.state.export_page_size = export_page_size
        self._server = _Server((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits at most this long
            name="fake-zendesk",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake Zendesk API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    fake = FakeZendesk(args.host, args.port).start()
    print(f"fake Zendesk listening on {fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()

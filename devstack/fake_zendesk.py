"""A fake Zendesk Support API over real HTTP, for the local stack and the tests.

It answers GET and PUT /api/v2/tickets/{id}.json the way Zendesk does: it wants an
Authorization header, replaces `tags`, merges `additional_tags`, appends the comment, sets
custom fields and refuses a `safe_update` whose `updated_stamp` is stale with 409. Tickets
appear on first sight with no tags: the real ones live in the real helpdesk.

Operator endpoints (no auth, not recorded):
  GET  /__fake/requests            every API request seen
  GET  /__fake/tickets/{id}        a ticket with its comments
  DELETE /__fake/tickets/{id}      the ticket answers 404 from now on
  POST /__fake/faults              {"status": 429, "retry_after": 1, "count": 2}: the next
                                   `count` API calls fail that way
  POST /__fake/reset               forget everything

Run alone: python -m devstack.fake_zendesk --port 8765
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self

_API_TICKET: Final = re.compile(r"^/api/v2/tickets/(\d{1,20})\.json$")
_FAKE_TICKET: Final = re.compile(r"^/__fake/tickets/(\d{1,20})$")
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

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "tags": list(self.tags),
            "custom_fields": [{"id": k, "value": v} for k, v in self.custom_fields.items()],
            "created_at": _stamp(self.created_at),
            "updated_at": _stamp(self.updated_at),
        }

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
        return _tickets(state, method, path, body)


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
        match = _FAKE_TICKET.match(path)
        if match and method in ("GET", "DELETE"):
            return _operator_ticket(state, method, int(match.group(1)))
    return _error(404, "InvalidEndpoint", "Not found")


def _operator_ticket(state: FakeState, method: str, ticket_id: int) -> Answer:
    if method == "DELETE":
        state.ticket(ticket_id).deleted = True
        return 200, {"deleted": ticket_id}, {}
    found = state.tickets.get(ticket_id)
    if found is None:
        return _error(404, "RecordNotFound", "ticket not seen yet")
    return 200, {"ticket": found.view(), "comments": list(found.comments)}, {}


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
        self, host: str = "127.0.0.1", port: int = 0, auth: tuple[str, str] | str | None = None
    ) -> None:
        self.state = FakeState(None if auth is None else expected_authorization(auth))
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

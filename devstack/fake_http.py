"""The HTTP scaffolding the helpdesk fakes share: a threaded server on its own thread
(start/stop/url, or a context manager), the record of every API request, injected faults,
JSON answers and the operator endpoints every fake has (no auth, not recorded):

  GET  /__fake/requests            every API request seen
  POST /__fake/faults              {"status": 429, "retry_after": 1, "count": 2}: the next
                                   `count` API calls fail that way
  POST /__fake/fault-shares        {"rate_limited": 0.1, "server_error": 0.05,
                                   "answer_lost": 0.05, "retry_after": 1}: a share of API
                                   calls fail that way, or are carried out and then left
                                   unanswered (devstack/faults.py); {} turns them off
  POST /__fake/reset               forget everything

With a data file, what the helpdesk holds (tickets, issues, their comments and tags)
survives a restart the way the local stack's own data does (devstack/snapshot.py): read on
start, written whole and atomically after changes (`save`, which the stack calls
periodically) and on stop. Requests, faults and other test switches are not kept.

Each fake (devstack/fake_zendesk.py, devstack/fake_jira.py) adds its helpdesk's endpoints
and says errors, faults and refusals in that helpdesk's words.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final, Generic, Self, TypeVar

from pydantic import ValidationError

from devstack.faults import Drawn, FaultSwitch, HelpdeskFaults, helpdesk_fault, problems

Answer = tuple[int, Any, dict[str, str]]

_RECORDED_HEADERS: Final = ("content-type", "accept", "user-agent", "x-experimentalapi")
# The status of an answer never sent: the request was carried out, the connection closed.
ANSWER_LOST: Final = 0


@dataclass
class Fault:
    status: int
    count: int
    retry_after: int | None = None

    def retry_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class FakeHttpState:
    """Everything the fake remembers, behind one lock."""

    def __init__(self, authorization: str | None = None) -> None:
        # When set, the one Authorization header accepted; otherwise any Basic or Bearer.
        self.authorization = authorization
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        # Set by every request that may change what the helpdesk holds; cleared on save.
        self.changed = False

    def reset(self) -> None:
        with self.lock:
            self.forget()
            self.requests.clear()
            self.faults.clear()

    def forget(self) -> None:
        """Forget what the helpdesk holds. Call with the lock held."""

    def kept(self) -> dict[str, Any]:
        """What the helpdesk holds, as JSON, for a restart. Call with the lock held."""
        return {}

    def restore(self, kept: dict[str, Any]) -> None:
        """Take back what `kept` gave. Call with the lock held."""

    def authorized(self, authorization: str) -> bool:
        if self.authorization is not None:
            return authorization == self.authorization
        return authorization.startswith(("Basic ", "Bearer "))

    def next_fault(self) -> Fault | None:
        """Consume one pending fault. Call with the lock held."""
        while self.faults and self.faults[0].count <= 0:
            self.faults.pop(0)
        if not self.faults:
            return None
        self.faults[0].count -= 1
        return self.faults[0]


S = TypeVar("S", bound=FakeHttpState)


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw.decode("utf-8", "replace")


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


def _parse_fault(body: Any) -> Fault | None:
    try:
        fault = Fault(
            status=int(body["status"]),
            count=int(body.get("count", 1)),
            retry_after=None if body.get("retry_after") is None else int(body["retry_after"]),
        )
        HTTPStatus(fault.status)
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    return fault


class FakeHttp(ABC, Generic[S]):
    """A fake helpdesk API on its own thread. Use as a context manager or start()/stop()."""

    thread_name: ClassVar[str]

    def __init__(self, host: str, port: int, state: S, data_file: Path | None = None) -> None:
        self.state = state
        self.data_file = data_file
        self.fault_shares = FaultSwitch(HelpdeskFaults())
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    # --- what each helpdesk answers in its own words ------------------------------------

    @abstractmethod
    def route(self, method: str, target: str, body: Any) -> Answer:
        """An authorized, unfaulted API request. Called with the lock held."""

    @abstractmethod
    def operate(self, method: str, path: str, raw: bytes) -> Answer:
        """The helpdesk's own operator endpoints (its 404 otherwise). Lock held."""

    @abstractmethod
    def unauthorized(self) -> Answer:
        """The answer to a request without acceptable credentials."""

    @abstractmethod
    def fault_answer(self, fault: Fault) -> Answer:
        """The answer an injected fault gives."""

    @abstractmethod
    def fault_rejected(self) -> Answer:
        """The answer to POST /__fake/faults with a body that names no fault."""

    @abstractmethod
    def encode(self, body: Any) -> tuple[bytes, str | None]:
        """The bytes of an answer's body and its Content-Type (None: no such header)."""

    # --- requests -----------------------------------------------------------------------

    def api(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        lowered = {k.lower(): v for k, v in headers.items()}
        body = parse_json(raw)
        state = self.state
        with state.lock:
            state.requests.append(_record(method, target, lowered, body))
            state.changed = state.changed or method != "GET"
            if not state.authorized(lowered.get("authorization", "")):
                return self.unauthorized()
            fault = state.next_fault()
            if fault is not None:
                return self.fault_answer(fault)
            return self._shared_fault(method, target, body)

    def _shared_fault(self, method: str, target: str, body: Any) -> Answer:
        """The route's answer, unless a fault share says otherwise. Lock held."""
        drawn, shares = helpdesk_fault(self.fault_shares), self.fault_shares.faults
        if drawn is Drawn.RATE_LIMITED:
            return self.fault_answer(Fault(429, 0, shares.retry_after))
        if drawn is Drawn.SERVER_ERROR:
            return self.fault_answer(Fault(shares.server_status, 0))
        answer = self.route(method, target, body)
        return (ANSWER_LOST, None, {}) if drawn is Drawn.ANSWER_LOST else answer

    def operator(self, method: str, path: str, raw: bytes) -> Answer:
        state = self.state
        if (method, path) == ("POST", "/__fake/reset"):
            state.reset()
            state.changed = True
            return 200, {"reset": True}, {}
        with state.lock:
            state.changed = state.changed or method != "GET"
            if (method, path) == ("GET", "/__fake/requests"):
                return 200, {"requests": list(state.requests)}, {}
            if path == "/__fake/fault-shares":
                return self._set_fault_shares(raw) if method == "POST" else self._fault_shares()
            if (method, path) == ("POST", "/__fake/faults"):
                fault = _parse_fault(parse_json(raw))
                if fault is None:
                    return self.fault_rejected()
                state.faults.append(fault)
                return 200, {"faults": [vars(f) for f in state.faults]}, {}
            return self.operate(method, path, raw)

    def _set_fault_shares(self, raw: bytes) -> Answer:
        try:
            self.fault_shares.set(HelpdeskFaults.model_validate_json(raw or b"{}"))
        except ValidationError as exc:
            return 400, {"problems": problems(exc)}, {}
        return self._fault_shares()

    def _fault_shares(self) -> Answer:
        return 200, self.fault_shares.answer(), {}

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._restore()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits at most this long
            name=self.thread_name,
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
        self.save()

    # --- what survives a restart --------------------------------------------------------

    def save(self) -> bool:
        """Write what the helpdesk holds to the data file, if it changed since the last
        save; whether it wrote."""
        if self.data_file is None:
            return False
        with self.state.lock:
            if not self.state.changed:
                return False
            text = json.dumps(self.state.kept(), ensure_ascii=False)
            self.state.changed = False
        write_whole(self.data_file, text)
        return True

    def _restore(self) -> None:
        if self.data_file is None or not self.data_file.exists():
            return
        kept = json.loads(self.data_file.read_text(encoding="utf-8"))
        with self.state.lock:
            self.state.restore(kept)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


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
        fake = self.server.fake
        if self.path.startswith("/__fake/"):
            status, body, headers = fake.operator(self.command, self.path, raw)
        else:
            status, body, headers = fake.api(self.command, self.path, dict(self.headers), raw)
        self._answer(status, body, headers)

    def _answer(self, status: int, body: Any, headers: dict[str, str]) -> None:
        if status == ANSWER_LOST:
            self.close_connection = True
            return
        payload, content_type = self.server.fake.encode(body)
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def write_whole(path: Path, text: str) -> None:
    """Replace the file atomically: a crash mid-write never leaves half of it."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeHttp[Any]) -> None:
        super().__init__(address, _Handler)
        self.fake = fake


def run_alone(
    name: str, default_port: int, make: Callable[[str, int], FakeHttp[Any]], argv: list[str] | None
) -> None:
    """Serve one fake from the command line until interrupted."""
    parser = argparse.ArgumentParser(description=f"Run the fake {name} API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    fake = make(args.host, args.port).start()
    print(f"fake {name} listening on {fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()

"""moto's server, in-process, answering one DynamoDB request at a time.

moto applies a DynamoDB transaction item by item and rolls back by restoring a copy of the
table, so two requests running at once can undo each other's writes. Real DynamoDB isolates
every request; serialising them here gives the local stack the same guarantee.

Paths under /__local/ are not moto's: they answer what the local stack adds to AWS (the
local SNS signer's certificate, the messages SES sent), from `local_routes`. `observers`
see the request and answer of calls moto answered 200, for what AWS does after a call and
moto does not (SES publishing a Send event of a configuration set).

moto keeps every model object it ever made (every DynamoDB item, each copy of a table a
transaction takes for its rollback, every SQS message) in lists for its dashboard, and
never lets go of them: a local stack would grow by the size of its tables on every
transaction, until it ran out of memory. The embedded server empties those lists after each
request; its live state is in the backends, not in them.

`faults` (devstack/faults.py) answers a share of DynamoDB requests throttled or, for a
transaction, cancelled by a conflict, in DynamoDB's own wire shape. Off unless set, through
`POST /__local/faults` or `faults.set`.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from moto.core.model_instances import model_data
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from pydantic import ValidationError
from werkzeug.serving import BaseWSGIServer, make_server

from devstack.faults import (
    DynamoFaults,
    FaultSwitch,
    dynamodb_answer,
    dynamodb_fault,
    problems,
)

LOCAL_PREFIX: Final = "/__local/"
FAULTS_PATH: Final = "/__local/faults"
# GET path -> a function answering (content type, body).
LocalRoutes = Mapping[str, Callable[[], tuple[str, bytes]]]
# (method, path) -> a function told the request body and the answer body of a 200.
Observers = Mapping[tuple[str, str], Callable[[bytes, bytes], None]]
# S3's reset disposes of its keys' temporary files through its list: keep that one.
KEEP_TRACKED: Final = frozenset({"s3"})


def forget_tracked_models() -> None:
    """Let go of the model objects moto tracks for its dashboard (the local stack has none)."""
    for service, models in list(model_data.items()):
        if service not in KEEP_TRACKED:
            for model in list(models.values()):
                model.instances_tracked.clear()  # type: ignore[attr-defined]


class EmbeddedAws:
    def __init__(
        self,
        host: str,
        port: int,
        local_routes: LocalRoutes | None = None,
        observers: Observers | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._local_routes = dict(local_routes or {})
        self._observers = dict(observers or {})
        self.faults = FaultSwitch(DynamoFaults())
        self._app = DomainDispatcherApplication(create_backend_app)
        self._server: BaseWSGIServer = make_server(
            host, port, self._serialised, threaded=True, request_handler=MotoRequestHandler
        )
        # Keep-alive connections from the stack's own clients hold a handler thread each;
        # they must not keep the process alive once the stack stops.
        self._server.daemon_threads = True  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _serialised(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            return self._answer(environ, start_response)
        finally:
            forget_tracked_models()

    def _answer(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(LOCAL_PREFIX):
            return self._local(environ, start_response)
        observer = self._observers.get(
            (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        )
        if observer is not None:
            return self._observed(environ, start_response, observer)
        # Only DynamoDB needs it; an SQS long poll would otherwise hold everyone up.
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith("DynamoDB"):
            return self._app(environ, start_response)  # type: ignore[no-any-return]
        fault = dynamodb_fault(self.faults, target.rpartition(".")[2])
        if fault is not None:
            headers, body = dynamodb_answer(fault, _read_body(environ))
            start_response("400 Bad Request", [*headers, ("Content-Length", str(len(body)))])
            return [body]
        with self._lock:
            return list(self._app(environ, start_response))

    def _local(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if (environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")) == ("POST", FAULTS_PATH):
            return self._set_faults(_read_body(environ), start_response)
        if environ.get("PATH_INFO") == FAULTS_PATH:
            return _json(start_response, "200 OK", self.faults.answer())
        route = self._local_routes.get(environ.get("PATH_INFO", ""))
        if route is None or environ.get("REQUEST_METHOD") != "GET":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        content_type, body = route()
        start_response(
            "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _set_faults(self, body: bytes, start_response: Callable[..., Any]) -> list[bytes]:
        try:
            self.faults.set(DynamoFaults.model_validate_json(body or b"{}"))
        except ValidationError as exc:
            return _json(start_response, "400 Bad Request", {"problems": problems(exc)})
        return _json(start_response, "200 OK", self.faults.answer())

    def _observed(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        observer: Callable[[bytes, bytes], None],
    ) -> list[bytes]:
        request = _read_body(environ)
        statuses: list[str] = []

        def seen(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            statuses.append(status)
            return start_response(status, headers, *exc_info)

        answer = b"".join(self._app(environ, seen))
        if statuses and statuses[-1].startswith("200"):
            observer(request, answer)
        return [answer]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request's body, left readable for moto, which reads it again."""
    body: bytes = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _json(start_response: Callable[..., Any], status: str, document: Any) -> list[bytes]:
    body = json.dumps(document).encode("utf-8")
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]

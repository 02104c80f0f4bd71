"""moto's server, in-process, answering one DynamoDB request at a time.

moto applies a DynamoDB transaction item by item and rolls back by restoring a copy of the
table, so two requests running at once can undo each other's writes. Real DynamoDB isolates
every request; serialising them here gives the local stack the same guarantee.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server


class EmbeddedAws:
    def __init__(self, host: str, port: int) -> None:
        self._lock = threading.Lock()
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
        # Only DynamoDB needs it; an SQS long poll would otherwise hold everyone up.
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
            return self._app(environ, start_response)  # type: ignore[no-any-return]
        with self._lock:
            return list(self._app(environ, start_response))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

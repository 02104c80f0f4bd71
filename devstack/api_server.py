"""The webhook API on Chalice's local server, with what API Gateway does in front of it.

- A gate lets the stack stop taking requests before it saves its data: once the gate is
  closed, a request is refused 503 (the helpdesk retries it), and closing waits until every
  request let in has been answered. Without it, a delivery answered 202 after the last
  snapshot was lost on a restart.
- A delivery that repeats a signature, timestamp or id header is refused. Chalice's handler
  turns the request's headers into a dict, which keeps the first copy of a repeated header,
  and its event has no `multiValueHeaders`: the app could not see the repeat that API
  Gateway would show it. So the refusal the app makes in AWS is made here first.
"""

from __future__ import annotations

import functools
import json
import threading
from typing import Any

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, create_local_server

from connectors.headers import repeated_header

STOPPING = b'{"message": "Plaint is stopping; send it again shortly"}'


class RequestGate:
    """Counts the requests being answered; once closed, lets none in."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open = True
        self._in_flight = 0

    def enter(self) -> bool:
        with self._changed:
            if self._open:
                self._in_flight += 1
            return self._open

    def leave(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def close(self, timeout: float) -> bool:
        """Let no request in, and wait for those in flight; False if some still were after
        `timeout` seconds."""
        with self._changed:
            self._open = False
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout)


class ApiRequestHandler(ChaliceRequestHandler):
    def __init__(
        self, request: Any, client_address: Any, server: Any, *, gate: RequestGate, **chalice: Any
    ) -> None:
        self.gate = gate  # before the base class, which handles the request as it starts
        super().__init__(request, client_address, server, **chalice)

    def _generic_handle(self) -> None:
        if not self.gate.enter():
            self.close_connection = True
            headers = {"Content-Type": "application/json", "Retry-After": "5"}
            self._send_http_response(503, headers, STOPPING)
            return
        try:
            repeated = repeated_header(self.headers.items())
            if repeated is None:
                super()._generic_handle()
            else:
                self._refuse_repeated(repeated)
        finally:
            self.gate.leave()

    def _refuse_repeated(self, header: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)  # read what was sent, so the connection stays in step
        body = {
            "error": "duplicate_header",
            "header": header,
            "detail": f"{header} appears more than once",
        }
        self._send_http_response(400, {"Content-Type": "application/json"}, json.dumps(body))

    # The base class binds each method to its own _generic_handle: bind them to this one.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle  # noqa: N815


def api_server(app: Any, config: Config, host: str, port: int, gate: RequestGate) -> LocalDevServer:
    """Chalice's local server for `app`, its requests passing through `gate`."""
    server = create_local_server(app, config, host, port)
    server.server.RequestHandlerClass = functools.partial(
        ApiRequestHandler, app_object=app, config=config, gate=gate
    )
    return server

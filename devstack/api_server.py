"""Chalice's local server, refusing a delivery that repeats a signature or id header.

Chalice's handler turns the request's headers into a dict, which keeps the first copy of a
repeated header, and its event has no `multiValueHeaders`: the app could not see the repeat
that API Gateway would show it. So the refusal the app makes in AWS is made here first.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, create_local_server

from connectors.headers import repeated_header


class SingleHeaderHandler(ChaliceRequestHandler):
    def _generic_handle(self) -> None:
        repeated = repeated_header(self.headers.items())
        if repeated is None:
            super()._generic_handle()
            return
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)  # read what was sent, so the connection stays in step
        body = {
            "error": "duplicate_header",
            "header": repeated,
            "detail": f"{repeated} appears more than once",
        }
        self._send_http_response(400, {"Content-Type": "application/json"}, json.dumps(body))

    # The base class binds its own _generic_handle to these names: bind ours.
    do_GET = do_PUT = do_POST = do_HEAD = _generic_handle  # noqa: N815
    do_DELETE = do_PATCH = do_OPTIONS = _generic_handle  # noqa: N815


def create_api_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    server = create_local_server(app, config, host, port)
    handler: Any = functools.partial(SingleHeaderHandler, app_object=app, config=config)
    server.server.RequestHandlerClass = handler
    return server

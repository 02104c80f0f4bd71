"""Secrets the functions read when they first need them rather than from plain environment
variables: in the cloud a Systems Manager parameter (SecureString) that
PLAINT_<SECRET>_PARAMETER names, on one machine a key of the local stack's secrets file
(PLAINT_SECRETS_FILE, mode 0600, written by `plaint connect`).

A parameter is read through the AWS Parameters and Secrets Lambda Extension when the
function has it: a GET on localhost with the invocation's session token, no client to build,
so the webhook's cold start pays nothing for it
(https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html).
Where the extension is absent (no layer, the local stack, the tests), boto3's SSM client
reads it. Each value is kept for CACHE_SECONDS, so a rotated secret is taken up within
minutes without a call per request.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from plaint.vocabulary.errors import PlaintError

CACHE_SECONDS: Final = 300.0
EXTENSION_HOST: Final = "localhost"
EXTENSION_PORT: Final = 2773
# The extension's own variable for its port, and the header its SSRF check reads.
EXTENSION_PORT_VARIABLE: Final = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"
TOKEN_HEADER: Final = "X-Aws-Parameters-Secrets-Token"
EXTENSION_TIMEOUT: Final = 2.0


class SecretUnavailableError(PlaintError):
    """A secret could not be read now (the caller answers 503 and the helpdesk retries)."""


class SecretReader:
    """Reads named secrets, from a parameter or the local secrets file, with a cache.

    `ssm_client` builds boto3's SSM client; it is called only when the extension does not
    answer, and at most once."""

    def __init__(
        self,
        ssm_client: Callable[[], Any],
        *,
        local_file: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ssm_client = ssm_client
        self._local_file = local_file
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._extension_absent = False

    def read(self, parameter: str | None, local_key: str) -> str | None:
        """The secret: from `parameter` when one is named, else from the local secrets
        file's `local_key`; None when neither holds it (the caller falls back to the
        plain setting)."""
        if parameter:
            return self._parameter(parameter)
        if self._local_file:
            return _local_value(Path(self._local_file), local_key)
        return None

    def _parameter(self, name: str) -> str | None:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(name)
            if cached is not None and now - cached[0] < CACHE_SECONDS:
                return cached[1]
        value = self._fetch(name)
        with self._lock:
            self._cache[name] = (now, value)
        return value

    def _fetch(self, name: str) -> str | None:
        if not self._extension_absent:
            found = _from_extension(name)
            if found is not _ABSENT:
                return found if isinstance(found, str) else None
            self._extension_absent = True  # no layer: ask SSM from now on
        return self._from_ssm(name)

    def _from_ssm(self, name: str) -> str | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self._ssm_client().get_parameter(Name=name, WithDecryption=True)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ParameterNotFound":
                return None
            raise SecretUnavailableError(f"parameter {name}: {exc}") from exc
        except BotoCoreError as exc:
            raise SecretUnavailableError(f"parameter {name}: {exc}") from exc
        return str(answer["Parameter"]["Value"])


class _Absent:
    """The extension is not there (no token, nothing listening)."""


_ABSENT: Final = _Absent()


def _from_extension(name: str) -> str | _Absent | None:
    """The parameter through the extension: its value, None when the extension says it
    does not exist, _ABSENT when no extension answers."""
    token = os.environ.get("AWS_SESSION_TOKEN")
    if not token:
        return _ABSENT
    port = int(os.environ.get(EXTENSION_PORT_VARIABLE) or EXTENSION_PORT)
    query = urlencode({"name": name, "withDecryption": "true"})
    connection = http.client.HTTPConnection(EXTENSION_HOST, port, timeout=EXTENSION_TIMEOUT)
    try:
        connection.request(
            "GET", f"/systemsmanager/parameters/get?{query}", headers={TOKEN_HEADER: token}
        )
        response = connection.getresponse()
        body = response.read()
    except OSError:
        return _ABSENT
    finally:
        connection.close()
    if response.status == 200:
        try:
            return str(json.loads(body)["Parameter"]["Value"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SecretUnavailableError(f"parameter {name}: unexpected answer") from exc
    if b"ParameterNotFound" in body:
        return None
    raise SecretUnavailableError(
        f"parameter {name}: the secrets extension answered {response.status}"
    )


def _local_value(path: Path, key: str) -> str | None:
    from bootstrap.local_stack import kept_secrets  # the local stack's file, only there

    try:
        return kept_secrets(path).get(key)
    except (OSError, ValueError) as exc:
        raise SecretUnavailableError(f"{path}: {exc}") from exc


def secret_list(text: str, what: str) -> list[str]:
    """A comma-separated list of at most two secrets (current and next, while rotating)."""
    secrets = [part.strip() for part in text.split(",") if part.strip()]
    if len(secrets) > 2:
        raise SecretUnavailableError(f"{what}: at most two active webhook secrets")
    return secrets

"""HTTP for every connector: a requests session whose retries honour Retry-After and back
off, but give up instead of sleeping past the time the function has left."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Final, Self

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

CONNECT_TIMEOUT: Final = 3.05
READ_TIMEOUT: Final = 10.0
# Room left after a wait for the retried request itself and for recording its outcome.
DEFAULT_SAFETY_MARGIN: Final = CONNECT_TIMEOUT + READ_TIMEOUT + 2.0
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
TRANSIENT_STATUSES: Final = RETRY_STATUSES | {408}


class RetryDeadlineError(Exception):
    """The next retry would start too late for the function to finish it."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"next retry due in {wait:.1f} s, past the function's deadline")
        self.wait = wait


class DeadlineRetry(Retry):
    """urllib3 Retry (honours Retry-After, backs off) that gives up instead of sleeping
    when the wait would outlast the time the function has left."""

    def __init__(
        self,
        *args: Any,
        time_left: Callable[[], float] | None = None,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.time_left = time_left
        self.safety_margin = safety_margin

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.time_left = self.time_left
        retry.safety_margin = self.safety_margin
        return retry

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = retry.next_wait(response)
        if self.time_left is not None and wait > self.time_left() - self.safety_margin:
            # MaxRetryError ends the retries: for a status, urllib3 hands back the last
            # response (raise_on_status=False); for a connection error, it is raised.
            raise MaxRetryError(_pool, url, RetryDeadlineError(wait))  # type: ignore[arg-type]
        return retry

    def next_wait(self, response: BaseHTTPResponse | None) -> float:
        """What `sleep` would wait before the next attempt."""
        if self.respect_retry_after_header and response is not None:
            retry_after = self.get_retry_after(response)
            if retry_after:
                return retry_after
        return self.get_backoff_time()


def build_session(
    time_left: Callable[[], float] | None = None,
    safety_margin: float = DEFAULT_SAFETY_MARGIN,
    retries: int = 4,
) -> requests.Session:
    """A session that retries 429 and 5xx on GET and PUT, within the function's deadline."""
    retry = DeadlineRetry(
        total=retries,
        connect=retries,
        read=2,
        status=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "PUT"}),
        backoff_factor=0.5,
        respect_retry_after_header=True,
        raise_on_status=False,
        time_left=time_left,
        safety_margin=safety_margin,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"Accept": "application/json"})
    return session


class BearerAuth(AuthBase):
    """OAuth access token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return Retry().parse_retry_after(value)
    except (InvalidHeader, ValueError, OverflowError):
        return None


def deadline_wait(exc: requests.RequestException) -> float | None:
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError) and isinstance(cause.reason, RetryDeadlineError):
        return cause.reason.wait
    return None

"""HTTP for every connector: a requests session whose retries honour Retry-After and back
off, but give up instead of sleeping past the time the function has left, and whose
requests (first attempts and retries alike) are paced under the vendor's rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self, TypeVar

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

CONNECT_TIMEOUT: Final = 3.05
READ_TIMEOUT: Final = 10.0
# Room left after a wait for the retried request itself and for recording its outcome.
DEFAULT_SAFETY_MARGIN: Final = CONNECT_TIMEOUT + READ_TIMEOUT + 2.0
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
TRANSIENT_STATUSES: Final = RETRY_STATUSES | {408}
DEFAULT_BURST: Final = 10


class RetryDeadlineError(Exception):
    """The next retry would start too late for the function to finish it."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"next retry due in {wait:.1f} s, past the function's deadline")
        self.wait = wait


class Pacer:
    """A token bucket that keeps a client under a vendor's request rate: `burst` requests at
    once, then one every 60 / `requests_per_minute` seconds. Thread-safe.

    The bucket lives in one process, that is one Lambda container. The rate the vendor sees
    for the whole account is this rate times the number of containers running at once (and
    plus whatever else uses the same account), so the worker's reserved concurrency is what
    bounds it: keep `requests_per_minute` x reserved concurrency under the account's limit.
    """

    def __init__(
        self,
        requests_per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not requests_per_minute > 0 or not math.isfinite(requests_per_minute):
            raise ValueError(f"requests_per_minute must be positive, not {requests_per_minute}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, not {burst}")
        self.requests_per_minute = requests_per_minute
        self.burst = burst
        self.interval = 60.0 / requests_per_minute
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def wait(
        self,
        time_left: Callable[[], float] | None = None,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
    ) -> None:
        """Take a token, sleeping until one is free; raise TransientDeliveryError (with the
        wait as `retry_after`) instead of sleeping past the time the function has left less
        `safety_margin`, the rule DeadlineRetry follows."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed / self.interval)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return
            wait = (1.0 - self._tokens) * self.interval
            if time_left is not None and wait > time_left() - safety_margin:
                raise TransientDeliveryError(
                    f"request rate limit ({self.requests_per_minute:g}/min): next request due"
                    f" in {wait:.1f} s, past the function's deadline",
                    retry_after=wait,
                )
            # Reserve the token now (the bucket goes below zero), sleep outside the lock: a
            # thread that comes next waits behind this one instead of taking the same token.
            self._tokens -= 1.0
        self._sleep(wait)


class DeadlineRetry(Retry):
    """urllib3 Retry (honours Retry-After, backs off) that gives up instead of sleeping
    when the wait would outlast the time the function has left. With a `pacer`, each retry
    also takes a token after its back-off, so retries count against the rate like any
    other request."""

    def __init__(
        self,
        *args: Any,
        time_left: Callable[[], float] | None = None,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
        pacer: Pacer | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.time_left = time_left
        self.safety_margin = safety_margin
        self.pacer = pacer

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.time_left = self.time_left
        retry.safety_margin = self.safety_margin
        retry.pacer = self.pacer
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        super().sleep(response)
        if self.pacer is not None:
            self.pacer.wait(self.time_left, self.safety_margin)

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


class PacedAdapter(HTTPAdapter):
    """An HTTPAdapter whose every request first takes a token from the pacer (the retries
    urllib3 makes take theirs in DeadlineRetry.sleep)."""

    def __init__(
        self,
        pacer: Pacer,
        time_left: Callable[[], float] | None = None,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer
        self.time_left = time_left
        self.safety_margin = safety_margin

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        self.pacer.wait(self.time_left, self.safety_margin)
        return super().send(request, *args, **kwargs)


def build_session(
    time_left: Callable[[], float] | None = None,
    safety_margin: float = DEFAULT_SAFETY_MARGIN,
    retries: int = 4,
    *,
    pacer: Pacer | None = None,
    retry_type: type[DeadlineRetry] = DeadlineRetry,
) -> requests.Session:
    """A session that retries 429 and 5xx on GET, PUT and DELETE, within the function's
    deadline. DELETE is idempotent, and the connectors read its 404 as "gone already", so
    a retry after an answer that never came is harmless.

    With a `pacer`, every request takes a token first; a request that would have to wait
    past the deadline raises TransientDeliveryError instead of being sent."""
    retry = retry_type(
        total=retries,
        connect=retries,
        read=2,
        status=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "PUT", "DELETE"}),
        backoff_factor=0.5,
        respect_retry_after_header=True,
        raise_on_status=False,
        time_left=time_left,
        safety_margin=safety_margin,
        pacer=pacer,
    )
    session = requests.Session()
    adapter = (
        HTTPAdapter(max_retries=retry)
        if pacer is None
        else PacedAdapter(pacer, time_left, safety_margin, max_retries=retry)
    )
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


def send(
    session: requests.Session, method: str, url: str, auth: AuthBase, **kwargs: Any
) -> requests.Response:
    """One request with the connect and read timeouts. No answer at all is a
    TransientDeliveryError, to be tried again after the wait the deadline left over."""
    try:
        return session.request(
            method, url, auth=auth, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), **kwargs
        )
    except requests.RequestException as exc:
        raise TransientDeliveryError(
            f"{method} {url} failed: {exc}", retry_after=deadline_wait(exc)
        ) from exc


def raise_for_status(
    response: requests.Response, helpdesk: str, words: Callable[[requests.Response], str]
) -> None:
    """Nothing for a 2xx answer; else a TransientDeliveryError (a status worth retrying,
    with its Retry-After) or a PermanentDeliveryError, in the helpdesk's own `words`."""
    status = response.status_code
    if 200 <= status < 300:
        return
    request = response.request
    message = f"{helpdesk} answered {status} to {request.method} {request.path_url}: "
    message += words(response)
    if status in TRANSIENT_STATUSES:
        raise TransientDeliveryError(message, retry_after=retry_after(response))
    raise PermanentDeliveryError(message)


M = TypeVar("M", bound=BaseModel)


def read_answer(response: requests.Response, model: type[M], what: str) -> M:
    """The answer's JSON body as a `model`; a TransientDeliveryError naming `what` when it
    is not one."""
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise TransientDeliveryError(f"unexpected {what}: {exc}") from exc


@dataclass(frozen=True)
class ApiAccess:
    """How to reach one helpdesk account's API: where it is, the credentials (an (email,
    API token) pair, or an OAuth or personal access token), and how requests are paced
    (`requests_per_minute` per container, None for the endpoint's own default; see Pacer)
    and retried within the function's deadline. A `session`, when given, is used as it is."""

    base_url: str
    credentials: tuple[str, str] | str
    session: requests.Session | None = None
    time_left: Callable[[], float] | None = None
    safety_margin: float = DEFAULT_SAFETY_MARGIN
    requests_per_minute: float | None = None


class ApiConnection:
    """What every client and change feed of a helpdesk API holds: the base URL, the
    credentials as the vendor reads them (`auth`), and a paced, retrying session."""

    def __init__(
        self,
        access: ApiAccess,
        auth: AuthBase,
        *,
        default_rate: float,
        burst: int = DEFAULT_BURST,
        retry_type: type[DeadlineRetry] = DeadlineRetry,
    ) -> None:
        self._base_url = access.base_url.rstrip("/")
        self._auth = auth
        self.pacer = Pacer(access.requests_per_minute or default_rate, burst)
        self._session = access.session or build_session(
            access.time_left, access.safety_margin, pacer=self.pacer, retry_type=retry_type
        )

"""The functions' one `Root` per Lambda container (bootstrap.root), built lazily: nothing
heavy happens at import, because Chalice imports app.py when it packages and deploys."""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bootstrap.root import Root


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Deadline:
    """Time the current invocation has left, for capping retries; set by each handler."""

    ends_at: float | None = None

    def set_from(self, lambda_context: Any) -> None:
        remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
        self.ends_at = time.monotonic() + remaining() / 1000 if remaining else None

    def time_left(self) -> float:
        return 900.0 if self.ends_at is None else max(0.0, self.ends_at - time.monotonic())


deadline = _Deadline()


@lru_cache(maxsize=1)
def runtime() -> Root:
    """The container's parts; each is built on first use."""
    from bootstrap.root import Root
    from bootstrap.settings import Settings

    # The clock is looked up at each use, so a test can move it.
    root = Root(Settings(), clock=lambda: utc_now(), time_left=deadline.time_left)  # noqa: PLW0108
    _settle()
    return root


@cache
def _settle() -> None:
    """Once per container: take what is loaded by now out of the cycle collector's sight.

    Modules, classes and validators built at a cold start live as long as the container, yet
    every full collection walks them again. Building the first AWS client allocates enough to
    set off several, which made it about 20 ms slower here than in a bare `import boto3`
    (bench/import_time). Frozen objects are still freed by reference counting."""
    import boto3  # noqa: F401  (every function reaches AWS: load it before the freeze)

    gc.freeze()


def reset() -> None:
    """Forget the built parts (tests change the environment between cases)."""
    runtime.cache_clear()

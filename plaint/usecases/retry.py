"""The one retry point of the use cases: optimistic concurrency on a complaint.

A use case reads the complaint, decides, and commits on condition that the complaint is
still at the revision it read. When someone else moved it meanwhile, the commit raises
RevisionConflictError and the whole attempt runs again from a fresh read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from plaint.vocabulary.errors import RevisionConflictError

MAX_DECISION_RETRIES = 5

T = TypeVar("T")


def on_fresh_state(attempt: Callable[[], T], what: str) -> T:
    """Run `attempt` (read, decide, commit) until it commits without a conflict."""
    for _ in range(MAX_DECISION_RETRIES):
        try:
            return attempt()
        except RevisionConflictError:
            continue
    raise RevisionConflictError(f"{what}: kept changing under us")

"""What the portal needs from the rest of Plaint: the engine's ports, gathered. The store
(DynamoDB, or its in-memory twin in tests) implements all of them; `portal.app.build`
chooses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from plaint.usecases.ports import (
    ComplaintIndex,
    ComplaintRecords,
    DeliveryLog,
    PolicyRegister,
)
from plaint.usecases.received import ReceivedRecords


class Records(
    ReceivedRecords,  # the audit log, and complaints read a page at a time for reports
    ComplaintIndex,
    ComplaintRecords,
    DeliveryLog,
    PolicyRegister,
    Protocol,
):
    """The store as the portal uses it: the log, complaint search, complaints' stories, the
    deliveries a what-if replays, and policy versions. Its only writes are the policy
    register's, through plaint.usecases.publication."""


Progress = Callable[[int, int], None]

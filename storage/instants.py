"""Instants as the tables hold them."""

from __future__ import annotations

from datetime import UTC, datetime


def sortable(at: datetime) -> str:
    """UTC, fixed width, so string order is time order."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("timestamp must carry a UTC offset")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

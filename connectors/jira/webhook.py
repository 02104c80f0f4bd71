"""Jira's webhook: a delivery's signature checked on the raw bytes, then its payload read
into the engine's words, with the custom fields the policy names.

Jira signs the body but no header time, so the only signed time is the event's own, inside
the body. A delivery whose event is older than SIGNED_TIME_LIMIT is refused: within it, a
re-sent capture is still remembered as a duplicate (plaint.usecases.intake.DELIVERY_MEMORY is
longer); past it, a capture can no longer be replayed at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from connectors.errors import SignatureRejectedError
from connectors.jira.mapper import parse_delivery
from connectors.jira.signature import signed_digest, verify_signature
from plaint.model.events import TicketEvent
from plaint.policy.intake import JiraFieldMapping

# Jira retries a failed delivery for hours, not days; the delivery memory is a week.
SIGNED_TIME_LIMIT: Final = timedelta(hours=72)
# Jira's clock and ours may differ a little; an event dated further ahead is not Jira's.
SIGNED_TIME_AHEAD: Final = timedelta(minutes=5)


def read(
    headers: Mapping[str, str],
    body: bytes,
    secrets: Sequence[str],
    fields: JiraFieldMapping,
    now: datetime,
) -> TicketEvent:
    verify_signature(headers, body, secrets)
    event = parse_delivery(headers, body, fields)
    _check_signed_time(event.occurred_at, now)
    return event.model_copy(update={"signed_digest": signed_digest(headers)})


def _check_signed_time(signed_at: datetime, now: datetime) -> None:
    age = now - signed_at
    if age > SIGNED_TIME_LIMIT:
        raise SignatureRejectedError(
            "timestamp_out_of_window",
            f"the event was signed {age.total_seconds() / 3600:.0f} h ago; "
            f"at most {SIGNED_TIME_LIMIT.total_seconds() / 3600:.0f} h is accepted",
        )
    if -age > SIGNED_TIME_AHEAD:
        raise SignatureRejectedError(
            "timestamp_out_of_window",
            f"the event is dated {-age.total_seconds():.0f} s ahead of now",
        )

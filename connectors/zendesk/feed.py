"""What changed in Zendesk Support since a cursor (plaint.ports.ChangeFeed), read from the
cursor-based incremental ticket export, so that intake can close the gaps lost webhooks
leave.

GET /api/v2/incremental/tickets/cursor.json?start_time=<unix seconds> starts an export,
GET ...?cursor=<after_cursor> carries it on. Each answer is {"tickets": [...],
"after_cursor": ..., "end_of_stream": bool}: `end_of_stream` true means everything up to now
was returned, and `after_cursor` is where the next poll starts even then
(https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/,
https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/).

* The start time must be at least a minute in the past: items changed within the last
  minute are left out of an export anyway.
* Deleted tickets are exported with status "deleted": they are skipped here.
* The incremental export endpoints allow 10 requests a minute. The pacer's bucket allows
  `burst` at once, then `requests_per_minute`, so in any minute at most their sum: the
  defaults (8 a minute, 2 at once) stay under 10 within one container.

The feed's cursor is Zendesk's `after_cursor` as sent. A cursor `start_time:<unix seconds>`
is understood as well (the feed hands one back when Zendesk sent no `after_cursor`), and lets
an operator restart a feed from a chosen time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from pydantic import Field, ValidationError

from connectors.http import (
    ApiAccess,
    ApiConnection,
    read_answer,
    send,
)
from connectors.payload import validation_message
from connectors.zendesk.answers import raise_for_status
from connectors.zendesk.client import auth_for
from connectors.zendesk.mapper import channel_for, complainant_ref, rating_of, status_name
from connectors.zendesk.wire import TicketDetail, Wire
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from plaint.usecases.ports import ChangePage
from plaint.vocabulary.errors import PermanentDeliveryError

EXPORT_PATH: Final = "/api/v2/incremental/tickets/cursor.json"
START_PREFIX: Final = "start_time:"
DELETED_STATUS: Final = "deleted"
# Zendesk leaves out of an export whatever changed within the last minute, and refuses a
# start_time less than a minute old.
MIN_AGE: Final = timedelta(seconds=60)
DEFAULT_WINDOW: Final = timedelta(days=1)
# Incremental exports allow 10 requests a minute: 8 a minute plus a burst of 2 stays under.
DEFAULT_REQUESTS_PER_MINUTE: Final = 8.0
DEFAULT_EXPORT_BURST: Final = 2

TicketFilter = Callable[[TicketEvent], bool]

_log = logging.getLogger(__name__)


class ExportPage(Wire):
    """One answer of the cursor-based incremental ticket export."""

    tickets: list[dict[str, Any]] = Field(default_factory=list)
    after_cursor: str | None = None
    end_of_stream: bool = True


class ZendeskChangeFeed(ApiConnection):
    """ChangeFeed over Zendesk's cursor-based incremental ticket export.

    `window` is how far back a feed without a cursor starts. `project_filter`, when given,
    keeps only the events it returns True for (a brand, a group, a form: whatever tells the
    complaint tickets from the rest). Requests are paced as the access says (see
    connectors.http.ApiAccess).
    """

    source = SourceSystem.ZENDESK

    def __init__(
        self,
        access: ApiAccess,
        *,
        window: timedelta = DEFAULT_WINDOW,
        project_filter: TicketFilter | None = None,
        per_page: int | None = None,
    ) -> None:
        if window <= timedelta(0):
            raise ValueError(f"window must be positive, not {window}")
        super().__init__(
            access,
            auth_for(access.credentials),
            default_rate=DEFAULT_REQUESTS_PER_MINUTE,
            burst=DEFAULT_EXPORT_BURST,
        )
        self.window = window
        self._keep = project_filter
        self._per_page = per_page

    def changed_since(self, cursor: str | None, now: datetime) -> ChangePage:
        params: dict[str, str | int] = {}
        if cursor is None:
            params["start_time"] = start_time_for(now, self.window)
        elif cursor.startswith(START_PREFIX):
            params["start_time"] = _start_of(cursor)
        else:
            params["cursor"] = cursor
        if self._per_page is not None:
            params["per_page"] = self._per_page
        page = self._export(params)
        events = []
        for raw in page.tickets:
            event = ticket_event(raw)
            if event is not None and (self._keep is None or self._keep(event)):
                events.append(event)
        next_cursor = page.after_cursor or cursor
        if next_cursor is None:
            next_cursor = f"{START_PREFIX}{params['start_time']}"
        return ChangePage(tuple(events), cursor=next_cursor, more=not page.end_of_stream)

    def _export(self, params: dict[str, str | int]) -> ExportPage:
        url = self._base_url + EXPORT_PATH
        response = send(self._session, "GET", url, self._auth, params=params)
        raise_for_status(response)
        return read_answer(response, ExportPage, "export body from Zendesk")

    def close(self) -> None:
        self._session.close()


def start_time_for(now: datetime, window: timedelta) -> int:
    """The start_time of a fresh export: `window` before `now`, and at least a minute old."""
    return int((min(now - window, now - MIN_AGE)).timestamp())


def ticket_event(raw: dict[str, Any]) -> TicketEvent | None:
    """An exported ticket as a recovered TicketEvent; None for a deleted ticket, and for one
    too broken to read (logged: one bad ticket must not stop the feed)."""
    if str(raw.get("status") or "").strip().lower() == DELETED_STATUS:
        return None
    try:
        ticket = TicketDetail.model_validate(raw)
        updated = ticket.updated_at or ticket.created_at
        return TicketEvent(
            source=SourceSystem.ZENDESK,
            delivery_id=f"reconcile:{ticket.id}:{updated.isoformat()}",
            ticket_id=ticket.id,
            kind=TicketEventKind.CREATED
            if updated == ticket.created_at
            else TicketEventKind.UPDATED,
            occurred_at=updated,
            created_at=ticket.created_at,
            channel=channel_for(ticket.via.channel if ticket.via else None),
            complainant_ref=complainant_ref(ticket.requester_id),
            subject=ticket.subject or "",
            description=ticket.description or "",
            tags=ticket.tags,
            helpdesk_status=status_name(ticket.status),
            helpdesk_rating=rating_of(ticket.satisfaction_rating),
            recovered=True,
        )
    except ValidationError as exc:
        _log.warning(
            "skipped exported Zendesk ticket %s: %s", raw.get("id"), validation_message(exc)
        )
        return None


def _start_of(cursor: str) -> int:
    try:
        return int(cursor.removeprefix(START_PREFIX))
    except ValueError as exc:
        raise PermanentDeliveryError(f"{cursor!r} is not a Zendesk feed cursor") from exc

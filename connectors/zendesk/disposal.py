"""Disposal of a Zendesk ticket at the end of its retention period: deleting it for good
(ActionKind.DELETE_TICKET), or redacting the complainant's words while the ticket stays
(ActionKind.REDACT_TICKET). Every step can be run again after any failure.

Deleting for good takes two calls, because Zendesk's Delete Ticket only soft-deletes
(https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#delete-ticket and
#delete-ticket-permanently):

1. DELETE /api/v2/tickets/{id}.json: 204, the ticket moves to Deleted tickets; 404, it is
   not a live ticket any more (an earlier attempt, or an agent, deleted it);
2. DELETE /api/v2/deleted_tickets/{id}.json: 200 with a `job_status`, a background job that
   deletes it for good; 404, no soft-deleted ticket has that number any more.

The job is polled (GET /api/v2/job_statuses/{id}.json) a few times. A job that fails, or is
still queued when the polls run out, is a TransientDeliveryError: the next attempt checks
whether the ticket is gone before doing anything. `deleted_for_good` is that check: Show
Ticket answers 404 and the ticket is not among the soft-deleted ones (GET
/api/v2/deleted_tickets.json, latest deletions first).

Redaction redacts every comment through Redact Ticket Comment In Agent Workspace (see
connectors/zendesk/redaction.py), then replaces the subject with "[redacted]" and adds the
action's marker tag in one safe update. The marker goes on last, so it says every comment
was redacted before it. Zendesk refuses any update to a closed ticket, so the subject of a
closed ticket cannot be replaced: its comments are redacted all the same, then the action
is parked with a PermanentDeliveryError that says so. The requester is left alone: the user
may have other tickets, and end users are erased through Zendesk's user deletion.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Final, Protocol
from urllib.parse import quote

import requests

from connectors.http import read_answer
from connectors.zendesk.answers import raise_for_status
from connectors.zendesk.redaction import is_redacted, redaction_body
from connectors.zendesk.wire import (
    ApiComment,
    ApiCommentPage,
    ApiDeletedTicketPage,
    ApiJobStatus,
    ApiJobStatusResponse,
    ApiTicket,
    ApiTicketResponse,
)
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

REDACTED_SUBJECT: Final = "[redacted]"
PAGE_SIZE: Final = 100
# A ticket holds at most 5000 comments
# (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/).
MAX_COMMENT_PAGES: Final = 50
# The list of deleted tickets allows 10 requests a minute; a ticket deleted a moment ago is
# on its first page, latest deletions first. Past these pages the answer is "unknown".
MAX_DELETED_PAGES: Final = 3
JOB_POLLS: Final = 3
DEFAULT_JOB_POLL_INTERVAL: Final = 1.0
# When to look again at a deletion job still running once the polls ran out.
JOB_RECHECK_AFTER: Final = 60.0
MAX_CONFLICTS: Final = 3
_REFUSED_REPLAY: Final = frozenset({400, 422})


class Send(Protocol):
    """One request to the Zendesk API at `path`, paced and retried by the client's session."""

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response: ...


class TicketDisposal:
    """Deletes or redacts tickets through `send`. `ticket_id` is a checked ticket number."""

    def __init__(
        self,
        send: Send,
        *,
        sleep: Callable[[float], None] = time.sleep,
        job_poll_interval: float = DEFAULT_JOB_POLL_INTERVAL,
    ) -> None:
        self._send = send
        self._sleep = sleep
        self._job_poll_interval = job_poll_interval

    # --- deletion ---------------------------------------------------------------------

    def delete(self, ticket_id: str) -> None:
        self._soft_delete(ticket_id)
        job = self._delete_for_good(ticket_id)
        if job is not None:
            self._await(ticket_id, job)

    def deleted_for_good(self, ticket_id: str) -> bool:
        """Whether the ticket is neither live nor waiting among the soft-deleted ones."""
        response = self._send("GET", _ticket_path(ticket_id))
        if response.status_code != 404:
            raise_for_status(response)
            return False  # still a live ticket
        return self._among_deleted(ticket_id) is False

    def _soft_delete(self, ticket_id: str) -> None:
        response = self._send("DELETE", _ticket_path(ticket_id))
        if response.status_code == 404:
            return  # not live any more: the second step tells whether it is gone for good
        raise_for_status(response)

    def _delete_for_good(self, ticket_id: str) -> ApiJobStatus | None:
        """Start the job that deletes the soft-deleted ticket for good; None when Zendesk
        holds no soft-deleted ticket by that number, that is, it is gone already."""
        response = self._send("DELETE", f"/api/v2/deleted_tickets/{ticket_id}.json")
        if response.status_code == 404:
            return None
        raise_for_status(response)
        return read_answer(response, ApiJobStatusResponse, "job status from Zendesk").job_status

    def _await(self, ticket_id: str, job: ApiJobStatus) -> None:
        for polls in range(JOB_POLLS + 1):
            if job.status == "completed" and _succeeded(job):
                return
            if job.status in ("completed", "failed"):
                raise TransientDeliveryError(
                    f"Zendesk's job {job.id} deleting ticket {ticket_id} for good failed:"
                    f" {job.message or job.results}"
                )
            if polls == JOB_POLLS:
                break
            self._sleep(self._job_poll_interval)
            job = self._job(job.id)
        raise TransientDeliveryError(
            f"Zendesk's job {job.id} deleting ticket {ticket_id} for good is still"
            f" {job.status}; the next attempt checks the ticket is gone",
            retry_after=JOB_RECHECK_AFTER,
        )

    def _job(self, job_id: str) -> ApiJobStatus:
        response = self._send("GET", f"/api/v2/job_statuses/{quote(job_id, safe='')}.json")
        raise_for_status(response)
        return read_answer(response, ApiJobStatusResponse, "job status from Zendesk").job_status

    def _among_deleted(self, ticket_id: str) -> bool | None:
        """Whether the ticket is soft-deleted and not yet deleted for good; None when the
        pages read do not tell."""
        wanted = int(ticket_id)
        params: dict[str, str | int] = {
            "sort_by": "deleted_at",
            "sort_order": "desc",
            "page[size]": PAGE_SIZE,
        }
        for _ in range(MAX_DELETED_PAGES):
            response = self._send("GET", "/api/v2/deleted_tickets.json", params=params)
            raise_for_status(response)
            page = read_answer(response, ApiDeletedTicketPage, "deleted tickets from Zendesk")
            if any(deleted.id == wanted for deleted in page.deleted_tickets):
                return True
            if not page.meta.has_more or not page.meta.after_cursor:
                return False
            params["page[after]"] = page.meta.after_cursor
        return None

    # --- redaction --------------------------------------------------------------------

    def redacted(self, ticket_id: str, marker_tag: str) -> bool:
        return _marked(self._ticket(ticket_id), marker_tag)

    def redact(self, ticket_id: str, marker_tag: str) -> None:
        if self.redacted(ticket_id, marker_tag):
            return  # an earlier attempt landed
        for comment in self._comments(ticket_id):
            if not is_redacted(comment):
                self._redact_comment(ticket_id, comment)
        self._replace_subject(ticket_id, marker_tag)

    def _redact_comment(self, ticket_id: str, comment: ApiComment) -> None:
        path = f"/api/v2/comment_redactions/{comment.id}.json"
        response = self._send("PUT", path, json=redaction_body(ticket_id, comment))
        if response.status_code in _REFUSED_REPLAY and self._now_redacted(ticket_id, comment.id):
            return  # a replay of a request that landed, refused because nothing is left
        raise_for_status(response)

    def _now_redacted(self, ticket_id: str, comment_id: int) -> bool:
        found = (c for c in self._comments(ticket_id) if c.id == comment_id)
        comment = next(found, None)
        return comment is not None and is_redacted(comment)

    def _replace_subject(self, ticket_id: str, marker_tag: str) -> None:
        """Subject and marker tag in one safe update, read afresh: redacting the comments
        changed the ticket."""
        for _ in range(MAX_CONFLICTS):
            ticket = self._ticket(ticket_id)
            if _marked(ticket, marker_tag):
                return
            if ticket.status == "closed":
                raise PermanentDeliveryError(
                    f"ticket {ticket_id} is closed and Zendesk refuses updates to closed"
                    " tickets: its comments are redacted, its subject could not be replaced"
                    " (delete the ticket instead to remove the subject too)"
                )
            body = _subject_update(ticket, marker_tag)
            response = self._send("PUT", _ticket_path(ticket_id), json=body)
            if response.status_code != 409:
                raise_for_status(response)
                return
        raise TransientDeliveryError(
            f"ticket {ticket_id} changed under every one of {MAX_CONFLICTS} updates"
        )

    def _ticket(self, ticket_id: str) -> ApiTicket:
        response = self._send("GET", _ticket_path(ticket_id))
        raise_for_status(response)
        return read_answer(response, ApiTicketResponse, "ticket body from Zendesk").ticket

    def _comments(self, ticket_id: str) -> Iterator[ApiComment]:
        params: dict[str, str | int] = {"page[size]": PAGE_SIZE}
        path = f"/api/v2/tickets/{ticket_id}/comments.json"
        for _ in range(MAX_COMMENT_PAGES):
            response = self._send("GET", path, params=params)
            raise_for_status(response)
            page = read_answer(response, ApiCommentPage, "comments from Zendesk")
            yield from page.comments
            if not page.meta.has_more or not page.meta.after_cursor:
                return
            params["page[after]"] = page.meta.after_cursor


def _ticket_path(ticket_id: str) -> str:
    return f"/api/v2/tickets/{ticket_id}.json"


def _marked(ticket: ApiTicket, marker_tag: str) -> bool:
    return marker_tag in ticket.tags and ticket.subject == REDACTED_SUBJECT


def _subject_update(ticket: ApiTicket, marker_tag: str) -> dict[str, Any]:
    """Subject and marker in one safe update: the tags the ticket has plus the marker."""
    update: dict[str, Any] = {
        "subject": REDACTED_SUBJECT,
        "tags": list(dict.fromkeys([*ticket.tags, marker_tag])),
    }
    if ticket.updated_at:
        update["safe_update"] = True
        update["updated_stamp"] = ticket.updated_at
    return {"ticket": update}


def _succeeded(job: ApiJobStatus) -> bool:
    """A completed permanent deletion reports {"success": true} in `results`."""
    results = job.results
    return not isinstance(results, dict) or results.get("success") is not False

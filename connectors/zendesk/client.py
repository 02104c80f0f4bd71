"""The outbound side: carries an OutboundAction out on a Zendesk ticket (plaint.ports.Outbox).

The comment and the action's marker tag go in one ticket update, so a retry after an unknown
outcome can see that the first attempt landed. The Update Ticket endpoint replaces the tag
list, and `additional_tags` is documented for Update Many Tickets only
(https://developer.zendesk.com/documentation/ticketing/managing-tickets/adding-tags-to-tickets-without-overwriting-existing-tags/).
So we read the ticket, send its tags plus ours, and set `safe_update` with the `updated_stamp`
we read: Zendesk refuses the update with 409 if anyone changed the ticket in between, and a
replayed PUT whose first copy landed is refused the same way instead of posting twice.

Requests are paced (connectors.http.Pacer) at `requests_per_minute`, 100 by default. Zendesk
limits Support API requests per account by plan (Suite Team 200/min, Growth and
Professional 400, Enterprise 700, Enterprise Plus and the High Volume add-on 2500) and the
Update Ticket endpoint further, to 100 requests a minute per account and 30 updates per
10 minutes per user per ticket (https://developer.zendesk.com/api-reference/introduction/
rate-limits/). Each `apply` reads the ticket and updates it once (more after a 409), so
100/min keeps the updates under the endpoint limit and all requests under the smallest plan
limit. The bucket is per Lambda container: see Pacer.

Actions that dispose of a ticket at the end of its retention period (ActionKind.DELETE_TICKET
and ActionKind.REDACT_TICKET) go to connectors.zendesk.disposal, through the same paced
session.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

import requests
from pydantic import ValidationError
from requests.auth import AuthBase, HTTPBasicAuth

from connectors.http import (
    ApiAccess,
    ApiConnection,
    BearerAuth,
    read_answer,
    send,
)
from connectors.payload import plain_address
from connectors.zendesk.answers import raise_for_status
from connectors.zendesk.disposal import DEFAULT_JOB_POLL_INTERVAL, TicketDisposal
from connectors.zendesk.mapper import status_name
from connectors.zendesk.wire import ApiTicket, ApiTicketResponse, ApiUserResponse
from plaint.model.actions import ActionKind, LandedWrite, OutboundAction
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

MAX_CONFLICTS: Final = 3
# Update Ticket allows 100 requests/min per account, the smallest plan (Team) 200/min for
# all Support API requests: https://developer.zendesk.com/api-reference/introduction/rate-limits/
DEFAULT_REQUESTS_PER_MINUTE: Final = 100.0

_TICKET_NUMBER = re.compile(r"\d{1,20}")
_USER_REF = re.compile(r"zendesk-user:(\d{1,20})")  # connectors.zendesk.mapper.complainant_ref


def auth_for(auth: tuple[str, str] | str) -> AuthBase:
    """(email, API token) is basic auth as "{email}/token"; a string is an OAuth token."""
    if isinstance(auth, str):
        return BearerAuth(auth)
    email, api_token = auth
    return HTTPBasicAuth(f"{email}/token", api_token)


class ZendeskClient(ApiConnection):
    """Outbox for Zendesk Support tickets.

    Requests are paced at 100 a minute unless the access says otherwise.
    """

    def __init__(
        self,
        access: ApiAccess,
        *,
        sleep: Callable[[float], None] = time.sleep,
        job_poll_interval: float = DEFAULT_JOB_POLL_INTERVAL,
    ) -> None:
        super().__init__(
            access, auth_for(access.credentials), default_rate=DEFAULT_REQUESTS_PER_MINUTE
        )
        self._disposal = TicketDisposal(
            self._request, sleep=sleep, job_poll_interval=job_poll_interval
        )

    def already_applied(self, action: OutboundAction) -> bool:
        if action.kind is ActionKind.DELETE_TICKET:
            return self._disposal.deleted_for_good(_ticket_number(action.ticket_id))
        if action.kind is ActionKind.REDACT_TICKET:
            return self._disposal.redacted(_ticket_number(action.ticket_id), action.marker_tag)
        return action.marker_tag in self._ticket(action.ticket_id).tags

    def apply(self, action: OutboundAction) -> LandedWrite | None:
        if action.kind is ActionKind.DELETE_TICKET:
            self._disposal.delete(_ticket_number(action.ticket_id))
            return None
        if action.kind is ActionKind.REDACT_TICKET:
            self._disposal.redact(_ticket_number(action.ticket_id), action.marker_tag)
            return None
        for _ in range(MAX_CONFLICTS):
            ticket = self._ticket(action.ticket_id)
            if action.marker_tag in ticket.tags:
                return None  # an earlier attempt landed
            response = self._call("PUT", action.ticket_id, update_body(action, ticket))
            if response.status_code != 409:
                raise_for_status(response)
                return landed_write(ticket, response)
        raise TransientDeliveryError(
            f"ticket {action.ticket_id} changed under every one of {MAX_CONFLICTS} updates"
        )

    def address_of(self, complainant_ref: str) -> str | None:
        """The requester's email (GET /api/v2/users/{id}.json, `user.email`); None for a
        user Zendesk does not know (404) or one with no plain address."""
        match = _USER_REF.fullmatch(complainant_ref)
        if match is None:
            return None
        response = self._request("GET", f"/api/v2/users/{match.group(1)}.json")
        if response.status_code == 404:
            return None
        raise_for_status(response)
        return plain_address(read_answer(response, ApiUserResponse, "user from Zendesk").user.email)

    def _ticket(self, ticket_id: str) -> ApiTicket:
        response = self._call("GET", ticket_id)
        raise_for_status(response)
        return read_answer(response, ApiTicketResponse, "ticket body from Zendesk").ticket

    def _call(
        self, method: str, ticket_id: str, body: dict[str, Any] | None = None
    ) -> requests.Response:
        path = f"/api/v2/tickets/{_ticket_number(ticket_id)}.json"
        return self._request(method, path, json=body)

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return send(self._session, method, self._base_url + path, self._auth, **kwargs)


def landed_write(before: ApiTicket, response: requests.Response) -> LandedWrite | None:
    """The ticket's version and status before and after our update, from the ticket we read
    and the one Update Ticket answers with. None when the answer does not say: the update
    landed all the same, and reconciliation will then read it as a change of its own."""
    try:
        after = ApiTicketResponse.model_validate_json(response.content).ticket
        return LandedWrite(
            before_at=_stamp(before.updated_at),
            before_status=status_name(before.status),
            at=_stamp(after.updated_at),
            status=status_name(after.status),
        )
    except (ValidationError, ValueError, TypeError):
        return None


def _stamp(value: str | None) -> datetime:
    if value is None:
        raise ValueError("no updated_at")
    return datetime.fromisoformat(value)


def _ticket_number(ticket_id: str) -> str:
    if not _TICKET_NUMBER.fullmatch(ticket_id):
        raise PermanentDeliveryError(f"{ticket_id!r} is not a Zendesk ticket number")
    return ticket_id


def update_body(action: OutboundAction, ticket: ApiTicket) -> dict[str, Any]:
    """The Update Ticket body: every tag the ticket has plus ours, less those the action
    takes off, the comment, the fields."""
    tags = dict.fromkeys([*ticket.tags, action.marker_tag, *action.add_tags])
    update: dict[str, Any] = {"tags": [tag for tag in tags if tag not in action.remove_tags]}
    if ticket.updated_at:
        update["safe_update"] = True
        update["updated_stamp"] = ticket.updated_at
    if action.comment:
        update["comment"] = {"body": action.comment, "public": action.public}
    if action.fields:
        update["custom_fields"] = [
            {"id": _field_id(key), "value": value} for key, value in action.fields.items()
        ]
    return {"ticket": update}


def _field_id(key: str) -> int:
    if not _TICKET_NUMBER.fullmatch(key):
        raise PermanentDeliveryError(f"custom field id {key!r} is not a number")
    return int(key)

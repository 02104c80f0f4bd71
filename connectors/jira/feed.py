"""What changed in Jira since a cursor (plaint.ports.ChangeFeed), read with JQL on the
issues' updated time, so that intake can close the gaps lost webhooks leave.

The enhanced JQL search, POST /rest/api/3/search/jql with {"jql", "fields", "maxResults",
"nextPageToken"}, answers {"issues": [...], "nextPageToken": ..., "isLast": bool}; the
token of the last page is null or left out
(https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/).
The query is

    (<jql_scope>) AND updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC, key ASC

JQL dates have minute precision and are read in the time zone of the Jira user making the
request: `zone` must be that user's zone (UTC by default). So that nothing is missed, the
next query starts one minute before the latest change seen: a change seen twice has the
same delivery id, `reconcile:{key}:{updated}`, and intake takes it once.

The cursor is ours, a JSON object: {"since": ISO 8601, "token": the nextPageToken of the
result set under way or null, "seen": the latest `updated` seen in it or null}. A run cut
short resumes mid-result set; when the set is exhausted, `since` moves to `seen` less a
minute and `token` goes back to null. Jira keeps a token for 7 days.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError

from connectors.http import (
    ApiAccess,
    ApiConnection,
    read_answer,
    send,
)
from connectors.jira.answers import raise_for_status
from connectors.jira.client import DEFAULT_REQUESTS_PER_MINUTE, JiraRetry, auth_for
from connectors.jira.mapper import channel_for, field_text, language_for, mapped_field, status_name
from connectors.jira.wire import Issue, JiraTime, RequestFeedback, Wire
from connectors.payload import validation_message
from plaint.model.events import SourceSystem, TicketEvent, TicketEventKind
from plaint.model.survey import HelpdeskRating
from plaint.policy.intake import JiraFieldMapping
from plaint.usecases.ports import ChangePage
from plaint.vocabulary.errors import PermanentDeliveryError

SEARCH_PATH: Final = "/rest/api/3/search/jql"
DEFAULT_WINDOW: Final = timedelta(days=1)
OVERLAP: Final = timedelta(minutes=1)
DEFAULT_PAGE_SIZE: Final = 100
JQL_DATE_FORMAT: Final = "%Y/%m/%d %H:%M"
BASE_FIELDS: Final = (
    "summary",
    "description",
    "created",
    "updated",
    "status",
    "labels",
    "reporter",
    "creator",
)

# Jira Service Management's request feedback (CSAT), an experimental API: read for each
# resolved issue the search finds, when the policy leaves surveys to Jira.
FEEDBACK_PATH: Final = "/rest/servicedeskapi/request/{key}/feedback"
EXPERIMENTAL: Final = {"X-ExperimentalApi": "opt-in"}
RESOLUTION_FIELD: Final = "resolution"
# No feedback yet (404), or not a service project the user may read as one: not an answer.
_NO_FEEDBACK: Final = frozenset({400, 403, 404})

_log = logging.getLogger(__name__)


class SearchPage(Wire):
    """One answer of the enhanced JQL search."""

    issues: list[dict[str, Any]] = Field(default_factory=list)
    next_page_token: str | None = Field(default=None, alias="nextPageToken")
    is_last: bool | None = Field(default=None, alias="isLast")


class FeedCursor(Wire):
    since: JiraTime
    token: str | None = None
    seen: JiraTime | None = None

    def encode(self) -> str:
        return self.model_dump_json()


class JiraChangeFeed(ApiConnection):
    """ChangeFeed over Jira's enhanced JQL search on updated time.

    `jql_scope` narrows the search (`project = SUP`); empty, every issue the user can see.
    `window` is how far back a feed without a cursor starts. `zone` is the Jira user's time
    zone, in which JQL reads dates. `mapping` names the fields that hold the channel, the
    language, the product and the remedy, as in the webhook mapper; `fields` are the fields
    asked for besides those. Requests are paced as the access says (see
    connectors.http.ApiAccess).
    """

    source = SourceSystem.JIRA

    def __init__(
        self,
        access: ApiAccess,
        *,
        jql_scope: str = "",
        window: timedelta = DEFAULT_WINDOW,
        zone: str = "UTC",
        fields: Sequence[str] = BASE_FIELDS,
        mapping: JiraFieldMapping | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        read_feedback: Callable[[], bool] | bool = False,
    ) -> None:
        if window <= timedelta(0):
            raise ValueError(f"window must be positive, not {window}")
        try:
            self.zone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {zone!r}") from exc
        auth = auth_for(access.credentials)
        super().__init__(
            access, auth, default_rate=DEFAULT_REQUESTS_PER_MINUTE, retry_type=JiraRetry
        )
        self.jql_scope = jql_scope.strip()
        self.window = window
        self.mapping = mapping or JiraFieldMapping()
        wanted = (
            *fields,
            *BASE_FIELDS,
            RESOLUTION_FIELD,
            *(
                field_id
                for field_id in (
                    self.mapping.channel_field,
                    self.mapping.language_field,
                    self.mapping.product_field,
                    self.mapping.remedy_field,
                )
                if field_id
            ),
        )
        self.fields = tuple(dict.fromkeys(wanted))
        self.page_size = page_size
        # Asked on each page: the policy in force may start or stop leaving surveys to Jira.
        self.read_feedback = read_feedback if callable(read_feedback) else lambda: read_feedback

    def changed_since(self, cursor: str | None, now: datetime) -> ChangePage:
        state = _decode(cursor) if cursor else FeedCursor(since=now - self.window)
        body: dict[str, Any] = {
            "jql": self.jql(state.since),
            "fields": list(self.fields),
            "maxResults": self.page_size,
        }
        if state.token:
            body["nextPageToken"] = state.token
        page = self._search(body)
        events = [e for e in (self.issue_event(raw) for raw in page.issues) if e is not None]
        if self.read_feedback():
            events = [
                self._with_feedback(e) if _is_resolved(_raw_of(e, page.issues)) else e
                for e in events
            ]
        seen = max((e.occurred_at for e in events), default=None)
        if state.seen is not None:
            seen = state.seen if seen is None else max(seen, state.seen)
        more = bool(page.next_page_token) and page.is_last is not True
        if more:
            following = FeedCursor(since=state.since, token=page.next_page_token, seen=seen)
        else:
            since = state.since if seen is None else max(state.since, seen - OVERLAP)
            following = FeedCursor(since=since)
        return ChangePage(tuple(events), cursor=following.encode(), more=more)

    def jql(self, since: datetime) -> str:
        """The search for issues changed since `since` (to the minute, in `zone`)."""
        stamp = since.astimezone(self.zone).strftime(JQL_DATE_FORMAT)
        condition = f'updated >= "{stamp}" ORDER BY updated ASC, key ASC'
        return f"({self.jql_scope}) AND {condition}" if self.jql_scope else condition

    def issue_event(self, raw: dict[str, Any]) -> TicketEvent | None:
        """An issue as a recovered TicketEvent, as the webhook mapper reads it; None for one
        too broken to read (logged: one bad issue must not stop the feed)."""
        try:
            issue = Issue.model_validate(raw)
            fields = issue.fields
            updated = fields.updated or fields.created
            if updated is None:
                _log.warning("skipped Jira issue %s: no updated or created time", issue.key)
                return None
            created = fields.created or updated
            reporter = fields.reporter or fields.creator
            complainant = reporter.ref if reporter else None
            mapping = self.mapping
            return TicketEvent(
                source=SourceSystem.JIRA,
                delivery_id=f"reconcile:{issue.key}:{updated.isoformat()}",
                ticket_id=issue.key,
                kind=TicketEventKind.CREATED if created == updated else TicketEventKind.UPDATED,
                occurred_at=updated,
                created_at=created,
                channel=channel_for(field_text(fields.value_of(mapping.channel_field or ""))),
                complainant_ref=f"jira-user:{complainant}" if complainant else None,
                language=language_for(field_text(fields.value_of(mapping.language_field or ""))),
                subject=fields.summary or "",
                description=fields.description or "",
                product=mapped_field(fields, mapping.product_field),
                remedy_sought=mapped_field(fields, mapping.remedy_field),
                tags=fields.labels,
                helpdesk_status=status_name(fields),
                recovered=True,
            )
        except ValidationError as exc:
            _log.warning("skipped Jira issue %s: %s", raw.get("key"), validation_message(exc))
            return None

    def feedback(self, key: str) -> HelpdeskRating | None:
        """The customer's CSAT feedback on a request (1 to 5, with its comment); None when
        there is none, or the issue is not a service request. A rate limit or a server
        error is transient, like the search's."""
        url = self._base_url + FEEDBACK_PATH.format(key=key)
        response = send(self._session, "GET", url, self._auth, headers=EXPERIMENTAL)
        if response.status_code in _NO_FEEDBACK:
            return None
        raise_for_status(response)
        try:
            found = read_answer(response, RequestFeedback, "request feedback from Jira")
            if found.rating is None or (found.type or "csat") != "csat":
                return None
            comment = found.comment.body if found.comment else None
            return HelpdeskRating(
                via="jira_feedback", score=found.rating, lowest=1, highest=5, comment=comment
            )
        except (PermanentDeliveryError, ValidationError) as exc:
            _log.warning("skipped Jira feedback on %s: %s", key, exc)
            return None

    def _with_feedback(self, event: TicketEvent) -> TicketEvent:
        rating = self.feedback(event.ticket_id)
        return event.model_copy(update={"helpdesk_rating": rating}) if rating else event

    def _search(self, body: dict[str, Any]) -> SearchPage:
        url = self._base_url + SEARCH_PATH
        response = send(self._session, "POST", url, self._auth, json=body)
        raise_for_status(response)
        return read_answer(response, SearchPage, "search body from Jira")

    def close(self) -> None:
        self._session.close()


def _raw_of(event: TicketEvent, issues: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return next((raw for raw in issues if str(raw.get("key")) == event.ticket_id), {})


def _is_resolved(raw: dict[str, Any]) -> bool:
    """Jira sets `resolution` when an issue is resolved, and clears it when reopened."""
    fields = raw.get("fields")
    return isinstance(fields, dict) and bool(fields.get(RESOLUTION_FIELD))


def _decode(cursor: str) -> FeedCursor:
    try:
        return FeedCursor.model_validate_json(cursor)
    except (ValueError, ValidationError) as exc:
        raise PermanentDeliveryError(f"{cursor!r} is not a Jira feed cursor") from exc

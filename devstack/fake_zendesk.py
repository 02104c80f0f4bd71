"""A fake Zendesk Support API over real HTTP, for the local stack and the tests.

It answers GET and PUT /api/v2/tickets/{id}.json the way Zendesk does: it wants an
Authorization header, replaces `tags`, merges `additional_tags`, appends the comment, sets
custom fields and refuses a `safe_update` whose `updated_stamp` is stale with 409. Tickets
appear on first sight with no tags: the real ones live in the real helpdesk.

Tickets are disposed of as Zendesk does it at the end of a retention period:

  DELETE /api/v2/tickets/{id}.json          soft delete: 204, then the ticket answers 404
                                            and is listed among the deleted tickets
  GET  /api/v2/deleted_tickets.json         the soft-deleted tickets not yet deleted for
                                            good (sort_by, sort_order, page[size],
                                            page[after]; {"deleted_tickets", "meta",
                                            "links"})
  DELETE /api/v2/deleted_tickets/{id}.json  queues a job that deletes it for good: 200
                                            {"job_status"}; 404 when no soft-deleted ticket
                                            has that number
  GET  /api/v2/job_statuses/{id}.json       the job: queued jobs run before the fake answers
                                            the next API request, as a background job would
  GET  /api/v2/tickets/{id}/comments.json   the comments with id, body, html_body,
                                            plain_body and attachments (page[size],
                                            page[after])
  PUT  /api/v2/comment_redactions/{id}.json {"ticket_id", "html_body"?,
                                            "external_attachment_urls"?}: text inside
                                            <redact> becomes ▇, elements with the `redact`
                                            attribute go, the attachments named become an
                                            empty redacted.txt; an html_body whose text is
                                            not the comment's is refused with 400

An update of a closed ticket is refused with 422, as Zendesk refuses it.

It answers Show User, GET /api/v2/users/{id}.json, with {"user": {"id", "email", ...}} for
a ticket's requester (or a user set below), and 404 for anyone else.

It also answers the cursor-based incremental ticket export,
GET /api/v2/incremental/tickets/cursor.json?start_time=<unix seconds> (at least a minute
old, else 400) then ?cursor=<after_cursor>, with {"tickets", "after_cursor", "after_url",
"end_of_stream"}: tickets in the order of their last change, `export_page_size` (2 unless
configured; `per_page` asks for fewer) to a page, deleted ones with status "deleted".

Operator endpoints (no auth, not recorded):
  GET  /__fake/requests            every API request seen
  GET  /__fake/tickets/{id}        a ticket with its comments
  POST /__fake/tickets             {"id", "subject", "description", "requester_id",
                                   "created_at"?, "updated_at"?, "tags"?, "status"?, "via"?,
                                   "comments"?: [{"body", "html_body"?, "public"?,
                                   "attachments"?: [{"file_name"}]}]}:
                                   a ticket made in the helpdesk (whose webhooks were lost);
                                   times ISO 8601, now when left out; status "deleted" makes
                                   it a deleted ticket
  DELETE /__fake/tickets/{id}      the ticket answers 404 from now on (and is exported as
                                   deleted)
  POST /__fake/tickets/{id}/changes {"comment"?: {"body", "public"?, "author_id"?
                                   (the requester when left out)},
                                   "status"?, "additional_tags"?, "remove_tags"?}: what an
                                   agent or the requester does in Zendesk itself (a reply,
                                   a tag, solving or reopening); answers the ticket as the
                                   export shows it and the comment added; 404 for a ticket
                                   not seen yet, 422 for a closed one
  PUT  /__fake/users/{id}          {"email": "..." | null}: the user's email (null: none);
                                   without it a ticket's requester has
                                   requester-{id}@example.com
  POST /__fake/jobs                {"hold": true}: jobs stay queued until {"hold": false};
                                   {"fail": 1}: the next job fails
  POST /__fake/faults              {"status": 429, "retry_after": 1, "count": 2}: the next
                                   `count` API calls fail that way
  POST /__fake/reset               forget everything

With `data_file` the tickets, their comments, tags and fields survive a restart (see
devstack/fake_http.py); the local stack keeps them in its data directory.

Run alone: python -m devstack.fake_zendesk --port 8765
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from devstack.fake_http import Answer, FakeHttp, FakeHttpState, Fault, parse_json, run_alone
from devstack.fake_zendesk_admin import ZendeskAdmin, admin_route

_API_TICKET: Final = re.compile(r"^/api/v2/tickets/(\d{1,20})\.json$")
_API_COMMENTS: Final = re.compile(r"^/api/v2/tickets/(\d{1,20})/comments\.json$")
_API_REDACTION: Final = re.compile(r"^/api/v2/comment_redactions/(\d{1,20})\.json$")
_API_DELETED: Final = re.compile(r"^/api/v2/deleted_tickets/(\d{1,20})\.json$")
_API_JOB: Final = re.compile(r"^/api/v2/job_statuses/([0-9a-f]{1,64})\.json$")
_API_USER: Final = re.compile(r"^/api/v2/users/(\d{1,20})\.json$")
_FAKE_USER: Final = re.compile(r"^/__fake/users/(\d{1,20})$")
DELETED_LIST_PATH: Final = "/api/v2/deleted_tickets.json"
REDACTED: Final = "\u2587"
REDACTED_FILE: Final = "redacted.txt"
_CLOSED_TICKET: Final = "Status: closed prevents ticket update"
_FAKE_TICKET: Final = re.compile(r"^/__fake/tickets/(\d{1,20})$")
_FAKE_CHANGES: Final = re.compile(r"^/__fake/tickets/(\d{1,20})/changes$")
_STATUSES: Final = frozenset({"new", "open", "pending", "hold", "solved", "closed"})
EXPORT_PATH: Final = "/api/v2/incremental/tickets/cursor.json"
DEFAULT_EXPORT_PAGE_SIZE: Final = 2
_TOO_RECENT: Final = "Too recent start_time. Use a start_time older than 1 minute"
_RATE_LIMITED: Final = "Number of allowed API requests per minute exceeded"
_STALE_STAMP: Final = (
    "Safe Update prevented the update due to outdated ticket data. "
    "Please fetch the latest ticket data and try again."
)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, error: str, description: str = "", **extra: Any) -> Answer:
    body: dict[str, Any] = {"error": error, **extra}
    if description:
        body["description"] = description
    return status, body, {}


@dataclass
class FakeTicket:
    id: int
    created_at: datetime
    updated_at: datetime
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[int, Any] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    status: str = "open"
    deleted: bool = False
    subject: str | None = None
    description: str | None = None
    requester_id: int | None = None
    via_channel: str = "web"
    deleted_at: datetime | None = None
    # Deleted for good: nothing of it is kept but its number.
    scrubbed: bool = False

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "subject": self.subject,
            "tags": list(self.tags),
            "custom_fields": [{"id": k, "value": v} for k, v in self.custom_fields.items()],
            "created_at": _stamp(self.created_at),
            "updated_at": _stamp(self.updated_at),
        }

    def export_view(self) -> dict[str, Any]:
        """The ticket as the incremental export shows it."""
        return {
            **self.view(),
            "url": f"https://example.zendesk.com/api/v2/tickets/{self.id}.json",
            "subject": self.subject,
            "raw_subject": self.subject,
            "description": self.description,
            "requester_id": self.requester_id,
            "submitter_id": self.requester_id,
            "via": {"channel": self.via_channel, "source": {"from": {}, "to": {}, "rel": None}},
            "status": "deleted" if self.deleted else self.status,
            "generated_timestamp": int(self.updated_at.timestamp()),
        }

    def position(self) -> tuple[int, int]:
        """Where the ticket stands in the export: its last change, then its id."""
        return int(self.updated_at.timestamp()), self.id

    def touch(self) -> None:
        # Zendesk stamps have whole seconds; keep them strictly increasing so that a stale
        # `updated_stamp` is always told apart from the current one.
        now = datetime.now(UTC).replace(microsecond=0)
        self.updated_at = max(now, self.updated_at + timedelta(seconds=1))


class FakeState(FakeHttpState):
    """Everything the fake remembers, behind one lock."""

    def __init__(self, authorization: str | None = None) -> None:
        super().__init__(authorization)
        self.tickets: dict[int, FakeTicket] = {}
        self.export_page_size = DEFAULT_EXPORT_PAGE_SIZE
        self.jobs: dict[str, dict[str, Any]] = {}
        self.hold_jobs = False
        self.failing_jobs = 0
        self._next_id = 1000
        self.admin = ZendeskAdmin()  # webhooks, triggers, ticket fields
        # Users whose email was set (None: the user has none); others are requesters.
        self.user_emails: dict[int, str | None] = {}

    def forget(self) -> None:
        self.tickets.clear()
        self.user_emails.clear()
        self.jobs.clear()
        self.hold_jobs = False
        self.failing_jobs = 0
        self.admin = ZendeskAdmin()

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def kept(self) -> dict[str, Any]:
        tickets = [_ticket_kept(ticket) for ticket in self.tickets.values()]
        return {"next_id": self._next_id, "tickets": tickets, "admin": self.admin.kept()}

    def restore(self, kept: dict[str, Any]) -> None:
        self._next_id = int(kept.get("next_id", self._next_id))
        self.admin = ZendeskAdmin.restored(kept.get("admin"))
        for seen in kept.get("tickets", []):
            ticket = _ticket_restored(seen)
            self.tickets[ticket.id] = ticket

    def ticket(self, ticket_id: int) -> FakeTicket:
        """The ticket, created on first sight. Call with the lock held."""
        if ticket_id not in self.tickets:
            now = datetime.now(UTC).replace(microsecond=0)
            self.tickets[ticket_id] = FakeTicket(ticket_id, created_at=now, updated_at=now)
        return self.tickets[ticket_id]


def _ticket_kept(ticket: FakeTicket) -> dict[str, Any]:
    kept = asdict(ticket)
    for name in _TICKET_TIMES:
        kept[name] = None if kept[name] is None else kept[name].isoformat()
    kept["custom_fields"] = [[k, v] for k, v in ticket.custom_fields.items()]
    return kept


def _ticket_restored(kept: dict[str, Any]) -> FakeTicket:
    values = dict(kept)
    for name in _TICKET_TIMES:
        values[name] = None if values[name] is None else datetime.fromisoformat(values[name])
    values["custom_fields"] = {int(k): v for k, v in values["custom_fields"]}
    return FakeTicket(**values)


_TICKET_TIMES: Final = ("created_at", "updated_at", "deleted_at")


# --- the Zendesk API --------------------------------------------------------------------


def _route(state: FakeState, method: str, path: str, body: Any) -> Answer:
    """An API request, authorized and unfaulted. Call with the lock held."""
    _run_jobs(state)
    parts = urlsplit(path)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    if parts.path == EXPORT_PATH and method == "GET":
        return _export(state, path)
    if parts.path == DELETED_LIST_PATH and method == "GET":
        return _deleted_list(state, query)
    admin = admin_route(state.admin, method, parts.path, query, body)
    if admin is not None:
        return admin
    for pattern, handlers in (
        (_API_COMMENTS, {"GET": _list_comments}),
        (_API_REDACTION, {"PUT": _redact_comment}),
        (_API_DELETED, {"DELETE": _delete_for_good}),
        (_API_JOB, {"GET": _show_job}),
        (_API_USER, {"GET": _show_user}),
    ):
        match = pattern.match(parts.path)
        if match is not None:
            handler = handlers.get(method)
            if handler is None:
                return _error(404, "InvalidEndpoint", "Not found")
            return handler(state, match.group(1), query, body)
    return _tickets(state, method, parts.path, body)


def _export(state: FakeState, target: str) -> Answer:
    """A page of the cursor-based incremental ticket export. Call with the lock held."""
    query = {name: values[-1] for name, values in parse_qs(urlsplit(target).query).items()}
    try:
        size = min(int(query.get("per_page", state.export_page_size)), state.export_page_size)
        if "cursor" in query:
            after = _decode_cursor(query["cursor"])
        elif "start_time" in query:
            start = int(query["start_time"])
            if start > datetime.now(UTC).timestamp() - 60:
                return _error(400, "InvalidValue", _TOO_RECENT)
            after = (start - 1, 2**63)
        else:
            return _error(400, "InvalidPaginationParameter", "start_time or cursor is required")
    except ValueError:
        return _error(400, "InvalidPaginationParameter", "Invalid cursor or start_time")
    pending = sorted(
        (t for t in state.tickets.values() if t.position() > after), key=FakeTicket.position
    )
    page = pending[: max(size, 1)]
    last = page[-1].position() if page else after
    cursor = _encode_cursor(last)
    return (
        200,
        {
            "tickets": [ticket.export_view() for ticket in page],
            "after_url": f"https://example.zendesk.com{EXPORT_PATH}?cursor={cursor}",
            "after_cursor": cursor,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": len(pending) <= len(page),
        },
        {},
    )


def _encode_cursor(position: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(f"{position[0]}|{position[1]}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        stamp, ticket_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    return int(stamp), int(ticket_id)


def _tickets(state: FakeState, method: str, path: str, body: Any) -> Answer:
    match = _API_TICKET.match(path)
    if match is None or method not in ("GET", "PUT", "DELETE"):
        return _error(404, "InvalidEndpoint", "Not found")
    ticket = state.ticket(int(match.group(1)))
    if ticket.deleted:
        return _error(404, "RecordNotFound", "Not found")
    if method == "GET":
        return 200, {"ticket": ticket.view()}, {}
    if method == "DELETE":
        ticket.deleted, ticket.deleted_at = True, datetime.now(UTC)
        ticket.touch()
        return 204, None, {}
    if ticket.status == "closed":
        details = {"status": [{"description": _CLOSED_TICKET}]}
        return _error(422, "RecordInvalid", "Record validation errors", details=details)
    return _update(state, ticket, body)


def expected_authorization(auth: tuple[str, str] | str) -> str:
    """The header Zendesk accepts for an (email, API token) pair or an OAuth token."""
    if isinstance(auth, str):
        return f"Bearer {auth}"
    email, api_token = auth
    return "Basic " + base64.b64encode(f"{email}/token:{api_token}".encode()).decode()


def _fault_answer(fault: Fault) -> Answer:
    headers = fault.retry_headers()
    if fault.status == 429:
        return 429, _RATE_LIMITED, headers
    return fault.status, {"error": HTTPStatus(fault.status).phrase}, headers


def _update(state: FakeState, ticket: FakeTicket, body: Any) -> Answer:
    update = body.get("ticket") if isinstance(body, dict) else None
    if not isinstance(update, dict):
        return _error(400, "InvalidJSON", 'expected a JSON object {"ticket": {...}}')
    if update.get("safe_update") and update.get("updated_stamp") != _stamp(ticket.updated_at):
        return _error(409, "UpdateConflict", _STALE_STAMP)
    comment = update.get("comment")
    if comment is not None and not (isinstance(comment, dict) and comment.get("body")):
        details = {"base": [{"description": "Comment: body cannot be blank"}]}
        return _error(422, "RecordInvalid", "Record validation errors", details=details)
    try:
        fields = {int(f["id"]): f.get("value") for f in update.get("custom_fields") or []}
    except (TypeError, KeyError, ValueError, AttributeError):
        details = {"custom_fields": [{"description": "each needs a numeric id"}]}
        return _error(422, "RecordInvalid", "Record validation errors", details=details)
    _apply_tags(ticket, update)
    ticket.custom_fields.update(fields)
    if isinstance(update.get("subject"), str):
        ticket.subject = update["subject"]
    ticket.touch()
    if comment is not None:
        ticket.comments.append(
            _new_comment(state, ticket, str(comment["body"]), comment.get("public", True))
        )
    return 200, {"ticket": ticket.view()}, {}


def _new_comment(
    state: FakeState,
    ticket: FakeTicket,
    body: str,
    public: Any = True,
    *,
    html_body: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": state.new_id(),
        "type": "Comment",
        "body": body,
        "html_body": html_body if html_body is not None else _html_of(body),
        "plain_body": body,
        "public": public is not False,
        "created_at": _stamp(ticket.updated_at),
        "attachments": list(attachments or []),
    }


def _html_of(text: str) -> str:
    """Zendesk's rendering of a plain-text comment: a paragraph per blank-line-separated
    block, line breaks as <br>."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    paragraphs = "".join(
        "<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>" for block in blocks
    )
    return f'<div class="zd-comment" dir="auto">{paragraphs}</div>'


def _attachment(
    state: FakeState, file_name: str, content_type: str = "text/plain"
) -> dict[str, Any]:
    token = uuid.uuid4().hex
    return {
        "id": state.new_id(),
        "file_name": file_name,
        "content_type": content_type,
        "content_url": f"https://example.zendesk.com/attachments/token/{token}/?name={file_name}",
        "size": 0 if file_name == REDACTED_FILE else 1024,
        "deleted": False,
    }


def _tag_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [str(tag) for tag in value or []]


def _apply_tags(ticket: FakeTicket, update: dict[str, Any]) -> None:
    tags = _tag_list(update["tags"]) if "tags" in update else list(ticket.tags)
    tags += _tag_list(update.get("additional_tags"))
    removed = set(_tag_list(update.get("remove_tags")))
    ticket.tags = [tag for tag in dict.fromkeys(tags) if tag not in removed]


# --- comments and their redaction ----------------------------------------------------------


def _page(items: list[Any], query: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """One page of a cursor-paginated list and its `meta`, or ValueError for a bad query."""
    size = min(int(query.get("page[size]", "100")), 100)
    start = _offset_of(query["page[after]"]) if "page[after]" in query else 0
    page = items[start : start + max(size, 1)]
    end = start + len(page)
    meta = {
        "has_more": end < len(items),
        "after_cursor": _offset_cursor(end) if page else None,
        "before_cursor": _offset_cursor(start) if page else None,
    }
    return page, meta


def _offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset_of(cursor: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not decoded.startswith("offset:"):
        raise ValueError(cursor)
    return int(decoded.removeprefix("offset:"))


def _list_comments(state: FakeState, number: str, query: dict[str, str], body: Any) -> Answer:
    ticket = state.ticket(int(number))
    if ticket.deleted:
        return _error(404, "RecordNotFound", "Not found")
    try:
        page, meta = _page(ticket.comments, query)
    except ValueError:
        return _error(400, "InvalidPaginationParameter", "Invalid cursor or page size")
    return 200, {"comments": page, "meta": meta, "links": {}}, {}


_BLOCK_ENDS: Final = frozenset({"p", "div", "br", "li", "blockquote", "tr"})
_VOID: Final = frozenset({"img", "br", "hr", "input", "meta", "link", "source", "wbr"})


class _Redactor(HTMLParser):
    """Applies `<redact>` tags and `redact` attributes to an html_body as Zendesk does; also
    keeps the text the html had before, to be compared with the comment's own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html: list[str] = []
        self.before: list[str] = []
        self.after: list[str] = []
        self._inside = 0
        self._open: list[tuple[str, bool]] = []  # (tag, dropped for its redact attribute)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "redact":
            self._inside += 1
            return
        dropped = any(name == "redact" for name, _ in attrs)
        if tag not in _VOID:
            self._open.append((tag, dropped))
        if not dropped:
            self.html.append(f"<{tag}{_attributes(attrs)}>")
        if tag == "br":
            self._text("\n", "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "redact":
            self._inside = max(0, self._inside - 1)
            return
        dropped = False
        while self._open:
            opened, dropped = self._open.pop()
            if opened == tag:
                break
        if not dropped:
            self.html.append(f"</{tag}>")
        if tag in _BLOCK_ENDS:
            self._text("\n", "\n")

    def handle_data(self, data: str) -> None:
        after = "".join(REDACTED if self._inside and not c.isspace() else c for c in data)
        self.html.append(escape(after, quote=False))
        self._text(data, after)

    def _text(self, before: str, after: str) -> None:
        self.before.append(before)
        self.after.append(after)


def _attributes(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(f" {n}" if v is None else f' {n}="{escape(v)}"' for n, v in attrs)


def _redacting(html: str) -> _Redactor:
    redactor = _Redactor()
    redactor.feed(html)
    redactor.close()
    return redactor


def _same_text(one: str, other: str) -> bool:
    return one.split() == other.split()


def _redact_comment(state: FakeState, number: str, query: dict[str, str], body: Any) -> Answer:
    found = _comment(state, int(number))
    if found is None:
        return _error(404, "RecordNotFound", "Not found")
    ticket, comment = found
    if not isinstance(body, dict) or body.get("ticket_id") != ticket.id:
        return _error(400, "InvalidValue", "ticket_id must be the comment's ticket")
    html, urls = body.get("html_body"), body.get("external_attachment_urls") or []
    if html is None and not urls:
        return _error(400, "InvalidValue", "html_body or external_attachment_urls is required")
    known = {a["content_url"] for a in comment["attachments"]}
    if not isinstance(urls, list) or not set(urls) <= known:
        return _error(400, "InvalidValue", "an attachment URL is not one of the comment's")
    if html is not None:
        redactor = _redacting(str(html))
        own = "".join(_redacting(comment["html_body"]).before)
        if not _same_text("".join(redactor.before), own):
            return _error(400, "InvalidValue", "html_body does not match the comment")
        text = "".join(redactor.after).strip()
        comment.update(html_body="".join(redactor.html), body=text, plain_body=text)
    comment["attachments"] = [
        _attachment(state, REDACTED_FILE) if a["content_url"] in urls else a
        for a in comment["attachments"]
    ]
    if ticket.comments and ticket.comments[0] is comment and ticket.description is not None:
        ticket.description = comment["plain_body"]  # the description is the first comment
    ticket.touch()
    return 200, {"comment": comment}, {}


def _comment(state: FakeState, comment_id: int) -> tuple[FakeTicket, dict[str, Any]] | None:
    for ticket in state.tickets.values():
        if ticket.deleted:
            continue
        for comment in ticket.comments:
            if comment["id"] == comment_id:
                return ticket, comment
    return None


# --- deletion for good and its background job -----------------------------------------------


def _deleted_list(state: FakeState, query: dict[str, str]) -> Answer:
    sort_by = query.get("sort_by", "id")
    if sort_by not in ("id", "subject", "deleted_at"):
        return _error(400, "InvalidValue", f"sort_by {sort_by!r} is not allowed")
    waiting = [t for t in state.tickets.values() if t.deleted and not t.scrubbed]
    waiting.sort(key=lambda t: _sort_key(t, sort_by), reverse=query.get("sort_order") == "desc")
    try:
        page, meta = _page(waiting, query)
    except ValueError:
        return _error(400, "InvalidPaginationParameter", "Invalid cursor or page size")
    listed = [
        {
            "id": t.id,
            "subject": t.subject,
            "deleted_at": _stamp(t.deleted_at or t.updated_at),
            "previous_state": t.status,
            "actor": {"id": 1, "name": "Plaint"},
        }
        for t in page
    ]
    return 200, {"deleted_tickets": listed, "meta": meta, "links": {}}, {}


def _sort_key(ticket: FakeTicket, sort_by: str) -> tuple[Any, int]:
    if sort_by == "subject":
        return ticket.subject or "", ticket.id
    if sort_by == "deleted_at":
        return (ticket.deleted_at or ticket.updated_at).timestamp(), ticket.id
    return 0, ticket.id


def _delete_for_good(state: FakeState, number: str, query: dict[str, str], body: Any) -> Answer:
    ticket = state.tickets.get(int(number))
    if ticket is None or not ticket.deleted or ticket.scrubbed:
        return _error(404, "RecordNotFound", "Not found")
    job_id = uuid.uuid4().hex
    state.jobs[job_id] = {
        "id": job_id,
        "url": f"https://example.zendesk.com/api/v2/job_statuses/{job_id}.json",
        "status": "queued",
        "total": None,
        "progress": None,
        "message": None,
        "results": None,
        "ticket_id": ticket.id,
    }
    return 200, {"job_status": _job_view(state.jobs[job_id])}, {}


def _show_job(state: FakeState, job_id: str, query: dict[str, str], body: Any) -> Answer:
    job = state.jobs.get(job_id)
    if job is None:
        return _error(404, "RecordNotFound", "Not found")
    return 200, {"job_status": _job_view(job)}, {}


def _job_view(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "ticket_id"}


def _run_jobs(state: FakeState) -> None:
    """Run the queued jobs, as Zendesk's background workers would have meanwhile."""
    if state.hold_jobs:
        return
    for job in state.jobs.values():
        if job["status"] != "queued":
            continue
        if state.failing_jobs > 0:
            state.failing_jobs -= 1
            job.update(status="failed", message="Failed to delete the ticket")
            continue
        _scrub(state.tickets[job["ticket_id"]])
        job.update(status="completed", results={"success": True})


def _scrub(ticket: FakeTicket) -> None:
    """Delete for good: nothing but the number is kept."""
    ticket.scrubbed = True
    ticket.subject = ticket.description = None
    ticket.comments, ticket.tags, ticket.custom_fields = [], [], {}


def requester_email(user_id: int) -> str:
    """The email the fake gives a ticket's requester unless one was set."""
    return f"requester-{user_id}@example.com"


def _show_user(state: FakeState, user_id: str, query: Any, body: Any) -> Answer:
    """Show User: a ticket's requester, or a user whose email was set; 404 otherwise."""
    number = int(user_id)
    if number in state.user_emails:
        email = state.user_emails[number]
    elif any(t.requester_id == number and not t.scrubbed for t in state.tickets.values()):
        email = requester_email(number)
    else:
        return _error(404, "RecordNotFound", "Not found")
    user = {"id": number, "url": f"https://example.zendesk.com/api/v2/users/{number}.json",
            "name": f"Requester {number}", "email": email, "role": "end-user",
            "locale": "az"}  # fmt: skip
    return 200, {"user": user}, {}


# --- operator endpoints -----------------------------------------------------------------


def _operator(state: FakeState, method: str, path: str, raw: bytes) -> Answer:
    """The Zendesk fake's own operator endpoints. Call with the lock held."""
    if (method, path) == ("POST", "/__fake/tickets"):
        return _create_ticket(state, parse_json(raw))
    if (method, path) == ("POST", "/__fake/jobs"):
        return _set_jobs(state, parse_json(raw))
    match = _FAKE_TICKET.match(path)
    if match and method in ("GET", "DELETE"):
        return _operator_ticket(state, method, int(match.group(1)))
    match = _FAKE_CHANGES.match(path)
    if match and method == "POST":
        return _change_ticket(state, int(match.group(1)), parse_json(raw))
    match = _FAKE_USER.match(path)
    if match and method == "PUT":
        return _set_user(state, int(match.group(1)), parse_json(raw))
    return _error(404, "InvalidEndpoint", "Not found")


def _set_user(state: FakeState, user_id: int, body: Any) -> Answer:
    email = body.get("email") if isinstance(body, dict) else None
    state.user_emails[user_id] = email if isinstance(email, str) else None
    return 200, {"user": {"id": user_id, "email": state.user_emails[user_id]}}, {}


def _change_ticket(state: FakeState, ticket_id: int, body: Any) -> Answer:
    """A change made in Zendesk itself, by an agent or the requester. Call with the lock
    held."""
    ticket = state.tickets.get(ticket_id)
    if ticket is None or ticket.deleted:
        return _error(404, "RecordNotFound", "ticket not seen yet")
    if ticket.status == "closed":
        details = {"status": [{"description": _CLOSED_TICKET}]}
        return _error(422, "RecordInvalid", "Record validation errors", details=details)
    change = body if isinstance(body, dict) else {}
    comment, status = change.get("comment"), change.get("status", ticket.status)
    if comment is not None and not (isinstance(comment, dict) and comment.get("body")):
        return _error(400, "InvalidChange", "comment needs a body")
    if status not in _STATUSES:
        return _error(400, "InvalidChange", f"status must be one of {sorted(_STATUSES)}")
    _apply_tags(ticket, change)
    ticket.status = status
    ticket.touch()
    added = None
    if comment is not None:
        added = _new_comment(state, ticket, str(comment["body"]), comment.get("public", True))
        added["author_id"] = comment.get("author_id", ticket.requester_id)
        ticket.comments.append(added)
    return 200, {"ticket": ticket.export_view(), "comment": added}, {}


def _operator_ticket(state: FakeState, method: str, ticket_id: int) -> Answer:
    if method == "DELETE":
        ticket = state.ticket(ticket_id)
        ticket.deleted = True
        ticket.touch()
        return 200, {"deleted": ticket_id}, {}
    found = state.tickets.get(ticket_id)
    if found is None:
        return _error(404, "RecordNotFound", "ticket not seen yet")
    view = {
        "ticket": found.view(),
        "description": found.description,
        "comments": list(found.comments),
        "deleted": found.deleted,
        "deleted_for_good": found.scrubbed,
    }
    return 200, view, {}


def _set_jobs(state: FakeState, body: Any) -> Answer:
    if not isinstance(body, dict):
        return _error(400, "InvalidJobs", 'expected {"hold": true} or {"fail": 1}')
    if "hold" in body:
        state.hold_jobs = body["hold"] is True
    try:
        state.failing_jobs += int(body.get("fail", 0))
    except (TypeError, ValueError):
        return _error(400, "InvalidJobs", 'expected {"hold": true} or {"fail": 1}')
    return 200, {"hold": state.hold_jobs, "fail": state.failing_jobs}, {}


def _create_ticket(state: FakeState, body: Any) -> Answer:
    """A ticket made in the helpdesk. Call with the lock held."""
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        created = _when(body.get("created_at"), now)
        ticket = FakeTicket(
            id=int(body["id"]),
            created_at=created,
            updated_at=_when(body.get("updated_at"), created),
            tags=[str(tag) for tag in body.get("tags") or []],
            status=str(body.get("status") or "new"),
            subject=body.get("subject"),
            description=body.get("description"),
            requester_id=None if body.get("requester_id") is None else int(body["requester_id"]),
            via_channel=str(body.get("via") or "web"),
        )
        ticket.comments = [_seeded_comment(state, ticket, c) for c in body.get("comments") or []]
    except (TypeError, KeyError, ValueError, AttributeError):
        return _error(400, "InvalidTicket", 'expected {"id": 1, "subject": ..., ...}')
    if ticket.status == "deleted":
        ticket.status, ticket.deleted = "closed", True
        ticket.deleted_at = ticket.updated_at
    state.tickets[ticket.id] = ticket
    return 201, {"ticket": ticket.export_view()}, {}


def _seeded_comment(state: FakeState, ticket: FakeTicket, seed: dict[str, Any]) -> dict[str, Any]:
    attachments = [
        _attachment(state, str(a["file_name"]), str(a.get("content_type") or "text/plain"))
        for a in seed.get("attachments") or []
    ]
    html = None if seed.get("html_body") is None else str(seed["html_body"])
    return _new_comment(
        state,
        ticket,
        str(seed["body"]),
        seed.get("public", True),
        html_body=html,
        attachments=attachments,
    )


def _when(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


# --- lifecycle ----------------------------------------------------------------------------


class FakeZendesk(FakeHttp[FakeState]):
    """The fake, on its own thread. Use as a context manager or start()/stop().

    With `auth` ((email, API token) or an OAuth token) only those credentials are accepted.
    """

    thread_name = "fake-zendesk"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: tuple[str, str] | str | None = None,
        *,
        export_page_size: int = DEFAULT_EXPORT_PAGE_SIZE,
        data_file: Path | None = None,
    ) -> None:
        state = FakeState(None if auth is None else expected_authorization(auth))
        state.export_page_size = export_page_size
        super().__init__(host, port, state, data_file)

    def route(self, method: str, target: str, body: Any) -> Answer:
        return _route(self.state, method, target, body)

    def operate(self, method: str, path: str, raw: bytes) -> Answer:
        return _operator(self.state, method, path, raw)

    def unauthorized(self) -> Answer:
        return _error(401, "Couldn't authenticate you")

    def fault_answer(self, fault: Fault) -> Answer:
        return _fault_answer(fault)

    def fault_rejected(self) -> Answer:
        return _error(400, "InvalidFault", 'expected {"status": 429, "retry_after": 1, "count": 2}')

    def encode(self, body: Any) -> tuple[bytes, str | None]:
        if body is None:
            return b"", None
        if isinstance(body, str):
            return body.encode(), "text/plain; charset=utf-8"
        return json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8"


def main(argv: list[str] | None = None) -> None:
    run_alone("Zendesk", 8765, FakeZendesk, argv)


if __name__ == "__main__":
    main()

"""A fake Jira Cloud (with Jira Service Management) API over real HTTP, for the local stack
and the tests.

It answers what connectors/jira/client.py calls, the way Jira does: it wants an
Authorization header, answers errors as {"errorMessages": [...], "errors": {...}}, keeps
comments as ADF documents and labels as a list that the Edit Issue `update` verbs change.

  GET  /rest/api/3/issue/{key}?fields=labels        the issue's labels
  PUT  /rest/api/3/issue/{key}                      {"update": {"labels": [{"add": x}]},
                                                     "fields": {...}} -> 204
  GET  /rest/api/3/issue/{key}/comment              a page of comments (orderBy, startAt,
                                                     maxResults)
  GET  /rest/api/3/issue/{key}/transitions          the transitions open from the issue's
                                                     status, each with its target `to`
  POST /rest/api/3/issue/{key}/transitions          {"transition": {"id": ...},
                                                     "properties"?: [{"key", "value"}]} ->
                                                     204, the properties set with it; an id
                                                     not open now -> 400, nothing changed
  GET  /rest/api/3/issue/{key}/properties/{prop}    {"key", "value"}; 404 when not set
  PUT  /rest/api/3/issue/{key}/properties/{prop}    the value (a JSON object) -> 201 set,
                                                     200 replaced
  POST /rest/api/3/issue/{key}/comment              {"body": ADF document, "properties"?:
                                                     [{"key", "value"}]} -> 201; the
                                                     properties (sd.public.comment among
                                                     them) are kept with the comment, and,
                                                     as in Jira, not shown when comments
                                                     are listed
  POST /rest/api/3/comment/list?expand=properties    {"ids": [...]} -> a page {"startAt",
                                                     "maxResults", "total", "isLast",
                                                     "values"} of those comments, each
                                                     with "properties" when expanded
  GET  /rest/api/3/comment/{id}/properties/{prop}    {"key", "value"}; 404 when not set
  PUT  /rest/api/3/comment/{id}/properties/{prop}    the value (a JSON object) -> 201 set,
                                                     200 replaced
  POST /rest/servicedeskapi/request/{key}/comment   {"body": text, "public": bool} -> 201
  POST /rest/api/3/search/jql                       {"jql", "fields", "maxResults",
                                                     "nextPageToken"} -> {"issues",
                                                     "nextPageToken", "isLast"}
  DELETE /rest/api/3/issue/{key}?deleteSubtasks=    204, the issue (and its subtasks) gone
                                                     for good, 404 from then on; 400 when it
                                                     has subtasks and deleteSubtasks is not
                                                     true
  DELETE /rest/api/3/issue/{key}/comment/{id}       204; 404 for a comment it does not have
  DELETE /rest/api/3/attachment/{id}                204; 404 for an unknown attachment
  GET  /rest/api/3/project/{key}                    {"id", "key", "name"}; 404 when the
                                                     project is hidden from the token
  GET  /rest/api/3/user?accountId=                  an issue's reporter: {"accountId",
                                                     "displayName", "emailAddress"?}
                                                     (reporter-{accountId}@example.com
                                                     unless set below); 404 for anyone else

Edit Issue refuses a description that is not an ADF document with 400, as REST v3 does.

The search understands what the change feed asks: `updated >= "yyyy/MM/dd HH:mm"` (read in
the fake's `zone`, UTC unless configured), optionally `project = KEY` before it, and
`ORDER BY updated ASC, key ASC`; it pages with an opaque nextPageToken tied to the query,
left out on the last page as Jira does. Only issues with an `updated` field are found.

Issues appear on first sight with no labels, comments or properties, in status "Waiting for
support" of a default workflow whose transitions, as in Jira Service Management, are not
named after the statuses they lead to: Start progress (Waiting for support -> In progress),
Resolve this issue (Waiting for support or In progress -> Resolved), Respond to customer
(Waiting for support or In progress -> Waiting for customer), Respond to support (Waiting
for customer -> Waiting for support), Reopen (Resolved -> Waiting for support). Only the
transitions open from the issue's status are offered or accepted; a transition open from
any status (a global one) is open from its own target too, as in Jira. Statuses carry an id
that depends only on their name. The real ones live in the real helpdesk.

Operator endpoints (no auth, not recorded):
  GET  /__fake/requests            every API request seen
  GET  /__fake/issues/{key}        an issue with its labels, fields and comments
  POST /__fake/issues              {"key": "SUP-1", "fields": {"summary", "description",
                                   "created", "updated", "reporter", ...}, "labels"?,
                                   "status"?}: an issue made in the helpdesk (whose webhooks
                                   were lost); "created" and "updated" now when left out
  DELETE /__fake/issues/{key}      the issue answers 404 from now on
  PUT  /__fake/users/{accountId}   {"emailAddress": "..." | null}: the user's address, or
                                   null to hide it as an Atlassian profile does
  PUT  /__fake/projects/{key}/access {"browsable": false}: the project answers 404, as for
                                   a token without Browse projects
  PUT  /__fake/issues/{key}/workflow {"status": "Open", "transitions": [{"id": "5",
                                   "name": "Close", "from": ["Open"], "to": "Closed"}]}:
                                   the issue's status and workflow ("from" left out: from
                                   any status)
  PUT  /__fake/issues/{key}/property-access {"readable": false, "kept_on_transition": false}:
                                   reading the issue's properties answers 403; the
                                   `properties` of a transition request are ignored (a
                                   server that does not keep them)
  POST /__fake/lost-answers        {"method": "POST", "path": "/transitions", "count": 1}:
                                   the next `count` such calls (path: how it ends) are
                                   carried out, then answered 504, as when a gateway timed
                                   out after Jira applied the request
  POST /__fake/faults              {"status": 429, "retry_after": 1, "count": 2}: the next
                                   `count` API calls fail that way
  POST /__fake/reset               forget everything

With `data_file` the issues, their labels, comments, properties and statuses survive a
restart (see devstack/fake_http.py); the local stack keeps them in its data directory.

Run alone: python -m devstack.fake_jira --port 8766
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from devstack.fake_http import Answer, FakeHttp, FakeHttpState, Fault, parse_json, run_alone
from devstack.fake_jira_admin import JiraAdmin, admin_route

_KEY: Final = r"([A-Za-z][A-Za-z0-9_]*-\d{1,18})"
_API_ISSUE: Final = re.compile(rf"^/rest/api/3/issue/{_KEY}$")
_API_COMMENTS: Final = re.compile(rf"^/rest/api/3/issue/{_KEY}/comment$")
_API_TRANSITIONS: Final = re.compile(rf"^/rest/api/3/issue/{_KEY}/transitions$")
_API_PROPERTY: Final = re.compile(rf"^/rest/api/3/issue/{_KEY}/properties/([^/]+)$")
_JSM_COMMENTS: Final = re.compile(rf"^/rest/servicedeskapi/request/{_KEY}/comment$")
_JSM_FEEDBACK: Final = re.compile(rf"^/rest/servicedeskapi/request/{_KEY}/feedback$")
_API_COMMENT: Final = re.compile(rf"^/rest/api/3/issue/{_KEY}/comment/(\d+)$")
_API_COMMENT_PROPERTY: Final = re.compile(r"^/rest/api/3/comment/(\d+)/properties/([^/]+)$")
COMMENT_LIST_PATH: Final = "/rest/api/3/comment/list"
_API_ATTACHMENT: Final = re.compile(r"^/rest/api/3/attachment/(\d+)$")
_API_PROJECT: Final = re.compile(r"^/rest/api/3/project/([A-Za-z][A-Za-z0-9_]*)$")
_FAKE_PROJECT_ACCESS: Final = re.compile(r"^/__fake/projects/([A-Za-z][A-Za-z0-9_]*)/access$")
_HAS_SUBTASKS: Final = (
    "The issue has subtasks. To delete it, delete its subtasks too (deleteSubtasks=true)."
)
_FAKE_ISSUE: Final = re.compile(rf"^/__fake/issues/{_KEY}$")
_FAKE_WORKFLOW: Final = re.compile(rf"^/__fake/issues/{_KEY}/workflow$")
_FAKE_PROPERTY_ACCESS: Final = re.compile(rf"^/__fake/issues/{_KEY}/property-access$")
_NO_ISSUE: Final = "Issue does not exist or you do not have permission to see it."
# Jira's limits on an entity property: https://developer.atlassian.com/cloud/jira/platform/
# jira-entity-properties/
MAX_PROPERTY_KEY: Final = 255
MAX_PROPERTY_BYTES: Final = 32768
SEARCH_PATH: Final = "/rest/api/3/search/jql"
USER_PATH: Final = "/rest/api/3/user"
_FAKE_USER: Final = re.compile(r"^/__fake/users/([^/]{1,128})$")
_JQL_UPDATED: Final = re.compile(r'updated\s*>=\s*"(\d{4}/\d{2}/\d{2} \d{2}:\d{2})"')
_JQL_PROJECT: Final = re.compile(r'project\s*=\s*"?([A-Za-z][A-Za-z0-9_]*)"?')
_JQL_ORDER: Final = re.compile(r"ORDER BY updated( ASC)?, key( ASC)?\s*$", re.IGNORECASE)


def _stamp(moment: datetime) -> str:
    """Jira's timestamp form: 2024-05-01T10:00:00.000+0000."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _error(status: int, *messages: str, **errors: str) -> Answer:
    return status, {"errorMessages": list(messages), "errors": errors}, {}


def status_id(name: str) -> str:
    """A status's id: Jira's ids are global per status, so one that depends only on the
    name keeps every issue and workflow of the fake consistent."""
    return str(10000 + zlib.crc32(name.encode()) % 90000)


def _adf(text: str) -> dict[str, Any]:
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": block}]}
        for block in text.split("\n\n")
        if block.strip()
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}


@dataclass(frozen=True)
class FakeTransition:
    id: str
    name: str
    to: str
    # The statuses it is open from; empty: from any status.
    sources: tuple[str, ...] = ()

    def open_from(self, status: str) -> bool:
        return not self.sources or status in self.sources

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "to": {"id": status_id(self.to), "name": self.to},
            "isGlobal": not self.sources,
        }


INITIAL_STATUS: Final = "Waiting for support"
_WORKING: Final = (INITIAL_STATUS, "In progress")
DEFAULT_WORKFLOW: Final = (
    FakeTransition("11", "Start progress", "In progress", (INITIAL_STATUS,)),
    FakeTransition("21", "Resolve this issue", "Resolved", _WORKING),
    FakeTransition("41", "Respond to customer", "Waiting for customer", _WORKING),
    FakeTransition("51", "Respond to support", INITIAL_STATUS, ("Waiting for customer",)),
    FakeTransition("31", "Reopen", INITIAL_STATUS, ("Resolved",)),
)


@dataclass
class LostAnswer:
    """Calls to carry out and then answer as if the answer never came back."""

    method: str
    path_suffix: str
    count: int

    def takes(self, method: str, path: str) -> bool:
        return self.count > 0 and method == self.method and path.endswith(self.path_suffix)


@dataclass
class FakeIssue:
    id: int
    key: str
    labels: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    status: str = INITIAL_STATUS
    workflow: tuple[FakeTransition, ...] = DEFAULT_WORKFLOW
    # Every status change: {"from", "to", "transition" (its id), "at"}.
    history: list[dict[str, str]] = field(default_factory=list)
    # Issue entity properties: key -> JSON object.
    properties: dict[str, Any] = field(default_factory=dict)
    # Comment entity properties: comment id -> key -> JSON object.
    comment_properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    properties_readable: bool = True
    # False: a server that ignores the `properties` of a transition request.
    properties_kept_on_transition: bool = True
    # The customer's CSAT feedback on the request, once given.
    feedback: dict[str, Any] | None = None

    def view(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "key": self.key,
            "fields": {
                "labels": list(self.labels),
                "status": {"id": status_id(self.status), "name": self.status},
                **self.fields,
            },
        }

    def open_transitions(self) -> list[FakeTransition]:
        return [t for t in self.workflow if t.open_from(self.status)]


class FakeState(FakeHttpState):
    """Everything the fake remembers, behind one lock."""

    def __init__(self, authorization: str | None = None) -> None:
        super().__init__(authorization)
        self.issues: dict[str, FakeIssue] = {}
        self.lost_answers: list[LostAnswer] = []
        self.hidden_projects: set[str] = set()
        self._next_id = 10000
        self.zone = "UTC"
        self.admin = JiraAdmin()  # admin webhooks, custom fields
        # Users whose address was set (None: hidden); other reporters get a made-up one.
        self.user_emails: dict[str, str | None] = {}

    def forget(self) -> None:
        self.issues.clear()
        self.user_emails.clear()
        self.lost_answers.clear()
        self.hidden_projects.clear()
        self.admin = JiraAdmin()

    def issue(self, key: str) -> FakeIssue:
        """The issue, created on first sight. Call with the lock held."""
        key = key.upper()
        if key not in self.issues:
            self.issues[key] = FakeIssue(self.new_id(), key)
        return self.issues[key]

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def kept(self) -> dict[str, Any]:
        issues = [asdict(i) for i in self.issues.values()]
        return {"next_id": self._next_id, "issues": issues, "admin": self.admin.kept()}

    def restore(self, kept: dict[str, Any]) -> None:
        self._next_id = int(kept.get("next_id", self._next_id))
        self.admin = JiraAdmin.restored(kept.get("admin"))
        for seen in kept.get("issues", []):
            workflow = tuple(
                FakeTransition(t["id"], t["name"], t["to"], tuple(t["sources"]))
                for t in seen["workflow"]
            )
            issue = FakeIssue(**{**seen, "workflow": workflow})
            self.issues[issue.key] = issue


# --- the Jira API -------------------------------------------------------------------------


def _api(state: FakeState, method: str, target: str, body: Any) -> Answer:
    """An API request, authorized and unfaulted. Call with the lock held."""
    parts = urlsplit(target)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    if parts.path == SEARCH_PATH:
        if method != "POST":
            return _error(405, f"Method {method} is not allowed here.")
        return _search(state, body)
    answered = admin_route(state.admin, method, parts.path, body)
    if answered is None and (method, parts.path) == ("GET", USER_PATH):
        answered = _show_user(state, query.get("accountId", ""))
    if answered is None:
        answered = _comments_by_id(state, method, parts.path, query, body)
    if answered is not None:
        return answered
    property_path = _API_PROPERTY.match(parts.path)
    if property_path is not None:
        key, name = property_path.group(1), unquote(property_path.group(2))
        return _issue_property(state, method, key, name, body)
    disposal = _disposal(state, method, parts.path)
    if disposal is not None:
        return disposal
    return _route(state, method, parts.path, query, body)


def _comments_by_id(
    state: FakeState, method: str, path: str, query: dict[str, str], body: Any
) -> Answer | None:
    """The calls that name comments by id alone; None for any other path. Lock held."""
    if path == COMMENT_LIST_PATH:
        if method != "POST":
            return _error(405, f"Method {method} is not allowed here.")
        return _comment_list(state, query, body)
    comment_property = _API_COMMENT_PROPERTY.match(path)
    if comment_property is not None:
        comment_id, name = comment_property.group(1), unquote(comment_property.group(2))
        return _comment_property(state, method, comment_id, name, body)
    return None


def _disposal(state: FakeState, method: str, path: str) -> Answer | None:
    """The calls that delete a comment or an attachment, or show a project; None for any
    other path. Lock held."""
    for pattern, allowed, handler in (
        (_API_COMMENT, "DELETE", _delete_comment),
        (_API_ATTACHMENT, "DELETE", _delete_attachment),
        (_API_PROJECT, "GET", _get_project),
    ):
        match = pattern.match(path)
        if match is not None:
            if method != allowed:
                return _error(405, f"Method {method} is not allowed here.")
            return handler(state, *match.groups())
    return None


def _delete_comment(state: FakeState, key: str, comment_id: str) -> Answer:
    issue = state.issue(key)
    if issue.deleted:
        return _error(404, _NO_ISSUE)
    kept = [c for c in issue.comments if c["id"] != comment_id]
    if len(kept) == len(issue.comments):
        return _error(404, f"Can not find a comment for the id: {comment_id}.")
    issue.comments = kept
    issue.comment_properties.pop(comment_id, None)
    return 204, None, {}


def _delete_attachment(state: FakeState, attachment_id: str) -> Answer:
    for issue in state.issues.values():
        attachments = issue.fields.get("attachment") or []
        kept = [a for a in attachments if str(a.get("id")) != attachment_id]
        if not issue.deleted and len(kept) < len(attachments):
            issue.fields["attachment"] = kept
            return 204, None, {}
    return _error(404, f"The attachment with id '{attachment_id}' does not exist.")


def _get_project(state: FakeState, project: str) -> Answer:
    project = project.upper()
    if project in state.hidden_projects:
        return _error(404, f"No project could be found with key '{project}'.")
    return (
        200,
        {"id": str(10000 + zlib.crc32(project.encode()) % 90000), "key": project, "name": project},
        {},
    )


def _lose_answer(state: FakeState, method: str, target: str, answer: Answer) -> Answer:
    """The answer, or a gateway's 504 when a lost answer was asked for this call (it was
    carried out all the same). Lock held."""
    status = answer[0]
    path = urlsplit(target).path
    lost = next((x for x in state.lost_answers if x.takes(method, path)), None)
    if lost is None or not 200 <= status < 300:
        return answer
    lost.count -= 1
    return _error(504, "Gateway Timeout")


def _search(state: FakeState, body: Any) -> Answer:
    """The enhanced JQL search, for the queries the change feed makes. Lock held."""
    if not isinstance(body, dict) or not isinstance(body.get("jql"), str):
        return _error(400, "Invalid request payload. Refer to the REST API documentation.")
    jql: str = body["jql"]
    since = _JQL_UPDATED.search(jql)
    if since is None or _JQL_ORDER.search(jql) is None:
        return _error(400, f"The fake cannot run this query: {jql}")
    floor = datetime.strptime(since.group(1), "%Y/%m/%d %H:%M").replace(tzinfo=ZoneInfo(state.zone))
    project = _JQL_PROJECT.search(jql)
    try:
        size = max(1, min(int(body.get("maxResults", 50)), 100))
        offset = _token_offset(jql, body.get("nextPageToken"))
    except ValueError:
        return _error(400, "The nextPageToken is invalid or belongs to another query.")
    found = sorted(
        (
            (changed, issue)
            for issue in state.issues.values()
            if not issue.deleted
            and (changed := _changed(issue)) is not None
            and changed >= floor
            and (project is None or issue.key.split("-")[0] == project.group(1).upper())
        ),
        key=lambda pair: (pair[0], pair[1].key.split("-")[0], int(pair[1].key.split("-")[1])),
    )
    page = [issue for _, issue in found[offset : offset + size]]
    wanted = [str(name) for name in body.get("fields") or ["*navigable"]]
    answer: dict[str, Any] = {"issues": [_fields_of(issue.view(), wanted) for issue in page]}
    is_last = offset + size >= len(found)
    if not is_last:
        answer["nextPageToken"] = _token(jql, offset + size)
    answer["isLast"] = is_last
    return 200, answer, {}


def _changed(issue: FakeIssue) -> datetime | None:
    value = issue.fields.get("updated")
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return datetime.fromisoformat(value)


def _fields_of(view: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    if any(name.startswith("*") for name in wanted):
        return view
    return {**view, "fields": {k: v for k, v in view["fields"].items() if k in wanted}}


def _token(jql: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"jql": jql, "offset": offset}).encode()).decode()


def _token_offset(jql: str, token: Any) -> int:
    if token is None:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(decoded, dict) or decoded.get("jql") != jql:
        raise ValueError("token of another query")
    return int(decoded["offset"])


def _route(state: FakeState, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
    for pattern, handlers in (
        (_API_ISSUE, {"GET": _get_issue, "PUT": _edit_issue, "DELETE": _delete_issue}),
        (_API_COMMENTS, {"GET": _get_comments, "POST": _add_comment}),
        (_API_TRANSITIONS, {"GET": _get_transitions, "POST": _do_transition}),
        (_JSM_COMMENTS, {"POST": _add_request_comment}),
        (_JSM_FEEDBACK, {"GET": _get_feedback, "POST": _post_feedback}),
    ):
        match = pattern.match(path)
        if match is None:
            continue
        handler = handlers.get(method)
        if handler is None:
            return _error(405, f"Method {method} is not allowed here.")
        issue = state.issue(match.group(1))
        if issue.deleted:
            return _error(404, _NO_ISSUE)
        return handler(state, issue, query, body)
    return _error(404, "null for uri: " + path)


def _get_issue(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    view = issue.view()
    wanted = [name for name in query.get("fields", "").split(",") if name]
    if wanted:
        view["fields"] = {k: v for k, v in view["fields"].items() if k in wanted}
    return 200, view, {}


def _edit_issue(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict):
        return _error(400, "Can not deserialize the request body.")
    labels = _labels_after(issue.labels, (body.get("update") or {}).get("labels") or [])
    if not isinstance(labels, list):
        return labels
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        return _error(400, "Can not deserialize the fields.")
    refused = _refused_fields(fields)
    if refused:
        return _error(400, **refused)
    issue.labels = labels
    issue.fields.update(fields)
    return 204, None, {}


def _labels_after(labels: list[str], operations: list[Any]) -> list[str] | Answer:
    """The labels once the Edit Issue `update` verbs are applied, or Jira's refusal."""
    labels = list(labels)
    for operation in operations:
        if not isinstance(operation, dict) or len(operation) != 1:
            return _error(400, **{"labels": "Each operation needs exactly one verb."})
        verb, value = next(iter(operation.items()))
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            return _error(400, labels="The label '" + str(value) + "' contains spaces.")
        if verb == "add" and value not in labels:
            labels.append(value)
        elif verb == "remove" and value in labels:
            labels.remove(value)
        elif verb not in ("add", "remove"):
            return _error(400, labels=f"Unsupported operation '{verb}'.")
    return labels


def _refused_fields(fields: dict[str, Any]) -> dict[str, str]:
    """What REST v3 refuses in the summary and the description, by field."""
    refused = {}
    summary = fields.get("summary", "kept")
    if not isinstance(summary, str) or not summary.strip() or len(summary) > 255:
        refused["summary"] = "You must specify a summary of the issue (at most 255 characters)."
    description = fields.get("description")
    if description is not None and not (
        isinstance(description, dict) and description.get("type") == "doc"
    ):
        refused["description"] = "Operation value must be an Atlassian Document."
    return refused


def _delete_issue(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    subtasks = [str(s.get("key")) for s in issue.fields.get("subtasks") or [] if s.get("key")]
    if subtasks and query.get("deleteSubtasks") != "true":
        return _error(400, _HAS_SUBTASKS)
    for doomed in [issue, *(state.issue(key) for key in subtasks)]:
        _forget_issue(doomed)
    return 204, None, {}


def _forget_issue(issue: FakeIssue) -> None:
    """Deleted: 404 from now on, and nothing of it kept."""
    issue.deleted = True
    issue.labels, issue.fields, issue.comments = [], {}, []
    issue.properties, issue.history, issue.comment_properties = {}, [], {}


def _get_comments(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    try:
        start = int(query.get("startAt", "0"))
        size = min(int(query.get("maxResults", "50")), 100)
    except ValueError:
        return _error(400, "startAt and maxResults must be numbers.")
    comments = list(issue.comments)
    if query.get("orderBy") == "-created":
        comments.reverse()
    page = comments[start : start + size]
    return 200, {"startAt": start, "maxResults": size, "total": len(comments), "comments": page}, {}


def _add_comment(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    document = body.get("body") if isinstance(body, dict) else None
    if not (isinstance(document, dict) and document.get("type") == "doc"):
        return _error(400, comment="Comment body is not valid Atlassian Document Format.")
    properties = body.get("properties") or []
    refused = _refused_properties(properties)
    if refused is not None:
        return _error(400, refused)
    kept = {p["key"]: p["value"] for p in properties}
    internal = (kept.get("sd.public.comment") or {}).get("internal") is True
    stored = _store_comment(state, issue, document, public=not internal)
    if kept:
        issue.comment_properties[stored["id"]] = kept
    return 201, stored, {}


def _commented(state: FakeState, comment_id: str) -> tuple[FakeIssue, dict[str, Any]] | None:
    """The issue holding the comment, and the comment. Lock held."""
    for issue in state.issues.values():
        if issue.deleted:
            continue
        for comment in issue.comments:
            if comment["id"] == comment_id:
                return issue, comment
    return None


def _comment_list(state: FakeState, query: dict[str, str], body: Any) -> Answer:
    """Comments by id, in the order of their ids; unknown ids are left out, as in Jira."""
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not ids or len(ids) > 1000:
        return _error(400, "Provide between 1 and 1000 comment ids.")
    try:
        start = int(query.get("startAt", "0"))
        size = min(int(query.get("maxResults", "50")), 100)
        wanted = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        return _error(400, "Comment ids, startAt and maxResults must be numbers.")
    expand = query.get("expand", "").split(",")
    found = []
    for comment_id in (str(i) for i in wanted):
        held = _commented(state, comment_id)
        if held is None:
            continue
        issue, comment = held
        view = dict(comment)
        if "properties" in expand:
            kept = issue.comment_properties.get(comment_id, {})
            view["properties"] = [{"key": k, "value": v} for k, v in kept.items()]
        found.append(view)
    page = found[start : start + size]
    answer = {
        "startAt": start,
        "maxResults": size,
        "total": len(found),
        "isLast": start + len(page) >= len(found),
        "values": page,
    }
    return 200, answer, {}


def _comment_property(
    state: FakeState, method: str, comment_id: str, name: str, body: Any
) -> Answer:
    """GET or PUT one comment entity property. Lock held."""
    held = _commented(state, comment_id)
    if held is None:
        return _error(404, "The comment does not exist or you do not have permission to see it.")
    kept = held[0].comment_properties.setdefault(comment_id, {})
    if method == "GET":
        if name not in kept:
            return _error(404, f"The property with key '{name}' does not exist.")
        return 200, {"key": name, "value": kept[name]}, {}
    if method != "PUT":
        return _error(405, f"Method {method} is not allowed here.")
    refused = _refused_property(name, body)
    if refused is not None:
        return _error(400, refused)
    created = name not in kept
    kept[name] = body
    return (201 if created else 200), None, {}


def _get_transitions(
    state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any
) -> Answer:
    return 200, {"transitions": [t.view() for t in issue.open_transitions()]}, {}


def _do_transition(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    wanted = (body.get("transition") or {}) if isinstance(body, dict) else None
    if not isinstance(wanted, dict) or not wanted.get("id"):
        return _error(400, "Missing transition id.")
    chosen = next((t for t in issue.open_transitions() if t.id == str(wanted["id"])), None)
    if chosen is None:
        return _error(
            400,
            f"Transition id '{wanted['id']}' is not valid for this issue.",
        )
    properties = body.get("properties") or []
    refused = _refused_properties(properties)
    if refused is not None:
        return _error(400, refused)  # checked first: a refused request changes nothing
    at = _stamp(datetime.now(UTC))
    issue.history.append({"from": issue.status, "to": chosen.to, "transition": chosen.id, "at": at})
    issue.status = chosen.to
    if issue.properties_kept_on_transition:
        issue.properties.update({p["key"]: p["value"] for p in properties})
    return 204, None, {}


def _refused_properties(properties: Any) -> str | None:
    """Why Jira would refuse the `properties` of a request, or None."""
    if not isinstance(properties, list):
        return "The properties must be a list of {key, value}."
    for item in properties:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            return "Each property needs a key."
        refused = _refused_property(item["key"], item.get("value"))
        if refused is not None:
            return refused
    return None


def _refused_property(key: str, value: Any) -> str | None:
    if not key or len(key) > MAX_PROPERTY_KEY:
        return f"The property key must be 1 to {MAX_PROPERTY_KEY} characters."
    if not isinstance(value, dict):
        return f"The value of the property '{key}' must be a JSON object."
    if len(json.dumps(value).encode()) > MAX_PROPERTY_BYTES:
        return f"The value of the property '{key}' is larger than {MAX_PROPERTY_BYTES} bytes."
    return None


def _issue_property(state: FakeState, method: str, key: str, name: str, body: Any) -> Answer:
    """GET or PUT one issue entity property. Lock held."""
    handler = {"GET": _get_property, "PUT": _put_property}.get(method)
    if handler is None:
        return _error(405, f"Method {method} is not allowed here.")
    issue = state.issue(key)
    if issue.deleted:
        return _error(404, _NO_ISSUE)
    return handler(issue, name, body)


def _get_property(issue: FakeIssue, name: str, body: Any) -> Answer:
    if not issue.properties_readable:
        return _error(403, "You do not have permission to view the properties of this issue.")
    if name not in issue.properties:
        return _error(404, f"The property with key '{name}' does not exist.")
    return 200, {"key": name, "value": issue.properties[name]}, {}


def _put_property(issue: FakeIssue, name: str, body: Any) -> Answer:
    refused = _refused_property(name, body)
    if refused is not None:
        return _error(400, refused)
    created = name not in issue.properties
    issue.properties[name] = body
    return (201 if created else 200), None, {}


def _add_request_comment(
    state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any
) -> Answer:
    text = body.get("body") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        return 400, {"errorMessage": "The comment body is required."}, {}
    public = body.get("public", True) is not False
    stored = _store_comment(state, issue, _adf(text), public=public)
    return 201, {"id": stored["id"], "body": text, "public": public}, {}


def _get_feedback(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    """JSM's request feedback (experimental): 404 until the customer has given it."""
    if issue.feedback is None:
        return 404, {"errorMessage": "No feedback was found for this request."}, {}
    return 200, issue.feedback, {}


def _post_feedback(state: FakeState, issue: FakeIssue, query: dict[str, str], body: Any) -> Answer:
    """The customer's rating, as the portal posts it: {"type": "csat", "rating": 1..5,
    "comment": {"body": ...}}."""
    rating = body.get("rating") if isinstance(body, dict) else None
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        return 400, {"errorMessage": "rating must be an integer between 1 and 5."}, {}
    issue.feedback = {"type": "csat", "rating": rating}
    comment = body.get("comment")
    if isinstance(comment, dict) and isinstance(comment.get("body"), str):
        issue.feedback["comment"] = {"body": comment["body"]}
    return 201, issue.feedback, {}


def _store_comment(
    state: FakeState, issue: FakeIssue, document: dict[str, Any], public: bool
) -> dict[str, Any]:
    now = _stamp(datetime.now(UTC))
    comment = {
        "id": str(state.new_id()),
        "body": document,
        "created": now,
        "updated": now,
        "jsdPublic": public,
    }
    issue.comments.append(comment)
    return comment


def expected_authorization(auth: tuple[str, str] | str) -> str:
    """The header Jira accepts for an (email, API token) pair or a bearer token."""
    if isinstance(auth, str):
        return f"Bearer {auth}"
    email, api_token = auth
    return "Basic " + base64.b64encode(f"{email}:{api_token}".encode()).decode()


def _fault_answer(fault: Fault) -> Answer:
    headers = fault.retry_headers()
    if fault.status == 429:
        return 429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, headers
    return fault.status, {"errorMessages": [HTTPStatus(fault.status).phrase]}, headers


# --- operator endpoints -----------------------------------------------------------------


def _operator(state: FakeState, method: str, path: str, raw: bytes) -> Answer:
    """The Jira fake's own operator endpoints. Call with the lock held."""
    if (method, path) == ("POST", "/__fake/issues"):
        return _create_issue(state, parse_json(raw))
    if (method, path) == ("POST", "/__fake/lost-answers"):
        return _add_lost_answer(state, parse_json(raw))
    match = _FAKE_ISSUE.match(path)
    if match and method in ("GET", "DELETE"):
        return _operator_issue(state, method, match.group(1).upper())
    for pattern, setting in (
        (_FAKE_WORKFLOW, _set_workflow),
        (_FAKE_PROPERTY_ACCESS, _set_property_access),
        (_FAKE_PROJECT_ACCESS, _set_project_access),
        (_FAKE_USER, _set_user),
    ):
        match = pattern.match(path)
        if match and method == "PUT":
            return setting(state, match.group(1), parse_json(raw))
    return _error(404, "Not found")


def reporter_email(account_id: str) -> str:
    """The address the fake gives an issue's reporter unless one was set."""
    return f"reporter-{account_id}@example.com"


def _show_user(state: FakeState, account_id: str) -> Answer:
    """Get User: an issue's reporter, or a user whose address was set; 404 otherwise. A
    hidden address is left out, as Jira Cloud leaves it out."""
    reporters = (i.fields.get("reporter") for i in state.issues.values() if not i.deleted)
    known = any(isinstance(r, dict) and r.get("accountId") == account_id for r in reporters)
    if not account_id or not (known or account_id in state.user_emails):
        return _error(
            404, f"Specified user does not exist or you do not have permission: {account_id}"
        )
    email = state.user_emails.get(account_id, reporter_email(account_id))
    user: dict[str, Any] = {
        "accountId": account_id,
        "accountType": "atlassian",
        "displayName": f"Reporter {account_id[:8]}",
        "active": True,
    }
    if email is not None:
        user["emailAddress"] = email
    return 200, user, {}


def _set_user(state: FakeState, account_id: str, body: Any) -> Answer:
    email = body.get("emailAddress") if isinstance(body, dict) else None
    state.user_emails[account_id] = email if isinstance(email, str) else None
    return 200, {"accountId": account_id, "emailAddress": state.user_emails[account_id]}, {}


def _set_property_access(state: FakeState, key: str, body: Any) -> Answer:
    if not isinstance(body, dict):
        return _error(400, 'expected {"readable": bool, "kept_on_transition": bool}')
    issue = state.issue(key)
    issue.properties_readable = body.get("readable", True) is not False
    issue.properties_kept_on_transition = body.get("kept_on_transition", True) is not False
    access = {
        "readable": issue.properties_readable,
        "kept_on_transition": issue.properties_kept_on_transition,
    }
    return 200, access, {}


def _set_project_access(state: FakeState, project: str, body: Any) -> Answer:
    project = project.upper()
    if not isinstance(body, dict):
        return _error(400, 'expected {"browsable": false}')
    if body.get("browsable", True) is False:
        state.hidden_projects.add(project)
    else:
        state.hidden_projects.discard(project)
    return 200, {"key": project, "browsable": project not in state.hidden_projects}, {}


def _add_lost_answer(state: FakeState, body: Any) -> Answer:
    try:
        lost = LostAnswer(
            method=str(body["method"]).upper(),
            path_suffix=str(body.get("path") or ""),
            count=int(body.get("count", 1)),
        )
    except (TypeError, KeyError, ValueError, AttributeError):
        return _error(400, 'expected {"method": "POST", "path": "/transitions", "count": 1}')
    state.lost_answers.append(lost)
    return 200, {"lost_answers": [vars(x) for x in state.lost_answers]}, {}


def _operator_issue(state: FakeState, method: str, key: str) -> Answer:
    if method == "DELETE":
        state.issue(key).deleted = True
        return 200, {"deleted": key}, {}
    found = state.issues.get(key)
    if found is None:
        return _error(404, "issue not seen yet")
    return (
        200,
        {
            "issue": found.view(),
            "deleted": found.deleted,
            "comments": list(found.comments),
            "transitions": [t.view() for t in found.workflow],
            "history": list(found.history),
            "properties": dict(found.properties),
            "comment_properties": dict(found.comment_properties),
        },
        {},
    )


def _create_issue(state: FakeState, body: Any) -> Answer:
    """An issue made in the helpdesk. Call with the lock held."""
    try:
        key = str(body["key"]).upper()
        if not re.fullmatch(_KEY, key):
            raise ValueError(key)
        fields = dict(body.get("fields") or {})
        in_fields = fields.pop("labels", None)
        labels = [str(label) for label in body.get("labels") or in_fields or []]
        status = str(body.get("status") or INITIAL_STATUS)
    except (TypeError, KeyError, ValueError, AttributeError):
        return _error(400, 'expected {"key": "SUP-1", "fields": {...}}')
    fields.pop("status", None)
    now = _stamp(datetime.now(UTC))
    fields.setdefault("created", now)
    fields.setdefault("updated", fields["created"])
    if isinstance(fields.get("attachment"), list):
        fields["attachment"] = [_seeded_attachment(state, a) for a in fields["attachment"]]
    issue = state.issue(key)
    issue.fields, issue.labels, issue.status, issue.deleted = fields, labels, status, False
    return 201, issue.view(), {}


def _seeded_attachment(state: FakeState, seed: Any) -> dict[str, Any]:
    """An attachment as the issue's `attachment` field shows it, with an id of its own."""
    attachment = dict(seed) if isinstance(seed, dict) else {"filename": str(seed)}
    attachment.setdefault("id", str(state.new_id()))
    attachment["id"] = str(attachment["id"])
    attachment.setdefault(
        "content", f"https://example.atlassian.net/rest/api/3/attachment/content/{attachment['id']}"
    )
    return attachment


def _set_workflow(state: FakeState, key: str, body: Any) -> Answer:
    try:
        transitions = tuple(
            FakeTransition(
                id=str(item["id"]),
                name=str(item["name"]),
                to=str(item["to"]),
                sources=tuple(str(status) for status in item.get("from") or ()),
            )
            for item in body.get("transitions", [])
        )
        status = body.get("status")
    except (TypeError, KeyError, AttributeError):
        return _error(400, 'expected {"status": ..., "transitions": [{"id", "name", "to"}]}')
    issue = state.issue(key)
    if "transitions" in body:
        issue.workflow = transitions
    if status:
        issue.status = str(status)
    return 200, {"status": issue.status, "transitions": [t.view() for t in transitions]}, {}


# --- lifecycle ----------------------------------------------------------------------------


class FakeJira(FakeHttp[FakeState]):
    """The fake, on its own thread. Use as a context manager or start()/stop().

    With `auth` ((email, API token) or a bearer token) only those credentials are accepted.
    """

    thread_name = "fake-jira"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: tuple[str, str] | str | None = None,
        *,
        zone: str = "UTC",
        data_file: Path | None = None,
    ) -> None:
        state = FakeState(None if auth is None else expected_authorization(auth))
        state.zone = zone
        super().__init__(host, port, state, data_file)

    def route(self, method: str, target: str, body: Any) -> Answer:
        return _lose_answer(self.state, method, target, _api(self.state, method, target, body))

    def operate(self, method: str, path: str, raw: bytes) -> Answer:
        return _operator(self.state, method, path, raw)

    def unauthorized(self) -> Answer:
        return 401, "Client must be authenticated to access this resource.", {}

    def fault_answer(self, fault: Fault) -> Answer:
        return _fault_answer(fault)

    def fault_rejected(self) -> Answer:
        return _error(400, 'expected {"status": 429, "retry_after": 1, "count": 2}')

    def encode(self, body: Any) -> tuple[bytes, str | None]:
        if body is None:
            return b"", None
        return json.dumps(body, ensure_ascii=False).encode(), "application/json;charset=UTF-8"


def main(argv: list[str] | None = None) -> None:
    run_alone("Jira", 8766, FakeJira, argv)


if __name__ == "__main__":
    main()

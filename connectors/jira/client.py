"""The outbound side: carries an OutboundAction out on a Jira issue (plaint.ports.Outbox).

Jira cannot add a comment and labels in one call, so "did the first attempt land?" is read
from the comment itself. The customer reads the comment, so what names its action is a
comment entity property the customer never sees, `plaint.action` = {"action_id": ...}
(https://developer.atlassian.com/cloud/jira/platform/rest/v3/
api-group-issue-comment-properties/), not text in the comment:

* through the platform API (POST /rest/api/3/issue/{key}/comment) the property goes in the
  comment's own `properties`, so it lands with the comment or not at all;
* the JSM request-comment endpoint (POST /rest/servicedeskapi/request/{key}/comment) takes
  no properties, so the property is set right after on the comment it answered
  (PUT /rest/api/3/comment/{id}/properties/plaint.action). Should that second call not
  land, a comment with exactly the action's text and no `plaint.action` is taken as this
  action's, rather than posting the same words twice.

`already_applied` and `apply` find it by reading the issue's comments, newest first, a page
at a time, and asking for that page's properties (POST /rest/api/3/comment/list
?expand=properties {"ids": [...]}: the list of an issue's comments cannot expand them).
Comments posted before the property existed end with a `Ref: {action_id}` line, which is
still recognised.

`apply` is written to be run again after any failure:

1. if no comment of the issue is this action's, post the comment;
2. if the action names a transition that the issue's record does not show, carry it out
   (see Transitions below);
3. add the marker label and the action's labels with the Edit Issue "update" verb `add`
   (PUT /rest/api/3/issue/{key} {"update": {"labels": [{"add": ...}]}}), which adds to the
   labels the issue has and is a no-op for one already there, so repeating it is harmless;
   labels the action takes off (`remove_tags`) go with the verb `remove`, as harmless.

`already_applied` is true only when every step landed: the comment naming the action, the
transition in the issue's record, and the marker label. A crash between steps therefore
leads to a second `apply`, which skips what landed and does the rest.

The comment and the transition are not retried within a call when Jira answers 5xx or the
connection breaks after sending (either may have landed; the next attempt looks before
posting again). 429 is retried, honouring Retry-After: a rate-limited request was not
carried out (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/).

Field values. `action.fields` maps a field id to a string, and Jira wants an object for
select-type fields. A small convention in the value says which:

* `option:<value>` is sent as {"value": "<value>"} (a select list option by its value);
* `id:<n>` is sent as {"id": "<n>"} (an option, priority, user... by its id);
* anything else is sent as the plain string.

Transitions. The key `transition` in `action.fields` is not a field: it names a workflow
transition. Before the labels are added, the client reads the transitions open to the issue
(GET /rest/api/3/issue/{key}/transitions), takes the one whose name matches
case-insensitively and carries it out, setting in the same request an issue property that
records it (Jira sets the `properties` of a transition request together with the transition:
https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
#api-rest-api-3-issue-issueidorkey-transitions-post):

    POST .../transitions {"transition": {"id": "21"},
                          "properties": [{"key": "plaint.transition", "value": {
                              "action_id": ..., "transition": "Resolve this issue",
                              "to": {"id": "5", "name": "Resolved"},
                              "recent_action_ids": [..., action_id]}}]}

A transition's name need not be its target status's ("Resolve this issue" leads to
"Resolved"), and once carried out it is usually no longer open, so neither the transitions
nor the status tell a retry whether its own attempt landed; the property does. Both `apply`
and `already_applied` read it (GET /rest/api/3/issue/{key}/properties/plaint.transition;
404: no record) and take the transition as done when it names the action. It keeps the
latest RECENT_TRANSITIONS action ids rather than only the last one: a retry of "Resolve"
that comes after a later "Reopen" must still find "Resolve" done, not resolve again.

When the record says nothing about the action, the transition is carried out if it is open.
If it is not, the issue's status decides only where it tells something: the status has the
transition's name (a workflow whose transitions are named after their statuses), or it is
the target the transitions answer named for this action earlier in this process. When the
record cannot be read (403, or a value not in our shape), an open transition whose target is
the issue's status already is not carried out again. Anything else is a
PermanentDeliveryError naming the open transitions, which parks the action for an operator
rather than guessing whether an earlier attempt landed.

Disposal. Actions that dispose of an issue at the end of its retention period
(ActionKind.DELETE_TICKET and ActionKind.REDACT_TICKET) go to connectors.jira.disposal,
through the same paced session.

Pacing. Requests are paced (connectors.http.Pacer) at `requests_per_minute`, 100 by
default. Jira Cloud enforces three limits at once: a points-based hourly quota for apps
(Forge, Connect, OAuth 2.0), per-second burst limits per endpoint (which also govern API
token traffic) and per-issue write limits; none is a fixed request count we could aim at,
so the default is conservative and configurable
(https://developer.atlassian.com/cloud/jira/platform/rate-limiting/). The bucket is per
Lambda container: see Pacer.
"""

from __future__ import annotations

import re
from typing import Any, Final, Self

import requests
from pydantic import ValidationError
from requests.auth import AuthBase, HTTPBasicAuth

from connectors.http import (
    ApiAccess,
    ApiConnection,
    BearerAuth,
    DeadlineRetry,
    read_answer,
    send,
)
from connectors.jira.answers import raise_for_status
from connectors.jira.disposal import IssueDisposal
from connectors.jira.wire import (
    ISSUE_KEY_PATTERN,
    ApiComment,
    ApiCommentList,
    ApiCommentPage,
    ApiCommentWithProperties,
    ApiEntityProperty,
    ApiIssueLabels,
    ApiTransition,
    ApiTransitions,
    Named,
    Status,
    TransitionRecord,
    User,
)
from connectors.payload import plain_address
from plaint.model.actions import ActionKind, OutboundAction
from plaint.vocabulary.errors import PermanentDeliveryError

COMMENT_PAGE_SIZE: Final = 100
USER_REF_PREFIX: Final = "jira-user:"  # a complainant_ref, as connectors.jira.mapper writes it
MAX_COMMENT_PAGES: Final = 20
ACTION_PROPERTY: Final = "plaint.action"
# How comments posted before ACTION_PROPERTY named their action: a last line.
LEGACY_REF_PREFIX: Final = "Ref: "
TRANSITION_KEY: Final = "transition"
TRANSITION_PROPERTY: Final = "plaint.transition"
# A complaint goes through a handful of transitions and a retry comes within hours, so the
# latest twenty cover any retry a later transition could overtake (about 2 KB of the 32 KB
# a property may hold).
RECENT_TRANSITIONS: Final = 20
# Targets noted per action id for a retry in the same process; bounded, oldest forgotten.
REMEMBERED_TARGETS: Final = 256
# Jira Cloud publishes no request count to aim at (points per hour, per-second bursts,
# per-issue writes): https://developer.atlassian.com/cloud/jira/platform/rate-limiting/
DEFAULT_REQUESTS_PER_MINUTE: Final = 100.0

_ISSUE_KEY: Final = re.compile(ISSUE_KEY_PATTERN)
_BLANK_LINES: Final = re.compile(r"\n[ \t]*\n")


class JiraRetry(DeadlineRetry):
    """DeadlineRetry that also retries a POST, but only on 429: Jira did not carry out a
    rate-limited request, while a POST that met a 5xx may have landed."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST":
            return status_code == 429 and bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)


def auth_for(auth: tuple[str, str] | str) -> AuthBase:
    """(email, API token) is basic auth (Jira Cloud); a string is a bearer token (an OAuth
    2.0 access token, or a Data Center personal access token)."""
    if isinstance(auth, str):
        return BearerAuth(auth)
    email, api_token = auth
    return HTTPBasicAuth(email, api_token)


class JiraClient(ApiConnection):
    """Outbox for Jira and Jira Service Management issues.

    With `service_desk=True` the comment goes through the JSM request API
    (POST /rest/servicedeskapi/request/{key}/comment, {"body": text, "public": bool}), which
    is how a reply is made visible to the customer (or kept internal). Otherwise it goes
    through the platform API (POST /rest/api/3/issue/{key}/comment) with the text as an ADF
    document; on a JSM issue such a comment is public by default.

    Requests are paced at 100 a minute unless the access says otherwise.
    """

    def __init__(self, access: ApiAccess, *, service_desk: bool = False) -> None:
        auth = auth_for(access.credentials)
        super().__init__(
            access, auth, default_rate=DEFAULT_REQUESTS_PER_MINUTE, retry_type=JiraRetry
        )
        self._service_desk = service_desk
        # action id -> the status its transition leads to, as the transitions answer said.
        self._targets: dict[str, Named] = {}
        self._disposal = IssueDisposal(self._call)

    def already_applied(self, action: OutboundAction) -> bool:
        key = _issue_key(action.ticket_id)
        if action.kind is ActionKind.DELETE_TICKET:
            return self._disposal.deleted(key)
        if action.kind is ActionKind.REDACT_TICKET:
            return self._disposal.redacted(key, _labels_of(action)[0])
        if action.marker_tag not in self._labels(key):
            return False
        if action.comment and not self._has_comment(key, action):
            return False
        if not _transition_of(action):
            return True
        # A marker label names a kind of action, and another action may have put it there;
        # the record names this one. An unreadable record proves nothing: False lets
        # `apply`, which is safe to run again, decide.
        record = self._transition_record(key)
        return record is not None and record.names(action.action_id)

    def apply(self, action: OutboundAction) -> None:
        key = _issue_key(action.ticket_id)
        if action.kind is ActionKind.DELETE_TICKET:
            self._disposal.delete(key)
            return
        if action.kind is ActionKind.REDACT_TICKET:
            self._disposal.redact(key, _labels_of(action)[0])
            return
        labels = _labels_of(action)
        fields = field_values(action.fields)
        transition = _transition_of(action)
        if action.comment and not self._has_comment(key, action):
            self._post_comment(key, action)
        if transition:
            self._transition(key, transition, action)
        edits = [{"add": label} for label in labels if label not in action.remove_tags]
        edits += [{"remove": label} for label in action.remove_tags if label not in labels]
        body: dict[str, Any] = {"update": {"labels": edits}}
        if fields:
            body["fields"] = fields
        raise_for_status(self._call("PUT", f"/rest/api/3/issue/{key}", json=body))

    def _transition(self, key: str, name: str, action: OutboundAction) -> None:
        """Carry out the transition called `name` (case-insensitively) for `action`, unless
        the issue shows an earlier attempt did."""
        action_id = action.action_id
        record = self._transition_record(key)
        if record is not None and record.names(action_id):
            return  # Jira recorded it together with the transition
        path = f"/rest/api/3/issue/{key}/transitions"
        response = self._call("GET", path)
        raise_for_status(response)
        open_ones = read_answer(response, ApiTransitions, "transitions from Jira").transitions
        chosen = _named(open_ones, name)
        if chosen is None:
            self._settle_closed(key, name, action, record, open_ones)
            return
        if chosen.to is not None:
            self._remember_target(action_id, chosen.to)
            if record is None and _stands_at(self._status(key), chosen.to):
                return  # no record to read, and the issue stands where this leads already
        value = _record_after(record, action_id, name, chosen.to)
        body = {
            "transition": {"id": chosen.id},
            "properties": [{"key": TRANSITION_PROPERTY, "value": value}],
        }
        raise_for_status(self._call("POST", path, json=body))

    def _settle_closed(
        self,
        key: str,
        name: str,
        action: OutboundAction,
        record: TransitionRecord | None,
        open_ones: tuple[ApiTransition, ...],
    ) -> None:
        """The transition is not open now: return when the issue's status shows it was
        carried out, else raise PermanentDeliveryError rather than guess."""
        status = self._status(key)
        if (status.name or "").strip().casefold() == name.casefold():
            return  # a transition named after its status: the status says it landed
        target = self._targets.get(action.action_id)
        if target is not None and _stands_at(status, target):
            return  # the target this process saw for it earlier
        available = ", ".join(repr(t.name) for t in open_ones) or "none"
        message = (
            f"issue {key} has no transition named {name!r} open from status "
            f"{status.name!r}; available: {available}"
        )
        if action.attempts > 1:
            found = "cannot be read" if record is None else "does not name this action"
            message += (
                f"; its {TRANSITION_PROPERTY} property {found}, so whether an earlier "
                f"attempt of {action.action_id} carried the transition out is unknown"
            )
        raise PermanentDeliveryError(message)

    def _transition_record(self, key: str) -> TransitionRecord | None:
        """The issue's record of Plaint's transitions: empty when it has none, None when it
        cannot be read (no permission, or a value not in our shape)."""
        path = f"/rest/api/3/issue/{key}/properties/{TRANSITION_PROPERTY}"
        response = self._call("GET", path)
        if response.status_code == 404:
            return TransitionRecord()  # no property (a missing issue fails on the next call)
        if response.status_code == 403:
            return None
        raise_for_status(response)
        stored = read_answer(response, ApiEntityProperty, "issue property from Jira")
        try:
            return TransitionRecord.model_validate(stored.value)
        except ValidationError:
            return None

    def _remember_target(self, action_id: str, target: Named) -> None:
        self._targets.pop(action_id, None)
        self._targets[action_id] = target
        while len(self._targets) > REMEMBERED_TARGETS:
            del self._targets[next(iter(self._targets))]

    def _status(self, key: str) -> Status:
        response = self._call("GET", f"/rest/api/3/issue/{key}", params={"fields": "status"})
        raise_for_status(response)
        status = read_answer(response, ApiIssueLabels, "issue body from Jira").fields.status
        return status or Status()

    def _post_comment(self, key: str, action: OutboundAction) -> None:
        text = comment_text(action)
        marker = {"key": ACTION_PROPERTY, "value": action_marker(action)}
        if self._service_desk:
            path = f"/rest/servicedeskapi/request/{key}/comment"
            response = self._call("POST", path, json={"body": text, "public": action.public})
            raise_for_status(response)
            posted = read_answer(response, ApiComment, "the comment Jira added")
            if not posted.id:
                return  # not findable by id; the text identifies it on a retry
            property_path = f"/rest/api/3/comment/{posted.id}/properties/{ACTION_PROPERTY}"
            raise_for_status(self._call("PUT", property_path, json=marker["value"]))
            return
        properties = [marker]
        if not action.public:
            # JSM reads this comment property to keep a comment internal.
            properties.append({"key": "sd.public.comment", "value": {"internal": True}})
        body = {"body": adf_document(text), "properties": properties}
        path = f"/rest/api/3/issue/{key}/comment"
        raise_for_status(self._call("POST", path, json=body))

    def _labels(self, key: str) -> tuple[str, ...]:
        response = self._call("GET", f"/rest/api/3/issue/{key}", params={"fields": "labels"})
        raise_for_status(response)
        return read_answer(response, ApiIssueLabels, "issue body from Jira").fields.labels

    def _has_comment(self, key: str, action: OutboundAction) -> bool:
        """Whether a comment of the issue is the action's (see the module), newest first."""
        start = 0
        for _ in range(MAX_COMMENT_PAGES):
            params: dict[str, str | int] = {
                "orderBy": "-created",
                "startAt": start,
                "maxResults": COMMENT_PAGE_SIZE,
            }
            response = self._call("GET", f"/rest/api/3/issue/{key}/comment", params=params)
            raise_for_status(response)
            page = read_answer(response, ApiCommentPage, "comments from Jira")
            ids = [comment.id for comment in page.comments if comment.id]
            if ids and any(_is_action(c, action) for c in self._with_properties(ids)):
                return True
            start += len(page.comments)
            if not page.comments or start >= page.total:
                return False
        return False

    def _with_properties(self, ids: list[str]) -> list[ApiCommentWithProperties]:
        """The comments of these ids with their entity properties, every page of them."""
        found: list[ApiCommentWithProperties] = []
        body = {"ids": [int(i) if i.isdigit() else i for i in ids]}
        while True:
            params: dict[str, str | int] = {
                "expand": "properties",
                "startAt": len(found),
                "maxResults": COMMENT_PAGE_SIZE,
            }
            response = self._call("POST", "/rest/api/3/comment/list", params=params, json=body)
            raise_for_status(response)
            page = read_answer(response, ApiCommentList, "comments with properties from Jira")
            found.extend(page.values)
            if page.is_last or not page.values or len(found) >= len(ids):
                return found

    def address_of(self, complainant_ref: str) -> str | None:
        """The reporter's email (GET /rest/api/3/user?accountId=..., `emailAddress`); None
        for an account Jira does not know (404) or whose profile hides the address, as
        Atlassian accounts do unless the user chose to show it."""
        account = complainant_ref.removeprefix(USER_REF_PREFIX)
        if account == complainant_ref or not account:
            return None  # not a Jira user
        response = self._call("GET", "/rest/api/3/user", params={"accountId": account})
        if response.status_code == 404:
            return None
        raise_for_status(response)
        return plain_address(read_answer(response, User, "user from Jira").email_address)

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return send(self._session, method, self._base_url + path, self._auth, **kwargs)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._session.close()


def comment_text(action: OutboundAction) -> str:
    """The comment as posted: the action's text and nothing else the customer would read."""
    return (action.comment or "").strip()


def action_marker(action: OutboundAction) -> dict[str, str]:
    """The value of the comment property that names the action which posted the comment."""
    return {"action_id": action.action_id}


def adf_document(text: str) -> dict[str, Any]:
    """Plain text as an ADF document: a paragraph per blank-line-separated block, single
    newlines as hard breaks (https://developer.atlassian.com/cloud/jira/platform/apis/
    document/structure/)."""
    paragraphs = []
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").strip("\n")):
        lines = block.strip("\n").split("\n")
        if not any(line.strip() for line in lines):
            continue
        content: list[dict[str, Any]] = []
        for number, line in enumerate(lines):
            if number:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        paragraphs.append({"type": "paragraph", "content": content})
    return {"type": "doc", "version": 1, "content": paragraphs}


def field_value(value: str) -> str | dict[str, str]:
    """A field value as Jira wants it: `option:x` -> {"value": "x"}, `id:n` -> {"id": "n"},
    anything else as the plain string."""
    if value.startswith("option:"):
        return {"value": value.removeprefix("option:")}
    if value.startswith("id:"):
        return {"id": value.removeprefix("id:")}
    return value


def field_values(fields: dict[str, str]) -> dict[str, str | dict[str, str]]:
    """The Edit Issue `fields` of an action: every entry but `transition`, converted."""
    return {key: field_value(value) for key, value in fields.items() if key != TRANSITION_KEY}


def _transition_of(action: OutboundAction) -> str:
    return action.fields.get(TRANSITION_KEY, "").strip()


def _record_after(
    record: TransitionRecord | None, action_id: str, name: str, target: Named | None
) -> dict[str, Any]:
    """The record once this transition is carried out: it leads, after the latest others."""
    earlier = record.recent_action_ids if record is not None else ()
    recent = [*(known for known in earlier if known != action_id), action_id]
    updated = TransitionRecord(
        action_id=action_id,
        transition=name,
        to=target,
        recent_action_ids=tuple(recent[-RECENT_TRANSITIONS:]),
    )
    return updated.model_dump(mode="json", exclude_none=True)


def _stands_at(status: Status, target: Named) -> bool:
    """Whether the issue's status is `target`: by id when both carry one (names can be
    translated or renamed), else by name."""
    if status.id and target.id:
        return status.id == target.id
    wanted = (target.name or "").strip().casefold()
    return bool(wanted) and (status.name or "").strip().casefold() == wanted


def _named(transitions: tuple[ApiTransition, ...], name: str) -> ApiTransition | None:
    wanted = name.casefold()
    return next((t for t in transitions if t.name.strip().casefold() == wanted), None)


def _is_action(comment: ApiCommentWithProperties, action: OutboundAction) -> bool:
    """The comment names the action, or names none and says exactly what the action says
    (a request-API comment whose property was not set), or ends with the old reference."""
    marker = comment.property_value(ACTION_PROPERTY)
    if isinstance(marker, dict):
        return marker.get("action_id") == action.action_id
    if comment.body is None:
        return False
    reference = LEGACY_REF_PREFIX + action.action_id
    if any(line.strip() == reference for line in comment.body.splitlines()):
        return True
    return _words(comment.body) == _words(comment_text(action))


def _words(text: str) -> str:
    return " ".join(text.split())


def _issue_key(ticket_id: str) -> str:
    if not _ISSUE_KEY.fullmatch(ticket_id):
        raise PermanentDeliveryError(f"{ticket_id!r} is not a Jira issue key")
    return ticket_id


def _labels_of(action: OutboundAction) -> list[str]:
    labels = list(dict.fromkeys([action.marker_tag, *action.add_tags]))
    for label in labels:
        # Jira labels are single words: a space would be refused with 400.
        if not label or any(char.isspace() for char in label) or len(label) > 255:
            raise PermanentDeliveryError(f"{label!r} cannot be a Jira label")
    return labels

"""Disposal of a Jira issue at the end of its retention period: deleting it for good
(ActionKind.DELETE_TICKET), or removing the complainant's words while the issue stays
(ActionKind.REDACT_TICKET). Every step can be run again after any failure.

Deletion is Delete Issue, subtasks included (DELETE /rest/api/3/issue/{key}
?deleteSubtasks=true, https://developer.atlassian.com/cloud/jira/platform/rest/v3/
api-group-issues/#api-rest-api-3-issue-issueidorkey-delete): 204, the issue and its
subtasks are deleted. Jira answers 404 both for an issue that is gone and for one the token
may not see, so a 404 counts as "deleted" only when the token can see the issue's project
(GET /rest/api/3/project/{projectKey}); otherwise the action is parked, since nothing
proves the issue went.

Redaction uses the edit and delete calls every Jira Cloud site has, in this order:

1. delete every comment (DELETE /rest/api/3/issue/{key}/comment/{id}; 404: gone already);
2. delete every attachment (DELETE /rest/api/3/attachment/{id}; 404: gone already);
3. one Edit Issue that sets the summary and the description to "[redacted]" and adds the
   action's marker label (PUT /rest/api/3/issue/{key}).

The marker goes on in the last step, so with the summary it says the first two landed.
Atlassian's Issue redaction API (POST /rest/api/3/redact) is not used: it needs Atlassian
Guard Premium, runs as an asynchronous job and wants the exact position of every redacted
span. Edit Issue keeps the old summary and description in the issue's change history, and
the reporter stays linked to the issue: where that matters, delete the issue instead.
"""

from __future__ import annotations

import re
from typing import Any, Final, Protocol

import requests

from connectors.http import read_answer
from connectors.jira.answers import raise_for_status
from connectors.jira.wire import ApiCommentPage, ApiIssueForDisposal
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError

REDACTED_TEXT: Final = "[redacted]"
COMMENT_PAGE_SIZE: Final = 100
# Rounds of "read the first page, delete it"; past them the next attempt carries on.
MAX_COMMENT_ROUNDS: Final = 50
_NUMERIC_ID: Final = re.compile(r"\d{1,20}")


class Send(Protocol):
    """One request to the Jira API at `path`, paced and retried by the client's session."""

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response: ...


class IssueDisposal:
    """Deletes or redacts issues through `send`. `key` is a checked issue key."""

    def __init__(self, send: Send) -> None:
        self._send = send

    # --- deletion ---------------------------------------------------------------------

    def delete(self, key: str) -> None:
        path = f"/rest/api/3/issue/{key}"
        response = self._send("DELETE", path, params={"deleteSubtasks": "true"})
        if response.status_code == 404:
            self._require_project(key)
            return  # deleted already, by an earlier attempt or by someone else
        raise_for_status(response)

    def deleted(self, key: str) -> bool:
        response = self._send("GET", f"/rest/api/3/issue/{key}", params={"fields": "summary"})
        if response.status_code != 404:
            raise_for_status(response)
            return False
        return self._project_visible(key)

    def _project_visible(self, key: str) -> bool:
        response = self._send("GET", f"/rest/api/3/project/{_project_of(key)}")
        if response.status_code == 404:
            return False
        raise_for_status(response)
        return True

    def _require_project(self, key: str) -> None:
        if not self._project_visible(key):
            raise PermanentDeliveryError(
                f"Jira answers 404 for issue {key} and for project {_project_of(key)}: the"
                " token may not browse the project, so whether the issue is gone is unknown"
            )

    # --- redaction --------------------------------------------------------------------

    def redacted(self, key: str, marker_label: str) -> bool:
        return _marked(self._issue(key), marker_label)

    def redact(self, key: str, marker_label: str) -> None:
        issue = self._issue(key)
        if _marked(issue, marker_label):
            return  # an earlier attempt landed
        self._delete_comments(key)
        for attachment in issue.fields.attachment:
            self._delete(f"/rest/api/3/attachment/{_numeric(attachment.id, 'attachment')}")
        body = {
            "fields": {"summary": REDACTED_TEXT, "description": _adf_paragraph(REDACTED_TEXT)},
            "update": {"labels": [{"add": marker_label}]},
        }
        raise_for_status(self._send("PUT", f"/rest/api/3/issue/{key}", json=body))

    def _delete_comments(self, key: str) -> None:
        """Delete the first page of comments until none is left: deleting shifts the pages,
        so the first one is always the next to go."""
        path = f"/rest/api/3/issue/{key}/comment"
        params = {"startAt": 0, "maxResults": COMMENT_PAGE_SIZE}
        for _ in range(MAX_COMMENT_ROUNDS):
            response = self._send("GET", path, params=params)
            raise_for_status(response)
            page = read_answer(response, ApiCommentPage, "comments from Jira")
            if not page.comments:
                return
            for comment in page.comments:
                self._delete(f"{path}/{_numeric(comment.id, 'comment')}")
        raise TransientDeliveryError(
            f"issue {key} still has comments after {MAX_COMMENT_ROUNDS} pages were deleted;"
            " the next attempt carries on"
        )

    def _delete(self, path: str) -> None:
        response = self._send("DELETE", path)
        if response.status_code != 404:  # 404: gone already
            raise_for_status(response)

    def _issue(self, key: str) -> ApiIssueForDisposal:
        params = {"fields": "summary,labels,attachment"}
        response = self._send("GET", f"/rest/api/3/issue/{key}", params=params)
        raise_for_status(response)
        return read_answer(response, ApiIssueForDisposal, "issue body from Jira")


def _marked(issue: ApiIssueForDisposal, marker_label: str) -> bool:
    return marker_label in issue.fields.labels and issue.fields.summary == REDACTED_TEXT


def _project_of(key: str) -> str:
    return key.rsplit("-", 1)[0]


def _numeric(value: str | None, what: str) -> str:
    if value is None or not _NUMERIC_ID.fullmatch(value):
        raise PermanentDeliveryError(f"Jira sent a {what} id that is not a number: {value!r}")
    return value


def _adf_paragraph(text: str) -> dict[str, Any]:
    """`text` as an Atlassian Document Format document: v3 wants ADF for the description."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}

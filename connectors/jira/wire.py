"""Jira's wire formats, with Jira's own field names.

A webhook body (https://developer.atlassian.com/cloud/jira/platform/webhooks/) is
`{"webhookEvent", "timestamp" (epoch milliseconds), "issue", "changelog"?, "comment"?}`.
Cloud and Server/Data Center differ in small ways, all accepted here:

* users carry `accountId` on Cloud, `name` and `key` on Server/DC (older Cloud payloads
  carry both);
* `description` and comment `body` are wiki-markup strings on Server/DC and in REST v2,
  Atlassian Document Format (ADF) documents in REST v3 (https://developer.atlassian.com/
  cloud/jira/platform/apis/document/structure/): both become plain text;
* comment webhooks embed a slim issue (key, summary, status, priority; no dates, no
  reporter), and Server/DC `comment_created` may embed no issue at all.

Lenient on everything Plaint does not read (unknown fields are ignored; custom fields are
kept as sent in `IssueFields.custom`), strict where the engine needs a value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from connectors.payload import BoundedId, BoundedTags, plausible

ISSUE_KEY_PATTERN: Final = r"^[A-Za-z][A-Za-z0-9_]*-\d{1,18}$"

# ADF nodes whose content is a block of its own: their text is put on its own line.
_BLOCK_NODES: Final = frozenset(
    {
        "paragraph",
        "heading",
        "blockquote",
        "codeBlock",
        "listItem",
        "bulletList",
        "orderedList",
        "panel",
        "tableRow",
        "tableCell",
        "tableHeader",
        "table",
        "expand",
        "nestedExpand",
        "rule",
        "mediaSingle",
        "mediaGroup",
        "decisionItem",
        "taskItem",
    }
)


def adf_text(node: Any) -> str:
    """The plain text of an ADF document (or of any node of one): text nodes as written,
    one line per block, hard breaks as newlines, mentions and emoji by their text."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = "".join(current).strip()
        current.clear()
        if line:
            lines.append(line)

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                walk(child)
            return
        if not isinstance(item, dict):
            return
        kind = item.get("type")
        attrs: dict[str, Any] = item["attrs"] if isinstance(item.get("attrs"), dict) else {}
        if kind == "text":
            current.append(str(item.get("text") or ""))
        elif kind == "hardBreak":
            flush()
        elif kind in ("mention", "emoji", "status", "date"):
            text = attrs.get("text") or attrs.get("shortName") or attrs.get("timestamp")
            if text:
                current.append(str(text))
        elif kind in ("inlineCard", "blockCard", "embedCard") and attrs.get("url"):
            current.append(str(attrs["url"]))
        block = kind in _BLOCK_NODES
        if block:
            flush()
        walk(item.get("content"))
        if block:
            flush()

    walk(node)
    flush()
    return "\n".join(lines)


def to_text(value: Any) -> Any:
    """A description or comment body: a string as sent, an ADF document as its text."""
    if isinstance(value, dict) and value.get("type") == "doc":
        return adf_text(value)
    return value


def to_datetime(value: Any) -> Any:
    """Jira timestamps: ISO 8601 with a basic-format offset ("2019-02-15T19:11:18.321-0800")
    in issue and comment fields, integer epoch milliseconds at the top of a webhook."""
    if isinstance(value, bool):
        return value  # let pydantic refuse it
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 20:
        value = int(value.strip())
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"epoch milliseconds {value} are beyond any date") from exc
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


JiraTime = Annotated[datetime, BeforeValidator(to_datetime), AfterValidator(plausible)]
Id = BoundedId | None
# Before-validators run last to first: ADF becomes text, then blank text becomes None.
RichText = Annotated[str | None, BeforeValidator(_blank_to_none), BeforeValidator(to_text)]
IssueKey = Annotated[str, Field(pattern=ISSUE_KEY_PATTERN, max_length=128)]


class Wire(BaseModel):
    model_config = ConfigDict(
        extra="ignore", frozen=True, coerce_numbers_to_str=True, populate_by_name=True
    )


class User(Wire):
    account_id: Id = Field(default=None, alias="accountId")
    account_type: str | None = Field(default=None, alias="accountType")
    name: Id = None
    key: Id = None
    display_name: str | None = Field(default=None, alias="displayName")
    email_address: str | None = Field(default=None, alias="emailAddress")

    @property
    def ref(self) -> str | None:
        """The stable id of the user: accountId on Cloud, key (then name) on Server/DC."""
        return self.account_id or self.key or self.name


class StatusCategory(Wire):
    key: str | None = None
    name: str | None = None


class Status(Wire):
    id: str | None = None
    name: str | None = None
    status_category: StatusCategory | None = Field(default=None, alias="statusCategory")


class Named(Wire):
    id: str | None = None
    name: str | None = None


class IssueFields(Wire):
    model_config = ConfigDict(
        extra="allow", frozen=True, coerce_numbers_to_str=True, populate_by_name=True
    )

    summary: str | None = None
    description: RichText = None
    created: JiraTime | None = None
    updated: JiraTime | None = None
    status: Status | None = None
    priority: Named | None = None
    issuetype: Named | None = None
    labels: BoundedTags = ()
    reporter: User | None = None
    creator: User | None = None

    @property
    def custom(self) -> dict[str, Any]:
        """Every customfield_* as sent."""
        extra = self.model_extra or {}
        return {key: value for key, value in extra.items() if key.startswith("customfield_")}

    def value_of(self, field_id: str) -> Any:
        """A field's raw value by id (custom or not), None when absent."""
        if field_id in type(self).model_fields:
            return getattr(self, field_id)
        return (self.model_extra or {}).get(field_id)


class FeedbackComment(Wire):
    body: str | None = None


class RequestFeedback(Wire):
    """GET /rest/servicedeskapi/request/{issueIdOrKey}/feedback (experimental):
    {"type": "csat", "rating": 1..5, "comment": {"body"}}
    (https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/)."""

    type: str | None = None
    rating: int | None = None
    comment: FeedbackComment | None = None


class Issue(Wire):
    id: Id = None
    key: IssueKey
    fields: IssueFields = IssueFields()


class ChangeItem(Wire):
    field: str | None = None
    fieldtype: str | None = None
    field_id: str | None = Field(default=None, alias="fieldId")
    from_value: str | None = Field(default=None, alias="from")
    from_string: str | None = Field(default=None, alias="fromString")
    to_value: str | None = Field(default=None, alias="to")
    to_string: str | None = Field(default=None, alias="toString")


class Changelog(Wire):
    id: Id = None
    items: tuple[ChangeItem, ...] = ()

    def changed(self, field: str) -> bool:
        wanted = field.lower()
        return any(
            (item.field_id or "").lower() == wanted or (item.field or "").lower() == wanted
            for item in self.items
        )


class Comment(Wire):
    id: Id = None
    body: RichText = None
    author: User | None = None
    created: JiraTime | None = None
    updated: JiraTime | None = None
    # Jira Service Management: False for an internal note, True for a reply the customer sees.
    jsd_public: bool | None = Field(default=None, alias="jsdPublic")


class WebhookPayload(Wire):
    webhook_event: Annotated[str, Field(min_length=1, max_length=200)] = Field(alias="webhookEvent")
    timestamp: JiraTime | None = None
    issue_event_type_name: str | None = None
    user: User | None = None
    issue: dict[str, Any] | None = None
    changelog: Changelog | None = None
    comment: Comment | None = None


# --- REST API ----------------------------------------------------------------------------


class ApiWire(Wire):
    """The REST API's answers: read by the worker's outbound calls, never by a webhook, so
    their validators are built on first use rather than when a webhook imports this."""

    model_config = ConfigDict(defer_build=True)


class ApiComment(ApiWire):
    id: str | None = None
    body: RichText = None


class ApiCommentPage(ApiWire):
    """GET /rest/api/3/issue/{key}/comment (PageOfComments)."""

    start_at: int = Field(default=0, alias="startAt")
    max_results: int = Field(default=0, alias="maxResults")
    total: int = 0
    comments: tuple[ApiComment, ...] = ()


class ApiIssueLabels(ApiWire):
    """GET /rest/api/3/issue/{key}?fields=labels."""

    key: str | None = None
    fields: IssueFields = IssueFields()


class ApiAttachment(ApiWire):
    id: str
    filename: str | None = None


class DisposalFields(ApiWire):
    summary: str | None = None
    labels: tuple[str, ...] = ()
    attachment: tuple[ApiAttachment, ...] = ()


class ApiIssueForDisposal(ApiWire):
    """GET /rest/api/3/issue/{key}?fields=summary,labels,attachment."""

    key: str | None = None
    fields: DisposalFields = DisposalFields()


class ApiTransition(ApiWire):
    id: str
    name: str = ""
    to: Named | None = None


class ApiTransitions(ApiWire):
    """GET /rest/api/3/issue/{key}/transitions: the transitions open to the issue now."""

    transitions: tuple[ApiTransition, ...] = ()


class ApiEntityProperty(ApiWire):
    """GET /rest/api/3/issue/{key}/properties/{propertyKey}: {"key", "value"}, the value
    any JSON object the writer chose."""

    key: str | None = None
    value: Any = None


class ApiCommentWithProperties(ApiComment):
    """A comment with its entity properties (POST /rest/api/3/comment/list?expand=properties)."""

    properties: tuple[ApiEntityProperty, ...] = ()

    def property_value(self, key: str) -> Any:
        return next((p.value for p in self.properties if p.key == key), None)


class ApiCommentList(ApiWire):
    """POST /rest/api/3/comment/list (PageBeanComment): the comments of the ids asked for."""

    start_at: int = Field(default=0, alias="startAt")
    total: int = 0
    is_last: bool = Field(default=True, alias="isLast")
    values: tuple[ApiCommentWithProperties, ...] = ()


class TransitionRecord(ApiWire):
    """The value of the issue property in which Plaint records its own transitions (see
    connectors/jira/client.py). Plaint's shape, not Jira's: Jira stores it as sent.

    `action_id`, `transition` and `to` describe the latest transition Plaint carried out;
    `recent_action_ids` names the latest few, oldest first, so that a later transition does
    not hide an earlier one whose attempt is still being retried.
    """

    action_id: str | None = None
    transition: str | None = None
    to: Named | None = None
    recent_action_ids: tuple[str, ...] = ()

    def names(self, action_id: str) -> bool:
        """Whether the record says the transition of `action_id` was carried out."""
        return action_id == self.action_id or action_id in self.recent_action_ids

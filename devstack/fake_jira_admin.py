"""The fake Jira's admin endpoints, the ones `plaint connect jira` calls
(connectors/jira/setup.py), in the documented shapes:

Admin webhooks (https://developer.atlassian.com/cloud/jira/platform/webhooks/#registering-a-webhook-via-the-jira-rest-api):
  GET  /rest/webhooks/1.0/webhook          [{"name", "url", "events", "filters",
                                           "excludeBody", "enabled", "self", ...}]; a
                                           webhook's secret is never shown again
  POST /rest/webhooks/1.0/webhook          {"name", "url", "events", "filters"?,
                                           "excludeBody"?, "secret"?} -> 201 the webhook
  GET  /rest/webhooks/1.0/webhook/{id}     the webhook
  PUT  /rest/webhooks/1.0/webhook/{id}     the same body -> 200 the webhook
Fields (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/):
  GET  /rest/api/3/field                   [{"id", "key", "name", "custom", "schema"}], the
                                           system fields and the custom ones
  POST /rest/api/3/field                   {"name", "type", "searcherKey"?, "description"?}
                                           -> 201 {"id": "customfield_N", ...}
"""

from __future__ import annotations

import re
from typing import Any, Final

from devstack.fake_http import Answer

WEBHOOKS: Final = "/rest/webhooks/1.0/webhook"
SITE: Final = "https://example.atlassian.net"
_WEBHOOK: Final = re.compile(r"^/rest/webhooks/1\.0/webhook/(\d{1,10})$")
_SYSTEM_FIELDS: Final = (
    {"id": "summary", "key": "summary", "name": "Summary", "custom": False,
     "schema": {"type": "string", "system": "summary"}},
    {"id": "labels", "key": "labels", "name": "Labels", "custom": False,
     "schema": {"type": "array", "items": "string", "system": "labels"}},
)  # fmt: skip


def _error(status: int, *messages: str, **errors: str) -> Answer:
    return status, {"errorMessages": list(messages), "errors": errors}, {}


class JiraAdmin:
    """The site's admin webhooks (with their secrets) and custom fields."""

    def __init__(self) -> None:
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.secrets: dict[str, str] = {}
        self.fields: list[dict[str, Any]] = []
        self.next_id = 10100

    def kept(self) -> dict[str, Any]:
        return {"webhooks": self.webhooks, "secrets": self.secrets, "fields": self.fields,
                "next_id": self.next_id}  # fmt: skip

    @classmethod
    def restored(cls, kept: dict[str, Any] | None) -> JiraAdmin:
        admin = cls()
        if kept:
            admin.webhooks, admin.secrets = dict(kept["webhooks"]), dict(kept["secrets"])
            admin.fields, admin.next_id = list(kept["fields"]), int(kept["next_id"])
        return admin


def admin_route(admin: JiraAdmin, method: str, path: str, body: Any) -> Answer | None:
    """An admin API request's answer; None when the path is not an admin endpoint."""
    if path == "/rest/api/3/field":
        if method == "GET":
            return 200, [*_SYSTEM_FIELDS, *admin.fields], {}
        return _create_field(admin, body) if method == "POST" else _error(405, "")
    return _webhooks(admin, method, path, body)


def _webhooks(admin: JiraAdmin, method: str, path: str, body: Any) -> Answer | None:
    if path == WEBHOOKS:
        if method == "GET":
            return 200, list(admin.webhooks.values()), {}
        return _save_webhook(admin, None, body) if method == "POST" else _error(405, "")
    match = _WEBHOOK.match(path)
    if match is not None:
        webhook_id = match.group(1)
        if webhook_id not in admin.webhooks:
            return _error(404, "Webhook not found")
        if method == "GET":
            return 200, admin.webhooks[webhook_id], {}
        return _save_webhook(admin, webhook_id, body) if method == "PUT" else _error(405, "")
    return None


def _save_webhook(admin: JiraAdmin, webhook_id: str | None, body: Any) -> Answer:
    if not isinstance(body, dict):
        return _error(400, "Expected a JSON object")
    for name in ("name", "url"):
        if not body.get(name):
            return _error(400, **{name: f"The {name} is required."})
    events = body.get("events") or []
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        return _error(400, events="Events must be a list of event names.")
    if webhook_id is None:
        admin.next_id += 1
        webhook_id = str(admin.next_id)
    webhook = {
        "name": body["name"],
        "url": body["url"],
        "events": events,
        "filters": body.get("filters") or {},
        "excludeBody": bool(body.get("excludeBody")),
        "enabled": body.get("enabled", True) is not False,
        "self": f"{SITE}{WEBHOOKS}/{webhook_id}",
    }
    created = webhook_id not in admin.webhooks
    admin.webhooks[webhook_id] = webhook
    if body.get("secret"):
        admin.secrets[webhook_id] = str(body["secret"])
    return (201 if created else 200), webhook, {}


def _create_field(admin: JiraAdmin, body: Any) -> Answer:
    if not isinstance(body, dict) or not body.get("name") or not body.get("type"):
        return _error(400, name="The custom field name and type are required.")
    admin.next_id += 1
    field = {
        "id": f"customfield_{admin.next_id}",
        "key": f"customfield_{admin.next_id}",
        "name": body["name"],
        "custom": True,
        "description": body.get("description", ""),
        "schema": {"type": "string", "custom": body["type"], "customId": admin.next_id},
    }
    admin.fields.append(field)
    return 201, field, {}

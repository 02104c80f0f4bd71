"""The fake Zendesk's admin endpoints, the ones `plaint connect zendesk` calls
(connectors/zendesk/setup.py), in the documented shapes:

Webhooks API (https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/):
  GET  /api/v2/webhooks?filter[name_contains]=   {"webhooks", "meta", "links"}
  POST /api/v2/webhooks                          {"webhook": {name, endpoint, http_method,
                                                 request_format, status, subscriptions?,
                                                 signing_secret?}} -> 201 {"webhook"}; a
                                                 mandatory property missing -> 400
  GET  /api/v2/webhooks/{id}                     {"webhook"} (never its secret)
  PUT  /api/v2/webhooks/{id}                     {"webhook": {...}} -> 204
  GET  /api/v2/webhooks/{id}/signing_secret      {"signing_secret": {"algorithm", "secret"}}
  POST /api/v2/webhooks/{id}/signing_secret      resets it -> 201 {"signing_secret"}
Ticket Fields API (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/):
  GET  /api/v2/ticket_fields[.json]              {"ticket_fields", "next_page", "count"}
  POST /api/v2/ticket_fields[.json]              {"ticket_field": {type, title, ...}} -> 201
Triggers API (https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/):
  GET  /api/v2/triggers[.json]                   {"triggers", "next_page", "count"}
  POST /api/v2/triggers[.json]                   {"trigger": {title, conditions, actions}}
                                                 -> 201; a notification_webhook naming no
                                                 webhook -> 422
  PUT  /api/v2/triggers/{id}[.json]              -> 200 {"trigger"}
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any, Final

from devstack.fake_http import Answer

_WEBHOOK: Final = re.compile(r"^/api/v2/webhooks/([0-9A-Z]{26})(/signing_secret)?$")
_FIELDS: Final = re.compile(r"^/api/v2/ticket_fields(?:\.json)?$")
_TRIGGERS: Final = re.compile(r"^/api/v2/triggers(?:/(\d{1,20}))?(?:\.json)?$")
_WEBHOOK_MANDATORY: Final = ("name", "endpoint", "http_method", "request_format", "status")
_WEBHOOK_WRITABLE: Final = (*_WEBHOOK_MANDATORY, "subscriptions", "description")
_TRIGGER_WRITABLE: Final = ("title", "active", "conditions", "actions")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _invalid(status: int, title: str) -> Answer:
    return status, {"errors": [{"code": "InvalidInput", "title": title}]}, {}


class ZendeskAdmin:
    """The account's webhooks (with their secrets), ticket fields and triggers."""

    def __init__(self) -> None:
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.secrets: dict[str, str] = {}
        self.ticket_fields: list[dict[str, Any]] = []
        self.triggers: list[dict[str, Any]] = []
        self.next_id = 360000000

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def kept(self) -> dict[str, Any]:
        return {"webhooks": self.webhooks, "secrets": self.secrets, "next_id": self.next_id,
                "ticket_fields": self.ticket_fields, "triggers": self.triggers}  # fmt: skip

    @classmethod
    def restored(cls, kept: dict[str, Any] | None) -> ZendeskAdmin:
        admin = cls()
        if kept:
            admin.webhooks, admin.secrets = dict(kept["webhooks"]), dict(kept["secrets"])
            admin.ticket_fields = list(kept["ticket_fields"])
            admin.triggers = list(kept["triggers"])
            admin.next_id = int(kept["next_id"])
        return admin


def admin_route(admin: ZendeskAdmin, method: str, path: str, query: dict[str, str],
                body: Any) -> Answer | None:  # fmt: skip
    """An admin API request's answer; None when the path is not an admin endpoint."""
    if path == "/api/v2/webhooks":
        return _list_webhooks(admin, query) if method == "GET" else _create_webhook(admin, body)
    match = _WEBHOOK.match(path)
    if match is not None:
        return _webhook(admin, method, match.group(1), bool(match.group(2)), body)
    if _FIELDS.match(path):
        return _ticket_fields(admin, method, body)
    match = _TRIGGERS.match(path)
    if match is not None:
        return _triggers(admin, method, match.group(1), body)
    return None


def _list_webhooks(admin: ZendeskAdmin, query: dict[str, str]) -> Answer:
    contains = query.get("filter[name_contains]", "")
    found = [w for w in admin.webhooks.values() if contains in w["name"]]
    meta = {"has_more": False, "after_cursor": None, "before_cursor": None}
    return 200, {"webhooks": found, "meta": meta, "links": {"next": None, "prev": None}}, {}


def _create_webhook(admin: ZendeskAdmin, body: Any) -> Answer:
    given = body.get("webhook") if isinstance(body, dict) else None
    if not isinstance(given, dict):
        return _invalid(400, 'expected {"webhook": {...}}')
    missing = [name for name in _WEBHOOK_MANDATORY if not given.get(name)]
    if missing:
        return _invalid(400, f"{missing[0]} is required")
    webhook_id = ("01" + uuid.uuid4().hex.upper())[:26]
    webhook = {name: given[name] for name in _WEBHOOK_WRITABLE if name in given}
    webhook |= {"id": webhook_id, "created_at": _now(), "created_by": "-1"}
    admin.webhooks[webhook_id] = webhook
    secret = (given.get("signing_secret") or {}).get("secret")
    admin.secrets[webhook_id] = str(secret or secrets.token_urlsafe(32))
    return 201, {"webhook": webhook}, {}


def _webhook(admin: ZendeskAdmin, method: str, webhook_id: str, secret: bool, body: Any) -> Answer:
    webhook = admin.webhooks.get(webhook_id)
    if webhook is None:
        return 404, {"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]}, {}
    if secret:
        if method == "POST":
            admin.secrets[webhook_id] = secrets.token_urlsafe(32)
        elif method != "GET":
            return _invalid(405, "Method not allowed")
        shown = {"algorithm": "sha256", "secret": admin.secrets[webhook_id]}
        return (201 if method == "POST" else 200), {"signing_secret": shown}, {}
    if method == "GET":
        return 200, {"webhook": webhook}, {}
    given = body.get("webhook") if isinstance(body, dict) else None
    if method != "PUT" or not isinstance(given, dict):
        return _invalid(400, 'expected PUT {"webhook": {...}}')
    webhook.update({name: given[name] for name in _WEBHOOK_WRITABLE if name in given})
    webhook["updated_at"] = _now()
    return 204, None, {}


def _ticket_fields(admin: ZendeskAdmin, method: str, body: Any) -> Answer:
    if method == "GET":
        listed = {"ticket_fields": admin.ticket_fields, "next_page": None,
                  "previous_page": None, "count": len(admin.ticket_fields)}  # fmt: skip
        return 200, listed, {}
    given = body.get("ticket_field") if isinstance(body, dict) else None
    if method != "POST" or not isinstance(given, dict) or not given.get("title"):
        details = {"title": [{"description": "Title: cannot be blank"}]}
        return 422, {"error": "RecordInvalid", "description": "Record validation errors",
                     "details": details}, {}  # fmt: skip
    made = {"id": admin.new_id(), "type": str(given.get("type") or "text"),
            "title": given["title"], "description": given.get("description", ""),
            "active": True, "created_at": _now()}  # fmt: skip
    admin.ticket_fields.append(made)
    return 201, {"ticket_field": made}, {}


def _triggers(admin: ZendeskAdmin, method: str, trigger_id: str | None, body: Any) -> Answer:
    if method == "GET" and trigger_id is None:
        listed = {"triggers": admin.triggers, "next_page": None, "previous_page": None,
                  "count": len(admin.triggers)}  # fmt: skip
        return 200, listed, {}
    given = body.get("trigger") if isinstance(body, dict) else None
    if not isinstance(given, dict) or not given.get("title") or not given.get("actions"):
        return 400, {"error": "InvalidJSON", "description": "title and actions are required"}, {}
    for action in given["actions"]:
        value = action.get("value") if isinstance(action, dict) else None
        if action.get("field") == "notification_webhook" and (
            not isinstance(value, list) or len(value) != 2 or value[0] not in admin.webhooks
        ):
            return 422, {"error": "RecordInvalid",
                         "description": "Actions: webhook not found"}, {}  # fmt: skip
    kept = {name: given[name] for name in _TRIGGER_WRITABLE if name in given}
    if method == "POST" and trigger_id is None:
        made = {"id": admin.new_id(), "active": True, **kept, "created_at": _now()}
        admin.triggers.append(made)
        return 201, {"trigger": made}, {}
    found = next((t for t in admin.triggers if str(t["id"]) == trigger_id), None)
    if method != "PUT" or found is None:
        return 404, {"error": "RecordNotFound", "description": "Not found"}, {}
    found.update(kept)
    return 200, {"trigger": found}, {}

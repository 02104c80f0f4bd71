"""Connect a Zendesk account to Plaint through its own API (`plaint connect zendesk`): the
product and remedy ticket fields the trigger body reads, the webhook with a signing secret,
and the trigger that sends the recommended body (trigger_template.json) to it.

Each is looked up first (fields by title, the webhook by name, the trigger by title) and
created or updated only when it is missing or differs. A new webhook gets a fresh signing
secret (https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/#create-or-clone-webhook);
an existing one keeps its own unless `rotate` asks for a new one (Reset Webhook Signing
Secret), and its secret is read back (Show Webhook Signing Secret) to be stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from connectors.setup import NEW_ID, AdminApi, Outcome, fresh_secret

WEBHOOK_NAME: Final = "Plaint complaints"
TRIGGER_TITLE: Final = "Plaint: send tickets to Plaint"
TEMPLATE: Final = Path(__file__).with_name("trigger_template.json")
# The ticket fields the trigger body reads: placeholder in the template, title, description.
FIELDS: Final = (
    ("PRODUCT_FIELD_ID", "Complaint product", "The product or service a complaint is about."),
    ("REMEDY_FIELD_ID", "Remedy sought", "What the complainant asks for."),
)
# https://developer.zendesk.com/api-reference/ticketing/business-rules/conditions/: a trigger
# fires on creation ("Create") and on every update ("Change").
CONDITIONS: Final = {
    "all": [],
    "any": [
        {"field": "update_type", "operator": "is", "value": "Create"},
        {"field": "update_type", "operator": "is", "value": "Change"},
    ],
}


def connect(api: AdminApi, webhook_url: str, *, rotate: bool = False) -> Outcome:
    outcome = Outcome()
    fields = {placeholder: _field(api, outcome, title, about)
              for placeholder, title, about in FIELDS}  # fmt: skip
    webhook_id = _webhook(api, outcome, webhook_url, rotate)
    _trigger(api, outcome, webhook_id, trigger_body(fields))
    return outcome


def trigger_body(fields: dict[str, tuple[str, str]]) -> str:
    """The recommended body with the fields' ids in place of the placeholders: a drop-down
    sends its option's title, any other field its value."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, (field_id, field_type) in fields.items():
        text = text.replace(f"_option_title_{placeholder}", f"_{placeholder}")
        prefix = "ticket_field_option_title_" if field_type == "tagger" else "ticket_field_"
        text = text.replace(f"ticket_field_{placeholder}", prefix + field_id)
    return text


def _field(api: AdminApi, outcome: Outcome, title: str, about: str) -> tuple[str, str]:
    """The ticket field's (id, type), found by title or created as a text field
    (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/)."""
    for found in api.pages("/api/v2/ticket_fields.json", "ticket_fields"):
        if found.get("title") == title:
            outcome.add("keep", f'ticket field "{title}"', f"id {found['id']}")
            return str(found["id"]), str(found.get("type"))
    body = {"ticket_field": {"type": "text", "title": title, "description": about}}
    made = api.change("POST", "/api/v2/ticket_fields.json", body)
    field_id = NEW_ID if made is None else str(made["ticket_field"]["id"])
    outcome.add("create", f'ticket field "{title}"', f"text, id {field_id}")
    return field_id, "text"


def _webhook(api: AdminApi, outcome: Outcome, url: str, rotate: bool) -> str:
    wanted = {
        "name": WEBHOOK_NAME,
        "status": "active",
        "endpoint": url,
        "http_method": "POST",
        "request_format": "json",
        "subscriptions": ["conditional_ticket_events"],
    }
    subject = f'webhook "{WEBHOOK_NAME}"'
    found = _webhook_named(api)
    if found is None:
        secret = fresh_secret()
        body = {"webhook": {**wanted, "signing_secret": {"algorithm": "sha256", "secret": secret}}}
        made = api.change("POST", "/api/v2/webhooks", body)
        outcome.add("create", subject, f"{url}, with a fresh signing secret")
        outcome.secrets["zendesk_webhook_secrets"] = secret
        return NEW_ID if made is None else str(made["webhook"]["id"])
    webhook_id = str(found["id"])
    if any(found.get(key) != value for key, value in wanted.items()):
        api.change("PUT", f"/api/v2/webhooks/{webhook_id}", {"webhook": wanted})
        outcome.add("update", subject, url)
    else:
        outcome.add("keep", subject, url)
    _signing_secret(api, outcome, webhook_id, rotate)
    return webhook_id


def _webhook_named(api: AdminApi) -> dict[str, Any] | None:
    query = urlencode({"filter[name_contains]": WEBHOOK_NAME})
    listed = api.pages(f"/api/v2/webhooks?{query}", "webhooks")
    return next((w for w in listed if w.get("name") == WEBHOOK_NAME), None)


def _signing_secret(api: AdminApi, outcome: Outcome, webhook_id: str, rotate: bool) -> None:
    """Store the webhook's secret; on `rotate`, a new one beside the old, because Zendesk
    may still be retrying deliveries signed with it (docs/zendesk.md, rotating)."""
    path = f"/api/v2/webhooks/{webhook_id}/signing_secret"
    current = str(api.get(path)["signing_secret"]["secret"])
    if not rotate:
        outcome.secrets["zendesk_webhook_secrets"] = current
        return
    reset = api.change("POST", path)
    new = fresh_secret() if reset is None else str(reset["signing_secret"]["secret"])
    outcome.add("update", "webhook signing secret", "reset; the old one stays accepted")
    outcome.secrets["zendesk_webhook_secrets"] = f"{new},{current}"


def _trigger(api: AdminApi, outcome: Outcome, webhook_id: str, body: str) -> None:
    """The trigger notifying the webhook with the body
    (https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/)."""
    wanted = {
        "title": TRIGGER_TITLE,
        "active": True,
        "conditions": CONDITIONS,
        "actions": [{"field": "notification_webhook", "value": [webhook_id, body]}],
    }
    subject = f'trigger "{TRIGGER_TITLE}"'
    listed = api.pages("/api/v2/triggers.json", "triggers")
    found = next((t for t in listed if t.get("title") == TRIGGER_TITLE), None)
    if found is None:
        api.change("POST", "/api/v2/triggers.json", {"trigger": wanted})
        outcome.add("create", subject, "on every ticket created or updated")
    elif any(_same_json(found.get(key)) != _same_json(value) for key, value in wanted.items()):
        api.change("PUT", f"/api/v2/triggers/{found['id']}.json", {"trigger": wanted})
        outcome.add("update", subject, "conditions and body as recommended")
    else:
        outcome.add("keep", subject)


def _same_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)

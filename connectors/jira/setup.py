"""Connect a Jira site to Plaint through its own API (`plaint connect jira`): the custom
fields the policy's `helpdesk_fields.jira` names, and the admin webhook, subscribed to
issue created / updated and comment created, signed with a secret.

The webhook is looked up by name or URL (Get webhooks,
https://developer.atlassian.com/cloud/jira/platform/webhooks/#registering-a-webhook-via-the-jira-rest-api):
missing, it is registered with a fresh secret; differing, or with no secret stored for it
(Jira never shows a webhook's secret again), it is updated with a fresh one; else kept.

Fields are named in the policy by id (customfield_10050), and ids are the site's own. A
field the policy names that the site has is kept; otherwise one with Plaint's name for it
is found or created (Create custom field,
https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-post)
and the step says which id to put in the policy: a policy changes only through its own
publication. Labels need no set-up: Jira creates a label the first time it is used.
"""

from __future__ import annotations

from typing import Any, Final

from connectors.setup import NEW_ID, AdminApi, Outcome, fresh_secret
from plaint.policy.intake import JiraFieldMapping

WEBHOOK_NAME: Final = "Plaint complaints"
WEBHOOK_PATH: Final = "/rest/webhooks/1.0/webhook"
EVENTS: Final = ("jira:issue_created", "jira:issue_updated", "comment_created")
JQL_FILTER: Final = "issue-related-events-section"
TEXT: Final = (
    "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
    "com.atlassian.jira.plugin.system.customfieldtypes:textsearcher",
)
SELECT: Final = (
    "com.atlassian.jira.plugin.system.customfieldtypes:select",
    "com.atlassian.jira.plugin.system.customfieldtypes:multiselectsearcher",
)
# The mapping's fields Plaint can create, with the name and type it gives them. The request
# type and channel fields are Jira Service Management's own.
FIELDS: Final = {
    "product_field": ("Complaint product", TEXT),
    "remedy_field": ("Remedy sought", TEXT),
    "language_field": ("Complainant language", TEXT),
    "complaint_review_field": ("Complaint review", SELECT),
}


def connect(
    api: AdminApi,
    webhook_url: str,
    mapping: JiraFieldMapping,
    *,
    jql: str = "",
    stored_secret: str | None = None,
    rotate: bool = False,
) -> Outcome:
    """`stored_secret`: the webhook secrets stored already, if any. On `rotate` the old
    secret stays accepted beside the new one: Jira may still be retrying deliveries
    signed with it."""
    outcome = Outcome()
    _fields(api, outcome, mapping)
    _webhook(api, outcome, webhook_url, jql, renew=rotate or not stored_secret)
    new = outcome.secrets.get("jira_webhook_secrets")
    if rotate and new and stored_secret:
        outcome.secrets["jira_webhook_secrets"] = f"{new},{stored_secret.split(',')[0]}"
    return outcome


def _fields(api: AdminApi, outcome: Outcome, mapping: JiraFieldMapping) -> None:
    wanted = {slot: getattr(mapping, slot) for slot in FIELDS if getattr(mapping, slot)}
    if not wanted:
        outcome.add("note", "custom fields", "the policy names none (helpdesk_fields.jira)")
        return
    fields: list[dict[str, Any]] = api.get("/rest/api/3/field")
    by_id = {str(f.get("id")): f for f in fields}
    by_name = {str(f.get("name")): f for f in fields if f.get("custom")}
    for slot, field_id in wanted.items():
        name, (kind, searcher) = FIELDS[slot]
        if field_id in by_id:
            outcome.add("keep", f"field {field_id}", f'"{by_id[field_id].get("name")}" ({slot})')
            continue
        found = by_name.get(name)
        if found is None:
            body = {"name": name, "description": f"Plaint: {slot}", "type": kind,
                    "searcherKey": searcher}  # fmt: skip
            made = api.change("POST", "/rest/api/3/field", body)
            new_id = NEW_ID if made is None else str(made["id"])
            outcome.add("create", f'field "{name}"', f"id {new_id}")
        else:
            new_id = str(found["id"])
            outcome.add("keep", f'field "{name}"', f"id {new_id}")
        outcome.add("note", f"policy helpdesk_fields.jira.{slot}",
                    f"names {field_id}, which this site lacks: set it to {new_id}")  # fmt: skip
        if slot == "complaint_review_field" and found is None:
            outcome.add("note", f'field "{name}"', "add its options Confirmed and Dismissed")


def _webhook(api: AdminApi, outcome: Outcome, url: str, jql: str, *, renew: bool) -> None:
    wanted: dict[str, Any] = {
        "name": WEBHOOK_NAME,
        "url": url,
        "events": list(EVENTS),
        "filters": {JQL_FILTER: jql},
        "excludeBody": False,
    }
    subject = f'webhook "{WEBHOOK_NAME}"'
    listed: list[dict[str, Any]] = api.get(WEBHOOK_PATH)
    found = next((w for w in listed if w.get("name") == WEBHOOK_NAME or w.get("url") == url), None)
    if found is None:
        secret = fresh_secret()
        api.change("POST", WEBHOOK_PATH, {**wanted, "secret": secret})
        outcome.add("create", subject, f"{url}, with a fresh secret")
        outcome.secrets["jira_webhook_secrets"] = secret
        return
    differs = _shown(found) != _shown(wanted)
    if not differs and not renew:
        outcome.add("keep", subject, url)
        return
    secret = fresh_secret()
    webhook_id = str(found.get("self", "")).rstrip("/").rsplit("/", 1)[-1]
    api.change("PUT", f"{WEBHOOK_PATH}/{webhook_id}", {**wanted, "secret": secret})
    why = "events, filter or URL" if differs else "a fresh secret (none stored for it)"
    outcome.add("update", subject, f"{url}: {why}")
    outcome.secrets["jira_webhook_secrets"] = secret


def _shown(webhook: dict[str, Any]) -> tuple[Any, ...]:
    filters = webhook.get("filters") or {}
    return (
        webhook.get("name"),
        webhook.get("url"),
        sorted(webhook.get("events") or []),
        filters.get(JQL_FILTER) or "",
        bool(webhook.get("excludeBody")),
    )

"""Acts on a Jira Service Management issue: the change made through the fake Jira's REST API
as the agent (or, for a reply, the customer through the service desk API) would make it,
then the admin webhook Jira sends for it, signed: `jira:issue_updated` with
`issue_event_type_name` "issue_commented" and the comment for a reply (its labels carrying a
letter's label), with a status changelog for resolving and reopening; the shapes of
tests/events/jira."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Final

import requests

from devstack.acts import Act, ActRefusedError, Played, delivered, fake_record
from devstack.send_webhook import jira_headers

AGENT: Final = {"accountId": "5c5f880629be9642ba529340", "displayName": "Support Agent",
                "accountType": "atlassian"}  # fmt: skip
REPORTER: Final = {"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Leyla Həsənova"}
# Any credentials do for the fake; Jira's own API wants some.
AUTHORIZATION: Final = {"Authorization": "Basic YWdlbnRAZXhhbXBsZS5jb206bG9jYWwtdG9rZW4="}
CLOSED_STATUSES: Final = ("Resolved", "Done", "Closed")


def issue(jira: str, key: str) -> dict[str, Any]:
    missing = (f"the fake Jira at {jira} has no issue {key}: send a complaint first "
               "(python -m devstack.send_webhook --jira prints its issue)")  # fmt: skip
    return dict(fake_record(f"{jira}/__fake/issues/{key}", missing)["issue"])


def play(act: Act, key: str, *, jira: str, api: str, secret: str) -> Played:
    before = issue(jira, key)
    labels = [{"add": t} for t in act.tags] + [{"remove": t} for t in act.untags]
    if labels:
        _call(jira, "PUT", f"/rest/api/3/issue/{key}", {"update": {"labels": labels}})
    comment = _comment(jira, key, act) if act.text is not None else None
    changelog = _transition(jira, key, act, before) if act.status else None
    after = issue(jira, key)
    payload = _payload(after, comment, changelog, act)
    body = json.dumps(payload, ensure_ascii=False).encode()
    sent = requests.post(f"{api}/webhooks/jira", data=body, headers=jira_headers(body, secret),
                         timeout=10)  # fmt: skip
    return delivered(sent, f"jira:{key}")


def _call(jira: str, method: str, path: str, body: dict[str, Any]) -> Any:
    answer = requests.request(method, jira + path, json=body, headers=AUTHORIZATION, timeout=10)
    if not answer.ok:
        raise ActRefusedError(f"the fake Jira refused {method} {path}: {answer.text.strip()}")
    return answer.json() if answer.content else None


def _comment(jira: str, key: str, act: Act) -> dict[str, Any]:
    text = act.text or ""
    if act.who == "agent":
        document = {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": line}]}
            for line in text.split("\n") if line.strip()
        ]}  # fmt: skip
        public = [{"key": "sd.public.comment", "value": {"internal": False}}]
        stored = _call(jira, "POST", f"/rest/api/3/issue/{key}/comment",
                       {"body": document, "properties": public})  # fmt: skip
    else:  # the customer, through the service desk API
        stored = _call(jira, "POST", f"/rest/servicedeskapi/request/{key}/comment",
                       {"body": text, "public": True})  # fmt: skip
    now = _stamp(datetime.now(UTC))
    return {"id": str(stored["id"]), "body": text, "created": now, "updated": now,
            "jsdPublic": True}  # fmt: skip


def _transition(jira: str, key: str, act: Act, before: dict[str, Any]) -> dict[str, Any]:
    offered = requests.get(f"{jira}/rest/api/3/issue/{key}/transitions", headers=AUTHORIZATION,
                           timeout=10).json()["transitions"]  # fmt: skip
    closing = act.verb == "close"
    chosen = next(
        (t for t in offered if (t["to"]["name"] in CLOSED_STATUSES) == closing
         and (closing or t["name"].lower().startswith("reopen"))),
        None,
    )  # fmt: skip
    if chosen is None:
        names = ", ".join(f"{t['name']} (to {t['to']['name']})" for t in offered) or "none"
        status = before["fields"]["status"]["name"]
        raise ActRefusedError(f"{key} is {status}: no transition to {act.verb} it ({names})")
    _call(jira, "POST", f"/rest/api/3/issue/{key}/transitions",
          {"transition": {"id": chosen["id"]}})  # fmt: skip
    was = before["fields"]["status"]
    item = {
        "field": "status",
        "fieldtype": "jira",
        "fieldId": "status",
        "from": was["id"],
        "fromString": was["name"],
        "to": chosen["to"]["id"],
        "toString": chosen["to"]["name"],
    }
    return {"id": str(uuid.uuid4().int % 10**8), "items": [item]}


def _payload(
    after: dict[str, Any],
    comment: dict[str, Any] | None,
    changelog: dict[str, Any] | None,
    act: Act,
) -> dict[str, Any]:
    fields = dict(after["fields"])
    reporter = fields.get("reporter") or REPORTER
    fields.setdefault("reporter", reporter)
    author = AGENT if act.who == "agent" else reporter
    payload: dict[str, Any] = {
        "timestamp": int(datetime.now(UTC).timestamp() * 1000),
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_commented" if comment else "issue_generic",
        "user": author,
        "issue": {"id": after["id"], "key": after["key"], "fields": fields},
    }
    if comment is not None:
        payload["comment"] = comment | {"author": author, "updateAuthor": author}
    if changelog is not None:
        payload["changelog"] = changelog
    return payload


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"

"""Acts on a Zendesk ticket: the change made in the fake Zendesk (as an agent or the
requester would make it in Zendesk), then the event-subscription webhook Zendesk sends for
it, signed: `ticket.comment_added` for a reply (its `detail.tags` carrying a letter's tag),
`ticket.status_changed` for solving and reopening; the shapes of tests/events/zendesk."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Final

import requests

from devstack.acts import Act, ActRefusedError, Played, delivered, event_time, fake_record
from devstack.send_webhook import signed_headers

AGENT: Final = {"id": "8447388090495", "name": "Support Agent"}
ACCOUNT_ID: Final = 22129848
REQUESTER: Final = "8447388090494"  # send_webhook's sample requester


def ticket(zendesk: str, number: str) -> dict[str, Any]:
    """The ticket as the fake Zendesk holds it; refused when it has never seen it."""
    missing = (f"the fake Zendesk at {zendesk} has no ticket {number}: send a complaint "
               "first (python -m devstack.send_webhook prints its ticket)")  # fmt: skip
    return fake_record(f"{zendesk}/__fake/tickets/{number}", missing)


def play(act: Act, number: str, *, zendesk: str, api: str, secret: str) -> Played:
    before = ticket(zendesk, number)
    change: dict[str, Any] = {}
    if act.text is not None:
        # Left out, the author is the requester: the complainant's reply.
        by = {"author_id": int(AGENT["id"])} if act.who == "agent" else {}
        change["comment"] = {"body": act.text, "public": True} | by
    if act.tags:
        change["additional_tags"] = list(act.tags)
    if act.untags:
        change["remove_tags"] = list(act.untags)
    if act.status:
        change["status"] = act.status
    elif act.who == "agent" and before["ticket"]["status"] == "new":
        change["status"] = "open"  # as Zendesk does once an agent answers a new ticket
    answer = requests.post(f"{zendesk}/__fake/tickets/{number}/changes", json=change, timeout=10)
    if not answer.ok:
        raise ActRefusedError(f"the fake Zendesk refused the change: {answer.text.strip()}")
    changed, comment = answer.json()["ticket"], answer.json()["comment"]
    author = AGENT["id"] if act.who == "agent" else str(changed.get("requester_id") or REQUESTER)
    body = json.dumps(
        envelope(act, changed, comment, author=author, previous=before["ticket"]["status"]),
        ensure_ascii=False,
    ).encode()
    sent = requests.post(
        f"{api}/webhooks/zendesk", data=body, headers=signed_headers(body, secret), timeout=10
    )
    return delivered(sent, f"zendesk:{number}")


def envelope(
    act: Act,
    changed: dict[str, Any],
    comment: dict[str, Any] | None,
    *,
    author: str,
    previous: str,
) -> dict[str, Any]:
    """The event Zendesk's event subscription sends for the change."""
    number = str(changed["id"])
    moment = event_time(datetime.fromisoformat(changed["updated_at"].replace("Z", "+00:00")))
    if comment is not None:
        kind = "ticket.comment_added"
        event: dict[str, Any] = {
            "comment": {
                "id": str(comment["id"]),
                "body": comment["body"],
                "is_public": comment["public"],
                "author": {
                    "id": author,
                    "is_staff": act.who == "agent",
                    "name": AGENT["name"] if act.who == "agent" else "Requester",
                },
            }
        }
    else:
        kind = "ticket.status_changed"
        event = {"current": changed["status"].upper(), "previous": previous.upper()}
    return {
        "account_id": ACCOUNT_ID,
        "detail": _detail(changed, actor=author),
        "event": event,
        "id": str(uuid.uuid4()),
        "subject": f"zen:ticket:{number}",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "type": f"zen:event-type:{kind}",
        "zendesk_event_version": "2022-11-06",
    }


def _detail(changed: dict[str, Any], *, actor: str) -> dict[str, Any]:
    requester = changed.get("requester_id")
    return {
        "actor_id": actor,
        "created_at": changed["created_at"],
        "description": changed.get("description") or "",
        "id": str(changed["id"]),
        "is_public": True,
        "requester_id": None if requester is None else str(requester),
        "status": changed["status"].upper(),
        "subject": changed.get("subject") or "",
        "submitter_id": None if requester is None else str(requester),
        "tags": list(changed["tags"]),
        "updated_at": changed["updated_at"],
        "via": {"channel": changed.get("via", {}).get("channel", "web")},
    }

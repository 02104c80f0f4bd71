"""Item layout shared by the DynamoDB store and its in-memory twin.

Items here are plain Python values (str, int, Decimal on the way back); the DynamoDB store
adds the wire typing. Keeping the layout and the "is it due?" rules in one place is what lets
both stores behave alike.
"""

from __future__ import annotations

from datetime import datetime

from plaint.model.actions import ActionStatus, OutboundAction
from plaint.model.complaint import Complaint
from plaint.model.publication import PolicyRecord
from storage import search_codec
from storage.instants import sortable as sortable  # noqa: PLC0414 (read from here too)
from storage.layout import (
    ACTION_BUCKET,
    COMPLAINT_BUCKET,
    Item,
    complainant_key,
    due_attrs,
    epoch_seconds,
)

# Complaints


def complaint_key(complaint_id: str) -> Item:
    return {"pk": f"COMPLAINT#{complaint_id}", "sk": "STATE"}


def complaint_item(complaint: Complaint) -> Item:
    # Sparse: a pseudonymised complaint leaves the by_complainant index.
    named = complaint.complainant_ref
    return ({"complainant": complainant_key(named)} if named else {}) | {
        **complaint_key(complaint.complaint_id),
        "doc": complaint.model_dump_json(),
        "revision": complaint.revision,
        "source_version": sortable(complaint.source_version),
        "status": complaint.status.value,
        **due_attrs(COMPLAINT_BUCKET, complaint.next_due_at()),
        **search_codec.search_attributes(complaint),
    }


def complaint_from_item(item: Item) -> Complaint:
    return Complaint.model_validate_json(item["doc"])


# Reconciliation cursors


# Outbound actions


def action_key(action_id: str) -> Item:
    return {"pk": f"ACTION#{action_id}", "sk": "ACTION"}


def action_item(action: OutboundAction) -> Item:
    pending = action.status is ActionStatus.PENDING
    return {
        **action_key(action.action_id),
        "doc": action.model_dump_json(),
        "status": action.status.value,
        "attempts": action.attempts,
        "complaint_id": action.complaint_id,
        **due_attrs(ACTION_BUCKET, action.next_attempt_at if pending else None),
    }


def action_from_item(item: Item) -> OutboundAction:
    return OutboundAction.model_validate_json(item["doc"])


# Sent mail evidence: what SES reported accepting, by the token the message carried.

SENT_MAIL_MEMORY_SECONDS = 30 * 24 * 3600  # retries end within hours; a month is plenty


def sent_mail_key(token: str) -> Item:
    return {"pk": f"SENTMAIL#{token}", "sk": "SENTMAIL"}


def sent_mail_expiry(at: datetime) -> int:
    return epoch_seconds(at) + SENT_MAIL_MEMORY_SECONDS


def sent_mail_instant(item: Item | None, name: str) -> datetime | None:
    """`name` ("sending_at" or "accepted_at") of an evidence item, if it has one."""
    value = None if item is None else item.get(name)
    return None if value is None else datetime.fromisoformat(str(value))


# Policy publication: one record per version ever proposed, in one partition (a handful of
# versions a year), so the history is one query.

POLICY_PARTITION = "POLICIES"


def policy_record_key(version: str) -> Item:
    return {"pk": POLICY_PARTITION, "sk": f"VERSION#{version}"}


def policy_record_item(record: PolicyRecord) -> Item:
    return {
        **policy_record_key(record.version),
        "doc": record.model_dump_json(),
        "revision": record.revision,
    }


def policy_record_from_item(item: Item) -> PolicyRecord:
    return PolicyRecord.model_validate_json(item["doc"])

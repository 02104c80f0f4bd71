"""Labelled data for improving the recogniser, from the compliance log.

Each agent's answer to a review (complaint.confirmed, complaint.dismissed) is a label: the
ticket a person judged a complaint or not, with what the recogniser had said of it (model
version, score, thresholds, language). The log holds no words of the ticket, so neither
does a label: it names the ticket (source, ticket id) for a training job to fetch the text
from the helpdesk with its own credentials, and carries the digest of the text that was
judged and the key of that digest (HMAC-SHA256, `text_key`, from the complaint's record), so
the job can tell the text it fetched is that text (a ticket edited or redacted since has
another digest and should be left out). Labels of complaints received before digests were
keyed carry a plain "sha256:" digest and no key. Records whose processing is restricted, or
that were disposed of or erased, give no label.
"""

from __future__ import annotations

from typing import Any

from plaint.model.audit import AuditEntry, AuditKind
from plaint.model.complaint import Complaint
from plaint.model.recognition import AnswerVia

LABEL_KINDS = (AuditKind.COMPLAINT_CONFIRMED, AuditKind.COMPLAINT_DISMISSED)
LABELS = {
    AuditKind.COMPLAINT_CONFIRMED: "complaint",
    AuditKind.COMPLAINT_DISMISSED: "not_complaint",
}

# What a label row holds, in this order.
FIELDS = (
    "complaint_id", "source", "ticket_id", "label", "labelled_by", "via", "answered_at",
    "language", "model_version", "score", "outcome", "complaint_threshold",
    "review_threshold", "category", "text_source", "text_digest", "text_key", "policy_version",
    "entry",
)  # fmt: skip


def withheld(complaint: Complaint | None) -> str | None:
    """Why a record gives no label, or None when it may."""
    if complaint is None:
        return "no record"
    if complaint.restricted_at is not None:
        return "processing restricted at the complainant's request"
    if complaint.retention is not None and complaint.retention.disposed_at is not None:
        return "disposed of at the end of its retention"
    return None


def label_row(entry: AuditEntry, complaint: Complaint | None = None) -> dict[str, Any]:
    """One label from one answer entry (complaint.confirmed or complaint.dismissed), with
    the key of its text digest from the complaint's record."""
    detail = entry.detail
    via = detail.get("via")
    row = {
        "complaint_id": entry.complaint_id,
        "source": detail.get("source"),
        "ticket_id": detail.get("ticket_id"),
        "label": LABELS[AuditKind(entry.kind)],
        "labelled_by": "assessment" if via == AnswerVia.ASSESSMENT else "agent",
        "via": via,
        "answered_at": detail.get("answered_at"),
        "language": detail.get("language"),
        "model_version": detail.get("model_version"),
        "score": detail.get("score"),
        "outcome": detail.get("outcome"),
        "complaint_threshold": detail.get("complaint_threshold"),
        "review_threshold": detail.get("review_threshold"),
        "category": detail.get("category"),
        "text_source": detail.get("text_source", "ticket"),
        "text_digest": detail.get("text_digest"),
        "text_key": complaint.description_key if complaint else None,
        "policy_version": entry.policy_version,
        "entry": {"chain": entry.chain, "seq": entry.seq, "hash": entry.hash},
    }
    return {name: row[name] for name in FIELDS}

"""The review band's clock: a possible complaint is put to an agent, and should be answered
before its acknowledgement would be due, counted from receipt. One still unanswered then is
recorded once and tagged on the helpdesk so it stands out."""

from __future__ import annotations

from datetime import datetime

from plaint.auditlog.drafts import record
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditKind
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem
from plaint.model.recognition import Review
from plaint.policy.document import Policy


def review_overdue(complaint: Complaint, policy: Policy, now: datetime) -> Decision | None:
    """The entry and the tags for a possible complaint still unanswered at its review
    deadline; None when it is not (yet) overdue."""
    review = complaint.review
    if not complaint.review_owed or review is None or review.due_at is None:
        return None
    if review.due_at > now:
        return None
    flagged = complaint.revised(review=review.model_copy(update={"overdue_recorded": True}))
    entry = record(
        AuditKind.COMPLAINT_REVIEW_OVERDUE,
        complaint.complaint_id,
        policy,
        now,
        detail={
            "received_at": complaint.received_at.isoformat(),
            "review_requested_at": review.requested_at.isoformat(),
            "acknowledgement_due_at": review.due_at.isoformat(),
        },
    )
    return Decision(
        complaint=flagged,
        expected_revision=complaint.revision,
        audit=(entry,),
        new_actions=_tagged(complaint, review, policy, now),
    )


def _tagged(
    complaint: Complaint, review: Review, policy: Policy, now: datetime
) -> tuple[OutboundAction, ...]:
    tags = policy.recognition.review.overdue_tags
    if not tags or complaint.source is SourceSystem.EMAIL:
        return ()
    stamp = review.requested_at.strftime("%Y%m%dT%H%M%S")
    return (
        OutboundAction(
            action_id=f"{complaint.complaint_id}:review_overdue:{stamp}",
            complaint_id=complaint.complaint_id,
            kind=ActionKind.FLAG_OVERDUE,
            source=complaint.source,
            ticket_id=complaint.ticket_id,
            language=policy.default_language,
            add_tags=tags,
            marker_tag=f"plaint_review_overdue_{stamp}",
            next_attempt_at=now,
        ),
    )

"""A complaint's page: its record and the whole of its chain, as one typed story
(plaint.reporting.story)."""

from __future__ import annotations

from plaint.auditlog.chain import chain_of
from plaint.reporting.story import ComplaintStory, story_of
from plaint.usecases.ports import ComplaintRecords

MAX_CHAIN = 100_000  # entries read back from one complaint's chain


def complaint_story(
    records: ComplaintRecords, ledger: str, complaint_id: str, *, with_personal: bool = False
) -> ComplaintStory | None:
    """The story of one complaint, None when there is no such record. `with_personal`:
    the caller's role lets them see personal values (the portal decides; auditors who
    need only the evidence do not)."""
    complaint = records.get_complaint(complaint_id)
    if complaint is None:
        return None
    entries = records.audit_entries(chain_of(ledger, complaint_id), limit=MAX_CHAIN)
    return story_of(complaint, entries, with_personal=with_personal)

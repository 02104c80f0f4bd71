"""Complaint search's one write: bringing records written before the search indexes into
them (plaint.reporting.search has the queries; the store answers them)."""

from __future__ import annotations

from plaint.model.complaint import Complaint
from plaint.policy.document import Policy
from plaint.usecases.ports import ComplaintIndex


def reindex(index: ComplaintIndex, policy: Policy) -> int:
    """Give every complaint record its search attributes, and its regime's jurisdiction
    under `policy` when it has none yet. Returns the records rewritten."""

    def refresh(complaint: Complaint) -> Complaint:
        regime = policy.regime(complaint.regime) if complaint.regime else None
        if complaint.jurisdiction is not None or regime is None:
            return complaint
        return complaint.model_copy(update={"jurisdiction": regime.jurisdiction})

    return index.reindex_complaints(refresh)

"""Audit drafts, made under the policy in force."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from plaint.model.audit import AuditDraft, AuditKind
from plaint.policy.document import Policy


def record(
    kind: AuditKind, complaint_id: str, policy: Policy, now: datetime, **fields: Any
) -> AuditDraft:
    """An audit draft made under `policy` at `now`."""
    return AuditDraft(
        kind=kind, complaint_id=complaint_id, policy_version=policy.version, at=now, **fields
    )

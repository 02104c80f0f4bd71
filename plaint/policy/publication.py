"""Publishing a policy under the two-person rule: one person proposes a valid version,
another approves it, and only the approval makes it the policy the running system judges
by; until then the proposer, or an admin, may withdraw the proposal. Every act is an entry
of the compliance log, on the ledger's policy chain.

Pure decisions: each returns a PolicyChange (the version's record after the act, the
document to keep, whether the active pointer moves and from where, the audit entries) that
the store commits in one transaction, or raises why the act is refused.
"""

from __future__ import annotations

from datetime import datetime

from plaint.model.audit import AuditDraft, AuditKind
from plaint.model.publication import PolicyAct, PolicyChange, PolicyRecord, PolicyStep
from plaint.policy.composition import Composed, compose_text, undecided
from plaint.policy.loading import composed_policy
from plaint.vocabulary.errors import (
    PolicyError,
    ProposalNotFoundError,
    PublicationRefusedError,
    StaleProposalError,
    TwoPersonRuleError,
)

# The chain policy entries go on, `<ledger>/policy`: named like a complaint's, so that
# `plaint audit query|verify --complaint policy` read it as they read a complaint's.
POLICY_CHAIN = "policy"


def same_person(one: str, other: str) -> bool:
    return one.strip().casefold() == other.strip().casefold()


def _who(by: str) -> str:
    name = by.strip()
    if not name:
        raise PublicationRefusedError("say who you are: proposals and approvals are signed")
    return name


def _decided(composed: Composed) -> None:
    """Refuse a policy still carrying a value the admin must decide, naming each."""
    open_values = undecided(composed)
    if open_values:
        raise PublicationRefusedError(
            f"{len(open_values)} value(s) still to decide; replace each, then propose again:\n"
            + "\n".join(f"  - {value}" for value in open_values)
        )


def short(version: str | None) -> str:
    return "the packaged policy" if version is None else version[:12]


def propose(
    document: str,
    by: str,
    now: datetime,
    *,
    record: PolicyRecord | None,
    active: str | None,
    document_kept: bool,
) -> PolicyChange:
    """Propose `document` for approval. Raises PolicyError with every problem of an invalid
    one, PublicationRefusedError when the version already awaits approval against the
    active policy or it still carries a value to decide ("REPLACE: ..."), and
    StaleProposalError when it is the active policy. A document that extends a base is
    kept composed: the effective policy, naming its files and their hashes."""
    proposer = _who(by)
    composed = compose_text(document)
    policy = composed_policy(composed)
    _decided(composed)
    version = policy.version
    # A proposal the active policy moved away from can only be made again, against it.
    if record is not None and record.awaiting_approval and record.last.active_before == active:
        waiting = record.last
        raise PublicationRefusedError(
            f"{short(version)} already awaits approval (proposed by {waiting.by} at "
            f"{waiting.at.isoformat()})"
        )
    if active == version:
        raise StaleProposalError(f"{short(version)} is already the active policy")
    step = PolicyStep(act=PolicyAct.PROPOSED, by=proposer, at=now, active_before=active)
    if record is None:
        updated = PolicyRecord(version=version, name=policy.name, steps=(step,), revision=1)
    else:
        updated = record.with_step(step)
    entry = AuditDraft(
        kind=AuditKind.POLICY_PROPOSED, complaint_id=POLICY_CHAIN, policy_version=version,
        at=now, detail={"version": version, "name": policy.name, "proposed_by": proposer,
                        "active_version": active},
    )  # fmt: skip
    return PolicyChange(
        record=updated,
        expected_revision=None if record is None else record.revision,
        document=None if document_kept else composed.document(),
        audit=(entry,),
    )


def approve(
    version: str,
    by: str,
    now: datetime,
    *,
    record: PolicyRecord | None,
    document: str | None,
    active: str | None,
) -> PolicyChange:
    """Approve a proposed version, which publishes it. Raises ProposalNotFoundError (never
    proposed, or awaiting no approval), TwoPersonRuleError (the proposer approving),
    PolicyError (the kept document is invalid or not this version) or StaleProposalError
    (the active policy moved since the proposal)."""
    approver = _who(by)
    record, proposal = _pending(version, record, "propose it again to publish it again")
    if same_person(proposal.by, approver):
        raise TwoPersonRuleError(
            f"{proposal.by} proposed {short(version)}: another person must approve it"
        )
    if document is None:
        raise PolicyError([f"no document is kept for {short(version)}"])
    composed = compose_text(document)
    policy = composed_policy(composed)
    if policy.version != version:
        raise PolicyError(
            [f"the document kept for {short(version)} is version {short(policy.version)}"]
        )
    _decided(composed)
    if active != proposal.active_before:
        raise StaleProposalError(
            f"the active policy moved from {short(proposal.active_before)} to {short(active)} "
            f"since {short(version)} was proposed; propose it again against the policy in force"
        )
    step = PolicyStep(act=PolicyAct.PUBLISHED, by=approver, at=now, active_before=active)
    updated = record.with_step(step)
    entry = AuditDraft(
        kind=AuditKind.POLICY_PUBLISHED, complaint_id=POLICY_CHAIN, policy_version=version,
        at=now,
        detail={
            "version": version, "name": policy.name, "proposed_by": proposal.by,
            "proposed_at": proposal.at.isoformat(), "approved_by": approver,
            "previous_version": active, "document_approved_by": policy.approved_by,
        },
    )  # fmt: skip
    return PolicyChange(
        record=updated,
        expected_revision=record.revision,
        activate=True,
        expected_active=active,
        audit=(entry,),
    )


MAX_REASON = 500


def withdraw(
    version: str,
    by: str,
    now: datetime,
    *,
    record: PolicyRecord | None,
    admin: bool,
    reason: str = "",
) -> PolicyChange:
    """Withdraw a proposal awaiting approval: its proposer may, and so may an admin.
    Raises ProposalNotFoundError (never proposed, or awaiting no approval),
    PublicationRefusedError (someone else, not an admin; a reason too long). The document
    stays kept under its version: entries may name it, and it can be proposed again."""
    who = _who(by)
    record, proposal = _pending(version, record, "there is nothing to withdraw")
    if not admin and not same_person(proposal.by, who):
        raise PublicationRefusedError(
            f"{proposal.by} proposed {short(version)}: only they or an admin may withdraw it"
        )
    why = reason.strip()
    if len(why) > MAX_REASON:
        raise PublicationRefusedError(f"a reason of at most {MAX_REASON} characters")
    step = PolicyStep(act=PolicyAct.WITHDRAWN, by=who, at=now,
                      active_before=proposal.active_before)  # fmt: skip
    updated = record.with_step(step)
    entry = AuditDraft(
        kind=AuditKind.POLICY_WITHDRAWN, complaint_id=POLICY_CHAIN, policy_version=version,
        at=now,
        detail={
            "version": version, "name": record.name, "proposed_by": proposal.by,
            "proposed_at": proposal.at.isoformat(), "withdrawn_by": who, "reason": why or None,
        },
    )  # fmt: skip
    return PolicyChange(record=updated, expected_revision=record.revision, audit=(entry,))


def _pending(
    version: str, record: PolicyRecord | None, otherwise: str
) -> tuple[PolicyRecord, PolicyStep]:
    """The record of `version` and its proposal awaiting approval. Raises
    ProposalNotFoundError when it was never proposed or awaits no approval (`otherwise`
    says what to do then)."""
    if record is None:
        raise ProposalNotFoundError(f"no policy {short(version)} was proposed")
    if not record.awaiting_approval:
        last = record.last
        raise ProposalNotFoundError(
            f"{short(version)} awaits no approval: {last.act} by {last.by} at "
            f"{last.at.isoformat()}; {otherwise}"
        )
    return record, record.last

"""The tamper-evident audit chain: each entry's hash covers its content and the hash before it.

Every complaint has its own chain (`chain_of`), so decisions on different complaints never
contend for one head and the log scales with the complaints. Signed checkpoints
(plaint.checkpoint) tie all chains together.

The canonical form (plaint.vocabulary.canonical, described byte for byte in docs/audit.md with
test vectors) lets an auditor recompute every hash from an export with their own tool.
Personal values are not hashed as such: the entry commits to HMAC-SHA256 digests keyed with
a random salt per value, kept beside the value, so erasing value and salt leaves a digest
that still verifies and can no longer be guessed from a list of candidate names or
addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from plaint.model.audit import (
    AuditDraft,
    AuditEntry,
    AuditFacets,
    AuditKind,
    ChainHead,
    ClockStanding,
    PersonalValue,
)
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision

if TYPE_CHECKING:  # plaint.policy hashes its documents with canonical_json, from here
    from plaint.policy.document import Policy
from plaint.vocabulary.canonical import canonical_json
from plaint.vocabulary.errors import AuditEntryFromFutureError

GENESIS_HASH = "0" * 64
NO_COMPLAINT = "-"
# How far ahead of the store's clock an entry may be dated: the skew between the clocks of
# the machines that judge and the one that commits. An entry dated further ahead would sit
# outside every checkpoint until its time came, and a checkpoint would then sign it.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Entries that say where a clock stands, and how they say it.
_CLOCK_STANDINGS: dict[str, ClockStanding] = {
    AuditKind.CLOCK_MET: ClockStanding.ON_TIME,
    AuditKind.CLOCK_WARNING: ClockStanding.WARNED,
    AuditKind.CLOCK_BREACHED: ClockStanding.BREACHED,
    AuditKind.CLOCK_LAPSED: ClockStanding.LAPSED,
    AuditKind.CLOCK_DISCHARGED: ClockStanding.DISCHARGED,
    AuditKind.ACKNOWLEDGEMENT_OVERDUE: ClockStanding.BREACHED,
}


def chain_of(ledger: str, complaint_id: str | None) -> str:
    """The chain a complaint's entries go on, inside `ledger` (one deployment's log)."""
    return f"{ledger}/{complaint_id or NO_COMPLAINT}"


def ledger_of(chain: str) -> str:
    return chain.split("/", 1)[0]


def personal_digest(salt: str, value: str) -> str:
    return hmac.new(bytes.fromhex(salt), value.encode("utf-8"), hashlib.sha256).hexdigest()


def refuse_future(dated: Iterable[datetime], now: datetime) -> None:
    """Raise AuditEntryFromFutureError when an entry is dated beyond the clock skew allowed."""
    latest = max(dated, default=None)
    if latest is not None and latest > now + FUTURE_TOLERANCE:
        raise AuditEntryFromFutureError(
            f"an entry is dated {latest.isoformat()}, more than {FUTURE_TOLERANCE} "
            f"after {now.isoformat()}"
        )


def entry_body(entry: AuditEntry) -> dict[str, Any]:
    """What an entry's hash covers: everything but the personal values and their salts."""
    return {
        "chain": entry.chain,
        "seq": entry.seq,
        "kind": entry.kind,
        "complaint_id": entry.complaint_id,
        "policy_version": entry.policy_version,
        "at": entry.at.isoformat(),
        "rule_id": entry.rule_id,
        "detail": entry.detail,
        "facets": entry.facets.model_dump(mode="json"),
        "personal": entry.personal_digests,
    }


def entry_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


def recomputed_hash(entry: AuditEntry) -> str:
    return entry_hash(entry.prev_hash, entry_body(entry))


def place_on_chain(
    head: ChainHead,
    drafts: Sequence[AuditDraft],
    new_salt: Callable[[], str] = lambda: secrets.token_hex(16),
) -> tuple[AuditEntry, ...]:
    """Turn drafts into chained entries that follow `head`."""
    entries: list[AuditEntry] = []
    prev_hash, seq = head.hash, head.seq
    for draft in drafts:
        seq += 1
        personal = {
            name: PersonalValue(value=v, salt=new_salt()) for name, v in draft.personal.items()
        }
        unhashed = AuditEntry(
            chain=head.chain,
            seq=seq,
            kind=draft.kind,
            complaint_id=draft.complaint_id,
            policy_version=draft.policy_version,
            at=draft.at,
            rule_id=draft.rule_id,
            detail=draft.detail,
            facets=draft.facets,
            personal_digests={n: personal_digest(p.salt, p.value) for n, p in personal.items()},
            personal=personal,
            prev_hash=prev_hash,
            hash="",
        )
        entry = unhashed.model_copy(update={"hash": recomputed_hash(unhashed)})
        entries.append(entry)
        prev_hash = entry.hash
    return tuple(entries)


def next_head(head: ChainHead, entries: Sequence[AuditEntry]) -> ChainHead:
    if not entries:
        return head
    return ChainHead(chain=head.chain, seq=entries[-1].seq, hash=entries[-1].hash)


def by_chain(ledger: str, drafts: Sequence[AuditDraft]) -> dict[str, list[AuditDraft]]:
    """A decision's drafts grouped by the chain each goes on, in their order."""
    chains: dict[str, list[AuditDraft]] = {}
    for draft in drafts:
        chains.setdefault(chain_of(ledger, draft.complaint_id), []).append(draft)
    return chains


def with_facets(decision: Decision, about: Complaint | None, policy: Policy) -> Decision:
    """The decision with each entry's query facets filled in from the complaint it is about
    (its state after the decision, else `about`) and the policy's regimes; and the new state
    carrying its regime's jurisdiction, which complaint search reads from the record."""
    complaint = decision.complaint or about
    category = jurisdiction = None
    if complaint is not None:
        category = complaint.assessment.category
        regime = policy.regime(complaint.regime) if complaint.regime else None
        jurisdiction = regime.jurisdiction if regime else None
    state = decision.complaint
    if state is not None and state.jurisdiction != jurisdiction:
        state = state.model_copy(update={"jurisdiction": jurisdiction})
    drafts = tuple(
        draft.model_copy(
            update={
                "facets": AuditFacets(
                    category=draft.facets.category or category,
                    jurisdiction=draft.facets.jurisdiction or jurisdiction,
                    clock_status=draft.facets.clock_status or clock_standing(draft),
                )
            }
        )
        for draft in decision.audit
    )
    return decision.model_copy(update={"audit": drafts, "complaint": state})


def clock_standing(draft: AuditDraft) -> ClockStanding | None:
    """Where the entry says a clock stands, if it says so."""
    if draft.kind == AuditKind.ACKNOWLEDGEMENT_SENT and "on_time" in draft.detail:
        return ClockStanding.ON_TIME if draft.detail["on_time"] else ClockStanding.BREACHED
    return _CLOCK_STANDINGS.get(draft.kind)

"""Policy publication under the two-person rule: propose, approve (which publishes),
withdraw a proposal, and the history of every version (plaint.policy.publication decides;
this carries it through the PolicyRegister port, one transaction per act)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from plaint.model.publication import PolicyRecord, Publication
from plaint.policy import publication as decide
from plaint.policy.loading import parse_policy
from plaint.usecases.ports import PolicyRegister
from plaint.usecases.retry import on_fresh_state
from plaint.vocabulary.errors import PublicationRefusedError

SHORTEST_PREFIX = 6


@dataclass
class PolicyPublication:
    register: PolicyRegister
    clock: Callable[[], datetime]
    ledger: str = "main"

    def propose(self, document: str, by: str) -> PolicyRecord:
        """Keep a valid document for a second person to approve, and record the proposal.
        Raises PolicyError (every problem, with path and line) or PublicationRefusedError."""
        version = parse_policy(document).version

        def attempt() -> PolicyRecord:
            change = decide.propose(
                document, by, self.clock(),
                record=self.register.policy_record(version),
                active=self.active_version(),
                document_kept=self.register.policy_document(version) is not None,
            )  # fmt: skip
            self.register.record_policy_change(change, self.ledger)
            return change.record

        return on_fresh_state(attempt, f"proposal of {version[:12]}")

    def approve(self, version: str, by: str) -> PolicyRecord:
        """Approve a proposal (by its version or a prefix of it), which publishes it.
        Raises TwoPersonRuleError, ProposalNotFoundError, StaleProposalError or
        PolicyError; nothing is published then."""
        full = self.resolve(version)

        def attempt() -> PolicyRecord:
            change = decide.approve(
                full, by, self.clock(),
                record=self.register.policy_record(full),
                document=self.register.policy_document(full),
                active=self.active_version(),
            )  # fmt: skip
            self.register.record_policy_change(change, self.ledger)
            return change.record

        return on_fresh_state(attempt, f"approval of {full[:12]}")

    def withdraw(self, version: str, by: str, *, admin: bool, reason: str = "") -> PolicyRecord:
        """Withdraw a proposal awaiting approval (its proposer, or an admin), recorded on
        the policy chain as `policy.withdrawn`. Raises ProposalNotFoundError or
        PublicationRefusedError; nothing changes then."""
        full = self.resolve(version)

        def attempt() -> PolicyRecord:
            change = decide.withdraw(full, by, self.clock(), admin=admin, reason=reason,
                                     record=self.register.policy_record(full))  # fmt: skip
            self.register.record_policy_change(change, self.ledger)
            return change.record

        return on_fresh_state(attempt, f"withdrawal of {full[:12]}")

    def active_version(self) -> str | None:
        active = self.register.active_policy()
        return None if active is None else active[0]

    def history(self) -> list[PolicyRecord]:
        """Every version ever proposed, the latest act first."""
        return sorted(self.register.policy_records(), key=lambda r: r.last.at, reverse=True)

    def awaiting_approval(self) -> list[PolicyRecord]:
        return [record for record in self.history() if record.awaiting_approval]

    def publications(self) -> list[Publication]:
        """Every time a version became the active policy, the latest first."""
        found = [p for record in self.register.policy_records() for p in record.publications()]
        return sorted(found, key=lambda p: p.published_at, reverse=True)

    def document(self, version: str) -> str | None:
        """A proposed or published version's document, as it was proposed."""
        return self.register.policy_document(self.resolve(version))

    def resolve(self, version: str) -> str:
        """The full version a prefix names (as `plaint policy history` prints them)."""
        wanted = version.strip().lower()
        if len(wanted) == 64 or len(wanted) < SHORTEST_PREFIX:
            return wanted
        matches = {r.version for r in self.register.policy_records()}
        matches = {v for v in matches if v.startswith(wanted)}
        if len(matches) > 1:
            raise PublicationRefusedError(f"{wanted} names {len(matches)} versions; give more")
        return matches.pop() if matches else wanted

"""The policy a running system judges by. A published policy replaces it only when it is
valid and its content matches the version it was published under; anything else is
refused, reported once, and the system goes on judging by the last valid policy."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.vocabulary.errors import PolicyError

log = logging.getLogger(__name__)


@dataclass
class PolicyBook:
    current: Policy
    refused: dict[str, list[str]] = field(default_factory=dict)

    def offer(self, version: str, document: str) -> Policy:
        """Take a published policy if it is valid; otherwise keep the current one."""
        if version == self.current.version or version in self.refused:
            return self.current
        try:
            candidate = parse_policy(document)
        except PolicyError as exc:
            return self._refuse(version, exc.problems)
        if candidate.version != version:
            return self._refuse(version, [f"content hashes to {candidate.version}, not {version}"])
        log.info("policy %s replaces %s", version[:12], self.current.version[:12])
        self.current = candidate
        return candidate

    def _refuse(self, version: str, problems: list[str]) -> Policy:
        self.refused[version] = problems
        log.error(
            "published policy %s refused, still judging by %s: %s",
            version[:12], self.current.version[:12], "; ".join(problems),
        )  # fmt: skip
        return self.current

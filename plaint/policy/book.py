"""The policy a running system judges by. A published policy replaces it only when it is
valid and its content matches the version it was published under; anything else is
refused, reported once, and the system goes on judging by the last valid policy.

A webhook needs only the policy's intake sections: `IntakeBook` starts from the packaged
policy's, read without building the whole policy, and takes a published policy's under the
same checks as `PolicyBook`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from plaint.policy.document import Policy
from plaint.policy.intake import IntakeSections
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
            candidate = verified_policy(version, document)
        except PolicyError as exc:
            return self._refuse(version, exc.problems)
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


def verified_policy(version: str, document: str) -> Policy:
    """The published `document` as a policy, if it is valid and hashes to `version`;
    PolicyError otherwise."""
    policy = parse_policy(document)
    if policy.version != version:
        raise PolicyError([f"content hashes to {policy.version}, not {version}"])
    return policy


@dataclass
class IntakeBook:
    """The intake sections in force: the packaged policy's until a published policy passes
    the checks PolicyBook makes (its whole document is read for them, once per version)."""

    current: IntakeSections
    version: str | None = None  # None: the packaged policy's
    refused: set[str] = field(default_factory=set)

    def offer(self, version: str, document: str) -> IntakeSections:
        if version == self.version or version in self.refused:
            return self.current
        try:
            policy = verified_policy(version, document)
        except PolicyError as exc:
            self.refused.add(version)
            log.error("published policy %s refused for intake: %s", version[:12],
                      "; ".join(exc.problems))  # fmt: skip
            return self.current
        self.current, self.version = policy.intake, version
        return self.current

"""A policy version's record under the two-person rule: who proposed it, who approved it
and when, and the change one act makes (plaint.policy.publication decides it)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from plaint.model.audit import AuditDraft
from plaint.vocabulary.base import AwareDatetime, Frozen


class PolicyAct(StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # a proposal taken back before anyone approved it


class PolicyStep(Frozen):
    act: PolicyAct
    by: str = Field(min_length=1)
    at: AwareDatetime
    active_before: str | None = Field(
        default=None,
        description="The active version when the act was taken: what a proposal was made "
        "against, what a publication replaced. None: the policy packaged with the functions.",
    )


class Publication(Frozen):
    """One time a version became the active policy, and who let it."""

    version: str
    name: str
    proposed_by: str
    proposed_at: AwareDatetime
    approved_by: str
    published_at: AwareDatetime
    replaced: str | None


class PolicyRecord(Frozen):
    """Everything that happened to one version: every proposal and publication, in order.
    `revision` moves on with each act; an act commits only from the revision it read."""

    version: str
    name: str
    steps: tuple[PolicyStep, ...] = Field(min_length=1)
    revision: int = Field(ge=1)

    @property
    def last(self) -> PolicyStep:
        return self.steps[-1]

    def with_step(self, step: PolicyStep) -> PolicyRecord:
        """The record's next revision, `step` added; committed only while the stored record
        is still at this revision."""
        return self.model_copy(update={"steps": (*self.steps, step), "revision": self.revision + 1})

    @property
    def awaiting_approval(self) -> bool:
        return self.last.act is PolicyAct.PROPOSED

    @property
    def proposal(self) -> PolicyStep:
        """The latest proposal (every record starts with one)."""
        return next(s for s in reversed(self.steps) if s.act is PolicyAct.PROPOSED)

    def publications(self) -> tuple[Publication, ...]:
        found: list[Publication] = []
        proposal = self.steps[0]
        for step in self.steps:
            if step.act is PolicyAct.PROPOSED:
                proposal = step
            if step.act is not PolicyAct.PUBLISHED:
                continue
            found.append(
                Publication(
                    version=self.version,
                    name=self.name,
                    proposed_by=proposal.by,
                    proposed_at=proposal.at,
                    approved_by=step.by,
                    published_at=step.at,
                    replaced=step.active_before,
                )
            )
        return tuple(found)


class PolicyChange(Frozen):
    """One act on a version, committed together or not at all: the record (new when
    `expected_revision` is None, else only from that revision), the document kept under
    its version when it is not kept yet, the active pointer moved to this version only from
    `expected_active` when `activate`, and the audit entries."""

    record: PolicyRecord
    expected_revision: int | None
    document: str | None = None
    activate: bool = False
    expected_active: str | None = None
    audit: tuple[AuditDraft, ...]

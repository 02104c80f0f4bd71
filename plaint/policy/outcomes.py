"""How the helpdesk shows the organisation's own outcome of a complaint: upheld, partly
upheld or not upheld (what the FCA's DISP 1.10 return counts, and what ISO 10004 scores are
grouped by). Agents tag the ticket, normally with the final response or summary resolution.
"""

from __future__ import annotations

from pydantic import Field

from plaint.model.complaint import ComplaintOutcome
from plaint.policy.regimes import MilestoneSignal
from plaint.vocabulary.base import Frozen

Problem = tuple[tuple[str | int, ...], str]


class OutcomeSignal(Frozen):
    """The ticket tags that say the organisation decided this outcome."""

    outcome: ComplaintOutcome
    tags: tuple[str, ...] = Field(min_length=1)


def outcome_problems(
    outcomes: tuple[OutcomeSignal, ...], milestones: tuple[MilestoneSignal, ...]
) -> list[Problem]:
    """Signals that would make the outcome ambiguous: an outcome declared twice, a tag that
    says two outcomes, or a tag that is also a milestone's (every such letter would carry
    an outcome whatever the agent decided)."""
    problems: list[Problem] = []
    milestone_of = {tag: s.milestone.value for s in milestones for tag in s.tags}
    seen_outcome: dict[str, int] = {}
    seen_tag: dict[str, str] = {}
    for index, signal in enumerate(outcomes):
        name = signal.outcome.value
        if name in seen_outcome:
            first = seen_outcome[name]
            message = f"outcome {name!r} already signalled by outcomes[{first}]"
            problems.append((("outcomes", index, "outcome"), message))
        seen_outcome.setdefault(name, index)
        for t_index, tag in enumerate(signal.tags):
            at: tuple[str | int, ...] = ("outcomes", index, "tags", t_index)
            if seen_tag.get(tag, name) != name:
                problems.append((at, f"tag {tag!r} already signals outcome {seen_tag[tag]!r}"))
            seen_tag.setdefault(tag, name)
            if tag in milestone_of:
                message = f"tag {tag!r} also signals milestone {milestone_of[tag]!r}"
                problems.append((at, f"{message}; give the outcome its own tag"))
    return problems

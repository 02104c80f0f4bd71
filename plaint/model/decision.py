"""A decision: the complaint's next state, the audit entries that explain it and the actions
it owes, committed together or not at all."""

from __future__ import annotations

from plaint.model.actions import ActionUpdate, OutboundAction
from plaint.model.audit import AuditDraft, Erasure
from plaint.model.complaint import Complaint
from plaint.vocabulary.base import Frozen


class Decision(Frozen):
    """Everything one judgement changes, committed in one transaction.

    `complaint` is the new state (None when the decision changes no complaint, such as
    parking an action). `expected_revision` is None when the complaint must not exist yet;
    otherwise the stored revision must equal it (optimistic concurrency). `new_actions` must
    not exist yet; `action_updates` apply to actions still in their expected state.
    """

    complaint: Complaint | None
    expected_revision: int | None = None
    audit: tuple[AuditDraft, ...]
    new_actions: tuple[OutboundAction, ...] = ()
    action_updates: tuple[ActionUpdate, ...] = ()
    erasures: tuple[Erasure, ...] = ()

    def following(self, first: Decision) -> Decision:
        """`first` and then this decision (judged on first's complaint) as one write, from
        first's expected revision: the complaint is this one's state at first's revision."""
        if first.complaint is None or self.complaint is None:
            raise ValueError("only two decisions about one complaint are written as one")
        return Decision(
            complaint=self.complaint.model_copy(update={"revision": first.complaint.revision}),
            expected_revision=first.expected_revision,
            audit=(*first.audit, *self.audit),
            new_actions=(*first.new_actions, *self.new_actions),
            action_updates=(*first.action_updates, *self.action_updates),
            erasures=(*first.erasures, *self.erasures),
        )

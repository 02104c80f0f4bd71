"""Use cases: carry the engine's decisions through the ports.

The webhook edge calls `accept`; the worker calls `process` then `dispatch`; the scheduler
calls `sweep`. Each is safe to run twice: deliveries are deduplicated, decisions are
conditional on the revision they were made from, and actions are claimed before they run.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from plaint.actions import attempts
from plaint.auditlog.chain import chain_of, with_facets
from plaint.clocks.acknowledgement import fallen_due
from plaint.intake import reception
from plaint.model.actions import ActionKind, ActionStatus, LandedWrite, OutboundAction
from plaint.model.audit import AuditEntry, AuditKind
from plaint.model.complaint import Complaint, ComplaintStatus
from plaint.model.decision import Decision
from plaint.model.events import DeliveryStatus, SourceSystem, TicketEvent
from plaint.policy.document import Policy
from plaint.referrals import escalation as referrals
from plaint.retention import decisions as retention
from plaint.surveys import asking as surveys
from plaint.surveys.invitation import LinkSigner
from plaint.usecases import intake
from plaint.usecases.outcomes import Outcomes
from plaint.usecases.ports import AddressBook, ChangeFeed, ComplaintStore, Outbox, Queue
from plaint.usecases.retry import on_fresh_state
from plaint.vocabulary.errors import (
    PermanentDeliveryError,
    RevisionConflictError,
    TransientDeliveryError,
)
from plaint.vocabulary.terms import Money

log = logging.getLogger(__name__)


# A delivery queued (by its webhook, or by a redrive) this long ago and still unprocessed
# is queued again: its message was lost, parked, or is still waiting behind a backlog.
# Each delivery is queued at most once per window, so redrives cannot swamp the worker;
# longer than the inbox queue's visibility timeout (180 s), so a message a worker is still
# on is not doubled.
REDRIVE_AFTER = timedelta(minutes=5)
UNJUDGED_LOG_EVENT = "delivery_set_aside_unjudged"


MAX_CHAIN = 100_000  # entries read back from one complaint's chain


@dataclass
class SweepReport:
    redriven_deliveries: int = 0
    actions_dispatched: int = 0
    complaints_due: int = 0
    acknowledgements_overdue: int = 0
    clock_warnings: int = 0
    clock_breaches: int = 0
    records_disposed: int = 0
    referrals_offered: int = 0
    surveys_queued: int = 0


@dataclass
class ReconcileReport:
    source: str
    changes_seen: int = 0
    gaps_closed: int = 0
    pages: int = 0


@dataclass
class ComplaintHandling:
    store: ComplaintStore
    policy: Policy
    clock: Callable[[], datetime]
    ledger: str = "main"
    outboxes: Mapping[SourceSystem, Outbox] = field(default_factory=dict)
    # What survey links are signed with; None: a survey falling due is recorded as skipped.
    survey_links: LinkSigner | None = None
    # Accepted deliveries set aside because they could not be judged, by source.
    set_aside_unjudged: Counter[str] = field(default_factory=Counter)
    # What was committed and counted, for the entry point's logs and metrics.
    outcomes: Outcomes = field(default_factory=Outcomes)

    def _commit(
        self, decision: Decision, about: Complaint | None = None, delivery_key: str | None = None
    ) -> None:
        """Commit with each entry's query facets taken from the complaint it is about."""
        self.store.commit(with_facets(decision, about, self.policy), self.ledger, delivery_key)
        self.outcomes.note(decision)

    def accept(self, event: TicketEvent) -> bool:
        """Record a delivery durably. False when it is a retry of one already accepted."""
        return intake.accept(self.store, event, self.clock())

    def process(self, delivery_key: str) -> tuple[OutboundAction, ...]:
        """Judge an accepted delivery; returns the actions it created (to dispatch now)."""

        def attempt() -> tuple[OutboundAction, ...]:
            delivery = self.store.get_delivery(delivery_key)
            if delivery is None or delivery.status is not DeliveryStatus.ACCEPTED:
                return ()  # unknown, or already judged by an earlier attempt
            current = self.store.get_complaint(delivery.event.complaint_id)
            decision = self._judged(delivery.event, current, delivery_key)
            self._commit(decision, current, delivery_key=delivery_key)
            return decision.new_actions

        return on_fresh_state(attempt, delivery_key)

    def _judged(self, event: TicketEvent, current: Complaint | None, key: str) -> Decision:
        """The decision on an accepted delivery; one that cannot be judged is set aside with
        the reason, as unparseable email is, so it is recorded once instead of failing on
        every retry (the decision is pure: it would raise the same way again)."""
        now = self.clock()
        try:
            return reception.receive(event, current, self.policy, now)
        except Exception as exc:  # whatever it is, a retry would raise it again
            reason = f"cannot be judged: {type(exc).__name__}: {exc}"[:500]
        self.set_aside_unjudged[event.source.value] += 1
        # A stable word to count by (a log metric filter): the delivery is kept, not judged.
        log.error("%s delivery=%s %s", UNJUDGED_LOG_EVENT, key, reason)
        unjudged = event.model_copy(update={"set_aside": reason})
        return reception.receive(unjudged, current, self.policy, now)

    def dispatch(self, action: OutboundAction) -> ActionStatus:
        """Carry out one action at least once, and record its outcome."""
        outbox = self.outboxes.get(action.source)
        if outbox is None:
            log.warning("no outbox for %s; %s stays pending", action.source, action.action_id)
            return action.status
        now = self.clock()
        claimed = attempts.claim(action, now)
        try:
            self._commit(claimed)
        except RevisionConflictError:
            return ActionStatus.PENDING  # another worker holds it
        action = claimed.action_updates[0].action
        return self._attempt(outbox, action)

    def _attempt(self, outbox: Outbox, action: OutboundAction) -> ActionStatus:
        try:
            # An earlier attempt may have landed without us hearing back: look before posting.
            found = action.attempts > 1 and outbox.already_applied(action)
            landed = None if found else outbox.apply(action)
        except TransientDeliveryError as exc:
            decision = attempts.action_failed(
                action,
                str(exc),
                self.policy,
                self.clock(),
                permanent=False,
                retry_after=exc.retry_after,
            )
        except PermanentDeliveryError as exc:
            decision = attempts.action_failed(
                action, str(exc), self.policy, self.clock(), permanent=True
            )
        else:
            return self._record_done(action, found=found, landed=landed)
        self._commit(decision)
        status = decision.action_updates[0].action.status
        if status is ActionStatus.PENDING:
            self.outcomes.count("ActionsRetried")
        return status

    def _record_done(
        self, action: OutboundAction, *, found: bool, landed: LandedWrite | None = None
    ) -> ActionStatus:

        def attempt() -> ActionStatus:
            complaint = self._complaint(action.complaint_id)
            decision = attempts.action_done(
                action, complaint, self.policy, self.clock(), found=found, landed=landed
            )
            self._commit(decision, complaint)
            return ActionStatus.DONE

        return on_fresh_state(attempt, action.action_id)

    def _escalate_missed(self, complaint: Complaint | None, now: datetime) -> int:
        """A final-response deadline passed with no final response: tell the complainant
        where to go next (ISO 10003), once."""
        rules = self.policy.escalation
        if complaint is None or not (rules.providers and rules.on_final_deadline_missed):
            return 0
        if not referrals.final_deadline_missed(complaint) or complaint.referrals:
            return 0
        decision = referrals.escalate(complaint, "final_deadline_missed", self.policy, now)
        if decision is None:
            return 0
        try:
            self._commit(decision, complaint)
        except RevisionConflictError:
            return 0  # changed meanwhile; a later event or sweep sees it
        return 1

    def escalate(
        self,
        complaint_id: str,
        trigger: str,
        *,
        provider_id: str | None = None,
        amount_claimed: Money | None = None,
    ) -> Decision | None:
        """An agent asks for escalation (plaint referral offer)."""

        def attempt() -> Decision | None:
            complaint = self._complaint(complaint_id)
            decision = referrals.escalate(
                complaint, trigger, self.policy, self.clock(),
                provider_id=provider_id, amount_claimed=amount_claimed,
            )  # fmt: skip
            if decision is not None:
                self._commit(decision, complaint)
            return decision

        decision = on_fresh_state(attempt, complaint_id)
        for action in decision.new_actions if decision else ():
            self.dispatch(action)
        return decision

    def _complaint(self, complaint_id: str) -> Complaint:
        complaint = self.store.get_complaint(complaint_id)
        if complaint is None:
            raise LookupError(f"no complaint {complaint_id}")
        return complaint

    def _entries(self, complaint_id: str) -> list[AuditEntry]:
        return list(self.store.audit_entries(chain_of(self.ledger, complaint_id), limit=MAX_CHAIN))

    def _dispose(self, complaint: Complaint, now: datetime) -> int:
        """Past its retention date with no hold: dispose of the record (plaint.retention)."""
        decision = retention.dispose(
            complaint, self._entries(complaint.complaint_id), self.policy, now
        )
        try:
            self._commit(decision, complaint)
        except RevisionConflictError:
            return 0  # it changed meanwhile (a hold, perhaps): the next sweep judges it again
        return 1

    def answer_erasure(
        self, complainant_ref: str, request_id: str, received_at: datetime
    ) -> retention.ErasureReport:
        """A complainant asks for their personal data to be erased: erase each record no
        legal obligation keeps, restrict the others, and record the report."""
        findings = []
        for named in self.store.complaints_of(complainant_ref):
            findings.append(self._answer_one(named.complaint_id, request_id))
        now = self.clock()
        report, entry = retention.erasure_report(
            request_id, complainant_ref, received_at=received_at, findings=findings,
            policy=self.policy, now=now,
        )  # fmt: skip
        self._commit(Decision(complaint=None, audit=(entry,)))
        return report

    def _answer_one(self, complaint_id: str, request_id: str) -> retention.ErasureFinding:

        def attempt() -> retention.ErasureFinding:
            complaint = self._complaint(complaint_id)
            entries = self._entries(complaint_id)
            decision, finding = retention.answer_erasure(
                complaint, entries, request_id, self.policy, self.clock()
            )
            self._commit(decision, complaint)
            return finding

        return on_fresh_state(attempt, complaint_id)

    def reconcile(self, feed: ChangeFeed, max_pages: int = 20) -> ReconcileReport:
        """Ask the helpdesk what changed since the last run and take in whatever no webhook
        delivered; each such change is judged and its audit entries say the gap was closed."""
        name = f"reconcile:{feed.source}"
        cursor = self.store.get_cursor(name)
        report = ReconcileReport(source=feed.source)
        for _ in range(max_pages):
            page = feed.changed_since(cursor, self.clock())
            report.pages += 1
            for event in page.events:
                report.changes_seen += 1
                report.gaps_closed += self._take_in(event)
            self.store.put_cursor(name, page.cursor, expected=cursor)
            cursor = page.cursor
            if not page.more:
                break
        return report

    def _take_in(self, event: TicketEvent) -> int:
        current = self.store.get_complaint(event.complaint_id)
        if current is not None and (
            current.source_version >= event.occurred_at
            # The ticket's last change is Plaint's own update (a new ticket it opened).
            or _own_write(current, event)
            # Nothing we track moved: our own acknowledgement also updates the ticket. A
            # possible complaint's tags may hold an agent's answer whose webhook was lost.
            or (
                current.helpdesk_status == event.helpdesk_status
                and current.status is not ComplaintStatus.POSSIBLE_COMPLAINT
            )
        ):
            return 0  # a webhook already told us
        if not self.accept(event):
            return 0  # an earlier run took it in
        for action in self.process(f"{event.source}:{event.delivery_id}"):
            self.dispatch(action)
        return 1

    def _fallen_due(self, complaint: Complaint, now: datetime) -> Decision | None:
        """What fell due (clocks, the acknowledgement), then the survey or its reminder,
        as one decision."""
        clocks = fallen_due(complaint, self.policy, now)
        judged = complaint if clocks is None else clocks.complaint
        if judged is None:
            return clocks  # nothing about the complaint itself: the survey waits a sweep
        looked_up = self._with_address(judged, now)
        if isinstance(looked_up, Decision):
            survey: Decision | None = looked_up
        else:
            survey = surveys.due(looked_up, self.policy, self.survey_links, now)
        if survey is None:
            return clocks
        return survey if clocks is None else survey.following(clocks)

    def _with_address(self, complaint: Complaint, now: datetime) -> Complaint | Decision:
        """A survey falling due with no address: the complaint with the address its helpdesk
        gives for the requester, or the decision to ask again later (429, 5xx)."""
        ref = surveys.helpdesk_user(complaint)
        book = self.outboxes.get(complaint.source)
        if ref is None or self.survey_links is None:
            return complaint  # unsigned links: the send records not_configured
        if not surveys.needs_address(complaint, self.policy.surveys, now):
            return complaint
        if not isinstance(book, AddressBook):
            return complaint  # nobody to ask: the send records no_email_address
        try:
            return surveys.address_found(complaint, book.address_of(ref))
        except TransientDeliveryError as exc:
            error, retry_after, permanent = exc, exc.retry_after, False
        except PermanentDeliveryError as exc:
            error, retry_after, permanent = exc, None, True
        log.warning("address for %s not read: %s", complaint.complaint_id, error)
        # Retried like an action: the same backoff and number of attempts.
        failures = (complaint.survey.address_lookups if complaint.survey else 0) + 1
        retry_at = None
        if not permanent and failures < attempts.MAX_ATTEMPTS:
            backoff = attempts.RETRY_BACKOFF[min(failures, len(attempts.RETRY_BACKOFF)) - 1]
            retry_at = now + max(backoff, timedelta(seconds=retry_after or 0))
        return surveys.address_lookup_failed(complaint, self.policy, now, retry_at=retry_at)

    def sweep(self, queue: Queue, limit: int = 100) -> SweepReport:
        """What the scheduler runs: redrive lost deliveries, retry due actions, and record
        acknowledgements that fell due unsent. Reads only what is due."""
        now = self.clock()
        report = SweepReport()
        window = now - REDRIVE_AFTER
        for delivery in self.store.unprocessed_deliveries(window, limit):
            # Noted before it is sent: a second sweep meanwhile leaves it alone, and a send
            # that fails is tried again a window later.
            if self.store.requeue_delivery(delivery.key, queued_before=window, now=now):
                queue.enqueue(delivery.key)
                report.redriven_deliveries += 1
        for complaint in self.store.due_complaints(now, limit):
            report.complaints_due += 1
            if retention.disposal_due(complaint, now):
                report.records_disposed += self._dispose(complaint, now)
                continue
            decision = self._fallen_due(complaint, now)
            if decision is None:
                continue
            try:
                self._commit(decision, complaint)
            except RevisionConflictError:
                continue  # it moved meanwhile; the next sweep sees it as it is now
            report.referrals_offered += self._escalate_missed(decision.complaint, now)
            kinds = Counter(entry.kind for entry in decision.audit)
            report.acknowledgements_overdue += kinds[AuditKind.ACKNOWLEDGEMENT_OVERDUE]
            report.clock_warnings += kinds[AuditKind.CLOCK_WARNING]
            report.clock_breaches += kinds[AuditKind.CLOCK_BREACHED]
            report.surveys_queued += sum(a.kind is ActionKind.SURVEY for a in decision.new_actions)
        for action in self.store.due_actions(self.clock(), limit):
            self.dispatch(action)
            report.actions_dispatched += 1
        return report


def _own_write(current: Complaint, event: TicketEvent) -> bool:
    """The ticket as the helpdesk shows it is the version Plaint's own update left."""
    own = current.own_write
    return own is not None and own.at == event.occurred_at and own.status == event.helpdesk_status

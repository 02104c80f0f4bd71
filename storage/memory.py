"""The in-memory twin of DynamoStore, for testing the engine without AWS.

It keeps the very items DynamoStore writes (same keys, same due attributes, same TTL) in two
dicts standing in for the two tables, and checks the same conditions. One lock makes every
call atomic, so a commit is all-or-nothing and the chain never needs a retry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from plaint.auditlog.chain import by_chain, place_on_chain, refuse_future
from plaint.model.actions import ActionUpdate
from plaint.model.audit import AuditDraft, AuditEntry, ChainHead, Erasure
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.model.events import Delivery, DeliveryStatus
from plaint.model.publication import PolicyChange
from plaint.vocabulary.errors import (
    AuditWindowClosedError,
    DuplicateDeliveryError,
    RevisionConflictError,
)
from storage import active_policy, codec, deliveries
from storage import audit_codec as ac
from storage.layout import Item, cursor_key, live, utc_now
from storage.memory_audit import MemoryAuditLog
from storage.published import PublishedPolicies
from storage.reads import DecodedReads
from storage.state_indexes import StateIndexes

Key = tuple[str, str]


def _key(item: Item) -> Key:
    return (item["pk"], item["sk"])


class MemoryStore(DecodedReads, PublishedPolicies, MemoryAuditLog, StateIndexes):
    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._lock = threading.Lock()
        self._state: dict[Key, Item] = {}
        self._audit: dict[Key, Item] = {}
        self._clock = clock

    def _now(self) -> datetime:
        return self._clock()

    # Deliveries

    def accept_delivery(self, delivery: Delivery, keep_until: datetime) -> None:
        items = [deliveries.delivery_item(delivery, keep_until)]
        items += filter(None, [deliveries.signed_item(delivery, keep_until)])
        with self._lock:
            if any(live(self._state.get(_key(i)), self._clock()) for i in items):
                raise DuplicateDeliveryError(delivery.key)
            self._state.update((_key(i), i) for i in items)

    def requeue_delivery(self, key: str, queued_before: datetime, now: datetime) -> bool:
        k = _key(deliveries.delivery_key(key))
        with self._lock:
            item = live(self._state.get(k), self._clock())
            if item is None or not deliveries.queued_before(item, queued_before):
                return False
            self._state[k] = {**item, **deliveries.queued_at(now)}
            return True

    def expires_at(self, key: str) -> int | None:
        """The delivery's TTL in epoch seconds, as DynamoDB would hold it."""
        item = self._read(self._state, deliveries.delivery_key(key))
        return None if item is None else int(item["expires_at"])

    # Reconciliation cursors

    def get_cursor(self, name: str) -> str | None:
        item = self._read(self._state, cursor_key(name))
        return None if item is None else str(item["value"])

    def put_cursor(self, name: str, value: str, expected: str | None) -> None:
        key = _key(cursor_key(name))
        with self._lock:
            current = self._state.get(key)
            if (current["value"] if current else None) != expected:
                raise RevisionConflictError(f"cursor {name} moved on meanwhile")
            self._state[key] = {**cursor_key(name), "value": value}

    # Sent mail evidence (plaint.ports.SentMailEvidence)

    def note_sending(self, token: str, at: datetime) -> None:
        with self._lock:
            item = self._state.setdefault(_key(codec.sent_mail_key(token)), {})
            item |= codec.sent_mail_key(token) | {
                "sending_at": codec.sortable(at),
                "expires_at": codec.sent_mail_expiry(at),
            }

    def record_accepted(self, token: str, at: datetime, provider_message_id: str) -> bool:
        with self._lock:
            item = self._state.setdefault(_key(codec.sent_mail_key(token)), {})
            if "accepted_at" in item:
                return False
            item |= codec.sent_mail_key(token) | {
                "accepted_at": codec.sortable(at),
                "provider_message_id": provider_message_id,
                "expires_at": codec.sent_mail_expiry(at),
            }
            return True

    def reindex_complaints(self, refresh: Callable[[Complaint], Complaint]) -> int:
        with self._lock:
            keys = [k for k in self._state if k[0].startswith("COMPLAINT#") and k[1] == "STATE"]
            for key in keys:
                complaint = refresh(codec.complaint_from_item(self._state[key]))
                self._state[key] = codec.complaint_item(complaint)
        return len(keys)

    def _policy_items(self) -> list[Item]:
        with self._lock:
            found = [dict(i) for k, i in self._state.items() if k[0] == codec.POLICY_PARTITION]
        return sorted(found, key=lambda item: item["sk"])

    def _complainant_items(self, key: str) -> list[Item]:
        with self._lock:
            found = [dict(i) for i in self._state.values() if i.get("complainant") == key]
        return sorted(found, key=lambda item: item["pk"])

    # The transaction

    def commit(
        self, decision: Decision, ledger: str, delivery_key: str | None = None
    ) -> tuple[AuditEntry, ...]:
        with self._lock:
            if not self._conditions_hold(decision, delivery_key):
                raise RevisionConflictError("the complaint, an action or the delivery moved on")
            entries = self._placed(decision.audit, ledger)
            self._apply(decision, delivery_key, entries)
            return entries

    def record_policy_change(self, change: PolicyChange, ledger: str) -> tuple[AuditEntry, ...]:
        record = codec.policy_record_item(change.record)
        with self._lock:
            stored = self._state.get(_key(record))
            record_ok = (
                stored is None
                if change.expected_revision is None
                else stored is not None and stored["revision"] == change.expected_revision
            )
            writes = [record]
            if change.document is not None:
                writes.append(active_policy.document_item(change.record.version, change.document))
            document_new = change.document is None or _key(writes[-1]) not in self._state
            active = self._state.get(_key(active_policy.active_item("")))
            if change.activate:
                writes.append(active_policy.active_item(change.record.version))
            active_ok = not change.activate or (
                (active["value"] if active else None) == change.expected_active
            )
            if not (record_ok and document_new and active_ok):
                raise RevisionConflictError("the policy record or the active policy moved on")
            entries = self._placed(change.audit, ledger)
            for item in writes:
                self._state[_key(item)] = item
            self._write_entries(entries)
            return entries

    def _placed(self, drafts: Sequence[AuditDraft], ledger: str) -> tuple[AuditEntry, ...]:
        """The drafts as entries on their chains, if the ledger's window is open for them
        (callers hold the lock)."""
        refuse_future((draft.at for draft in drafts), self._clock())
        earliest = min((draft.at for draft in drafts), default=None)
        if earliest is not None and not self.window_open(ledger, earliest):
            raise AuditWindowClosedError("the entries are dated inside a sealed window")
        chains = by_chain(ledger, drafts)
        placed = [place_on_chain(self.chain_head(c), group) for c, group in chains.items()]
        return tuple(entry for chain in placed for entry in chain)

    def _write_entries(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            item = ac.entry_item(entry)
            self._audit[_key(item)] = item
            head = ac.head_item(ChainHead(chain=entry.chain, seq=entry.seq, hash=entry.hash))
            self._audit[_key(head)] = head

    def _conditions_hold(self, decision: Decision, delivery_key: str | None) -> bool:
        complaint_ok = decision.complaint is None or self._complaint_ok(
            decision.complaint, decision.expected_revision
        )
        actions_new = all(
            _key(codec.action_key(a.action_id)) not in self._state for a in decision.new_actions
        )
        updates_ok = all(self._update_ok(u) for u in decision.action_updates)
        delivery = (
            None
            if delivery_key is None
            else self._state.get(_key(deliveries.delivery_key(delivery_key)))
        )
        delivery_ok = delivery_key is None or (
            delivery is not None and delivery["status"] == DeliveryStatus.ACCEPTED.value
        )
        erasures_ok = all(self._erasable(e) for e in decision.erasures)
        return complaint_ok and actions_new and updates_ok and delivery_ok and erasures_ok

    def _erasable(self, erasure: Erasure) -> bool:
        item = self._audit.get(_key(ac.entry_key(erasure.chain, erasure.seq)))
        return item is not None and item.get("personal") == ac.personal_json(erasure.expected)

    def _complaint_ok(self, complaint: Complaint, expected_revision: int | None) -> bool:
        stored = self._state.get(_key(codec.complaint_key(complaint.complaint_id)))
        if expected_revision is None or stored is None:
            return expected_revision is None and stored is None
        # An update that arrives late must never overwrite a newer one.
        newer_or_same = stored["source_version"] <= codec.sortable(complaint.source_version)
        return bool(stored["revision"] == expected_revision and newer_or_same)

    def _update_ok(self, update: ActionUpdate) -> bool:
        stored = self._state.get(_key(codec.action_key(update.action.action_id)))
        return (
            stored is not None
            and stored["status"] == update.expected_status.value
            and stored["attempts"] == update.expected_attempts
        )

    def _apply(
        self, decision: Decision, delivery_key: str | None, entries: Sequence[AuditEntry]
    ) -> None:
        writes = [codec.action_item(a) for a in decision.new_actions]
        writes += [codec.action_item(u.action) for u in decision.action_updates]
        if decision.complaint is not None:
            writes.append(codec.complaint_item(decision.complaint))
        for item in writes:
            self._state[_key(item)] = item
        self._write_entries(entries)
        if delivery_key is not None:
            self._mark_processed(delivery_key)
        for erasure in decision.erasures:
            key = _key(ac.entry_key(erasure.chain, erasure.seq))
            remaining = ac.remaining_personal(erasure)
            item = {n: v for n, v in self._audit[key].items() if n != "personal"}
            self._audit[key] = item | (
                {"personal": ac.personal_json(remaining)} if remaining else {}
            )

    # Primitives (callers hold the lock where it matters)

    def _mark_processed(self, key: str) -> None:
        k = _key(deliveries.delivery_key(key))
        item = {n: v for n, v in self._state[k].items() if n not in ("due_bucket", "due_at")}
        self._state[k] = {**item, "status": DeliveryStatus.PROCESSED.value, "outcome": "decided"}

    def _read(self, table: dict[Key, Item], key: Item) -> Item | None:
        with self._lock:
            item = table.get(_key(key))
            return None if item is None else dict(item)

    def _state_item(self, key: Item) -> Item | None:
        return self._read(self._state, key)

    def _state_items(self, keys: Sequence[Item]) -> list[Item]:
        return [item for key in keys if (item := self._read(self._state, key)) is not None]

    def _due_items(
        self, bucket: str, instant: datetime, limit: int, *, inclusive: bool
    ) -> list[Item]:
        bound = codec.sortable(instant)
        with self._lock:
            due = [
                item
                for item in self._state.values()
                if item.get("due_bucket") == bucket
                and (item["due_at"] <= bound if inclusive else item["due_at"] < bound)
            ]
        due.sort(key=lambda item: (item["due_at"], item["pk"]))
        return due[: max(limit, 0)]

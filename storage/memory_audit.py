"""The audit table of the in-memory store: the same items as DynamoAuditLog writes, the same
conditions, the indexes computed from the items' attributes. Mixed into MemoryStore."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime

from plaint.auditlog.checkpoint import Checkpoint, CheckpointBody
from plaint.auditlog.evidence import CheckpointCopy, IndexMismatch
from plaint.model.audit import AuditEntry
from plaint.vocabulary.errors import RevisionConflictError
from storage import audit_codec as ac
from storage.audit_pages import AuditPages, Plan
from storage.codec import sortable
from storage.layout import Item

Key = tuple[str, str]


def key_of(item: Item) -> Key:
    return (item["pk"], item["sk"])


class MemoryAuditLog(AuditPages):
    _lock: threading.Lock
    _audit: dict[Key, Item]
    _state: dict[Key, Item]

    def _audit_item(self, key: Item) -> Item | None:
        item = self._audit.get(key_of(key))  # one dict read: atomic under the GIL
        return None if item is None else dict(item)

    def audit_entries(
        self, chain: str, after_seq: int = 0, limit: int = 100
    ) -> Sequence[AuditEntry]:
        first, pk = ac.seq_sk(after_seq + 1), ac.chain_pk(chain)
        with self._lock:
            keys = sorted(k for k in self._audit if k[0] == pk and k[1].startswith("SEQ#"))
            items = [self._audit[k] for k in keys if k[1] >= first][: max(limit, 0)]
        return [ac.entry_from_item(item) for item in items]

    def stored_entries(
        self, ledger: str, chain: str | None = None
    ) -> tuple[list[AuditEntry], list[IndexMismatch]]:
        prefix = ac.chain_pk(chain) if chain is not None else ac.entry_prefix(ledger)
        with self._lock:
            items = [
                dict(self._audit[k])
                for k in sorted(self._audit)
                if k[1].startswith("SEQ#")
                and (k[0] == prefix if chain is not None else k[0].startswith(prefix))
            ]
        mismatches = [m for item in items if (m := ac.index_mismatch(item)) is not None]
        return [ac.entry_from_item(item) for item in items], mismatches

    def sealed_until(self, ledger: str) -> datetime | None:
        with self._lock:
            return self._sealed(ledger)

    def _sealed(self, ledger: str) -> datetime | None:
        item = self._audit.get(key_of(ac.seal_key(ledger)))
        return None if item is None else ac.from_sortable(item["sealed_until"])

    def seal(self, ledger: str, until: datetime, expected: datetime | None) -> None:
        with self._lock:
            if self._sealed(ledger) != expected:
                raise RevisionConflictError(f"ledger {ledger}: sealed meanwhile")
            item = {**ac.seal_key(ledger), "sealed_until": sortable(until)}
            self._audit[key_of(item)] = item

    def window_open(self, ledger: str, earliest: datetime) -> bool:
        """Whether entries dated from `earliest` may still be written (callers hold the lock)."""
        sealed = self._sealed(ledger)
        return sealed is None or sealed < earliest

    def entries_between(
        self, ledger: str, after: datetime, until: datetime
    ) -> Iterator[AuditEntry]:
        low, high = sortable(after) + "$", sortable(until) + "$"
        prefix = f"{ledger}#"
        with self._lock:
            items = [
                item
                for item in self._audit.values()
                if str(item.get("tpart", "")).startswith(prefix) and low < item["tkey"] < high
            ]
        for item in sorted(items, key=lambda item: item["tkey"]):
            yield ac.entry_from_item(item)

    def earliest_entry_at(self, ledger: str) -> datetime | None:
        prefix = f"{ledger}#"
        with self._lock:
            keys = [
                str(item["tkey"])[:27]
                for item in self._audit.values()
                if str(item.get("tpart", "")).startswith(prefix)
            ]
        return ac.from_sortable(min(keys)) if keys else None

    def record_checkpoint(self, checkpoint: Checkpoint) -> None:
        item = ac.checkpoint_item(checkpoint)
        with self._lock:
            if key_of(item) in self._audit:
                raise RevisionConflictError(f"checkpoint {checkpoint.number} exists")
            self._audit[key_of(item)] = item
            for chain in checkpoint.chains():
                index = ac.chain_checkpoint_item(chain, checkpoint.number)
                self._audit[key_of(index)] = index

    def checkpoint_bodies(
        self, ledger: str, after_number: int = 0, limit: int = 1000
    ) -> list[tuple[CheckpointBody, str]]:
        pk = ac.ledger_pk(ledger)
        first = ac.checkpoint_key(ledger, after_number + 1)["sk"]
        with self._lock:
            keys = sorted(
                k
                for k in self._audit
                if k[0] == pk and k[1].startswith("CHECKPOINT#") and k[1] >= first
            )
            items = [self._audit[k] for k in keys[:limit]]
        return [ac.checkpoint_body_from_item(item) for item in items]

    def checkpoint_copies(self, ledger: str) -> list[CheckpointCopy]:
        pk = ac.ledger_pk(ledger)
        with self._lock:
            items = [
                self._audit[k]
                for k in sorted(self._audit)
                if k[0] == pk and k[1].startswith("CHECKPOINT#")
            ]
        return [ac.checkpoint_copy_from_item(item) for item in items]

    def newest_checkpoint_copy(self, ledger: str) -> CheckpointCopy | None:
        copies = self.checkpoint_copies(ledger)
        return copies[-1] if copies else None

    def checkpoints_of_chain(self, chain: str) -> list[int]:
        pk = ac.chain_checkpoints_pk(chain)
        with self._lock:
            return sorted(int(item["number"]) for k, item in self._audit.items() if k[0] == pk)

    def _read_partition(
        self, plan: Plan, partition: str, start: Item | None, limit: int
    ) -> tuple[list[Item], Item | None]:
        sort = plan.sort_attribute
        table = self._audit if plan.table == "audit" else self._state
        with self._lock:
            items = sorted(
                (
                    dict(item)
                    for item in table.values()
                    if item.get(plan.partition_attribute) == partition
                    and (plan.low or " ") <= str(item.get(sort, "")) <= plan.high
                ),
                key=lambda item: (item[sort], item["pk"], item["sk"]),
            )
        if start is not None:
            after = (start[sort], start["pk"], start["sk"])
            items = [i for i in items if (i[sort], i["pk"], i["sk"]) > after]
        page = items[:limit]
        more = len(items) > limit
        return page, plan.key_of(page[-1]) if more and page else None

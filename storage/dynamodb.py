"""The ComplaintStore on DynamoDB.

Two tables, both on demand. The state table holds deliveries, complaints and outbound
actions under `pk`/`sk`. Whatever is still owed (an acknowledgement, an action attempt, an
unprocessed delivery) also carries `due_bucket`/`due_at`, which feeds the sparse GSI `due`:
the schedulers query "bucket = X and due_at <= now" and read only what is due, never the
open backlog. `due_at` is fixed-width UTC text, so string order is time order. Complaint
records also feed the search indexes (storage.search_codec), deliveries the
`deliveries_by_day` index (storage.codec), and policy versions keep their records in the
`POLICIES` partition (storage.published); storage.state_indexes reads them. The audit
table holds one chain per complaint: `SEQ#<n>` entries as plain attributes and a `HEAD`
item that every append moves with a condition on its old seq (storage.audit_codec has the
rest of its layout).

`commit` is a single TransactWriteItems: complaint, chain entries, head, actions and the
delivery land together or not at all, and only if the entries are dated after the ledger's
sealed window (AuditWindowClosedError: judge again). A failed complaint/action/delivery
condition means the caller judged stale state (RevisionConflictError). A failed head or
entry condition only means another decision took the next seq first: re-read the head and
place again.
Every write is conditional, so repeating one whose outcome was unknown is safe.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn, cast

from botocore.exceptions import ClientError

from plaint.auditlog.chain import by_chain, place_on_chain, refuse_future
from plaint.model.audit import AuditDraft, AuditEntry, ChainHead, Erasure
from plaint.model.complaint import Complaint
from plaint.model.decision import Decision
from plaint.model.events import DeliveryStatus
from plaint.model.publication import PolicyChange
from plaint.vocabulary.errors import (
    AuditWindowClosedError,
    ChainConflictError,
    RevisionConflictError,
    StoreUnavailableError,
)
from storage import active_policy, codec
from storage import audit_codec as ac
from storage.deliveries import delivery_key
from storage.dynamo_audit import DynamoAuditLog
from storage.dynamo_wire import cancellation_reasons
from storage.dynamo_wire import error_code as _error_code
from storage.dynamo_wire import plain as _plain
from storage.dynamo_wire import translated as _translated
from storage.dynamo_wire import wire as _wire
from storage.inbox import NEW_ITEM, DynamoInbox
from storage.layout import COMPLAINANT_INDEX, DELIVERY_BUCKET, DUE_INDEX, Item, cursor_key, utc_now
from storage.published import PublishedPolicies
from storage.reads import DecodedReads
from storage.state_indexes import StateIndexes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CHAIN_ATTEMPTS = 8
BATCH_GET_KEYS = 100  # BatchGetItem's limit per request
BATCH_GET_ATTEMPTS = 8
MAX_TRANSACT_ITEMS = 100
# Cancellation reasons on chain items that mean "someone appended first".
CHAIN_RACE_CODES = frozenset({"ConditionalCheckFailed", "TransactionConflict"})
STATUS = {"#status": "status"}


class _ChainMovedError(Exception):
    """The head changed between our read and our write."""


class DynamoStore(DynamoInbox, DecodedReads, PublishedPolicies, DynamoAuditLog, StateIndexes):
    def __init__(
        self,
        client: DynamoDBClient,
        state_table: str = "plaint-state",
        audit_table: str = "plaint-audit",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(client, state_table, clock)
        self._audit = audit_table

    def _now(self) -> datetime:
        return self._clock()

    # Reconciliation cursors

    def put_cursor(self, name: str, value: str, expected: str | None) -> None:
        request: dict[str, Any] = {
            "TableName": self._state,
            "Item": _wire({**cursor_key(name), "value": value}),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        if expected is not None:
            request |= {
                "ConditionExpression": "#value = :expected",
                "ExpressionAttributeNames": {"#value": "value"},
                "ExpressionAttributeValues": _wire({":expected": expected}),
            }
        try:
            with _translated():
                self._client.put_item(**request)
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                raise RevisionConflictError(f"cursor {name} moved on meanwhile") from exc
            raise

    # Sent mail evidence (plaint.ports.SentMailEvidence)

    def note_sending(self, token: str, at: datetime) -> None:
        # An update, not a put: a report of acceptance already kept must survive it.
        with _translated():
            self._client.update_item(
                TableName=self._state,
                Key=_wire(codec.sent_mail_key(token)),
                UpdateExpression="SET sending_at = :at, expires_at = :expires",
                ExpressionAttributeValues=_wire(
                    {":at": codec.sortable(at), ":expires": codec.sent_mail_expiry(at)}
                ),
            )

    def record_accepted(self, token: str, at: datetime, provider_message_id: str) -> bool:
        try:
            with _translated():
                self._client.update_item(
                    TableName=self._state,
                    Key=_wire(codec.sent_mail_key(token)),
                    UpdateExpression="SET accepted_at = :at, provider_message_id = :id, "
                    "expires_at = :expires",
                    ConditionExpression="attribute_not_exists(accepted_at)",
                    ExpressionAttributeValues=_wire(
                        {
                            ":at": codec.sortable(at),
                            ":id": provider_message_id,
                            ":expires": codec.sent_mail_expiry(at),
                        }
                    ),
                )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # The transaction

    def commit(
        self, decision: Decision, ledger: str, delivery_key: str | None = None
    ) -> tuple[AuditEntry, ...]:
        return self._with_audit(self._state_ops(decision, delivery_key), decision.audit, ledger)

    def record_policy_change(self, change: PolicyChange, ledger: str) -> tuple[AuditEntry, ...]:
        """A proposal or approval in one transaction: the version's record, its document
        when not kept yet, the active pointer when it moves, and the audit entries.
        RevisionConflictError when the record or the pointer moved meanwhile."""
        record = codec.policy_record_item(change.record)
        if change.expected_revision is None:
            ops = [self._put(self._state, record, NEW_ITEM)]
        else:
            values = {":expected": change.expected_revision}
            ops = [self._put(self._state, record, "revision = :expected", values)]
        if change.document is not None:
            item = active_policy.document_item(change.record.version, change.document)
            ops.append(self._put(self._state, item, NEW_ITEM))
        if change.activate:
            active = active_policy.active_item(change.record.version)
            if change.expected_active is None:
                ops.append(self._put(self._state, active, NEW_ITEM))
            else:
                expected = {":expected_active": change.expected_active}
                names = {"#value": "value"}
                condition = "#value = :expected_active"
                ops.append(self._put(self._state, active, condition, expected, names))
        return self._with_audit(ops, change.audit, ledger)

    def _with_audit(
        self, state_ops: list[TransactWriteItemTypeDef], drafts: Sequence[AuditDraft], ledger: str
    ) -> tuple[AuditEntry, ...]:
        """The state writes and the drafts placed on their chains, in one transaction."""
        if not drafts:
            if state_ops:
                self._transact(state_ops, [])
            return ()
        refuse_future((draft.at for draft in drafts), self._clock())
        chains = by_chain(ledger, drafts)
        earliest = min(draft.at for draft in drafts)
        for attempt in range(CHAIN_ATTEMPTS):
            placed = [place_on_chain(self.chain_head(c), d) for c, d in chains.items()]
            chain_ops: list[Any] = [self.seal_check(ledger, earliest)]
            for entries in placed:
                chain_ops += self._chain_ops(entries)
            try:
                self._transact(state_ops, chain_ops)
            except _ChainMovedError:
                time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
                continue
            return tuple(entry for entries in placed for entry in entries)
        raise ChainConflictError(f"ledger {ledger}: a chain head kept moving")

    def _state_ops(
        self, decision: Decision, delivery_key: str | None
    ) -> list[TransactWriteItemTypeDef]:
        ops: list[TransactWriteItemTypeDef] = []
        if decision.complaint is not None:
            ops.append(self._complaint_op(decision.complaint, decision.expected_revision))
        for action in decision.new_actions:
            ops.append(self._put(self._state, codec.action_item(action), NEW_ITEM))
        for update in decision.action_updates:
            condition = "#status = :expected_status AND attempts = :expected_attempts"
            values = {
                ":expected_status": update.expected_status.value,
                ":expected_attempts": update.expected_attempts,
            }
            item = codec.action_item(update.action)
            ops.append(self._put(self._state, item, condition, values, STATUS))
        if delivery_key is not None:
            op = self._mark_processed_op(delivery_key)
            ops.append({"Update": op})
        ops.extend({"Update": self._erasure_op(e)} for e in decision.erasures)
        return ops

    def _erasure_op(self, erasure: Erasure) -> Any:
        """Remove personal values from a written entry, only if they are still as read."""
        remaining = ac.remaining_personal(erasure)
        values = {":expected": ac.personal_json(erasure.expected)}
        if remaining:
            values[":remaining"] = ac.personal_json(remaining)
        return {
            "TableName": self._audit,
            "Key": _wire(ac.entry_key(erasure.chain, erasure.seq)),
            "UpdateExpression": "SET personal = :remaining" if remaining else "REMOVE personal",
            "ConditionExpression": "personal = :expected",
            "ExpressionAttributeValues": _wire(values),
        }

    def _complaint_op(
        self, complaint: Complaint, expected_revision: int | None
    ) -> TransactWriteItemTypeDef:
        item = codec.complaint_item(complaint)
        if expected_revision is None:
            return self._put(self._state, item, NEW_ITEM)
        # An update that arrives late must never overwrite a newer one.
        condition = "revision = :expected AND source_version <= :source_version"
        values = {":expected": expected_revision, ":source_version": item["source_version"]}
        return self._put(self._state, item, condition, values)

    def _chain_ops(self, entries: Sequence[AuditEntry]) -> list[TransactWriteItemTypeDef]:
        """The entries of one chain, and its head moved on only from where they follow."""
        ops = [self._put(self._audit, ac.entry_item(entry), NEW_ITEM) for entry in entries]
        first = entries[0]
        head = ChainHead(chain=first.chain, seq=entries[-1].seq, hash=entries[-1].hash)
        if first.seq == 1:
            ops.append(self._put(self._audit, ac.head_item(head), NEW_ITEM))
        else:
            condition, values = "seq = :old_seq", {":old_seq": first.seq - 1}
            ops.append(self._put(self._audit, ac.head_item(head), condition, values))
        return ops

    def _transact(
        self,
        state_ops: list[TransactWriteItemTypeDef],
        chain_ops: list[TransactWriteItemTypeDef],
    ) -> None:
        ops = state_ops + chain_ops
        if len(ops) > MAX_TRANSACT_ITEMS:
            raise ValueError(f"a decision may write at most {MAX_TRANSACT_ITEMS} items")
        try:
            with _translated():
                self._client.transact_write_items(TransactItems=ops)
        except ClientError as exc:
            if _error_code(exc) != "TransactionCanceledException":
                raise
            _raise_cancellation(exc, len(state_ops))

    # Primitives

    def _put(
        self,
        table: str,
        item: Item,
        condition: str,
        values: Item | None = None,
        names: dict[str, str] | None = None,
    ) -> TransactWriteItemTypeDef:
        put: dict[str, Any] = {
            "TableName": table,
            "Item": _wire(item),
            "ConditionExpression": condition,
        }
        if values:
            put["ExpressionAttributeValues"] = _wire(values)
        if names:
            put["ExpressionAttributeNames"] = names
        return cast("TransactWriteItemTypeDef", {"Put": put})

    def requeue_delivery(self, key: str, queued_before: datetime, now: datetime) -> bool:
        # Conditional, so two sweeps at once queue it once, and a processed one never.
        try:
            with _translated():
                self._client.update_item(
                    TableName=self._state,
                    Key=_wire(delivery_key(key)),
                    UpdateExpression="SET due_at = :now",
                    ConditionExpression="#status = :accepted AND due_bucket = :bucket "
                    "AND due_at < :before AND expires_at > :epoch",
                    ExpressionAttributeNames=STATUS,
                    ExpressionAttributeValues=_wire(
                        {
                            ":now": codec.sortable(now),
                            ":accepted": DeliveryStatus.ACCEPTED.value,
                            ":bucket": DELIVERY_BUCKET,
                            ":before": codec.sortable(queued_before),
                            ":epoch": int(self._now().timestamp()),
                        }
                    ),
                )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _mark_processed_op(self, key: str) -> Any:
        return {
            "TableName": self._state,
            "Key": _wire(delivery_key(key)),
            "UpdateExpression": "SET #status = :status, outcome = :outcome "
            "REMOVE due_bucket, due_at",
            # Only an accepted delivery closes: two workers never both record an outcome.
            "ConditionExpression": "#status = :accepted",
            "ExpressionAttributeNames": STATUS,
            "ExpressionAttributeValues": _wire(
                {
                    ":status": DeliveryStatus.PROCESSED.value,
                    ":outcome": "decided",
                    ":accepted": DeliveryStatus.ACCEPTED.value,
                }
            ),
        }

    def _state_item(self, key: Item) -> Item | None:
        return self._get(self._state, key)

    def _state_items(self, keys: Sequence[Item]) -> list[Item]:
        found: list[Item] = []
        for start in range(0, len(keys), BATCH_GET_KEYS):
            found += self._batch_get([_wire(k) for k in keys[start : start + BATCH_GET_KEYS]])
        return found

    def _batch_get(self, keys: list[Any]) -> list[Item]:
        """One BatchGetItem, asked again for the keys DynamoDB leaves unprocessed (under
        throttling it may return any of them so), backing off as the SDKs do."""
        found: list[Item] = []
        for attempt in range(BATCH_GET_ATTEMPTS):
            with _translated():
                answer = self._client.batch_get_item(
                    RequestItems={self._state: {"Keys": keys, "ConsistentRead": True}}
                )
            found += [_plain(item) for item in answer["Responses"].get(self._state, [])]
            unprocessed = answer.get("UnprocessedKeys") or {}
            keys = list(unprocessed[self._state]["Keys"]) if self._state in unprocessed else []
            if not keys:
                return found
            time.sleep(min(1.0, 0.05 * 2**attempt) * random.random())  # full jitter
        raise StoreUnavailableError(f"{len(keys)} complaint records left unread by BatchGetItem")

    def _due_items(
        self, bucket: str, instant: datetime, limit: int, *, inclusive: bool
    ) -> list[Item]:
        operator = "<=" if inclusive else "<"
        query = {
            "TableName": self._state,
            "IndexName": DUE_INDEX,
            "KeyConditionExpression": f"due_bucket = :bucket AND due_at {operator} :instant",
            "ExpressionAttributeValues": _wire(
                {":bucket": bucket, ":instant": codec.sortable(instant)}
            ),
        }
        return self._paged(query, limit)

    def reindex_complaints(self, refresh: Callable[[Complaint], Complaint]) -> int:
        """Rewrite every complaint record with its search attributes, `refresh` applied
        (what a table written before search needs, once): one scan, and a put per record
        conditional on its revision, so a decision landing meanwhile wins. The number
        rewritten."""
        request: dict[str, Any] = {
            "TableName": self._state,
            "FilterExpression": "begins_with(pk, :complaint) AND sk = :state",
            "ExpressionAttributeValues": _wire({":complaint": "COMPLAINT#", ":state": "STATE"}),
        }
        rewritten = 0
        while True:
            with _translated():
                page = self._client.scan(**request)
            for raw in page.get("Items", []):
                item = _plain(raw)
                rewrite = codec.complaint_item(refresh(codec.complaint_from_item(item)))
                unchanged = {":revision": item["revision"]}
                put = self._put(self._state, rewrite, "revision = :revision", unchanged)["Put"]
                try:
                    with _translated():
                        self._client.put_item(**put)
                except ClientError as exc:
                    if _error_code(exc) != "ConditionalCheckFailedException":
                        raise
                    continue
                rewritten += 1
            if "LastEvaluatedKey" not in page:
                return rewritten
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _policy_items(self) -> list[Item]:
        query = {
            "TableName": self._state,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": _wire({":pk": codec.POLICY_PARTITION}),
            "ConsistentRead": True,
        }
        return self._paged(query, 100_000)

    def _complainant_items(self, key: str) -> list[Item]:
        query = {
            "TableName": self._state,
            "IndexName": COMPLAINANT_INDEX,
            "KeyConditionExpression": "complainant = :c",
            "ExpressionAttributeValues": _wire({":c": key}),
        }
        return self._paged(query, 10_000)

    def _paged(self, query: dict[str, Any], limit: int) -> list[Item]:
        """Query page by page, asking each time for exactly what is still missing."""
        items: list[Item] = []
        start: dict[str, Any] | None = None
        while len(items) < limit:
            page = dict(query, Limit=limit - len(items))
            if start is not None:
                page["ExclusiveStartKey"] = start
            with _translated():
                response = self._client.query(**page)
            items.extend(_plain(item) for item in response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if start is None:
                break
        return items


def _raise_cancellation(exc: ClientError, state_count: int) -> NoReturn:
    """Decide what a cancelled transaction means from its per-item reasons.

    Reasons come in request order: state items first, then the seal check, then chain
    entries and heads.
    """
    failed = cancellation_reasons(exc)
    if any(i < state_count and code == "ConditionalCheckFailed" for i, code in failed):
        raise RevisionConflictError("the complaint, an action or the delivery moved on") from exc
    if (state_count, "ConditionalCheckFailed") in failed:
        raise AuditWindowClosedError("the entries are dated inside a sealed window") from exc
    if failed and all(i >= state_count and code in CHAIN_RACE_CODES for i, code in failed):
        raise _ChainMovedError from exc
    raise StoreUnavailableError(str(exc)) from exc

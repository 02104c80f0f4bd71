"""The audit table on DynamoDB: chains, the seal, checkpoint copies and the query indexes
(layout in storage.audit_codec). Mixed into DynamoStore."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from plaint.auditlog.checkpoint import CheckpointBody
from plaint.auditlog.evidence import CheckpointCopy, IndexMismatch
from plaint.model.audit import AuditEntry
from plaint.vocabulary.errors import RevisionConflictError
from storage import audit_codec as ac
from storage.audit_pages import AuditPages, Plan, day_steps
from storage.codec import sortable
from storage.dynamo_wire import error_code, plain, translated, wire
from storage.layout import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from plaint.auditlog.checkpoint import Checkpoint

BATCH = 25


class DynamoAuditLog(AuditPages):
    _client: DynamoDBClient
    _audit: str
    _state: str

    def _get(self, table: str, key: Item) -> Item | None:
        raise NotImplementedError

    def _paged(self, query: dict[str, Any], limit: int) -> list[Item]:
        raise NotImplementedError

    # Chains

    def _audit_item(self, key: Item) -> Item | None:
        return self._get(self._audit, key)

    def audit_entries(
        self, chain: str, after_seq: int = 0, limit: int = 100
    ) -> Sequence[AuditEntry]:
        # BETWEEN keeps HEAD out: "HEAD" sorts after every "SEQ#..." key.
        query = {
            "TableName": self._audit,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": wire(
                {
                    ":pk": ac.chain_pk(chain),
                    ":first": ac.seq_sk(after_seq + 1),
                    ":last": ac.seq_sk(ac.LAST_SEQ),
                }
            ),
            "ConsistentRead": True,
        }
        return [ac.entry_from_item(item) for item in self._paged(query, limit)]

    def stored_entries(
        self, ledger: str, chain: str | None = None
    ) -> tuple[list[AuditEntry], list[IndexMismatch]]:
        """Every entry of the ledger (one scan of the table itself, not of an index), or of
        one chain; and those whose index attributes differ from their content."""
        if chain is not None:
            query = {
                "TableName": self._audit,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :seq)",
                "ExpressionAttributeValues": wire({":pk": ac.chain_pk(chain), ":seq": "SEQ#"}),
                "ConsistentRead": True,
            }
            return _decoded(self._paged(query, ac.LAST_SEQ))
        request: dict[str, Any] = {
            "TableName": self._audit,
            "ConsistentRead": True,
            "FilterExpression": "begins_with(pk, :chains) AND begins_with(sk, :seq)",
            "ExpressionAttributeValues": wire({":chains": ac.entry_prefix(ledger), ":seq": "SEQ#"}),
        }
        items: list[Item] = []
        while True:
            with translated():
                response = self._client.scan(**request)
            items.extend(plain(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        items.sort(key=lambda item: (item["pk"], item["sk"]))
        return _decoded(items)

    # The seal

    def sealed_until(self, ledger: str) -> datetime | None:
        item = self._get(self._audit, ac.seal_key(ledger))
        return None if item is None else ac.from_sortable(item["sealed_until"])

    def seal(self, ledger: str, until: datetime, expected: datetime | None) -> None:
        """Seal the window up to `until`, only from `expected` (RevisionConflictError)."""
        request: dict[str, Any] = {
            "TableName": self._audit,
            "Item": wire({**ac.seal_key(ledger), "sealed_until": sortable(until)}),
        }
        if expected is None:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            request["ConditionExpression"] = "sealed_until = :expected"
            request["ExpressionAttributeValues"] = wire({":expected": sortable(expected)})
        try:
            with translated():
                self._client.put_item(**request)
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise RevisionConflictError(f"ledger {ledger}: sealed meanwhile") from exc
            raise

    def seal_check(self, ledger: str, earliest: datetime) -> dict[str, Any]:
        """The transaction item that refuses entries dated inside a sealed window."""
        return {
            "ConditionCheck": {
                "TableName": self._audit,
                "Key": wire(ac.seal_key(ledger)),
                "ConditionExpression": "attribute_not_exists(sealed_until) OR sealed_until < :at",
                "ExpressionAttributeValues": wire({":at": sortable(earliest)}),
            }
        }

    # Entries by time, for checkpoints

    def entries_between(
        self, ledger: str, after: datetime, until: datetime
    ) -> Iterator[AuditEntry]:
        """Entries dated in (after, until], from the time index, day by day."""
        low, high = sortable(after) + "$", sortable(until) + "$"
        for day in day_steps(after, until):
            query = {
                "TableName": self._audit,
                "IndexName": ac.TIME_INDEX,
                "KeyConditionExpression": "tpart = :day AND tkey BETWEEN :low AND :high",
                "ExpressionAttributeValues": wire(
                    {":day": ac.day_partition(ledger, day), ":low": low, ":high": high}
                ),
            }
            for item in self._paged(query, ac.LAST_SEQ):
                yield ac.entry_from_item(item)

    def earliest_entry_at(self, ledger: str) -> datetime | None:
        """When the ledger's first entry was dated: one scan, run once when checkpoints
        begin on a log that already holds entries."""
        earliest: str | None = None
        request: dict[str, Any] = {
            "TableName": self._audit,
            "ProjectionExpression": "tkey, tpart",
            "ConsistentRead": True,
            "FilterExpression": "begins_with(tpart, :ledger)",
            "ExpressionAttributeValues": wire({":ledger": f"{ledger}#"}),
        }
        while True:
            with translated():
                response = self._client.scan(**request)
            for item in response.get("Items", []):
                tkey = str(plain(item)["tkey"])[:27]
                earliest = tkey if earliest is None else min(earliest, tkey)
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return None if earliest is None else ac.from_sortable(earliest)

    # Checkpoint copies

    def record_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Keep the body and signature, and which chains it covered. Write-once."""
        try:
            with translated():
                self._client.put_item(
                    TableName=self._audit,
                    Item=wire(ac.checkpoint_item(checkpoint)),
                    ConditionExpression="attribute_not_exists(pk)",
                )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise RevisionConflictError(f"checkpoint {checkpoint.number} exists") from exc
            raise
        items = [
            ac.chain_checkpoint_item(c, checkpoint.number) for c in sorted(checkpoint.chains())
        ]
        for start in range(0, len(items), BATCH):
            self._write_batch(items[start : start + BATCH])

    def _write_batch(self, items: list[Item]) -> None:
        requests: list[Any] = [{"PutRequest": {"Item": wire(item)}} for item in items]
        while requests:
            with translated():
                response = self._client.batch_write_item(RequestItems={self._audit: requests})
            requests = list(response.get("UnprocessedItems", {}).get(self._audit, []))

    def checkpoint_bodies(
        self, ledger: str, after_number: int = 0, limit: int = 1000
    ) -> list[tuple[CheckpointBody, str]]:
        query = {
            "TableName": self._audit,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": wire(
                {
                    ":pk": ac.ledger_pk(ledger),
                    ":first": ac.checkpoint_key(ledger, after_number + 1)["sk"],
                    ":last": ac.checkpoint_key(ledger, ac.LAST_SEQ)["sk"],
                }
            ),
            "ConsistentRead": True,
        }
        return [ac.checkpoint_body_from_item(item) for item in self._paged(query, limit)]

    def checkpoint_copies(self, ledger: str) -> list[CheckpointCopy]:
        query = self._checkpoint_copies_query(ledger, newest_first=False)
        return [ac.checkpoint_copy_from_item(item) for item in self._paged(query, ac.LAST_SEQ)]

    def newest_checkpoint_copy(self, ledger: str) -> CheckpointCopy | None:
        items = self._paged(self._checkpoint_copies_query(ledger, newest_first=True), 1)
        return ac.checkpoint_copy_from_item(items[0]) if items else None

    def _checkpoint_copies_query(self, ledger: str, *, newest_first: bool) -> dict[str, Any]:
        """The ledger's checkpoint copies in the audit table, by number."""
        return {
            "TableName": self._audit,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": wire(
                {":pk": ac.ledger_pk(ledger), ":prefix": "CHECKPOINT#"}
            ),
            "ScanIndexForward": not newest_first,
            "ConsistentRead": True,
        }

    def checkpoints_of_chain(self, chain: str) -> list[int]:
        query = {
            "TableName": self._audit,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": wire({":pk": ac.chain_checkpoints_pk(chain)}),
        }
        return [int(item["number"]) for item in self._paged(query, ac.LAST_SEQ)]

    # Queries

    def _read_partition(
        self, plan: Plan, partition: str, start: Item | None, limit: int
    ) -> tuple[list[Item], Item | None]:
        query: dict[str, Any] = {
            "TableName": self._audit if plan.table == "audit" else self._state,
            "KeyConditionExpression": f"{plan.partition_attribute} = :p AND "
            f"{plan.sort_attribute} BETWEEN :low AND :high",
            "ExpressionAttributeValues": wire(
                {":p": partition, ":low": plan.low or " ", ":high": plan.high}
            ),
            "Limit": limit,
        }
        if plan.index is not None:
            query["IndexName"] = plan.index
        if start is not None:
            query["ExclusiveStartKey"] = wire(start)
        with translated():
            response = self._client.query(**query)
        items = [plain(item) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return items, None if last is None else plain(last)


def _decoded(items: list[Item]) -> tuple[list[AuditEntry], list[IndexMismatch]]:
    mismatches = [m for item in items if (m := ac.index_mismatch(item)) is not None]
    return [ac.entry_from_item(item) for item in items], mismatches

"""What a webhook does in DynamoDB: record a delivery, and read which policy is active (for
its intake sections). Its own small class, so the webhook function imports neither the
complaint and audit models nor their codecs; DynamoStore inherits it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from plaint.model.events import Delivery
from plaint.vocabulary.errors import DuplicateDeliveryError, StoreUnavailableError
from storage.active_policy import ActivePolicy
from storage.deliveries import delivery_item, signed_item
from storage.dynamo_wire import cancellation_reasons, error_code, read_item, translated, wire
from storage.layout import Item, cursor_key, utc_now

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NEW_ITEM = "attribute_not_exists(pk)"


class DynamoInbox(ActivePolicy):
    def __init__(
        self,
        client: DynamoDBClient,
        state_table: str = "plaint-state",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._client = client
        self._state = state_table
        self._clock = clock

    def accept_delivery(self, delivery: Delivery, keep_until: datetime) -> None:
        """One conditional put; with the signed-digest marker, two in one transaction, so a
        delivery is never recorded without the marker, nor the marker without it."""
        items = (delivery_item(delivery, keep_until), signed_item(delivery, keep_until))
        puts = [self._new(item) for item in items if item]
        try:
            with translated():
                if len(puts) == 1:
                    self._client.put_item(**puts[0])
                else:
                    self._client.transact_write_items(TransactItems=[{"Put": p} for p in puts])
        except ClientError as exc:
            if _duplicate(exc):
                raise DuplicateDeliveryError(delivery.key) from exc
            if error_code(exc) == "TransactionCanceledException":
                # Cancelled for another reason (a conflicting transaction, throttling):
                # nothing was written, and the helpdesk's retry may land.
                raise StoreUnavailableError(str(exc)) from exc
            raise

    def _new(self, item: Item) -> Any:
        return {
            "TableName": self._state,
            "Item": wire(item),
            # A delivery remembered past its TTL is forgotten, deleted or not.
            "ConditionExpression": f"{NEW_ITEM} OR expires_at <= :now",
            "ExpressionAttributeValues": wire({":now": int(self._clock().timestamp())}),
        }

    def get_cursor(self, name: str) -> str | None:
        item = self._get(self._state, cursor_key(name))
        return None if item is None else str(item["value"])

    def _get(self, table: str, key: Item) -> Item | None:
        return read_item(self._client, table, key)


def _duplicate(exc: ClientError) -> bool:
    """Whether the delivery id or the signed digest was already remembered."""
    code = error_code(exc)
    if code == "ConditionalCheckFailedException":
        return True
    return code == "TransactionCanceledException" and any(
        reason == "ConditionalCheckFailed" for _, reason in cancellation_reasons(exc)
    )

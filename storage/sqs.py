"""The queue between the webhook edge and the worker: Amazon SQS behind plaint's Queue port."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from plaint.vocabulary.errors import StoreUnavailableError


class SqsQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    @classmethod
    def by_name(cls, client: Any, name: str) -> SqsQueue:
        return cls(client, client.get_queue_url(QueueName=name)["QueueUrl"])

    def enqueue(self, delivery_key: str) -> None:
        try:
            self._client.send_message(QueueUrl=self._url, MessageBody=delivery_key)
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailableError(f"could not enqueue {delivery_key}") from exc

    def depth(self) -> int:
        """Messages waiting (visible), as SQS counts them: approximate, and enough to alarm on."""
        try:
            attributes = self._client.get_queue_attributes(
                QueueUrl=self._url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailableError(f"could not read the depth of {self._url}") from exc
        return int(attributes["ApproximateNumberOfMessages"])

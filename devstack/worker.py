"""The local worker's one step: hand a queued message to the functions' SQS handler, as
Lambda's event source mapping does, and give the message back to the queue if it raised."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalice.local import LambdaContext

from devstack.events import sqs_event

RETRY_SECONDS = 5  # Lambda would wait out the visibility timeout; locally, a few seconds
log = logging.getLogger("plaint.local")


@dataclass
class QueueWorker:
    functions: Any  # the Chalice project's app module
    sqs: Any
    region: str

    def handle(
        self, message: Mapping[str, Any], queue_url: str, handler: str, seconds: int
    ) -> bool:
        """True when the handler took the message (it is deleted); False when it raised
        (the message comes back after RETRY_SECONDS)."""
        event = sqs_event(message, self.region)
        context = LambdaContext(handler, 512, max_runtime_ms=seconds * 1000)
        try:
            getattr(self.functions, handler)(event, context)
        except Exception:
            log.exception("worker failed on %s; SQS will hand it back", message["Body"])
            self.sqs.change_message_visibility(
                QueueUrl=queue_url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=RETRY_SECONDS,
            )
            return False
        self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return True

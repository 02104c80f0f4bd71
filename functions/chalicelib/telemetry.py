"""The webhook function's JSON log lines and metrics, with the standard library alone.

Importing any part of aws-lambda-powertools imports all of it (its package imports Logger,
Metrics and Tracer): about 25-35 ms of CPU, a sixth of what the webhook adds to boto3's own
cold start (docs/architecture.md#logs-and-metrics). So the webhook writes its lines here in
the shape Powertools' Logger and Metrics write them, with the same field names, and the
other functions use Powertools itself (chalicelib/observed.py).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

NAMESPACE = "Plaint"
SERVICE = "plaint"
# The keys a line may carry besides Powertools' own: never a person's data or a secret.
CONTEXT_KEYS = ("delivery_id", "complaint_id", "source", "policy_version")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    """One JSON object per record: level, location, message, timestamp, service, then the
    record's extra keys (delivery_id, source...), as Powertools' Logger writes them."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": datetime.fromtimestamp(record.created, UTC).strftime(
                "%Y-%m-%d %H:%M:%S,%f"
            )[:-3]
            + "+0000",
            "service": SERVICE,
        }
        line |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info:
            line["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(line, default=str)


class Stdout:
    """sys.stdout as it is at each write, not as it was when the handler was made (a test's
    captured output, a stack that swaps it)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


class JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """JSON lines to stdout; the Powertools set-up replaces it where both run in one process."""

    def __init__(self) -> None:
        super().__init__(Stdout())
        self.setFormatter(JsonLines())


class _Apart(logging.Filter):
    """Keeps a handler of the root logger from printing the records of `names` again."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.name == n or record.name.startswith(n + ".") for n in self.names)


# The engine's and the adapters' loggers, whose lines the webhook path may write too.
SHARED_LOGGERS = ("plaint", "connectors", "storage", "bootstrap")


def configure() -> None:
    """The engine's and the adapters' lines as JSON too, where no one has set them up."""
    unset = tuple(name for name in SHARED_LOGGERS if not logging.getLogger(name).handlers)
    for name in unset:
        logging.getLogger(name).addHandler(JsonLinesHandler())
    if unset:
        for handler in logging.root.handlers:
            if type(handler).__module__ != "_pytest.logging":  # a test's capture sees all
                handler.addFilter(_Apart(unset))


def json_logger(name: str) -> logging.Logger:
    """A logger writing JSON lines to stdout, apart from the others (it does not propagate,
    so a process that also runs Powertools' Logger does not print a line twice)."""
    logger = logging.getLogger(name)
    if not logger.handlers:
        logger.addHandler(JsonLinesHandler())
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def emf_line(name: str, dimensions: dict[str, str], value: float = 1.0) -> str:
    """One metric in CloudWatch's embedded metric format, as Powertools' Metrics writes it."""
    dimensions = {"service": SERVICE} | dimensions
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [list(dimensions)],
                        "Metrics": [{"Name": name, "Unit": "Count"}],
                    }
                ],
            },
            **dimensions,
            name: [value],
        }
    )


def count(name: str, **dimensions: str) -> None:
    print(emf_line(name, dimensions), flush=True)

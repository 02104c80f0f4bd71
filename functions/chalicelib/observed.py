"""The worker's and the scheduled functions' logs and metrics, through aws-lambda-powertools:
JSON log lines (Logger) and CloudWatch embedded-metric-format lines (Metrics), namespace
Plaint. The webhook function writes the same shapes without it (chalicelib/telemetry.py).

What is counted comes from the use cases (plaint.usecases.outcomes): the engine names the
measures, this module publishes them once per invocation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import IO, cast

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.logging.filters import SuppressFilter
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.telemetry import NAMESPACE, SERVICE, JsonLinesHandler, Stdout
from plaint.usecases.outcomes import Committed, Measure

# Logger "plaint" is also the engine's loggers' parent (plaint.usecases...): theirs come out
# as the same JSON lines, with the keys appended here.
logger = Logger(service=SERVICE, stream=cast(IO[str], Stdout()))
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
_OTHERS = ("connectors", "storage", "bootstrap")


def _share_handler() -> None:
    """The adapters' loggers write through the same handler. They keep propagating (so a
    test's log capture still sees them); the root's other handlers skip them, as Powertools
    makes them skip "plaint", so no line is printed twice. Where the webhook's standard-library
    handler came first (one process runs every function locally), this one replaces it."""
    for name in (SERVICE, *_OTHERS):
        other = logging.getLogger(name)
        for plain in [h for h in other.handlers if isinstance(h, JsonLinesHandler)]:
            other.removeHandler(plain)
        if logger.registered_handler not in other.handlers:
            other.addHandler(logger.registered_handler)
        other.setLevel(logging.INFO)
    for handler in logging.root.handlers:
        if type(handler).__module__ != "_pytest.logging":
            for name in _OTHERS:
                handler.addFilter(SuppressFilter(name))


_share_handler()


def begin(**context: str | None) -> None:
    """Start an invocation's log context: only ids, the source and the policy version."""
    logger.clear_state()
    logger.append_keys(**{k: v for k, v in context.items() if v is not None})


def publish(measures: Iterable[Measure]) -> None:
    """Add the measures: plain ones to the invocation's line (flush), split ones each on a
    line of its own, printed at once."""
    for measure in measures:
        if measure.dimension is not None:
            split(measure.name, measure.dimension, measure.value)
        else:
            metrics.add_metric(
                name=measure.name, unit=MetricUnit(measure.unit), value=measure.value
            )


def split(name: str, dimension: tuple[str, str], value: float = 1.0) -> None:
    """One metric with its own dimension beside the service (printed at once)."""
    with single_metric(
        name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE,
        default_dimensions={"service": SERVICE},
    ) as metric:  # fmt: skip
        metric.add_dimension(name=dimension[0], value=dimension[1])


def log_committed(committed: Iterable[Committed]) -> None:
    for decision in committed:
        logger.info(
            "decision committed",
            extra={
                "complaint_id": decision.complaint_id,
                "policy_version": decision.policy_version,
                "audit_kinds": list(decision.kinds),
            },
        )


def flush() -> None:
    """Print the invocation's metrics (nothing when there are none)."""
    if metrics.metric_set:
        metrics.flush_metrics()

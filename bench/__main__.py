"""`python -m bench [NAME ...]`: run the benchmarks and print their figures."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from bench import (
    artifact_size,
    audit_log,
    calendar_speed,
    dynamodb_requests,
    hostile_input,
    import_time,
    portal,
    portal_queries,
    recogniser,
    sweep_reads,
    webhook_latency,
    what_if,
    worker_memory,
)

BENCHMARKS: dict[str, Callable[[], dict[str, Any]]] = {
    "webhook_latency": webhook_latency.measure,
    "dynamodb_requests": dynamodb_requests.measure,
    "import_time": import_time.measure,
    "artifact_size": artifact_size.measure,
    "calendar_speed": calendar_speed.measure,
    "sweep_reads": sweep_reads.measure,
    "audit_log": audit_log.measure,
    "recogniser": recogniser.measure,
    "portal": portal.measure,
    "portal_queries": portal_queries.measure,
    "what_if": what_if.measure,
    "hostile_input": hostile_input.measure,
    "worker_memory": worker_memory.measure,
}


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main(names: list[str]) -> int:
    for name in names or list(BENCHMARKS):
        figures = BENCHMARKS[name]()
        print(f"{name}: {json.dumps(_rounded(figures), ensure_ascii=False)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

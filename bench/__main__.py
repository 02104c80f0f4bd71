"""`python -m bench [NAME ...]`: run the benchmarks and print their figures.

`load_and_faults` takes minutes, so it runs only when named, alone, with its own options:
`python -m bench load_and_faults --help`."""

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
    load_and_faults,
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
    "load_and_faults": load_and_faults.measure,
}
ON_REQUEST = frozenset({"load_and_faults"})  # minutes long: not part of a plain `make bench`


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main(names: list[str]) -> int:
    if names[:1] == ["load_and_faults"]:
        return load_and_faults.main(names[1:])
    for name in names or [name for name in BENCHMARKS if name not in ON_REQUEST]:
        figures = BENCHMARKS[name]()
        print(f"{name}: {json.dumps(_rounded(figures), ensure_ascii=False)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

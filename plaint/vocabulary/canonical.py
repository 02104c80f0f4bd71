"""The canonical JSON form every hash, signature and policy version is computed over: sorted
keys, no insignificant whitespace, UTF-8 text. docs/audit.md ("The canonical form, byte for
byte") describes it completely, numbers and escapes included, for an auditor's own tool, and
docs/canonical-json-vectors.json gives test vectors."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")

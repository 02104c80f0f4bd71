"""The canonical JSON form every hash and policy version is computed over: sorted keys, no
insignificant whitespace, UTF-8 text, so anyone can recompute them with any JSON library."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # plaint.policy hashes its documents with canonical_json, from here
    pass


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")

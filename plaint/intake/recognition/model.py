"""The shipped weights: read once, on first use, from model.json beside this module.

The file is JSON with the weight table as base64 of zlib-compressed little-endian int16
values (one per hashed feature) and the scale that turns them back into floats. Its
SHA-256 is the model's version, so an audit entry that names the version names the exact
bytes that judged the ticket.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import sys
import zlib
from array import array
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from plaint.intake.recognition.features import NAMED_VALUE, Analysis

MODEL_FILE = "model.json"
FORMAT = "plaint-recogniser/1"


def model_bytes() -> bytes:
    return resources.files(__package__).joinpath(MODEL_FILE).read_bytes()


def version_of(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Weights:
    version: str
    buckets: int
    intercept: float
    scale: float
    table: array[int]
    complaint_threshold: float
    review_threshold: float
    languages: frozenset[str]

    def weight(self, index: int) -> float:
        return self.table[index] * self.scale

    def score(self, analysis: Analysis) -> float:
        table = self.table
        lexical = sum(map(table.__getitem__, analysis.lexical)) * analysis.lexical_value
        named = sum(map(table.__getitem__, analysis.named)) * NAMED_VALUE
        return self.intercept + (lexical + named) * self.scale

    @staticmethod
    def probability(score: float) -> float:
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        exp = math.exp(score)
        return exp / (1.0 + exp)


def encode(
    weights: list[float], intercept: float, thresholds: dict[str, float], extra: dict[str, Any]
) -> bytes:
    """The model file for these weights (used by training; deterministic)."""
    largest = max((abs(w) for w in weights), default=0.0) or 1.0
    scale = largest / 32767
    table = array("h", (round(w / scale) for w in weights))
    if sys.byteorder != "little":
        table.byteswap()
    document = {
        "format": FORMAT,
        "buckets": len(weights),
        "intercept": round(intercept, 6),
        "scale": scale,
        "thresholds": thresholds,
        **extra,
        "weights": base64.b64encode(zlib.compress(table.tobytes(), 9)).decode("ascii"),
    }
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def decode(content: bytes) -> Weights:
    document = json.loads(content)
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown recogniser model format {document.get('format')!r}")
    table = array("h")
    table.frombytes(zlib.decompress(base64.b64decode(document["weights"])))
    if sys.byteorder != "little":
        table.byteswap()
    if len(table) != document["buckets"]:
        raise ValueError("recogniser model weight table has the wrong length")
    return Weights(
        version=version_of(content),
        buckets=document["buckets"],
        intercept=float(document["intercept"]),
        scale=float(document["scale"]),
        table=table,
        complaint_threshold=float(document["thresholds"]["complaint"]),
        review_threshold=float(document["thresholds"]["review"]),
        languages=frozenset(document["languages"]),
    )


@cache
def loaded() -> Weights:
    return decode(model_bytes())

"""The canonical JSON form every audit hash, checkpoint signature and policy version commits
to: the published test vectors (docs/canonical-json-vectors.json), and the form as
docs/audit.md describes it, written independently, agreeing with it on any JSON value."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.auditlog.chain import entry_hash
from plaint.vocabulary.canonical import canonical_json
from tests.unit.vocabulary import reference_canonical

VECTORS = json.loads(
    (Path(__file__).parents[3] / "docs" / "canonical-json-vectors.json").read_text("utf-8")
)


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"][:40])
def test_every_published_vector_is_reproduced_by_the_form_and_its_description(
    vector: dict[str, str],
) -> None:
    value = json.loads(vector["input"])
    expected = vector["canonical"].encode("utf-8")
    assert canonical_json(value) == expected
    assert reference_canonical.encode(value) == expected
    assert hashlib.sha256(expected).hexdigest() == vector["sha256"]


def test_the_published_audit_entry_hash_is_the_one_the_chain_computes() -> None:
    entry = VECTORS["audit_entry"]
    assert canonical_json(entry["body"]).decode("utf-8") == entry["canonical"]
    assert entry_hash(entry["prev_hash"], entry["body"]) == entry["hash"]
    recomputed = hashlib.sha256(
        entry["prev_hash"].encode("ascii") + entry["canonical"].encode("utf-8")
    ).hexdigest()
    assert recomputed == entry["hash"]


def test_the_vectors_cover_what_differs_between_json_libraries() -> None:
    """Key order beyond the BMP, floats in both notations, controls, big integers."""
    canonical = "".join(v["canonical"] for v in VECTORS["vectors"])
    for needle in (
        '"\ufb33":1,"\U0001f600":2',
        "1.0",
        "1e-05",
        "1e+16",
        "\\u0000",
        "9007199254740993",
    ):
        assert needle in canonical


_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(_json)
def test_the_description_and_the_form_agree_on_any_json_value(value: Any) -> None:
    assert reference_canonical.encode(value) == canonical_json(value)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_reads_back_exactly(number: float) -> None:
    written = canonical_json(number)
    assert float(written) == number and math.copysign(1, float(written)) == math.copysign(1, number)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, {"x": [math.nan]}])
def test_values_with_no_canonical_form_are_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        canonical_json(value)


@pytest.mark.parametrize(
    "number",
    [
        2**-24,
        -1559534671417725.75,
        5e-324,
        2.2250738585072014e-308,
        9007199254740993.0,
        0.1 + 0.2,
        1 / 3,
    ],
)
def test_floats_whose_correctly_rounded_digits_do_not_read_back_agree(number: float) -> None:
    """At 16 digits 2**-24 rounds to ...062, which reads back as another float; the
    shortest digits that read back are ...063."""
    assert reference_canonical.encode(number) == canonical_json(number)

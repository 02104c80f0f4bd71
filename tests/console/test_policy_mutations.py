"""`plaint policy check` on 200 deterministic mutations of the shipped policies: each is a
clean refusal or a pass, never a traceback."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.policy import main
from tests.factories import ROOT

POLICIES = sorted(p for p in (ROOT / "policies").glob("*.json") if p.name != "schema.json")
MUTATIONS = 200

Mutation = Callable[[Any, random.Random], bytes]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return document


def _with(document: Any, rng: random.Random, value: Any) -> bytes:
    path = rng.choice(_paths(document)[1:])
    return json.dumps(_replaced(document, path, value), ensure_ascii=False).encode()


def _marker(document: Any, rng: random.Random, raw: str) -> bytes:
    """`raw` (text no json.dumps writes) in place of a random value."""
    return _with(document, rng, "\x00MARK\x00").replace(b'"\\u0000MARK\\u0000"', raw.encode())


def not_a_number(document: Any, rng: random.Random) -> bytes:
    return _marker(document, rng, rng.choice(["NaN", "Infinity", "-Infinity"]))


def huge_number(document: Any, rng: random.Random) -> bytes:
    return _marker(document, rng, rng.choice(["1e400", "-1e400", "9" * 400, "9" * 5000, "1e-400"]))


def number_for_time(document: Any, rng: random.Random) -> bytes:
    """A local time ("09:00") given as a number, or with an offset."""
    times = [p for p in _paths(document) if re.fullmatch(r"\d\d:\d\d", str(_get(document, p)))]
    value = rng.choice([9, 9.5, 32400, -1, "09:00+04:00", "09:00Z", "9", "09:00:00.5"])
    return json.dumps(_replaced(document, rng.choice(times), value)).encode()


def other_type(document: Any, rng: random.Random) -> bytes:
    choices = [9, -1, 0, 3.5, True, None, "", "9", [], {}, "x" * 5000, 10**30, ["a"], {"a": 1}]
    return _with(document, rng, rng.choice(choices))


def deep_nesting(document: Any, rng: random.Random) -> bytes:
    depth = rng.choice([100, 1_000, 100_000])
    opening, closing = rng.choice([("[", "]"), ('{"a":', "}")])
    return _marker(document, rng, opening * depth + "1" + closing * depth)


def invalid_utf8(document: Any, rng: random.Random) -> bytes:
    text = json.dumps(document, ensure_ascii=False).encode()
    at = rng.randrange(len(text))
    return text[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + text[at:]


def dropped_key(document: Any, rng: random.Random) -> bytes:
    path = rng.choice([p for p in _paths(document) if p and isinstance(p[-1], str)])
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return json.dumps(document, ensure_ascii=False).encode()


def truncated(document: Any, rng: random.Random) -> bytes:
    text = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return text[: rng.randrange(len(text))]


def hostile_string(document: Any, rng: random.Random) -> bytes:
    strings = [p for p in _paths(document) if _get(document, p).__class__ is str]
    value = rng.choice(
        ["ZZ", "{reference:>300000000}", "{reference!r}", "{0}", "{", "}", "", " ", "\u200b",
         "{reference.__class__}", "25:99", "9", "2025-02-30", "Mars/Olympus", "\ud800"]
    )  # fmt: skip
    return json.dumps(_replaced(document, rng.choice(strings), value)).encode()


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


KINDS: list[Mutation] = [
    not_a_number,
    huge_number,
    other_type,
    deep_nesting,
    number_for_time,
    invalid_utf8,
    dropped_key,
    truncated,
    hostile_string,
]


def mutations() -> list[tuple[str, bytes]]:
    rng = random.Random(19)
    made = []
    for index in range(MUTATIONS):
        policy = POLICIES[index % len(POLICIES)]
        kind = KINDS[index % len(KINDS)]
        document = json.loads(policy.read_text(encoding="utf-8"))
        made.append((f"{index:03}-{policy.stem}-{kind.__name__}", kind(document, rng)))
    return made


def test_no_mutation_of_a_shipped_policy_makes_the_check_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crashed: list[str] = []
    for name, content in mutations():
        path = tmp_path / f"{name}.json"
        path.write_bytes(content)
        try:
            code = main(["policy", "check", str(path)])
        except BaseException as exc:  # counting what escapes is the test
            crashed.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        out = capsys.readouterr().out
        assert code in (0, 1), (name, out)
        if code == 0:
            assert f"{path}: valid, version" in out, (name, out)
        else:
            assert "problem(s)" in out and "\n  " in out, (name, out)
    assert crashed == [], f"{len(crashed)} of {MUTATIONS} crashed:\n" + "\n".join(crashed)

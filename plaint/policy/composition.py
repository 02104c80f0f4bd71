"""Composing a policy from a base and overlays: a pack says `"extends": "default.json"` and
says only what its regime adds or changes.

Merge, overlay onto base (docs/policy-packs.md):
- objects merge key by key, the overlay's value winning for a key both give;
- lists whose items all carry an `id` (rules, calendars, regimes, providers, retention
  classes...) merge by id: an overlay item replaces the base item of the same id where it
  stood, a new id is appended;
- other lists (languages, tags, sources...) are a union: the base's items, then the
  overlay's not already there;
- a value of another kind than the base's (an object where the base has a list) is a
  conflict, reported with both files and lines.
An overlay never removes: the base's rules, languages and texts stay.

Every value of the result remembers the file and line it came from, so a problem of the
effective policy names where to fix it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from plaint.policy.positions import Path, format_path, plain_json, value_lines
from plaint.vocabulary.errors import PolicyError

PACKAGED = FilePath(__file__).resolve().parents[2] / "policies"
EXTENDS = "extends"
COMPOSED_FROM = "composed_from"
# A value the admin must still decide: "REPLACE: the approver's name and role".
UNDECIDED = "REPLACE:"
MAX_LAYERS = 8


@dataclass
class Composed:
    """The effective document, where each of its values came from, and its files."""

    data: Any
    origins: dict[Path, str] = field(default_factory=dict)  # path -> "file line N"
    layers: list[tuple[str, str]] = field(default_factory=list)  # (file, sha256), base first
    text: str | None = None  # the document as written, when it extends nothing
    lines: dict[Path, int] = field(default_factory=dict)  # its lines, then

    @property
    def composed(self) -> bool:
        return self.text is None

    def document(self) -> str:
        """The effective policy as a self-contained document: what is packaged and published
        (a document that extends nothing, as written)."""
        if self.text is not None:
            return self.text
        return json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"


def compose_file(path: str | FilePath) -> Composed:
    """The policy in `path`, with its bases composed in. PolicyError for a base that is
    missing, a cycle, or a conflict, each naming the file and line."""
    path = FilePath(path)
    return _read(path, path.name, (path.resolve(),))


def compose_text(text: str, name: str = "(document)", folder: FilePath = PACKAGED) -> Composed:
    """A document given as text; a base it extends is looked for in `folder`, then among
    the packaged packs."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    # Its own values are named by line alone, as in a document that extends nothing.
    return _compose(text, digest, name, folder, (), shown="")


def _read(path: FilePath, name: str, chain: tuple[FilePath, ...]) -> Composed:
    raw = path.read_bytes()
    return _compose(utf8_text(raw), hashlib.sha256(raw).hexdigest(), name, path.parent, chain)


def _compose(
    text: str,
    digest: str,
    name: str,
    folder: FilePath,
    chain: tuple[FilePath, ...],
    *,
    shown: str | None = None,
) -> Composed:
    data = plain_json(text)
    lines = value_lines(text)
    prefix = f"{name} " if shown is None else shown
    origins = {path: f"{prefix}line {line}" for path, line in lines.items()}
    own = Composed(data, origins, [(name, digest)], text, lines)
    if not isinstance(data, dict) or EXTENDS not in data:
        return own
    where = origins[(EXTENDS,)]
    base_path = _base_path(data[EXTENDS], folder, where)
    if base_path in chain:
        names = " -> ".join([p.name for p in chain[chain.index(base_path) :]] + [base_path.name])
        raise PolicyError([f"{EXTENDS} ({where}): a cycle: {names}"])
    if len(chain) >= MAX_LAYERS:
        raise PolicyError([f"{EXTENDS} ({where}): more than {MAX_LAYERS} bases deep"])
    base = _read(base_path, data[EXTENDS], (*chain, base_path))
    overlay = {k: v for k, v in data.items() if k not in (EXTENDS, COMPOSED_FROM)}
    merger = _Merger(base.origins, origins)
    merged = merger.merge(base.data, overlay, (), ())
    if merger.conflicts:
        raise PolicyError(merger.conflicts)
    layers = [*base.layers, *own.layers]
    merged[COMPOSED_FROM] = [{"file": f, "sha256": digest} for f, digest in layers]
    return Composed(merged, merger.out, layers)


def _base_path(extends: object, folder: FilePath, where: str) -> FilePath:
    if not isinstance(extends, str) or not extends.strip():
        raise PolicyError([f'{EXTENDS} ({where}): name a base policy, e.g. "default.json"'])
    name = extends if extends.endswith(".json") else f"{extends}.json"
    for candidate in (folder / name, PACKAGED / name):
        if candidate.is_file():
            return candidate.resolve()
    packs = ", ".join(sorted(p.stem for p in PACKAGED.glob("*.json") if p.stem != "schema"))
    raise PolicyError([f"{EXTENDS} ({where}): no policy {extends!r} in {folder} nor among the "
                       f"packaged packs ({packs})"])  # fmt: skip


class _Merger:
    def __init__(self, base: Mapping[Path, str], overlay: Mapping[Path, str]) -> None:
        self.base, self.overlay = base, overlay
        self.out: dict[Path, str] = {}
        self.conflicts: list[str] = []
        # Each path's descendants, so copying a subtree's origins reads only that subtree.
        self.below = {id(base): _descendants(base), id(overlay): _descendants(overlay)}

    def merge(self, base: Any, overlay: Any, at_base: Path, at_overlay: Path) -> Any:
        """The merged value at result path `at_base` (the base's own path there)."""
        self.out[at_base] = self.overlay.get(at_overlay, self.base.get(at_base, ""))
        if isinstance(base, dict) and isinstance(overlay, dict):
            merged: dict[str, Any] = {}
            for key in base.keys() | overlay.keys():
                if key not in overlay:
                    merged[key] = self._take(base[key], self.base, (*at_base, key), (*at_base, key))
                elif key not in base:
                    merged[key] = self._take(overlay[key], self.overlay, (*at_overlay, key),
                                             (*at_base, key))  # fmt: skip
                else:
                    merged[key] = self.merge(base[key], overlay[key], (*at_base, key),
                                             (*at_overlay, key))  # fmt: skip
            order = list(base) + [k for k in overlay if k not in base]
            return {key: merged[key] for key in order}
        if isinstance(base, list) and isinstance(overlay, list):
            return self._lists(base, overlay, at_base, at_overlay)
        if isinstance(base, dict | list) or isinstance(overlay, dict | list):
            self.conflicts.append(
                f"{format_path(at_overlay)} ({self.overlay.get(at_overlay, '?')}): "
                f"{_kind(overlay)} here, but the base has {_kind(base)} "
                f"({self.base.get(at_base, '?')})"
            )
            return base
        return self._take(overlay, self.overlay, at_overlay, at_base)

    def _lists(self, base: list[Any], overlay: list[Any], at_base: Path, at_overlay: Path) -> Any:
        if _by_id(base) and _by_id(overlay):
            merged = [self._take(item, self.base, (*at_base, i), (*at_base, i))
                      for i, item in enumerate(base)]  # fmt: skip
            index = {item["id"]: i for i, item in enumerate(base)}
            seen: dict[str, int] = {}
            for j, item in enumerate(overlay):
                here = (*at_overlay, j)
                if item["id"] in seen:
                    first = format_path((*at_overlay, seen[item["id"]]))
                    self.conflicts.append(
                        f"{format_path(here)} ({self.overlay.get(here, '?')}): id "
                        f"{item['id']!r} already given by {first}"
                    )
                    continue
                seen[item["id"]] = j
                if item["id"] in index:
                    i = index[item["id"]]
                    self._forget((*at_base, i))
                    merged[i] = self._take(item, self.overlay, here, (*at_base, i))
                else:
                    merged.append(self._take(item, self.overlay, here, (*at_base, len(merged))))
            return merged
        merged = [self._take(item, self.base, (*at_base, i), (*at_base, i))
                  for i, item in enumerate(base)]  # fmt: skip
        for j, item in enumerate(overlay):
            if item not in merged:
                merged.append(self._take(item, self.overlay, (*at_overlay, j),
                                         (*at_base, len(merged))))  # fmt: skip
        return merged

    def _take(self, value: Any, origins: Mapping[Path, str], source: Path, target: Path) -> Any:
        """`value` as it stands, its origins copied from `source` to `target`."""
        for path in self.below[id(origins)].get(source, ()):
            self.out[(*target, *path[len(source) :])] = origins[path]
        return value

    def _forget(self, target: Path) -> None:
        for path in [p for p in self.out if p[: len(target)] == target]:
            del self.out[path]


def _descendants(origins: Mapping[Path, str]) -> dict[Path, list[Path]]:
    below: dict[Path, list[Path]] = {}
    for path in origins:
        for end in range(len(path) + 1):
            below.setdefault(path[:end], []).append(path)
    return below


def _by_id(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items)


def _kind(value: Any) -> str:
    return "an object" if isinstance(value, dict) else "a list" if isinstance(value, list) else (
        "a value")  # fmt: skip


def undecided(composed: Composed) -> list[str]:
    """Each value the admin must still decide (a text starting "REPLACE:"), with its path
    and the file and line to change."""

    def where(path: Path) -> str:
        return composed.origins.get(path, "?") if composed.composed else (
            f"line {composed.lines.get(path, '?')}")  # fmt: skip

    return [
        f"{format_path(path)} ({where(path)}): still to decide: "
        f"{text.removeprefix(UNDECIDED).strip()}"
        for path, text in _strings(composed.data, ())
        if text.startswith(UNDECIDED)
    ]


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def utf8_text(raw: bytes) -> str:
    """A document's bytes as text, or PolicyError naming the line of the first byte that
    is not UTF-8. Here rather than with the loading, which builds the whole policy model:
    composing a webhook's intake sections reads files too."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        problem = f"line {line}, byte {column}: not UTF-8 ({exc.reason}); save the file as UTF-8"
        raise PolicyError([problem]) from exc

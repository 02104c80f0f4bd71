"""`plaint policy show|init`: the effective policy of a pack, and a new policy from a pack.

plaint policy show FILE [--json]   the effective policy, each value with its file and line
plaint policy init --jurisdiction PACK --languages en,ar --opens 09:00 --closes 17:00
                   --timezone Europe/London [--approver WHO] [--out FILE]
                                   a complete policy from a packaged pack, ready to check
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path as FilePath
from typing import Any

from plaint.policy.composition import (
    COMPOSED_FROM,
    PACKAGED,
    UNDECIDED,
    Composed,
    compose_file,
    undecided,
)
from plaint.policy.positions import Path, format_path
from plaint.vocabulary.errors import PolicyError

SHOWN = 70  # characters of a long text shown by `policy show`
PACKS = sorted(p.stem for p in PACKAGED.glob("*.json") if p.stem != "schema")


def add_commands(policy: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    show = policy.add_parser("show", help="the effective policy, each value with its file")
    show.add_argument("file")
    show.add_argument("--json", action="store_true",
                      help='the effective policy and {"path": "file line N"}, as JSON')  # fmt: skip
    init = policy.add_parser("init", help="a complete policy for a jurisdiction, from its pack")
    init.add_argument("--jurisdiction", required=True, choices=PACKS,
                      help="the packaged pack to start from")  # fmt: skip
    init.add_argument("--languages", required=True,
                      help="comma-separated languages; the first is the default")  # fmt: skip
    init.add_argument("--opens", default=None, help="office opening time, HH:MM")
    init.add_argument("--closes", default=None, help="office closing time, HH:MM")
    init.add_argument("--timezone", default=None, help="IANA time zone of every calendar")
    init.add_argument("--approver", default=None,
                      help="who approves the policy (asked when stdin is a terminal)")  # fmt: skip
    init.add_argument("--name", default=None, help="the policy's name")
    init.add_argument("--out", default=None, help="the file to write (default: stdout)")


def run(args: argparse.Namespace) -> int:
    try:
        return _show(args) if args.command == "show" else _init(args)
    except PolicyError as exc:
        print(f"cannot compose: {exc}")
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"{exc.filename}: cannot read: {exc.strerror}")
    return 1


def _show(args: argparse.Namespace) -> int:
    composed = compose_file(args.file)
    if args.json:
        origins = {format_path(p): where for p, where in sorted(composed.origins.items(), key=_key)}
        print(json.dumps({"policy": composed.data, "origins": origins}, indent=2,
                         ensure_ascii=False))  # fmt: skip
        return 0
    print("# files, base first: " + ", ".join(f"{f} ({d[:12]})" for f, d in composed.layers))
    for path, value in _leaves(composed.data, ()):
        print(f"{format_path(path)} = {_shown(value)}    # {_where(composed, path)}")
    return 0


def _key(item: tuple[Path, str]) -> tuple[str, ...]:
    return tuple(f"{p:08d}" if isinstance(p, int) else p for p in item[0])


def _where(composed: Composed, path: Path) -> str:
    for end in range(len(path), -1, -1):
        if where := composed.origins.get(path[:end]):
            return where
    return "composed by Plaint"


def _leaves(value: Any, path: Path) -> list[tuple[Path, Any]]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, value)]


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + '..."'


def _init(args: argparse.Namespace) -> int:
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if not languages:
        print("--languages: name at least one language, e.g. en,ar")
        return 2
    composed = compose_file(PACKAGED / f"{args.jurisdiction}.json")
    data = composed.data
    data.pop(COMPOSED_FROM, None)
    data["name"] = args.name or f"{data['name']} ({', '.join(languages)})"
    data["approved_by"] = _approver(args.approver)
    data["languages"], data["default_language"] = languages, languages[0]
    for calendar in data["calendars"]:
        if args.timezone:
            calendar["timezone"] = args.timezone
        hours = calendar["working_hours"]
        hours["opens"], hours["closes"] = (
            args.opens or hours["opens"],
            args.closes or hours["closes"],
        )
    _texts_for(data, languages)
    data["description"] = (
        f"Written by `plaint policy init` from the packaged {args.jurisdiction} pack ("
        + ", ".join(f"{f} sha256 {d[:12]}" for f, d in composed.layers)
        + "). "
        + data.get("description", "")
    )
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        FilePath(args.out).write_text(text, encoding="utf-8")
        written = compose_file(args.out)
        print(f"wrote {args.out}; check it with `plaint policy check {args.out}`")
        for value in undecided(written):
            print(f"  to decide: {value}")
    else:
        sys.stdout.write(text)
    return 0


def _approver(given: str | None) -> str:
    if given:
        return given
    if sys.stdin.isatty():
        answer = input("Who approves this policy (name and role)? ").strip()
        if answer:
            return answer
    return f"{UNDECIDED} the approver's name and role"


def _texts_for(data: dict[str, Any], languages: list[str]) -> None:
    """A placeholder to decide for each text a chosen language has none of."""
    templates = data["acknowledgement"]["templates"]
    for lang in languages:
        templates.setdefault(
            lang, f"{UNDECIDED} the acknowledgement in {lang}; it may use {{reference}}, "
            "{received_on} and {due_by}",
        )  # fmt: skip
    for provider in data.get("escalation", {}).get("providers", []):
        for lang in languages:
            provider["wording"].setdefault(
                lang, f"{UNDECIDED} what the complainant is told in {lang}: {{provider_name}}, "
                "{provider_website}, {time_limit}",
            )  # fmt: skip

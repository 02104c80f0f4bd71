"""`plaint`: the admin's command line.

plaint policy check FILE...    every problem of each policy, with its path and line
plaint policy diff OLD NEW     what changes for complaints received after the switch
plaint policy schema           the policy JSON schema
plaint policy show FILE        the effective policy, each value with the file it came from
plaint policy init ...         a complete policy for a jurisdiction, from its pack
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from console import helps, packs
from plaint.policy.composition import compose_file, undecided
from plaint.policy.diff import policy_changes
from plaint.policy.document import Policy
from plaint.policy.loading import composed_policy, load_policy
from plaint.policy.schema import rendered_schema
from plaint.vocabulary.errors import PolicyError


def _check(files: Sequence[str]) -> int:
    failed = 0
    for name in files:
        try:
            composed = compose_file(name)
            policy = composed_policy(composed)
        except PolicyError as exc:
            failed += 1
            print(f"{name}: {len(exc.problems)} problem(s)")
            for problem in exc.problems:
                print(f"  {problem}")
        except OSError as exc:
            failed += 1
            print(f"{name}: cannot read: {exc.strerror}")
        else:
            print(f"{name}: valid, version {policy.version[:12]}, approved by {policy.approved_by}")
            # Valid, but not publishable: propose and approve refuse it until each is decided.
            for value in undecided(composed):
                print(f"  warning: {value}")
    return 1 if failed else 0


def load_or_report(name: str) -> Policy | None:
    """The policy in `name`, or None after saying why it cannot be used."""
    try:
        return load_policy(name)
    except PolicyError as exc:
        print(f"{name}: invalid; run `plaint policy check {name}`\n{exc}")
    except OSError as exc:
        print(f"{name}: cannot read: {exc.strerror}")
    return None


def _diff(old_name: str, new_name: str) -> int:
    old, new = load_or_report(old_name), load_or_report(new_name)
    if old is None or new is None:
        return 2
    print(f"version {old.version[:12]} -> {new.version[:12]}")
    changes = policy_changes(old, new)
    for line in changes:
        print(line)
    if not changes:
        print("no change")
        return 0
    print(
        "Complaints received after the switch are judged under the new version; deadlines "
        "of complaints already received stay frozen under the version they were received under."
    )
    return 1


def parser(description: str | None = __doc__) -> tuple[argparse.ArgumentParser, Any, Any]:
    """The command line's parser, its areas and the policy area's commands, for a caller
    that adds commands of its own (the store-backed ones live outside the engine)."""
    root = argparse.ArgumentParser(
        prog="plaint", description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    areas = root.add_subparsers(dest="area", required=True)
    policy = helps.group(areas, "policy", "the admin's policy: check, compare, publish")
    check = policy.add_parser("check", help="every problem of each policy, with path and line")
    check.add_argument("files", nargs="+")
    diff = policy.add_parser("diff", help="what changes for complaints received after a switch")
    diff.add_argument("old")
    diff.add_argument("new")
    policy.add_parser("schema", help="the policy JSON schema")
    packs.add_commands(policy)
    return root, areas, policy


def run_policy(args: argparse.Namespace) -> int | None:
    """Run a policy command; None when the command is not one of the engine's own."""
    if args.command == "check":
        return _check(args.files)
    if args.command == "diff":
        return _diff(args.old, args.new)
    if args.command in ("show", "init"):
        return packs.run(args)
    if args.command == "schema":
        sys.stdout.write(rendered_schema())
        return 0
    return None


def main(argv: Sequence[str] | None = None) -> int:
    root, _, _ = parser()
    result = run_policy(root.parse_args(argv))
    return 2 if result is None else result


if __name__ == "__main__":
    raise SystemExit(main())

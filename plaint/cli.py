"""`plaint`: the admin's command line.

plaint policy check FILE...    every problem of each policy, with its path and line
plaint policy diff OLD NEW     what changes for complaints received after the switch
plaint policy schema           the policy JSON schema
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from plaint.errors import PolicyError
from plaint.policy import Policy
from plaint.policy_diff import policy_changes
from plaint.policy_loader import load_policy
from plaint.schema import rendered_schema


def _check(files: Sequence[str]) -> int:
    failed = 0
    for name in files:
        try:
            policy = load_policy(name)
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
    return 1 if failed else 0


def _load_or_report(name: str) -> Policy | None:
    try:
        return load_policy(name)
    except PolicyError as exc:
        print(f"{name}: invalid; run `plaint policy check {name}`\n{exc}")
    except OSError as exc:
        print(f"{name}: cannot read: {exc.strerror}")
    return None


def _diff(old_name: str, new_name: str) -> int:
    old, new = _load_or_report(old_name), _load_or_report(new_name)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plaint", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="area", required=True)
    policy = commands.add_parser("policy").add_subparsers(dest="command", required=True)
    policy.add_parser("check").add_argument("files", nargs="+")
    diff = policy.add_parser("diff")
    diff.add_argument("old")
    diff.add_argument("new")
    policy.add_parser("schema")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.files)
    if args.command == "diff":
        return _diff(args.old, args.new)
    sys.stdout.write(rendered_schema())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

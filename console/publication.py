"""`plaint policy propose|approve|history|what-if|publish`: a policy reaches the running
system only when one person proposes it and another approves it (plaint.usecases.publication).

plaint policy propose FILE --by WHO        keep a valid policy for approval (audited)
plaint policy approve VERSION --by WHO     another person publishes it (audited)
plaint policy history                      every version: who proposed, who approved, when
plaint policy what-if DRAFT --days N [--against FILE]
                                           what a draft (a file, or a proposed version) would
                                           change for the deliveries of the last N days
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from bootstrap.root import Root
from plaint.model.publication import PolicyRecord
from plaint.policy.composition import compose_file, undecided
from plaint.policy.document import Policy
from plaint.policy.loading import composed_policy, load_policy, parse_policy
from plaint.policy.publication import short
from plaint.usecases.publication import PolicyPublication
from plaint.usecases.what_if import WhatIfReport, what_if
from plaint.vocabulary.errors import (
    PolicyError,
    PublicationRefusedError,
    QueryInvalidError,
    RevisionConflictError,
)
from storage.dynamodb import DynamoStore

COMMANDS = ("propose", "approve", "withdraw", "history", "what-if", "publish")


def add_commands(
    policy: argparse._SubParsersAction,  # type: ignore[type-arg]
    store_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    propose = policy.add_parser("propose", help="keep a valid policy for approval (audited)")
    propose.add_argument("file")
    propose.add_argument("--by", required=True, help="who proposes it, for the record")
    approve = policy.add_parser("approve", help="another person publishes it (audited)")
    approve.add_argument("version", help="as `plaint policy history` prints it")
    approve.add_argument("--by", required=True, help="who approves it: not the proposer")
    withdraw = policy.add_parser("withdraw", help="withdraw a proposal not yet approved")
    withdraw.add_argument("version", help="as `plaint policy history` prints it")
    withdraw.add_argument("--by", required=True, help="who withdraws it: its proposer")
    withdraw.add_argument("--admin", action="store_true",
                          help="withdraw another person's proposal, as an admin")  # fmt: skip
    withdraw.add_argument("--reason", default="", help="why, for the record")
    history = policy.add_parser("history", help="every version: who proposed, approved, when")
    what = policy.add_parser(
        "what-if", help="what a draft would change for the last N days' deliveries"
    )
    what.add_argument("draft", help="a policy file, or a proposed version")
    what.add_argument("--days", type=int, default=7)
    what.add_argument("--against", help="the policy to compare with (default: the active one)")
    what.add_argument("--show", type=int, default=20, help="differences to list")
    what.add_argument("--json", action="store_true", help="the whole report, as JSON")
    publish = policy.add_parser("publish", help="says how: one person proposes, another approves")
    publish.add_argument("file")
    publish.add_argument("--by")
    for command in (propose, approve, withdraw, history, what, publish):
        store_options(command)


def run(args: argparse.Namespace, root: Root) -> int:
    store = root.store
    desk = PolicyPublication(register=store, clock=lambda: datetime.now(UTC), ledger=args.ledger)
    commands = {
        "propose": _propose,
        "approve": _approve,
        "withdraw": _withdraw,
        "history": _history,
        "what-if": _what_if,
        "publish": _publish,
    }
    return commands[args.command](args, desk, store)


def _propose(args: argparse.Namespace, desk: PolicyPublication, _: DynamoStore) -> int:
    try:
        composed = compose_file(args.file)
        composed_policy(composed)  # problems named by the file and line to change
        if open_values := undecided(composed):
            print(f"{args.file}: {len(open_values)} value(s) still to decide, nothing proposed")
            for value in open_values:
                print(f"  {value}")
            return 1
        record = desk.propose(composed.document(), by=args.by)
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror}")
        return 1
    except PolicyError as exc:
        print(f"{args.file}: invalid, nothing proposed\n{exc}")
        return 1
    except (PublicationRefusedError, RevisionConflictError) as exc:
        print(f"not proposed: {exc}")
        return 1
    step = record.last
    print(f"proposed {record.version[:12]} ({record.name}) by {step.by}, against "
          f"{short(step.active_before)}; another person approves it with\n"
          f"  plaint policy approve {record.version[:12]} --by WHO")  # fmt: skip
    return 0


def _approve(args: argparse.Namespace, desk: PolicyPublication, _: DynamoStore) -> int:
    try:
        record = desk.approve(args.version, by=args.by)
    except PolicyError as exc:
        print(f"{args.version}: the kept document is not a valid policy, nothing published\n{exc}")
        return 1
    except (PublicationRefusedError, RevisionConflictError) as exc:
        print(f"not published: {exc}")
        return 1
    step = record.last
    print(f"published {record.version[:12]} ({record.name}): proposed by {record.proposal.by}, "
          f"approved by {step.by}, replacing {short(step.active_before)}")  # fmt: skip
    return 0


def _withdraw(args: argparse.Namespace, desk: PolicyPublication, _: DynamoStore) -> int:
    try:
        record = desk.withdraw(args.version, by=args.by, admin=args.admin, reason=args.reason)
    except (PublicationRefusedError, RevisionConflictError) as exc:
        print(f"not withdrawn: {exc}")
        return 1
    print(f"withdrew {record.version[:12]} ({record.name}), proposed by {record.proposal.by}; "
          f"it can be proposed again")  # fmt: skip
    return 0


def _history(_: argparse.Namespace, desk: PolicyPublication, __: DynamoStore) -> int:
    active = desk.active_version()
    records = desk.history()
    if not records:
        print("no policy was ever proposed; the running system judges by the packaged policy")
    for record in records:
        print(_describe(record, active))
    return 0


def _describe(record: PolicyRecord, active: str | None) -> str:
    state = "active" if record.version == active else (
        "awaiting approval" if record.awaiting_approval else
        "withdrawn" if record.last.act == "withdrawn" else "published before")  # fmt: skip
    lines = [f"{record.version[:12]}  {record.name}  [{state}]"]
    for step in record.steps:
        against = "against" if step.act == "proposed" else "replacing"
        lines.append(f"    {step.act:<9} {step.at.isoformat()}  by {step.by}  "
                     f"({against} {short(step.active_before)})")  # fmt: skip
    return "\n".join(lines)


def _what_if(args: argparse.Namespace, desk: PolicyPublication, store: DynamoStore) -> int:
    draft = _policy(args.draft, desk)
    active = _policy(args.against, desk) if args.against else _active(desk)
    if draft is None or active is None:
        return 1
    started = datetime.now(UTC)
    try:
        report = what_if(store, draft, active, days=args.days, now=started, progress=_progress)
    except QueryInvalidError as exc:
        print(f"cannot ask that: {exc}")
        return 2
    print(file=sys.stderr)
    if args.json:
        print(report.model_dump_json(indent=2))
        return 0
    _print_report(report, args.show, (datetime.now(UTC) - started).total_seconds())
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\rjudged {done} of {total} tickets", end="", file=sys.stderr, flush=True)


def _print_report(report: WhatIfReport, show: int, seconds: float) -> None:
    print(f"draft {report.draft_version[:12]} against {report.active_version[:12]}: "
          f"{report.deliveries} deliveries, {report.tickets} tickets from "
          f"{report.since.isoformat()} to {report.until.isoformat()} ({seconds:.1f} s); "
          "nothing written")  # fmt: skip
    print(f"  unchanged: {report.unchanged}")
    for change, count in report.counts.items():
        print(f"  {change.value.replace('_', ' ')}: {count}")
    for complaint_id, reason in report.not_judged.items():
        print(f"  not judged: {complaint_id}: {reason}")
    for difference in report.differences[:show]:
        before, after = difference.active, difference.draft
        print(f"{difference.complaint_id}: {', '.join(difference.changes)}")
        for field in ("is_complaint", "category", "severity", "regime", "acknowledgement_due_at"):
            old, new = getattr(before, field), getattr(after, field)
            if old != new:
                print(f"    {field}: {_shown(old)} -> {_shown(new)}")
        for clock in sorted(set(before.deadlines) | set(after.deadlines)):
            old, new = before.deadlines.get(clock), after.deadlines.get(clock)
            if old != new:
                print(f"    {clock}: {_shown(old)} -> {_shown(new)}")
    if len(report.differences) > show:
        print(f"... and {len(report.differences) - show} more (--show, or --json)")


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _policy(name: str, desk: PolicyPublication) -> Policy | None:
    """A policy from a file, or a proposed or published version's kept document."""
    try:
        if os.path.exists(name):
            return load_policy(name)
        document = desk.document(name)
        if document is None:
            print(f"{name}: neither a file nor a version ever proposed")
            return None
        return parse_policy(document)
    except PolicyError as exc:
        print(f"{name}: invalid\n{exc}")
    except (OSError, PublicationRefusedError) as exc:
        print(f"{name}: {exc}")
    return None


def _active(desk: PolicyPublication) -> Policy | None:
    version = desk.active_version()
    packaged = os.environ.get("PLAINT_POLICY_PATH")
    if version is not None:
        return _policy(version, desk)
    if packaged:
        return _policy(packaged, desk)
    print("no policy is published and PLAINT_POLICY_PATH is not set: pass --against FILE")
    return None


def _publish(args: argparse.Namespace, _: PolicyPublication, __: DynamoStore) -> int:
    print(
        "publishing takes two people: one proposes, another approves.\n"
        f"  plaint policy propose {args.file} --by {args.by or 'WHO'}\n"
        "  plaint policy approve VERSION --by SOMEONE_ELSE"
    )
    return 1

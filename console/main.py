"""`plaint`: the admin's command line.

plaint policy check FILE...       every problem of each policy, with its path and line
plaint policy diff OLD NEW        what changes for complaints received after the switch
plaint policy schema              the policy JSON schema
plaint policy publish FILE --by WHO
                                  make a valid policy the one the running system judges by
plaint clocks recalculate COMPLAINT --policy FILE --by WHO --reason WHY [--apply]
                                  re-freeze a complaint's open clocks under a policy,
                                  showing every deadline before and after; recorded in the
                                  audit log only with --apply

plaint audit query|verify|export|checkpoint|public-key|report
                                  the compliance log, for auditors (plaint audit --help)
plaint retention show|hold|release COMPLAINT ...
                                  a record's retention date and its legal holds
plaint erasure COMPLAINANT --request-id ID --received-at T --by WHO
                                  answer a complainant's erasure request, with a report
plaint referral show|offer|step COMPLAINT ...
                                  escalation to a dispute-resolution provider (ISO 10003)
plaint recogniser labels [--since T] [--until T] [--out FILE]
                                  agents' answers to reviews, as labelled data (JSONL)

Store commands reach the state and audit tables named by PLAINT_STATE_TABLE and
PLAINT_AUDIT_TABLE (or --state-table/--audit-table), at PLAINT_AWS_ENDPOINT_URL when set
(the local stack prints its endpoint).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from console import audit as audit_cli
from console import policy as engine_cli
from console import recogniser as recogniser_cli
from console import referrals as referrals_cli
from console import retention as retention_cli
from console.opening import RefusedError, commit, complaint_for, root_of
from plaint.clocks import timekeeping
from plaint.vocabulary.errors import RevisionConflictError


def _publish(args: argparse.Namespace) -> int:
    policy = engine_cli.load_or_report(args.file)
    if policy is None:
        return 1  # an invalid policy never reaches the running system
    store = root_of(args).store
    active = store.active_policy()
    previous = active[0] if active else None
    if previous == policy.version:
        print(f"{policy.version[:12]} is already the active policy")
        return 0
    try:
        store.publish_policy(policy.version, Path(args.file).read_text("utf-8"), previous)
    except RevisionConflictError:
        print("another publication moved the active policy meanwhile; run again")
        return 1
    print(
        f"published {policy.version[:12]} (approved by {policy.approved_by}; published by "
        f"{args.by}), replacing {previous[:12] if previous else 'the packaged policy'}"
    )
    return 0


def _recalculate(args: argparse.Namespace) -> int:
    policy = engine_cli.load_or_report(args.policy)
    if policy is None:
        return 1
    store = root_of(args).store
    complaint = complaint_for(store, args.complaint)
    try:
        decision = timekeeping.recalculate(
            complaint, policy, datetime.now(UTC), requested_by=args.by, reason=args.reason
        )
    except LookupError as exc:
        print(exc)
        return 1
    report = decision.audit[0].detail["clocks"]
    print(f"{complaint.complaint_id}: {complaint.regime}, frozen under "
          f"{(complaint.clocks_policy_version or complaint.policy_version)[:12]}, "
          f"recalculated under {policy.version[:12]}")  # fmt: skip
    for clock in report:
        print(f"  {clock['clock']}: {clock['before']['due_at']} -> {clock['after']['due_at']}")
    if not args.apply:
        print("nothing written: run again with --apply to record it")
        return 0
    commit(store, decision, complaint, policy, args.ledger)
    print("recorded in the audit log as clocks.recalculated")
    return 0


def _store_options(command: argparse.ArgumentParser) -> None:
    env = os.environ.get
    command.add_argument("--state-table", default=env("PLAINT_STATE_TABLE", "plaint-state"))
    command.add_argument("--audit-table", default=env("PLAINT_AUDIT_TABLE", "plaint-audit"))
    command.add_argument("--endpoint-url", default=env("PLAINT_AWS_ENDPOINT_URL"))
    command.add_argument("--ledger", default=env("PLAINT_LEDGER", "main"))


def main(argv: Sequence[str] | None = None) -> int:
    root, areas, policy = engine_cli.parser(__doc__)
    publish = policy.add_parser("publish")
    publish.add_argument("file")
    publish.add_argument("--by", required=True, help="who publishes it, for the record")
    _store_options(publish)
    clocks = areas.add_parser("clocks").add_subparsers(dest="command", required=True)
    recalc = clocks.add_parser("recalculate")
    recalc.add_argument("complaint")
    recalc.add_argument("--policy", required=True)
    recalc.add_argument("--by", required=True)
    recalc.add_argument("--reason", required=True)
    recalc.add_argument("--apply", action="store_true")
    _store_options(recalc)
    audit_cli.add_commands(areas, _store_options)
    retention_cli.add_commands(areas, _store_options, audit_cli.instant)
    referrals_cli.add_commands(areas, _store_options)
    recogniser_cli.add_commands(areas, _store_options, audit_cli.instant)
    args = root.parse_args(argv)
    try:
        return _run(args)
    except RefusedError as exc:
        print(exc)
        return exc.code


def _run(args: argparse.Namespace) -> int:
    store_areas = {"referral": referrals_cli.run, "recogniser": recogniser_cli.run}
    if args.area in store_areas:
        return store_areas[args.area](args, root_of(args))
    if args.area == "audit":
        return audit_cli.run(args, root_of(args))
    if args.area in ("retention", "erasure"):
        return retention_cli.run(args, root_of(args))
    if args.area == "clocks":
        return _recalculate(args)
    if args.command == "publish":
        return _publish(args)
    result = engine_cli.run_policy(args)
    return 2 if result is None else result


if __name__ == "__main__":
    raise SystemExit(main())

"""`plaint`: the admin's command line.

plaint policy check FILE...       every problem of each policy, with its path and line
plaint policy diff OLD NEW        what changes for complaints received after the switch
plaint policy schema              the policy JSON schema
plaint policy show FILE [--json]  the effective policy of a pack, each value with its file
plaint policy init --jurisdiction PACK --languages en,ar [--opens --closes --timezone]
                                  a complete policy for a jurisdiction, from its pack
plaint policy propose FILE --by WHO
plaint policy approve VERSION --by WHO
                                  a valid policy becomes the one the running system judges
                                  by when one person proposes it and another approves it
plaint policy history             every version, who proposed and approved it, and when
plaint policy what-if DRAFT --days N
                                  what a draft would change for the last N days' deliveries
plaint clocks recalculate COMPLAINT --policy FILE --by WHO --reason WHY [--apply]
                                  re-freeze a complaint's open clocks under a policy,
                                  showing every deadline before and after; recorded in the
                                  audit log only with --apply

plaint audit query|verify|export|checkpoint|anchor|public-key|report
                                  the compliance log, for auditors (plaint audit --help)
plaint retention show|hold|release COMPLAINT ...
                                  a record's retention date and its legal holds
plaint erasure COMPLAINANT --request-id ID --received-at T --by WHO
                                  answer a complainant's erasure request, with a report
plaint referral show|offer|step COMPLAINT ...
                                  escalation to a dispute-resolution provider (ISO 10003)
plaint recogniser labels [--since T] [--until T] [--out FILE]
                                  agents' answers to reviews, as labelled data (JSONL)
plaint complaints search|show ...
                                  complaint search through indexes, a complaint's story
plaint connect zendesk|jira [--dry-run]
                                  set the helpdesk up through its API (webhook, trigger or
                                  event subscription, fields) and store its secrets

Store commands reach the state and audit tables named by PLAINT_STATE_TABLE and
PLAINT_AUDIT_TABLE (or --state-table/--audit-table): in the AWS account configured (a
region and credentials), at PLAINT_AWS_ENDPOINT_URL when set, or else in the local stack
`make run` started, which they find by themselves (its data directory's stack.json).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError

from console import audit as audit_cli
from console import complaints as complaints_cli
from console import connect as connect_cli
from console import helps
from console import policy as engine_cli
from console import publication as publication_cli
from console import recogniser as recogniser_cli
from console import referrals as referrals_cli
from console import retention as retention_cli
from console.opening import RefusedError, commit, complaint_for, root_of
from plaint.clocks import timekeeping


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
    publication_cli.add_commands(policy, _store_options)
    clocks = helps.group(areas, "clocks", "a complaint's regulatory and service clocks")
    recalc = clocks.add_parser(
        "recalculate", help="re-freeze a complaint's open clocks under a policy (--apply)"
    )
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
    complaints_cli.add_commands(areas, _store_options, audit_cli.instant)
    connect_cli.add_commands(areas)
    args = root.parse_args(argv)
    try:
        return _run(args)
    except RefusedError as exc:
        print(exc)
        return exc.code
    except BotoCoreError as exc:  # no region, no credentials, endpoint not answering...
        print(f"cannot reach AWS: {exc}")
        return 2


def _run(args: argparse.Namespace) -> int:
    on_store = {
        "complaints": complaints_cli.run,
        "recogniser": recogniser_cli.run,
        "referral": referrals_cli.run,
        "audit": audit_cli.run,
        "retention": retention_cli.run,
        "erasure": retention_cli.run,
    }
    if args.area in on_store:
        return on_store[args.area](args, root_of(args))
    if args.area == "clocks":
        return _recalculate(args)
    if args.area == "connect":
        return connect_cli.run(args)
    if args.command in publication_cli.COMMANDS:
        return publication_cli.run(args, root_of(args))
    result = engine_cli.run_policy(args)
    return 2 if result is None else result


if __name__ == "__main__":
    raise SystemExit(main())

"""`plaint retention ...` and `plaint erasure ...`: legal holds, a record's retention, and a
complainant's erasure request.

plaint retention show COMPLAINT
plaint retention hold COMPLAINT --reason WHY [--reference REF] [--by WHO]
plaint retention release COMPLAINT HOLD_ID [--by WHO]
plaint erasure COMPLAINANT --request-id ID --received-at T --by WHO [--out FILE]

COMPLAINANT is the complainant's email address (found however it is capitalised), their
helpdesk user id (zendesk-user:ID, jira-user:ACCOUNT_ID) or a reference as the log shows
it. An identifier that names nobody is refused and no answer is recorded.

Who may set and release holds is the policy's `retention.hold_officers`; the policy is the
active one, or --policy FILE. Who acts is the caller's AWS identity (STS GetCallerIdentity),
checked against the officers; --by, if given, must name that identity (its ARN, role
session name or user name). On the local stack, whose credentials are dummies, nothing
proves who acts: --by is required, matches only an officer's plain name, and the hold
records it as typed, unproven.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bootstrap import local_stack
from bootstrap.root import Root
from console import helps
from console.complainants import NotUnderstoodError, complainant_for
from console.opening import RefusedError, commit, complaint_for, policy_for
from console.report import policy_option
from plaint.model.complaint import Complaint
from plaint.policy.document import Policy
from plaint.retention import decisions as retention
from plaint.retention.officers import AWS_STS, Actor, HoldRefusedError

BY_HELP = "who acts; in AWS only as a check of the caller's identity, locally required"
UNPROVEN = (
    "# the local stack: its credentials are dummies, so nothing proves who acts; "
    "--by {name} is recorded as typed, unproven"
)


def add_commands(
    areas: argparse._SubParsersAction,  # type: ignore[type-arg]
    store_options: Callable[[argparse.ArgumentParser], None],
    instant: Callable[[str], datetime],
) -> None:
    commands = helps.group(areas, "retention", "a record's retention and its legal holds")
    show = commands.add_parser("show", help="a record's retention date and its holds")
    show.add_argument("complaint")
    hold = commands.add_parser("hold", help="set a legal hold: the record is kept (audited)")
    hold.add_argument("complaint")
    hold.add_argument("--reason", required=True)
    hold.add_argument("--reference")
    hold.add_argument("--by", help=BY_HELP)
    release = commands.add_parser("release", help="release a legal hold (audited)")
    release.add_argument("complaint")
    release.add_argument("hold_id")
    release.add_argument("--by", help=BY_HELP)
    erasure = areas.add_parser(
        "erasure", help="answer a complainant's erasure request, with a report"
    )
    erasure.add_argument(
        "complainant",
        help="their email address, zendesk-user:ID or jira-user:ACCOUNT_ID",
    )
    erasure.add_argument("--request-id", required=True)
    erasure.add_argument("--received-at", type=instant, required=True)
    erasure.add_argument("--by", required=True)
    erasure.add_argument("--out", type=Path)
    for command in (show, hold, release, erasure):
        store_options(command)
        policy_option(command)


def run(args: argparse.Namespace, root: Root) -> int:
    store = root.store
    policy = policy_for(args, store)
    if args.area == "erasure":
        return _erasure(args, root, policy)
    complaint = complaint_for(store, args.complaint)
    if args.command == "show":
        return _show(complaint)
    now = datetime.now(UTC)
    actor = actor_of(args, root)
    try:
        if args.command == "hold":
            decision = retention.set_hold(complaint, reason=args.reason, reference=args.reference,
                                          by=actor, policy=policy, now=now)  # fmt: skip
        else:
            decision = retention.release_hold(complaint, args.hold_id, actor, policy, now)
    except (HoldRefusedError, LookupError, ValueError) as exc:
        print(f"refused: {exc}")
        return 1
    commit(store, decision, complaint, policy, args.ledger)
    print(f"recorded: {decision.audit[0].kind} on {complaint.complaint_id}")
    return 0


def actor_of(args: argparse.Namespace, root: Root) -> Actor:
    """Who acts: the caller's AWS identity where there is one; on the local stack, the name
    typed with --by, unproven."""
    identity = caller_identity(root)
    if identity is None:
        if not args.by:
            raise RefusedError("on the local stack nothing proves who acts: say who with --by")
        print(UNPROVEN.format(name=args.by), file=sys.stderr)
        return Actor(name=args.by)
    if args.by and args.by not in names_of(identity):
        raise RefusedError(
            f"refused: --by {args.by} is not the AWS identity acting ({identity}); leave --by "
            "out: the identity is what is checked and recorded"
        )
    return Actor(name=identity, vouched_by=AWS_STS)


def caller_identity(root: Root) -> str | None:
    """The caller's ARN from STS GetCallerIdentity; None with the local stack's dummy
    credentials, which name no one."""
    import boto3  # noqa: PLC0415 - only store commands pay for it

    session = boto3.session.Session()  # the credentials of now, asked about as they are
    credentials = session.get_credentials()
    dummy = local_stack.LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    if credentials is None or credentials.access_key == dummy:
        return None
    sts = session.client("sts", endpoint_url=root.settings.aws_endpoint_url)
    return str(sts.get_caller_identity()["Arn"])


def names_of(arn: str) -> tuple[str, ...]:
    """What --by may say for this identity: the ARN, and its last part (the role session's
    or the user's name)."""
    return arn, arn.rsplit("/", 1)[-1]


def _show(complaint: Complaint) -> int:
    kept = complaint.retention
    if kept is None:
        print(f"{complaint.complaint_id}: open; no retention date until it is closed")
    else:
        until, dispose = kept.retain_until.isoformat(), kept.dispose_at.isoformat()
        state = (
            f"disposed of {kept.disposed_at.isoformat()}"
            if kept.disposed_at
            else f"kept until {until}, disposed of from {dispose}"
        )
        print(f"{complaint.complaint_id}: class {kept.class_id} ({kept.outcome}), closed "
              f"{kept.closed_at.isoformat()}; {state}; ticket: {kept.ticket}")  # fmt: skip
    for hold in complaint.holds:
        status = "active" if hold.active else f"released {hold.released_at} by {hold.released_by}"
        proof = f"proven by {hold.set_by_vouched}" if hold.set_by_vouched else "typed, unproven"
        print(f"  hold {hold.hold_id}: {hold.reason} ({hold.reference or '-'}), set "
              f"{hold.set_at.isoformat()} by {hold.set_by} ({proof}); {status}")  # fmt: skip
    return 0


def _erasure(args: argparse.Namespace, root: Root, policy: Policy) -> int:
    try:
        complainant = complainant_for(args.complainant)
    except NotUnderstoodError as exc:
        # Not understood is not "nothing found": answering would record a false answer.
        raise RefusedError(f"refused, nothing recorded: {exc}", code=2) from exc
    print(f"records of {complainant.described}:")
    report = root.handling_under(policy).answer_erasure(
        complainant.reference, args.request_id, args.received_at
    )
    for finding in report.findings:
        until = f" until {finding.kept_until.date()}" if finding.kept_until else ""
        print(f"  {finding.complaint_id}: {finding.result}{until}: {finding.reason}")
    if not report.findings:
        print("  no record names this complainant")
    timing = "on time" if report.on_time else "LATE"
    print(f"answered {report.answered_at.isoformat()}, due {report.due_at.isoformat()}: {timing}")
    if args.out:
        args.out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
        print(f"report written to {args.out}")
    return 0

"""`plaint referral ...`: escalation to an external dispute-resolution provider (ISO 10003).

plaint referral show COMPLAINT
plaint referral offer COMPLAINT --by WHO [--provider ID] [--amount N --currency GBP]
plaint referral step COMPLAINT REFERRAL STAGE --by WHO [--outcome O]
                     [--redress-amount N --currency GBP]

STAGE is one of acknowledged, responded, decided, implemented, closed (or referred, for a
packet sent by hand). Each step is a decision in the compliance log.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from bootstrap.root import Root
from console import helps
from console.opening import commit, complaint_for, policy_for
from console.report import policy_option
from plaint.model.complaint import Complaint, ReferralOutcome, ReferralStage
from plaint.policy.document import Policy
from plaint.referrals import escalation as referrals
from plaint.vocabulary.terms import Money
from storage.dynamodb import DynamoStore

STEPS = [
    s.value for s in ReferralStage if s not in (ReferralStage.OFFERED, ReferralStage.INELIGIBLE)
]


def add_commands(
    areas: argparse._SubParsersAction,  # type: ignore[type-arg]
    store_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    commands = helps.group(areas, "referral", "escalation to a dispute-resolution provider")
    show = commands.add_parser("show", help="a complaint's referrals and their stages")
    show.add_argument("complaint")
    offer = commands.add_parser("offer", help="offer the complainant a provider (audited)")
    offer.add_argument("complaint")
    offer.add_argument("--provider")
    step = commands.add_parser("step", help="record a referral's next stage (audited)")
    step.add_argument("complaint")
    step.add_argument("referral")
    step.add_argument("stage", choices=STEPS)
    step.add_argument("--outcome", choices=[o.value for o in ReferralOutcome])
    for command in (offer, step):
        command.add_argument("--by", required=True)
        command.add_argument("--amount", "--redress-amount", dest="amount")
        command.add_argument("--currency")
    for command in (show, offer, step):
        store_options(command)
        policy_option(command)


def run(args: argparse.Namespace, root: Root) -> int:
    store = root.store
    policy = policy_for(args, store)
    complaint = complaint_for(store, args.complaint)
    if args.command == "show":
        return _show(complaint)
    try:
        money = _money(args)
    except ValueError as exc:
        print(f"cannot read the amount: {exc}")
        return 2
    if args.command == "offer":
        return _offer(args, root, policy, money)
    return _step(args, store, complaint, policy, money)


def _show(complaint: Complaint) -> int:
    for r in complaint.referrals:
        reasons = f" ({'; '.join(r.reasons)})" if r.reasons else ""
        outcome = f", outcome {r.outcome}" if r.outcome else ""
        print(f"{r.referral_id}: {r.provider_id}, {r.stage}{reasons}, trigger {r.trigger}{outcome}")
    if not complaint.referrals:
        print(f"{complaint.complaint_id}: no referral")
    return 0


def _offer(args: argparse.Namespace, root: Root, policy: Policy, money: Money | None) -> int:
    decision = root.handling_under(policy).escalate(args.complaint, f"agent_request:{args.by}",
                                 provider_id=args.provider, amount_claimed=money)  # fmt: skip
    if decision is None:
        print("a referral is already open for this complaint")
        return 1
    print(f"recorded: {', '.join(entry.kind for entry in decision.audit)}")
    return 0


def _step(
    args: argparse.Namespace,
    store: DynamoStore,
    complaint: Complaint,
    policy: Policy,
    money: Money | None,
) -> int:
    outcome = ReferralOutcome(args.outcome) if args.outcome else None
    try:
        stage, now = ReferralStage(args.stage), datetime.now(UTC)
        decision = referrals.advance(
            complaint, args.referral, stage, policy, now, by=args.by, outcome=outcome, redress=money
        )
    except referrals.ReferralStepError as exc:
        print(f"refused: {exc}")
        return 1
    commit(store, decision, complaint, policy, args.ledger)
    print(f"recorded: referral.{args.stage} on {args.referral}")
    return 0


def _money(args: argparse.Namespace) -> Money | None:
    if args.amount is None:
        return None
    if not args.currency:
        raise ValueError("give --currency with an amount")
    try:
        return Money(amount=Decimal(args.amount), currency=args.currency.upper())
    except InvalidOperation as exc:
        raise ValueError(f"{args.amount!r} is not a number") from exc

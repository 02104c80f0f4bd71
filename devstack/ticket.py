"""Act on a ticket of the local stack as its agent or its complainant, one command each:

  python -m devstack.ticket reply   TICKET [--as agent|complainant] [--text ...]
  python -m devstack.ticket respond TICKET --kind holding|final|summary [--text ...]
                                          [--outcome upheld|partly_upheld|not_upheld]
  python -m devstack.ticket reject  TICKET [--text ...]
  python -m devstack.ticket close   TICKET
  python -m devstack.ticket reopen  TICKET

TICKET is what send_webhook printed: zendesk:48213 (or 48213), jira:CARE-12 (or CARE-12),
email:m-<24 hex digits>. For Zendesk and Jira the change is made in the fake helpdesk, then
the signed webhook the helpdesk would send for it goes to Plaint. `respond` is the agent's
reply carrying the letter (the policy's template for the complaint's regime and language,
read from the running stack; the ISO 10002 pack's when the policy has no letters) and the
policy's milestone tag for it (with --outcome, the policy's tag for that outcome too, the
other outcomes' tags taken off); `reject` is the complainant's reply saying they do not
accept the outcome; `close` solves (Zendesk) or resolves (Jira) the ticket, `reopen` opens
it again. An email complaint has no helpdesk: only the complainant acts on it (reply,
reject), by an email to the ticket's reply address through the local SES receipt and SNS
path. Each run prints the ticket it acted on.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Final

import requests

from bootstrap import local_stack
from bootstrap.root import Root
from bootstrap.settings import Settings
from connectors.email.mapper import reply_address
from devstack import jira_acts, zendesk_acts
from devstack.acts import AGENT_REPLY, COMPLAINANT_REPLY, REJECTIONS, Act, ActRefusedError, Played
from devstack.letter_text import NoLetterError, letter_text
from devstack.local_ses import LOCAL_MAILBOX
from devstack.local_sns import SnsSigner, topic_arn
from devstack.send_webhook import email_delivery, kept_secret
from devstack.ses_receipts import SAMPLES, complaint_email
from plaint.model.complaint import Complaint, ComplaintOutcome
from plaint.model.events import SourceSystem
from plaint.policy.document import Policy
from plaint.policy.letters import LetterKind
from plaint.vocabulary.terms import Milestone

KINDS: Final = {
    "holding": LetterKind.HOLDING_RESPONSE,
    "final": LetterKind.FINAL_RESPONSE,
    "summary": LetterKind.SUMMARY_RESOLUTION,
}
# The tag a letter carries when the policy names none for its milestone.
DEFAULT_TAGS: Final = {
    LetterKind.HOLDING_RESPONSE: "holding_response_sent",
    LetterKind.FINAL_RESPONSE: "final_response_sent",
    LetterKind.SUMMARY_RESOLUTION: "summary_resolution_sent",
}


def parse_ticket(text: str) -> tuple[SourceSystem, str]:
    """`zendesk:48213`, `48213`, `jira:CARE-12`, `CARE-12`, `email:m-...` or `m-...`."""
    source, _, number = text.rpartition(":")
    if source:
        try:
            return SourceSystem(source), number
        except ValueError:
            raise ActRefusedError(f"{text}: the system is zendesk, jira or email") from None
    if number.isdigit():
        return SourceSystem.ZENDESK, number
    if number.startswith("m-"):
        return SourceSystem.EMAIL, number
    if "-" in number:
        return SourceSystem.JIRA, number.upper()
    raise ActRefusedError(f"{text}: not a ticket (zendesk:48213, jira:CARE-12, email:m-...)")


class Situation:
    """The complaint and the policy as the running stack has them, when it runs."""

    def __init__(self, data_dir: Path, policy_file: Path | None) -> None:
        stack = local_stack.running(data_dir)
        path = policy_file or _stack_policy(data_dir)
        given: dict[str, str | None] = {"policy_path": str(path) if path else None}
        if stack is not None:
            for variable, value in (*local_stack.LOCAL_CREDENTIALS.items(),
                                    ("AWS_DEFAULT_REGION", stack.region)):  # fmt: skip
                os.environ.setdefault(variable, value)
            given["aws_endpoint_url"] = stack.endpoint
        self.stack = stack
        self.root = Root(Settings(**given))

    @property
    def policy(self) -> Policy | None:
        """The policy the stack judges by (a published one first), or the file's."""
        if self.stack is not None:
            return self.root.policy()
        return self.root.packaged_policy if self.root.settings.policy_path else None

    def complaint(self, complaint_id: str) -> Complaint | None:
        return self.root.store.get_complaint(complaint_id) if self.stack else None


def _stack_policy(data_dir: Path) -> Path | None:
    named = os.environ.get("PLAINT_POLICY_PATH")
    if named:
        return Path(named)
    written = data_dir / "local-policy.json"
    return written if written.exists() else None


def letter_act(args: argparse.Namespace, complaint_id: str) -> Act:
    """The agent's reply carrying the letter and its milestone tag."""
    kind = KINDS[args.kind]
    situation = Situation(args.data_dir, args.policy)
    policy = situation.policy
    tag = args.tag or (milestone_tag(policy, kind) if policy else DEFAULT_TAGS[kind])
    added, untags = outcome_change(args.outcome, kind, policy)
    tags = (str(tag), *added)
    if args.text is not None:
        return Act("respond", "agent", args.text, tags, untags)
    if policy is None:
        raise ActRefusedError("no policy to take the letter from: pass --policy FILE or --text")
    complaint = situation.complaint(complaint_id)
    language = args.language or (complaint.language if complaint else policy.default_language)
    # No regime: the policy's own templates, else the ISO 10002 pack's.
    regime = args.regime or (complaint.regime if complaint else None) or policy.defaults.regime
    regime = regime or ""
    try:
        text = letter_text(policy, kind, complaint, language=language, regime=regime)
    except NoLetterError as exc:
        raise ActRefusedError(str(exc)) from exc
    return Act("respond", "agent", text, tags, untags)


def outcome_change(
    outcome: str | None, kind: LetterKind, policy: Policy | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tag --outcome adds (the policy's first for it, complaint_<outcome> when it names
    none) and the other outcomes' tags it takes off, so the ticket shows one outcome."""
    if outcome is None:
        return (), ()
    if kind is LetterKind.HOLDING_RESPONSE:
        raise ActRefusedError("a holding response decides no outcome: --outcome goes with "
                              "--kind final or summary")  # fmt: skip
    chosen = ComplaintOutcome(outcome)
    signals = policy.outcomes if policy else ()
    tags = [t for s in signals if s.outcome is chosen for t in s.tags]
    others = tuple(t for s in signals if s.outcome is not chosen for t in s.tags)
    return (tags[0] if tags else f"complaint_{chosen.value}",), others


def milestone_tag(policy: Policy, kind: LetterKind) -> str:
    """The first tag the policy's milestone signals name for this letter."""
    milestone = Milestone(kind.value)
    tags = [tag for s in policy.milestones if s.milestone is milestone for tag in s.tags]
    return tags[0] if tags else DEFAULT_TAGS[kind]


def act_of(args: argparse.Namespace, complaint_id: str) -> Act:
    if args.verb == "respond":
        return letter_act(args, complaint_id)
    if args.verb == "reject":
        if args.text:
            return Act("reject", "complainant", args.text)
        language = language_of(args, complaint_id) or "en"
        return Act("reject", "complainant", REJECTIONS.get(language, REJECTIONS["en"]))
    if args.verb == "reply":
        default = AGENT_REPLY if args.who == "agent" else COMPLAINANT_REPLY
        return Act("reply", args.who, args.text or default)
    return Act(args.verb, "agent")


def language_of(args: argparse.Namespace, complaint_id: str) -> str | None:
    """--language, else the complaint's as the running stack has it."""
    if args.language:
        return str(args.language)
    complaint = Situation(args.data_dir, None).complaint(complaint_id)
    return complaint.language if complaint else None


def play_email(act: Act, ticket: str, args: argparse.Namespace) -> Played:
    """The complainant's email to the ticket's reply address, as SES receives it."""
    if act.who != "complainant":
        raise ActRefusedError(
            f"email:{ticket} has no helpdesk: only the complainant acts on it (reply, reject)"
        )
    # The sample complainant who wrote in the complaint's language (send_webhook --email).
    complainant = SAMPLES.get(language_of(args, f"email:{ticket}") or "az", SAMPLES["az"])
    address = reply_address(LOCAL_MAILBOX, ticket)
    raw = complaint_email(complainant, address, text=act.text)
    topic = topic_arn(args.region, "plaint-ses-inbound")
    signer = SnsSigner.load(args.data_dir)
    body, headers = email_delivery(signer, topic, raw, mailbox=address)
    answer = requests.post(f"{args.api}/webhooks/ses", data=body, headers=headers, timeout=10)
    return Played(f"email:{ticket}", answer.status_code, answer.text.strip())


def play(args: argparse.Namespace) -> tuple[Act, Played]:
    source, ticket = parse_ticket(args.ticket)
    act = act_of(args, f"{source.value}:{ticket}")
    if source is SourceSystem.EMAIL:
        return act, play_email(act, ticket, args)
    if not (args.data_dir / "webhook-secret").exists():
        raise ActRefusedError(f"no webhook secret in {args.data_dir}: pass the stack's --data-dir")
    secret = kept_secret(args.data_dir, source.value)
    if source is SourceSystem.JIRA:
        return act, jira_acts.play(act, ticket, jira=args.jira_url, api=args.api, secret=secret)
    return act, zendesk_acts.play(act, ticket, zendesk=args.zendesk, api=args.api, secret=secret)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m devstack.ticket",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = top.add_subparsers(dest="verb", required=True, metavar="ACT")
    for verb, text in (
        ("reply", "a public reply, by the agent (default) or the complainant"),
        ("respond", "the agent's letter: holding, final response or summary resolution"),
        ("reject", "the complainant's reply rejecting the outcome"),
        ("close", "solve (Zendesk) or resolve (Jira) the ticket"),
        ("reopen", "open the ticket again"),
    ):
        command = verbs.add_parser(verb, help=text, description=text)
        # What a verb does not ask for, every act still reads.
        command.set_defaults(who="agent", text=None, language=None, policy=None, outcome=None)
        command.add_argument("ticket", help="zendesk:48213, jira:CARE-12 or email:m-...")
        if verb in ("reply", "respond", "reject"):
            command.add_argument("--text", help="the comment's words (default: a sample)")
            command.add_argument("--language", help="its language (default: the complaint's)")
        if verb == "reply":
            command.add_argument("--as", dest="who", choices=("agent", "complainant"),
                                 default="agent")  # fmt: skip
        if verb == "respond":
            command.add_argument("--kind", choices=sorted(KINDS), required=True)
            command.add_argument("--tag", help="the milestone tag (default: the policy's)")
            command.add_argument("--outcome", choices=[o.value for o in ComplaintOutcome],
                                 help="whether the organisation upheld the complaint: adds "
                                 "the policy's tag for it")  # fmt: skip
            command.add_argument("--regime", help="the letter's regime (default: the complaint's)")
            command.add_argument("--policy", type=Path,
                                 help="the policy file (default: the running stack's)")  # fmt: skip
        _stack_options(command)
    return top


def _stack_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--api", default="http://127.0.0.1:8000", help="the webhook API")
    command.add_argument("--zendesk", default="http://127.0.0.1:8765", help="the fake Zendesk")
    command.add_argument("--jira-url", default="http://127.0.0.1:8766", help="the fake Jira")
    command.add_argument("--data-dir", type=Path, default=local_stack.data_dir(),
                         help="the stack's data directory (its secret, SNS key)")  # fmt: skip
    command.add_argument("--region", default="eu-west-1")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        act, played = play(args)
    except ActRefusedError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except requests.ConnectionError as exc:
        where = exc.request.url if exc.request is not None else "the local stack"
        print(f"refused: nothing answers at {where}: start the stack with `make run`",
              file=sys.stderr)  # fmt: skip
        return 2
    print(played.line(act))
    return 0 if 200 <= played.delivered < 300 else 1


if __name__ == "__main__":
    sys.exit(main())

"""`python -m devstack`: run Plaint locally on its embedded defaults (what `make run` does)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from bootstrap.root import Root
from bootstrap.settings import Settings
from devstack.local_ses import SENT_MESSAGES_PATH
from devstack.stack import Stack, StackConfig, admin_token, auditor_token, discovery
from plaint.policy.loading import load_policy
from plaint.vocabulary.errors import PolicyError


def parse_args(argv: list[str] | None = None) -> StackConfig:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    defaults = StackConfig()
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--api-port", type=int, default=defaults.api_port)
    parser.add_argument("--aws-port", type=int, default=defaults.aws_port)
    parser.add_argument("--zendesk-port", type=int, default=defaults.zendesk_port)
    parser.add_argument("--jira-port", type=int, default=defaults.jira_port)
    parser.add_argument("--portal-port", type=int, default=defaults.portal_port)
    parser.add_argument("--data-dir", type=Path, default=defaults.data_dir)
    parser.add_argument("--sweep-seconds", type=float, default=defaults.sweep_seconds)
    parser.add_argument(
        "--no-fake-helpdesks",
        dest="fake_helpdesks",
        action="store_false",
        help="talk to the helpdesks named by PLAINT_ZENDESK_BASE_URL / PLAINT_JIRA_BASE_URL",
    )
    args = parser.parse_args(argv)
    return StackConfig(**vars(args))


def banner(stack: Stack) -> str:
    c = stack.config
    python = Path(sys.executable)
    lines = [
        "Plaint is running locally.",
        f"  webhook API      {c.api_url}/webhooks/zendesk  and  {c.api_url}/webhooks/jira",
        f"                   {c.api_url}/webhooks/ses   (SES receipts on {c.receipt_topic})",
        f"  embedded AWS     {c.aws_url}   (DynamoDB tables and SQS queues from infra/, SES)",
        f"  emails sent      {c.aws_url}{SENT_MESSAGES_PATH}",
        f"  data kept in     {c.data_dir}",
        f"  webhook secret   {stack.secret}",
        f"  portal           {c.portal_url}/   (sign in with your name and a token:)",
        f"    auditor token  {auditor_token(c.data_dir)}   (read-only; also the audit API's",
        f"                   Bearer token: {c.portal_url}/api/audit/entries)",
        f"    admin token    {admin_token(c.data_dir)}   (policies: two admins, two names,",
        "                   to propose and approve)",
        f"  checkpoints      {os.environ['PLAINT_CHECKPOINT_DIR']}  (every 2 minutes)",
    ]
    if c.fake_helpdesks:
        lines.append(f"  fake Zendesk     {c.zendesk_url}   (what it received: /__fake/requests)")
        lines.append(f"  fake Jira        {c.jira_url}   (what it received: /__fake/requests)")
    send = f"{python} -m devstack.send_webhook {_addresses(c)}"
    lines += [
        "",
        "The plaint command finds this stack by itself (plaint audit query, plaint complaints",
        "search...). For another shell or tool, paste:",
        f"  {discovery(c).export_line()}",
        "",
        "Send a signed Zendesk webhook (a new complaint each time; add --jira for Jira),",
        "with the secret kept in the data directory (plaint connect's, once it has run):",
        f"  {send} --data-dir {c.data_dir}",
        "Connect the fake helpdesks as a real one is connected (webhook, trigger, fields):",
        "  plaint connect zendesk   (or jira; add --dry-run to see what it would do first)",
        "Send an email complaint, signed by the local SNS signer (--language az, ar or fa):",
        f"  {send} --email --data-dir {c.data_dir}",
        "Act on the ticket it prints, as the agent or the complainant (README, 'Playing the",
        "whole story'): reply, respond --kind holding|final|summary, reject, close, reopen:",
        f"  {python} -m devstack.ticket respond TICKET --kind final {_addresses(c)} "
        f"--data-dir {c.data_dir}",
        "Read the emails the local SES sent (a survey's links, decoded; --last 0 for all):",
        f"  {python} -m devstack.mailbox --data-dir {c.data_dir}",
        "",
    ]
    return "\n".join(lines)


def print_audit(stack: Stack, stop: threading.Event) -> None:
    """Show each audit entry as it is written: the complaint's story, live."""
    store = Root(Settings()).store  # the stack has set the environment the functions read
    since = datetime.now(UTC) - timedelta(seconds=5)
    seen: set[tuple[str, int]] = set()
    while not stop.wait(0.5):
        try:
            entries = list(store.entries_between("main", since, datetime.now(UTC) + timedelta(1)))
        except Exception:
            continue
        for entry in entries:
            if (entry.chain, entry.seq) in seen:
                continue
            seen.add((entry.chain, entry.seq))
            rule = f" rule={entry.rule_id}" if entry.rule_id else ""
            line = f"[audit {entry.chain} #{entry.seq}] {entry.kind}{rule}"
            print(line, _brief(entry.detail), flush=True)
            # Entries are dated when judged, a moment before they are written.
            since = max(since, entry.at - timedelta(seconds=30))


def _brief(detail: dict[str, Any]) -> str:
    keys = (
        "category",
        "severity",
        "is_complaint",
        "flags",
        "due_at",
        "language",
        "on_time",
        "error",
    )
    return " ".join(f"{k}={detail[k]}" for k in keys if k in detail)


def _addresses(c: StackConfig) -> str:
    """The API's address, and the fake helpdesks' where they are not on their usual ports:
    the sample and act commands make and change tickets there."""
    usual = StackConfig()
    parts = [f"--api {c.api_url}"]
    if c.zendesk_port != usual.zendesk_port:
        parts.append(f"--zendesk {c.zendesk_url}")
    if c.jira_port != usual.jira_port:
        parts.append(f"--jira-url {c.jira_url}")
    return " ".join(parts)


def policy_refusal(path: str | None) -> str | None:
    """Why the policy the stack was pointed at cannot run, before anything starts: each
    problem with the file and line to change (None when it can, or none was named)."""
    if not path:
        return None
    try:
        load_policy(path)
    except OSError as exc:
        return f"PLAINT_POLICY_PATH={path}: cannot be read ({exc.strerror or exc})"
    except PolicyError as exc:
        listed = "\n".join(f"  - {problem}" for problem in exc.problems)
        return f"PLAINT_POLICY_PATH={path} is not a valid policy; nothing was started:\n{listed}"
    return None


def main(argv: list[str] | None = None) -> NoReturn:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for noisy in ("werkzeug", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    config = parse_args(argv)
    refusal = policy_refusal(os.environ.get("PLAINT_POLICY_PATH"))
    if refusal:
        print(refusal, file=sys.stderr, flush=True)
        raise SystemExit(2)
    stack = Stack(config)
    stack.start()
    print(banner(stack), flush=True)
    stopping = threading.Event()
    threading.Thread(target=print_audit, args=(stack, stopping), daemon=True).start()

    def _stop(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    # Wake now and then: a signal caught by another thread runs its handler only when this
    # one runs Python again, and an untimed wait would never return to it.
    while not stopping.wait(0.5):
        pass
    print("stopping; data kept in", stack.config.data_dir, flush=True)
    stack.shutdown()
    print("stopped", flush=True)
    # Everything is saved and every server closed; skip the interpreter's final garbage
    # collection of the embedded AWS's objects, which takes seconds per thousand complaints.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()

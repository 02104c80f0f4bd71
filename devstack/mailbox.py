"""What the local SES sent, readable: `python -m devstack.mailbox`.

Prints the emails the stack's SES accepted (kept in `ses-sent.jsonl` in the data directory,
across restarts), newest last: each one's To, Subject and plain text, decoded, so a survey's
links can be opened as they are. `--last N` shows the last N (1 by default, 0 for all);
`--to ADDRESS` only those to that address; `--data-dir` the stack's data directory.
"""

from __future__ import annotations

import argparse
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from devstack.local_ses import SENT_LOG, SentLog
from devstack.send_webhook import DEFAULT_DATA_DIR


def sent_messages(data_dir: Path) -> list[EmailMessage]:
    """Every email the local SES accepted, oldest first."""
    return [
        message_from_string(line["raw_data"], policy=policy.default)
        for line in SentLog(data_dir / SENT_LOG).read()
    ]


def shown(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else "(no plain text part)"
    return f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text.rstrip()}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.mailbox", description="What the local SES sent."
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--last", type=int, default=1, help="how many, newest last (0: all)")
    parser.add_argument("--to", help="only the emails to this address")
    args = parser.parse_args(argv)
    messages = sent_messages(args.data_dir)
    if args.to:
        messages = [m for m in messages if str(m["To"]).lower() == args.to.lower()]
    if not messages:
        print(f"no email sent yet ({args.data_dir / SENT_LOG})")
        return 1
    print("\n".join(shown(m) for m in messages[-args.last if args.last > 0 else 0 :]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

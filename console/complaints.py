"""`plaint complaints search|show`: complaint search through the state table's indexes, and a
complaint's whole story.

plaint complaints search [--since T] [--until T] [--category C | --jurisdiction J |
                         --regime R | --channel CH | --clock-status S | --late yes|no |
                         --referred yes|no] [--limit N] [--cursor C] [--json]
plaint complaints show COMPLAINT [--with-personal] [--json]
plaint complaints reindex [--policy FILE]
                         once, after upgrading: bring records written before search into
                         its indexes (one scan of the state table)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from bootstrap.root import Root
from console import helps
from console.opening import policy_for
from console.report import policy_option
from plaint.reporting.search import ComplaintQuery, ComplaintRow
from plaint.reporting.story import ComplaintStory
from plaint.usecases.search import reindex
from plaint.usecases.story import complaint_story
from plaint.vocabulary.errors import QueryInvalidError
from storage.dynamodb import DynamoStore

FACETS = ("category", "jurisdiction", "regime", "channel", "clock_status")
YES_NO = {"yes": True, "no": False}


def add_commands(
    areas: argparse._SubParsersAction,  # type: ignore[type-arg]
    store_options: Callable[[argparse.ArgumentParser], None],
    instant: Callable[[str], datetime],
) -> None:
    commands = helps.group(areas, "complaints", "complaint search and a complaint's story")
    search = commands.add_parser(
        "search", help="complaints by period, category, channel, clock status..."
    )
    search.add_argument("--since", type=instant, help="received at or after (ISO 8601)")
    search.add_argument("--until", type=instant, help="received before")
    for name in FACETS:
        search.add_argument(f"--{name.replace('_', '-')}")
    search.add_argument("--late", choices=YES_NO)
    search.add_argument("--referred", choices=YES_NO)
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--cursor")
    search.add_argument("--json", action="store_true", help="one complaint per line")
    show = commands.add_parser("show", help="a complaint's whole story")
    show.add_argument("complaint")
    show.add_argument("--with-personal", action="store_true", help="include personal values")
    show.add_argument("--json", action="store_true")
    reindex = commands.add_parser(
        "reindex", help="once, after upgrading: older records into the indexes"
    )
    policy_option(reindex)
    for command in (search, show, reindex):
        store_options(command)


def run(args: argparse.Namespace, root: Root) -> int:
    store = root.store
    if args.command == "reindex":
        return _reindex(args, store)
    return _search(args, store) if args.command == "search" else _show(args, store)


def _reindex(args: argparse.Namespace, store: DynamoStore) -> int:
    policy = policy_for(args, store)
    print(f"{reindex(store, policy)} complaint records in the search indexes")
    return 0


def _search(args: argparse.Namespace, store: DynamoStore) -> int:
    conditions = {name: getattr(args, name) for name in FACETS}
    for name in ("late", "referred"):
        conditions[name] = None if getattr(args, name) is None else YES_NO[getattr(args, name)]
    try:
        query = ComplaintQuery(since=args.since, until=args.until, limit=args.limit,
                               cursor=args.cursor, **conditions)  # fmt: skip
        page = store.search_complaints(query, datetime.now(UTC))
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"cannot ask that: {'.'.join(map(str, first['loc']))}: {first['msg']}")
        return 2
    except QueryInvalidError as exc:
        print(f"cannot ask that: {exc}")
        return 2
    for row in page.rows:
        print(row.model_dump_json() if args.json else _line(row))
    print(f"# {len(page.rows)} complaints, {page.items_read} read" + (
        f"; next page: --cursor {page.cursor}" if page.cursor else ""))  # fmt: skip
    return 0


def _line(row: ComplaintRow) -> str:
    marks = [m for m, on in (("late", row.late), ("referred", row.referred)) if on]
    return (f"{row.received_at.isoformat()}  {row.complaint_id}  {row.category}  "
            f"{row.regime or '-'}/{row.jurisdiction or '-'}  {row.channel}  "
            f"{row.clock_status or '-'}  {' '.join(marks)}").rstrip()  # fmt: skip


def _show(args: argparse.Namespace, store: DynamoStore) -> int:
    story = complaint_story(store, args.ledger, args.complaint, with_personal=args.with_personal)
    if story is None:
        print(f"no complaint {args.complaint}")
        return 1
    if args.json:
        print(story.model_dump_json(indent=2))
        return 0
    _print_story(story)
    return 0


def _print_story(story: ComplaintStory) -> None:
    record = story.record
    print(f"{record.complaint_id}  received {record.received_at.isoformat()} by "
          f"{record.channel}, {record.status}, {record.category}/{record.severity}, regime "
          f"{record.regime or '-'} ({record.jurisdiction or '-'})")  # fmt: skip
    if record.personal is not None:
        print(f"  complainant {record.personal.complainant_ref}: {record.personal.subject}")
    ack = story.acknowledgement
    print(f"  acknowledgement due {_at(ack.due_at)}, sent {_at(ack.acknowledged_at)}"
          + (" OVERDUE" if ack.overdue else ""))  # fmt: skip
    for clock in story.clocks:
        extra = f", breached {_at(clock.breached_at)}" if clock.breached_at else ""
        print(f"  clock {clock.clock_id}: {clock.status}, due {_at(clock.due_at)}{extra}")
    for letter in story.letters:
        print(f"  letter {letter.letter}: {letter.verdict}, missing {list(letter.missing)}")
    for referral in story.referrals:
        print(f"  referral {referral.referral_id}: {referral.stage}")
    if story.retention is not None:
        print(f"  retention {story.retention.class_id} until {_at(story.retention.retain_until)}")
    for hold in story.holds:
        print(f"  hold {hold.hold_id}: {hold.reason} ({'active' if hold.active else 'released'})")
    for entry in story.timeline:
        print(f"  #{entry.seq} {entry.at.isoformat()} {entry.kind}")
    chain = story.chain
    print(f"  chain {chain.chain}: {chain.entries} entries, links "
          + ("hold" if chain.links_hold else f"broken at #{chain.first_break}"))  # fmt: skip


def _at(value: datetime | None) -> str:
    return value.isoformat() if value else "-"

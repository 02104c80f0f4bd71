"""`plaint audit report`: the ISO 10002 / ISO 10004 management report over the complaints
received in a period, as JSON, CSV or SVG charts.

The complaints are found through the compliance log's `complaint.received` entries in the
period (an index read), then read one by one from the state table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from plaint.policy.document import Policy
from plaint.policy.loading import load_policy
from plaint.reporting.charts import charts
from plaint.reporting.figures import BucketSize, ComplaintReport, ReportPeriod
from plaint.reporting.report import ReportRequestError, build_report
from plaint.reporting.satisfaction import MINIMUM_ANSWERS
from plaint.reporting.table import write_csv
from plaint.usecases.received import received
from storage.dynamodb import DynamoStore

FORMATS = ("json", "csv", "svg")


def add_command(
    audit: argparse._SubParsersAction,  # type: ignore[type-arg]
    instant: Callable[[str], datetime],
) -> None:
    report: argparse.ArgumentParser = audit.add_parser(
        "report", help="the ISO 10002 management report of a period"
    )
    report.add_argument("--from", dest="start", type=instant, required=True)
    report.add_argument("--to", dest="end", type=instant, required=True)
    report.add_argument("--bucket", choices=[b.value for b in BucketSize], default="month")
    report.add_argument("--time-zone", default="UTC")
    report.add_argument("--format", choices=FORMATS, default="json")
    report.add_argument("--out", type=Path, required=True, help="a folder")
    report.add_argument("--policy", help="for the regimes' jurisdictions (default: active)")
    report.add_argument(
        "--minimum-answers", type=int, default=MINIMUM_ANSWERS,
        help=f"survey answers a satisfaction score needs (at least 2; default {MINIMUM_ANSWERS})",
    )  # fmt: skip


def run(args: argparse.Namespace, store: DynamoStore) -> int:
    policy = active_policy(args, store)
    jurisdictions = (
        {r.id: r.jurisdiction for r in policy.regimes if r.jurisdiction} if policy else {}
    )
    try:
        report = build_report(
            received(
                store, args.ledger, args.start, args.end, jurisdiction=None, now=datetime.now(UTC)
            ),
            ReportPeriod(start=args.start, end=args.end),
            bucket_size=BucketSize(args.bucket),
            time_zone=args.time_zone,
            as_of=datetime.now(UTC),
            jurisdiction_of=jurisdictions,
            survey_scale=policy.surveys.scale if policy else None,
            minimum_answers=args.minimum_answers,
        )
    except (ReportRequestError, ValueError) as exc:
        print(f"cannot report: {exc}")
        return 2
    for name in _write(report, args.format, args.out):
        print(args.out / name)
    return 0


def policy_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--policy", help="judge by this policy file, not the active one")


def active_policy(args: argparse.Namespace, store: DynamoStore) -> Policy | None:
    """The policy in --policy, else the one published as active."""
    if args.policy:
        return load_policy(args.policy)
    active = store.active_policy()
    return Policy.model_validate_json(active[1]) if active else None


def _write(report: ComplaintReport, form: str, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    if form == "json":
        (folder / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
        return ["report.json"]
    if form == "csv":
        with (folder / "report.csv").open("w", encoding="utf-8", newline="") as out:
            write_csv(report, out)
        return ["report.csv"]
    drawn = charts(report)
    for name, svg in drawn.items():
        (folder / name).write_text(svg, encoding="utf-8")
    return sorted(drawn)

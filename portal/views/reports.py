"""The management report: its page with the charts, and the same report as CSV or JSON."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from markupsafe import Markup

from plaint.policy.surveys import Scale
from plaint.reporting.charts import charts
from plaint.reporting.figures import BucketSize, ComplaintReport
from plaint.reporting.report import ReportRequestError
from plaint.reporting.table import write_csv
from portal import i18n
from portal.errors import BadInputError
from portal.reports import management_report
from portal.views import forms, sources, viewer

blueprint = Blueprint("reports", __name__)
BUCKETS = frozenset(b.value for b in BucketSize)


@blueprint.get("/reports")
def report() -> Any:
    if "from" not in request.args:
        return render_template(
            "report.html",
            report=None,
            charts={},
            args=request.args,
            buckets=sorted(BUCKETS),
            jurisdictions=_jurisdictions(),
        )
    made = _report()
    # The charts are SVG that plaint.reporting builds with ElementTree, every text escaped.
    words = i18n.chart_words(viewer().language)
    drawn = {name: Markup(svg) for name, svg in charts(made, words=words).items()}
    return render_template(
        "report.html",
        report=made,
        charts=drawn,
        args=request.args,
        buckets=sorted(BUCKETS),
        jurisdictions=_jurisdictions(),
    )


@blueprint.get("/reports/report.csv")
def report_csv() -> Any:
    out = io.StringIO()
    write_csv(_report(), out)
    return _download(out.getvalue(), "text/csv", "report.csv")


@blueprint.get("/reports/report.json")
def report_json() -> Any:
    return _download(_report().model_dump_json(indent=2), "application/json", "report.json")


def _report() -> ComplaintReport:
    here, shown = sources(), viewer()
    zone_name = request.args.get("time_zone") or shown.time_zone
    if not i18n.is_zone(zone_name):
        raise BadInputError("time zone: not one the portal knows")
    today = g.now.astimezone(i18n.zone(zone_name)).date()
    chosen = forms.period(request.args, zone_name, today, default_days=30)
    bucket = forms.choice(request.args.get("bucket"), BUCKETS, "bucket") or "month"
    jurisdiction = forms.facet(request.args.get("jurisdiction"), "jurisdiction")
    try:
        return management_report(
            here.log,
            here.ledger,
            chosen.since,
            chosen.until,
            jurisdiction=jurisdiction,
            bucket=BucketSize(bucket),
            time_zone=zone_name,
            jurisdiction_of=_jurisdictions(),
            now=g.now,
            survey_scale=_survey_scale(),
        )
    except (ReportRequestError, ValueError) as exc:
        raise BadInputError(str(exc)) from exc


def _jurisdictions() -> dict[str, str]:
    active = sources().policies.active()
    policy = active[1] if active else None
    if policy is None:
        return {}
    return {r.id: r.jurisdiction for r in policy.regimes if r.jurisdiction}


def _survey_scale() -> Scale | None:
    """The scale of the policy in force: what "satisfied" (its top two scores) is read on."""
    active = sources().policies.active()
    policy = active[1] if active else None
    return policy.surveys.scale if policy is not None else None


def _download(body: str, mimetype: str, name: str) -> Response:
    return Response(
        body,
        mimetype=f"{mimetype}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

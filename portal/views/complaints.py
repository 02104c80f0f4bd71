"""Complaints: the search through the state table's indexes, and one complaint's story."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request
from pydantic import ValidationError

from plaint.model.complaint import ClockStatus
from plaint.model.events import Channel
from plaint.reporting.search import ComplaintQuery
from plaint.reporting.story import ComplaintStory
from plaint.usecases.story import complaint_story
from plaint.vocabulary.errors import QueryInvalidError
from portal import i18n
from portal.errors import BadInputError, NotFoundError
from portal.views import forms, sources, viewer

blueprint = Blueprint("complaints", __name__)
CHANNELS = frozenset(c.value for c in Channel)
CLOCK_STATUSES = frozenset(s.value for s in ClockStatus)


@blueprint.get("/complaints")
def search() -> Any:
    shown, args = viewer(), request.args
    today = g.now.astimezone(i18n.zone(shown.time_zone)).date()
    chosen = forms.period(args, shown.time_zone, today, default_days=30)
    try:
        query = ComplaintQuery(
            since=chosen.since,
            until=chosen.until,
            category=forms.facet(args.get("category"), "category"),
            jurisdiction=forms.facet(args.get("jurisdiction"), "jurisdiction"),
            regime=forms.facet(args.get("regime"), "regime"),
            channel=forms.choice(args.get("channel"), CHANNELS, "channel"),
            clock_status=forms.choice(args.get("clock_status"), CLOCK_STATUSES, "clock status"),
            late=forms.yes_no(args.get("late"), "late"),
            referred=forms.yes_no(args.get("referred"), "referred"),
            cursor=args.get("cursor") or None,
        )
        page = sources().log.search_complaints(query, g.now)
    except (ValidationError, QueryInvalidError) as exc:
        raise BadInputError(forms.first_error(exc)) from exc
    return render_template(
        "complaints.html",
        page=page,
        period=chosen,
        args=args,
        channels=sorted(CHANNELS),
        clock_statuses=sorted(CLOCK_STATUSES),
    )


@blueprint.get("/complaints/<complaint_id>")
def complaint(complaint_id: str) -> Any:
    wanted = forms.complaint_id(complaint_id)
    here = sources()
    story = complaint_story(here.log, here.ledger, wanted, with_personal=viewer().sees_personal)
    if story is None:
        raise NotFoundError("no complaint {id}", id=wanted)
    zone = complaint_zone(story)
    late = story.acknowledgement.overdue or any(
        c.status is ClockStatus.BREACHED for c in story.clocks
    )
    return render_template(
        "complaint.html",
        story=story,
        record=story.record,
        zone=zone,
        local=lambda instant: i18n.shown(instant, zone),
        late=late,
    )


def complaint_zone(story: ComplaintStory) -> str:
    """The zone the complaint's clocks count in: its regime's calendar, else the
    acknowledgement's, under the policy its clocks were frozen under."""
    record = story.record
    policy = sources().policies.get(record.clocks_policy_version or record.policy_version)
    if policy is None:
        return "UTC"
    regime = policy.regime(record.regime) if record.regime else None
    calendar_id = regime.calendar if regime else policy.acknowledgement.calendar
    calendar = next((c for c in policy.calendars if c.id == calendar_id), None)
    return str(calendar.timezone) if calendar else "UTC"

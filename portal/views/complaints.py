"""Complaints: the search, and one complaint's whole story."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request

from plaint.model.audit import AuditEntry, AuditKind, ClockStanding
from plaint.model.complaint import ClockStatus, Complaint
from plaint.model.events import Channel
from portal import i18n
from portal.errors import BadInputError, NotFoundError
from portal.ports import SearchFilters
from portal.search import SearchRefusedError, is_late
from portal.views import forms, sources, viewer

blueprint = Blueprint("complaints", __name__)
CHANNELS = frozenset(c.value for c in Channel)
CLOCK_STATUSES = frozenset(s.value for s in ClockStatus)
LETTER_KINDS = frozenset({AuditKind.LETTER_CHECKED, AuditKind.LETTER_UNCHECKABLE})


@blueprint.get("/complaints")
def search() -> Any:
    shown = viewer()
    today = g.now.astimezone(i18n.zone(shown.time_zone)).date()
    chosen = forms.period(request.args, shown.time_zone, today, default_days=30)
    args = request.args
    filters = SearchFilters(
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
    search_port = sources().search
    assert search_port is not None
    try:
        page = search_port.search(filters, g.now)
    except SearchRefusedError as exc:
        raise BadInputError(str(exc)) from exc
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
    found = here.log.get_complaint(wanted)
    if found is None:
        raise NotFoundError(f"no complaint {wanted}")
    entries = here.log.complaint_entries(here.ledger, wanted)
    zone = complaint_zone(found)
    return render_template(
        "complaint.html",
        complaint=found,
        entries=entries,
        zone=zone,
        local=lambda instant: i18n.shown(instant, zone),
        letters=[e for e in entries if e.kind in LETTER_KINDS],
        clock_entries=_clock_entries(entries),
        late=is_late(found, g.now),
        personal=_personal if viewer().sees_personal else None,
    )


def complaint_zone(found: Complaint) -> str:
    """The zone the complaint's clocks count in: its regime's calendar, else the
    acknowledgement's, under the policy it was received under."""
    policy = sources().policies.get(found.clocks_policy_version or found.policy_version)
    if policy is None:
        return "UTC"
    regime = policy.regime(found.regime) if found.regime else None
    calendar_id = regime.calendar if regime else policy.acknowledgement.calendar
    calendar = next((c for c in policy.calendars if c.id == calendar_id), None)
    return str(calendar.timezone) if calendar else "UTC"


def _clock_entries(entries: list[AuditEntry]) -> dict[str, list[AuditEntry]]:
    by_clock: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        clock = entry.detail.get("clock")
        if entry.kind.startswith("clock.") and isinstance(clock, str):
            by_clock.setdefault(clock, []).append(entry)
    return by_clock


def _personal(entry: AuditEntry) -> dict[str, str]:
    return {name: kept.value for name, kept in entry.personal.items()}


STANDINGS = tuple(s.value for s in ClockStanding)

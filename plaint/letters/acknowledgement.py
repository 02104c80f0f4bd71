"""The acknowledgement a complainant is sent: the policy's template in their language, with
the reference, the receipt date and every deadline their regime sets.

A deadline is a moment, so it is written with the zone it is read in: the date and time on
the clock's calendar, then the calendar's zone and its UTC offset at that moment, e.g.
"2026-11-24 23:59 (Asia/Baku, UTC+04:00)". Zone names and offsets are written the same way
in every language the texts exist in (and read left to right inside Arabic and Persian text,
as they are written there), so no translation can drift from the time it names.

The reference is the one the complainant can quote: the helpdesk's ticket number or issue
key. An email complaint's ticket id is a digest of its thread's first Message-ID ("m-" and
24 hex digits, connectors/email/mapper.py); it is shown as those digits in groups of four,
upper case ("BB8B-3F2A-..."), which maps back to the id without a lookup."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from plaint.clocks.calendars import BusinessCalendar
from plaint.clocks.deadlines import CalendarFor
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.complaint import Clock
from plaint.model.events import SourceSystem, TicketEvent
from plaint.policy.document import Policy

ACK_MARKER_TAG = "plaint_ack_sent"
_EMAIL_TICKET: Final = re.compile(r"m-([0-9a-f]{24})")


class _Placeholders(dict[str, str]):
    """A deadline the template names but this complaint has no clock for reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "-"


def customer_reference(event: TicketEvent) -> str:
    """The complaint's reference as the complainant reads it (see the module)."""
    digest = _EMAIL_TICKET.fullmatch(event.ticket_id)
    if event.source is not SourceSystem.EMAIL or digest is None:
        return event.ticket_id
    digits = digest.group(1).upper()
    return "-".join(digits[start : start + 4] for start in range(0, len(digits), 4))


def deadline_text(at: datetime, zone: ZoneInfo) -> str:
    """A deadline as the complainant reads it: local date and time, the zone, its offset."""
    local = at.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    if zone.key == "UTC":
        return f"{local:%Y-%m-%d %H:%M} (UTC)"
    return f"{local:%Y-%m-%d %H:%M} ({zone.key}, {_utc_offset(offset)})"


def _utc_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def acknowledgement_action(
    event: TicketEvent,
    *,
    language: str,
    received_at: datetime,
    due_at: datetime,
    calendar: BusinessCalendar,
    calendar_for: CalendarFor,
    clocks: tuple[Clock, ...],
    policy: Policy,
    now: datetime,
) -> OutboundAction:
    ack = policy.acknowledgement
    values = {
        "reference": customer_reference(event),
        "received_on": calendar.local_date(received_at).isoformat(),
        "due_by": deadline_text(due_at, calendar.zone),
    }
    for clock in clocks:
        # The regime's deadlines, so the acknowledgement can state them (FCA DISP 1.6.1R).
        if clock.due_at is not None:
            zone = calendar_for(clock.calendar).zone
            values[f"due_{clock.clock_id}"] = deadline_text(clock.due_at, zone)
    text = ack.templates[language].format_map(_Placeholders(values))
    return OutboundAction(
        action_id=f"{event.complaint_id}:{ActionKind.ACKNOWLEDGE}",
        complaint_id=event.complaint_id,
        kind=ActionKind.ACKNOWLEDGE,
        source=event.source,
        ticket_id=event.ticket_id,
        language=language,
        comment=text,
        add_tags=ack.add_tags,
        fields=ack.fields,
        marker_tag=ACK_MARKER_TAG,
        recipient=event.reply_to,
        in_reply_to=event.thread_message_id,
        next_attempt_at=now,
    )

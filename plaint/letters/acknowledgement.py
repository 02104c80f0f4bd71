"""The acknowledgement a complainant is sent: the policy's template in their language, with
the reference, the receipt date and every deadline their regime sets."""

from __future__ import annotations

from datetime import datetime

from plaint.clocks.calendars import BusinessCalendar
from plaint.clocks.deadlines import CalendarFor
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.complaint import Clock
from plaint.model.events import TicketEvent
from plaint.policy.document import Policy

ACK_MARKER_TAG = "plaint_ack_sent"


class _Placeholders(dict[str, str]):
    """A deadline the template names but this complaint has no clock for reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "-"


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
        "reference": event.ticket_id,
        "received_on": calendar.local_date(received_at).isoformat(),
        "due_by": due_at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M"),
    }
    for clock in clocks:
        # The regime's deadlines, so the acknowledgement can state them (FCA DISP 1.6.1R).
        if clock.due_at is not None:
            local = clock.due_at.astimezone(calendar_for(clock.calendar).zone)
            values[f"due_{clock.clock_id}"] = local.strftime("%Y-%m-%d %H:%M")
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

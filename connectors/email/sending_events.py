"""Amazon SES event publishing records, with SES's own field names: what SES reports about
messages Plaint sent through a configuration set whose event destination is SNS.

Plaint subscribes to "Send" only: SES publishes it once it has accepted a message. The
record's `mail.tags` carries the message tags of the send (with SES's own `ses:*` ones), so
`action_token` names the acknowledgement the message was. Reference:
https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html

Event publishing records say `eventType`; receipt notifications and identity feedback
notifications say `notificationType` (connectors.email.wire reads those).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pydantic import Field, ValidationError

from connectors.email.wire import SesTime, Wire
from connectors.errors import PayloadInvalidError, UnsupportedEventError

SEND: Final = "Send"
# The message tag naming the acknowledgement a message is (SES tag names: letters, digits,
# "_" and "-").
ACTION_TAG: Final = "plaint-action"
_TOKEN: Final = re.compile(r"[0-9a-f]{32}")


class SentMail(Wire):
    timestamp: SesTime
    message_id: str = Field(alias="messageId", min_length=1, max_length=256)
    source: str | None = None
    destination: tuple[str, ...] = ()
    tags: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class SendingEvent(Wire):
    event_type: str = Field(alias="eventType")
    mail: SentMail

    @property
    def action_token(self) -> str | None:
        """The acknowledgement this message was, from its Plaint tag; None for mail
        someone else sent through the configuration set."""
        values = self.mail.tags.get(ACTION_TAG, ())
        token = values[0] if len(values) == 1 else ""
        return token if _TOKEN.fullmatch(token) else None


def is_sending_event(document: Mapping[str, Any]) -> bool:
    """An event publishing record (as opposed to a receipt or feedback notification)."""
    return "eventType" in document


def parse_sending_event(document: Mapping[str, Any]) -> SendingEvent:
    """Read a Send record. UnsupportedEventError for other event types (Delivery, Bounce...:
    a configuration set publishing more than Plaint asked for), PayloadInvalidError for a
    wrong shape."""
    kind = document.get("eventType")
    if kind != SEND:
        raise UnsupportedEventError(f"ses event:{str(kind)[:60]}")
    try:
        return SendingEvent.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PayloadInvalidError(f"{where}: {first['msg']}") from exc

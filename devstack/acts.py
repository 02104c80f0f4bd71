"""What an agent or a complainant does to a ticket, as `python -m devstack.ticket` plays it
against the local stack: the helpdesk's side (the fake helpdesk changed, so its own state is
true) and Plaint's side (the signed webhook the real helpdesk would send for that change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

import requests

Who = Literal["agent", "complainant"]
Verb = Literal["reply", "respond", "reject", "close", "reopen"]

# The reply a complainant sends to reject the outcome, per language: each says "I do not
# accept your decision" in the words a policy's escalation.rejection_phrases would name.
REJECTIONS: Final = {
    "en": "I do not accept your decision. I want to take my complaint further.",
    "az": "Qərarınızı qəbul etmirəm. Şikayətimi davam etdirmək istəyirəm.",
    "ar": "لا أقبل قراركم. أريد متابعة شكواي.",
    "fa": "تصمیم شما را قبول نمی‌کنم. می‌خواهم شکایتم را پیگیری کنم.",
    "tr": "Kararınızı kabul etmiyorum. Şikayetimi ileri taşımak istiyorum.",
    "ru": "Я не принимаю ваше решение. Я хочу продолжить рассмотрение жалобы.",
}
AGENT_REPLY: Final = "Thank you for your message. We are looking into it."
COMPLAINANT_REPLY: Final = "I am still waiting for my money back."


def fake_record(url: str, missing: str) -> dict[str, Any]:
    """A ticket or issue as the fake helpdesk holds it at `url`; ActRefusedError saying
    `missing` when it has never seen it."""
    answer = requests.get(url, timeout=10)
    if answer.status_code == 404:
        raise ActRefusedError(missing)
    answer.raise_for_status()
    return dict(answer.json())


class ActRefusedError(Exception):
    """The act cannot be played on this ticket; the message says why."""


@dataclass(frozen=True)
class Act:
    """One change to a ticket. `text` is the comment (none for close and reopen); `tags` the
    milestone tag a letter carries and its outcome's; `untags` the other outcomes' tags,
    taken off so the ticket shows one outcome."""

    verb: Verb
    who: Who
    text: str | None = None
    tags: tuple[str, ...] = ()
    untags: tuple[str, ...] = ()

    @property
    def status(self) -> str | None:
        """The status the act leaves the ticket in, when it changes it."""
        return {"close": "solved", "reopen": "open"}.get(self.verb)


@dataclass(frozen=True)
class Played:
    """What an act did: the ticket, the webhook's answer."""

    ticket: str
    delivered: int
    answer: str

    def line(self, act: Act) -> str:
        return f"ticket {self.ticket}: {act.verb} as {act.who}: {self.delivered} {self.answer}"


def delivered(answer: requests.Response, ticket: str) -> Played:
    return Played(ticket, answer.status_code, answer.text.strip())


def event_time(helpdesk_updated: datetime | None) -> datetime:
    """Now, but never before the helpdesk's own stamp of the change (whole seconds, kept
    strictly increasing), so reconciliation sees the webhook already told Plaint."""
    now = datetime.now(UTC)
    return max(now, helpdesk_updated) if helpdesk_updated else now

"""ISO 10003 escalation: each trigger, eligibility at its edges, the complainant told in
their language, the referral packet, and every step of a referral's life in the log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from plaint.auditlog.chain import chain_of
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.audit import AuditEntry
from plaint.model.complaint import ClockStatus, Complaint, ReferralOutcome, ReferralStage
from plaint.model.events import FieldChange, SourceSystem, TicketEventKind
from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.referrals.escalation import ReferralStepError, advance
from plaint.usecases.handling import ComplaintHandling
from plaint.vocabulary.errors import PolicyError
from plaint.vocabulary.terms import Milestone, Money
from storage.memory import MemoryStore
from tests.factories import DEFAULT_POLICY, ticket_event
from tests.fakes import FakeHelpdesk, ManualClock

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"
FOS: dict[str, Any] = {
    "id": "fos",
    "kind": "ombudsman",
    "name": "Financial Ombudsman Service",
    "names": {"az": "Maliyyə Ombudsmanı Xidməti"},
    "website": "https://www.financial-ombudsman.org.uk",
    "jurisdictions": ["GB"],
    "eligibility": {
        "monetary_cap": {"amount": "445000", "currency": "GBP"},
        "time_limits": [
            {
                "after": "final_response",
                "within": {"amount": 6, "unit": "months"},
                "description": "DISP 2.8.2R(1)",
            }
        ],
    },
    "fees": "free for you",
    "method": "webhook",
    "url": "https://referrals.example.org/plaint",
    "secret_env": "PLAINT_FOS_SECRET",
    "response_within": {"amount": 14, "unit": "calendar_days"},
    "wording": {
        "en": "You may refer your complaint to the {provider_name} ({provider_website}) "
        "within {time_limit}. Reference {reference}.",
        "az": "Şikayətinizi {time_limit} ərzində {provider_name} ({provider_website}) "
        "orqanına verə bilərsiniz. İstinad: {reference}.",
    },
    "time_limit_text": {"en": "six months", "az": "altı ay"},
}


def policy(**escalation: Any) -> Policy:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["languages"] = ["az", "en"]
    document["regimes"] = [
        {
            "id": "uk",
            "name": "UK DISP",
            "source": "DISP 1.6",
            "jurisdiction": "GB",
            "calendar": document["acknowledgement"]["calendar"],
            "providers": ["fos"],
            "clocks": [
                {
                    "id": "final_response",
                    "within": {"amount": 8, "unit": "weeks"},
                    "met_by": ["final_response"],
                }
            ],
        }
    ]
    document["defaults"] = document.get("defaults", {}) | {"regime": "uk"}
    document["milestones"] = [{"milestone": "final_response", "tags": ["final_sent"]}]
    rules = {
        "providers": [FOS],
        "rejection_statuses": ["rejected"],
        "rejection_tags": ["customer_rejects"],
        "rejection_fields": {"customfield_10050": ["Rejected"]},
        "rejection_phrases": {"az": ["qəbul etmirəm"], "en": ["i do not accept"]},
    }
    document["escalation"] = rules | escalation
    return parse_policy(json.dumps(document))


class Desk:
    def __init__(self, the_policy: Policy | None = None) -> None:
        self.clock = ManualClock(now=START)
        self.helpdesk, self.provider = FakeHelpdesk(), FakeHelpdesk()
        self.handling = ComplaintHandling(
            store=MemoryStore(self.clock),
            policy=the_policy or policy(),
            clock=self.clock,
            outboxes={SourceSystem.ZENDESK: self.helpdesk, SourceSystem.PROVIDER: self.provider},
        )
        self.n = 0

    def deliver(self, **event: Any) -> None:
        self.n += 1
        self.clock.advance(minutes=1)
        kind = TicketEventKind.CREATED if self.n == 1 else TicketEventKind.UPDATED
        e = ticket_event(
            delivery_id=f"d-{self.n}",
            kind=kind,
            created_at=START,
            occurred_at=self.clock.now,
            **({"description": COMPLAINT} | event),
        )
        assert self.handling.accept(e)
        for action in self.handling.process(f"zendesk:{e.delivery_id}"):
            self.handling.dispatch(action)

    @property
    def complaint(self) -> Complaint:
        found = self.handling.store.get_complaint("zendesk:101")
        assert found is not None
        return found

    def entries(self) -> list[AuditEntry]:
        chain = chain_of("main", "zendesk:101")
        return list(self.handling.store.audit_entries(chain, limit=1000))

    def kinds(self) -> list[str]:
        chain = chain_of("main", "zendesk:101")
        return [e.kind for e in self.handling.store.audit_entries(chain, limit=1000)]

    def final_response(self, days_ago: int = 0) -> None:
        self.deliver(tags=("final_sent",))


@pytest.fixture
def desk() -> Desk:
    return Desk()


def informed(desk: Desk) -> list[Any]:
    return [a for a in desk.helpdesk.applied if a.kind is ActionKind.INFORM]


@pytest.mark.parametrize(
    ("event", "trigger"),
    [
        ({"helpdesk_status": "rejected"}, "rejected"),
        ({"tags": ("customer_rejects",)}, "rejected"),
        ({"changes": (FieldChange(field="customfield_10050", after="Rejected"),)}, "rejected"),
        ({"tags": ("refer_complaint",)}, "agent_request"),
        ({"description": "Cavabınızı QƏBUL ETMİRƏM, bu ədalətsizdir"}, "rejected_in_reply"),
    ],
    ids=["status", "tag", "field", "agent", "reply"],
)
def test_each_trigger_offers_and_sends_a_referral(
    desk: Desk, event: dict[str, Any], trigger: str
) -> None:
    desk.deliver()
    desk.final_response()
    desk.deliver(**event)
    (referral,) = desk.complaint.referrals
    assert (referral.trigger, referral.stage, referral.provider_id) == (
        trigger,
        ReferralStage.REFERRED,
        "fos",
    )
    assert Milestone.REFERRAL in desk.complaint.milestones
    (told,) = informed(desk)
    assert told.public and "Maliyyə Ombudsmanı Xidməti" in (told.comment or "")
    assert "altı ay" in (told.comment or "") and "referral_rights_sent" in told.add_tags
    (sent,) = desk.provider.applied
    packet = json.loads(sent.fields["packet"])
    assert (
        packet["referral_id"] == referral.referral_id
        and packet["complaint"]["jurisdiction"] == "GB"
    )
    events = [step["event"] for step in packet["timeline"]]
    assert events == ["receipt", "acknowledgement", "final_response"]
    assert desk.kinds()[-5:] == [
        "referral.offered",
        "referral.sent",
        "milestone.reached",
        "action.inform.done",
        "action.refer.done",
    ]


def test_a_second_trigger_while_a_referral_is_open_changes_nothing(desk: Desk) -> None:
    desk.deliver()
    desk.deliver(helpdesk_status="rejected")
    desk.deliver(tags=("refer_complaint",))
    assert len(desk.complaint.referrals) == 1 and len(desk.provider.applied) == 1


def test_a_missed_final_deadline_escalates_once(desk: Desk) -> None:
    desk.deliver()
    desk.clock.advance(days=60)
    desk.handling.sweep(_NoQueue())
    desk.handling.sweep(_NoQueue())
    (referral,) = desk.complaint.referrals
    assert referral.trigger == "final_deadline_missed"
    assert any(c.status is ClockStatus.BREACHED for c in desk.complaint.clocks)


class _NoQueue:
    def enqueue(self, delivery_key: str) -> None:
        pass


@pytest.mark.parametrize(
    ("days", "eligible"), [(183, True), (185, False)], ids=["day-before", "day-after"]
)
def test_the_six_month_limit_counts_to_the_end_of_its_last_day(
    desk: Desk, days: int, eligible: bool
) -> None:
    desk.deliver()
    desk.final_response()  # 3 March 2025: six months end with 3 September
    desk.clock.advance(days=days)
    desk.deliver(helpdesk_status="rejected")
    (referral,) = desk.complaint.referrals
    assert (referral.stage is ReferralStage.REFERRED) is eligible
    if not eligible:
        assert referral.stage is ReferralStage.INELIGIBLE
        assert referral.reasons == (
            "referred after 2025-09-03: more than 6 months after the final response",
        )
        assert desk.provider.applied == []  # nothing sent,
        assert len(informed(desk)) == 1  # but the complainant is still told where to go


@pytest.mark.parametrize(("claimed", "eligible"), [("445000", True), ("445000.01", False)])
def test_a_claim_at_the_cap_is_eligible_and_above_it_is_not(
    desk: Desk, claimed: str, eligible: bool
) -> None:
    desk.deliver()
    decision = desk.handling.escalate(
        "zendesk:101",
        "agent_request",
        amount_claimed=Money(amount=Decimal(claimed), currency="GBP"),
    )
    assert decision is not None
    (referral,) = desk.complaint.referrals
    assert (referral.stage is ReferralStage.REFERRED) is eligible
    assert desk.complaint.amount_claimed == Money(amount=Decimal(claimed), currency="GBP")


def test_a_referral_lives_through_every_step_with_the_response_clock(desk: Desk) -> None:
    desk.deliver()
    desk.deliver(helpdesk_status="rejected")
    store, the_policy = desk.handling.store, desk.handling.policy
    referral_id = desk.complaint.referrals[0].referral_id

    def step(stage: ReferralStage, **details: Any) -> None:
        desk.clock.advance(days=1)
        decision = advance(
            desk.complaint,
            referral_id,
            stage,
            the_policy,
            desk.clock.now,
            by="agent@example.com",
            **details,
        )
        store.commit(decision, "main")

    step(ReferralStage.ACKNOWLEDGED)
    clock = next(c for c in desk.complaint.clocks if c.clock_id == "provider_response")
    assert clock.status is ClockStatus.RUNNING and clock.due_at is not None
    assert clock.due_at.date() == (desk.clock.now + timedelta(days=14)).date()
    with pytest.raises(ReferralStepError, match="cannot be implemented next"):
        step(ReferralStage.IMPLEMENTED)
    step(ReferralStage.RESPONDED)
    assert (
        next(c for c in desk.complaint.clocks if c.clock_id == "provider_response").status
        is ClockStatus.MET
    )
    with pytest.raises(ReferralStepError, match="names its outcome"):
        step(ReferralStage.DECIDED)
    step(ReferralStage.DECIDED, outcome=ReferralOutcome.DETERMINATION_UPHELD)
    step(ReferralStage.IMPLEMENTED, redress=Money(amount=Decimal("250.00"), currency="GBP"))
    step(ReferralStage.CLOSED)
    referral = desk.complaint.referrals[0]
    assert referral.outcome is ReferralOutcome.DETERMINATION_UPHELD and referral.outcome.overturns
    assert referral.redress == Money(amount=Decimal("250.00"), currency="GBP")
    steps = [k for k in desk.kinds() if k.startswith("referral.")]
    assert steps == [
        "referral.offered",
        "referral.sent",
        "referral.acknowledged",
        "referral.responded",
        "referral.decided",
        "referral.implemented",
        "referral.closed",
    ]


def test_a_late_response_to_the_provider_is_a_breach_the_sweep_records(desk: Desk) -> None:
    desk.deliver()
    desk.deliver(helpdesk_status="rejected")
    referral_id = desk.complaint.referrals[0].referral_id
    decision = advance(
        desk.complaint,
        referral_id,
        ReferralStage.ACKNOWLEDGED,
        desk.handling.policy,
        desk.clock.now,
        by="agent@example.com",
    )
    desk.handling.store.commit(decision, "main")
    desk.clock.advance(days=16)
    desk.handling.sweep(_NoQueue())
    clock = next(c for c in desk.complaint.clocks if c.clock_id == "provider_response")
    assert clock.status is ClockStatus.BREACHED
    assert "clock.breached" in desk.kinds()


def test_a_policy_naming_an_unknown_provider_fails_its_check() -> None:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["regimes"] = [
        {
            "id": "uk",
            "name": "UK",
            "source": "DISP",
            "calendar": document["acknowledgement"]["calendar"],
            "providers": ["nobody"],
            "clocks": [
                {"id": "f", "within": {"amount": 8, "unit": "weeks"}, "met_by": ["final_response"]}
            ],
        }
    ]
    with pytest.raises(
        PolicyError, match=r"regimes\[0\]\.providers\[0\].*unknown provider 'nobody'"
    ):
        parse_policy(json.dumps(document))


def test_a_webhook_provider_needs_an_https_address_and_a_secret() -> None:
    with pytest.raises(PolicyError, match="https url and a secret_env"):
        policy(providers=[FOS | {"url": "http://plain.example.org"}])


# Letters that say what they must (the FCA pack in policies/letters/).

LETTERS = json.loads((DEFAULT_POLICY.parent / "letters" / "uk-fca-disp.json").read_text("utf-8"))


def letter_desk() -> Desk:
    the_policy = policy()
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document |= json.loads(the_policy.model_dump_json(exclude_none=True))
    document["regimes"][0]["id"] = "uk-disp"
    document["defaults"]["regime"] = "uk-disp"
    document["letters"] = LETTERS["letters"]
    return Desk(parse_policy(json.dumps(document)))


def final_letter(language: str, drop: str = "") -> str:
    from plaint.policy.letters import render_template

    template = LETTERS["letters"]["templates"]["final_response"][language]
    values = {"reference": "zendesk:101", "decision": "We uphold part of it.",
              "reasons": "The fee was charged twice.", "provider_name": FOS["name"],
              "provider_website": "www.financial-ombudsman.org.uk",
              "time_limit": FOS["time_limit_text"].get(language, "six months")}  # fmt: skip
    if language == "az":
        values["provider_name"] = FOS["names"]["az"]
    text = render_template(template, values)
    return text.replace(drop, "") if drop else text


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_final_response_with_every_required_element_is_recorded(language: str) -> None:
    desk = letter_desk()
    words = {"en": "I want to complain: you charged me twice", "az": COMPLAINT}
    desk.deliver(description=words[language])
    assert desk.complaint.language == language
    desk.deliver(tags=("final_sent",), agent_reply=final_letter(language))
    assert Milestone.FINAL_RESPONSE in desk.complaint.milestones
    kinds = desk.kinds()
    assert "letter.checked" in kinds and not [
        a for a in desk.helpdesk.applied if "letter_blocked" in a.add_tags
    ]


def test_a_final_response_without_the_ombudsmans_website_is_blocked_and_agents_told() -> None:
    desk = letter_desk()
    desk.deliver(description="I want to complain: you charged me twice")
    desk.deliver(
        tags=("final_sent",), agent_reply=final_letter("en", drop="www.financial-ombudsman.org.uk")
    )
    assert Milestone.FINAL_RESPONSE not in desk.complaint.milestones
    chain = chain_of("main", "zendesk:101")
    checked = next(
        e for e in desk.handling.store.audit_entries(chain, limit=100) if e.kind == "letter.checked"
    )
    assert checked.detail["verdict"] == "block" and "ombudsman_website" in checked.detail["missing"]
    (note,) = [a for a in desk.helpdesk.applied if "letter_blocked" in a.add_tags]
    assert not note.public and note.comment is not None
    # In words, with the template's sentence to use, and no element ids.
    assert "ombudsman_website" not in note.comment
    assert "Gives the website address of the Financial Ombudsman Service" in note.comment
    assert (
        "The template says: “You can find out more about the Financial Ombudsman Service at "
        "https://www.financial-ombudsman.org.uk.”"
    ) in note.comment


def test_the_blocked_letter_note_is_in_the_organisations_language() -> None:
    desk = letter_desk()
    desk.handling.policy = desk.handling.policy.model_copy(update={"default_language": "az"})
    desk.deliver(description="I want to complain: you charged me twice", language="en")
    desk.deliver(tags=("final_sent",), agent_reply=final_letter("en", drop="leaflet"))
    (note,) = [a for a in desk.helpdesk.applied if "letter_blocked" in a.add_tags]
    assert note.comment is not None
    assert note.comment.startswith("Bu yekun cavab göndərilmiş kimi qeydə alınmadı.")
    assert "standard explanatory leaflet" in note.comment
    # The template's sentence is in the letter's language, since it goes into the letter.
    assert "Şablonda belədir: “We enclose the Financial Ombudsman Service's explanatory" in (
        note.comment
    )


def letter_notes(desk: Desk) -> list[OutboundAction]:
    return [a for a in desk.helpdesk.applied if a.marker_tag.startswith("plaint_letter_")]


def test_a_complainants_reply_is_never_checked_as_a_letter() -> None:
    desk = letter_desk()
    desk.deliver(description="I want to complain: you charged me twice")
    desk.deliver(tags=("final_sent",), agent_reply=final_letter("en"))
    assert Milestone.FINAL_RESPONSE in desk.complaint.milestones
    # The tag stays on the ticket; the complainant answers the final response.
    desk.deliver(tags=("final_sent",),
                 description="I do not accept your decision and want to go further.")  # fmt: skip
    assert desk.kinds().count("letter.checked") == 1
    assert letter_notes(desk) == []


def test_each_blocked_letter_gets_its_own_note_and_a_passing_one_lifts_the_block() -> None:
    desk = letter_desk()
    desk.deliver(description="I want to complain: you charged me twice")
    desk.deliver(tags=("final_sent",), agent_reply=final_letter("en", drop="leaflet"))
    # Before the agent writes again, the complainant's reply is not a letter.
    desk.deliver(tags=("final_sent", "letter_blocked"), description="Where is my answer?")
    desk.deliver(tags=("final_sent", "letter_blocked"),
                 agent_reply=final_letter("en", drop="free of charge"))  # fmt: skip
    first, second = letter_notes(desk)
    assert first.marker_tag != second.marker_tag  # the first note is no proof of the second
    assert "free of charge" in (second.comment or "").lower()
    assert "letter_blocked" in desk.helpdesk.tags["101"]
    assert Milestone.FINAL_RESPONSE not in desk.complaint.milestones

    desk.deliver(tags=("final_sent", "letter_blocked"), agent_reply=final_letter("en"))
    assert Milestone.FINAL_RESPONSE in desk.complaint.milestones
    *_, lifted = letter_notes(desk)
    assert lifted.remove_tags == ("letter_blocked",) and not lifted.add_tags
    assert "letter_blocked" not in desk.helpdesk.tags["101"]
    verdicts = [e.detail["verdict"] for e in desk.entries() if e.kind == "letter.checked"]
    assert verdicts == ["block", "block", "ok"]


def test_wording_with_an_unknown_placeholder_fails_the_policy_check() -> None:
    wording = FOS["wording"] | {"en": "Write to {provider_name} at {provider_postcode}."}
    with pytest.raises(
        PolicyError, match=r"wording en: unknown placeholder\(s\) \['provider_postcode'\]"
    ):
        policy(providers=[FOS | {"wording": wording}])

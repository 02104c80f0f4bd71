"""Referral packets to dispute-resolution providers (ISO 10003): Standard Webhooks signing,
and ProviderOutbox against the fake provider over real HTTP."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.disputes import standard_webhooks as sw
from connectors.disputes.client import ProviderOutbox, build_session
from connectors.errors import SignatureRejectedError
from devstack.fake_provider import DEFAULT_SECRET, FakeProvider
from plaint.actions.attempts import MAX_ATTEMPTS
from plaint.model.actions import ActionKind, ActionStatus, OutboundAction
from plaint.model.decision import Decision
from plaint.model.events import SourceSystem
from plaint.usecases.handling import ComplaintHandling
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError
from storage.memory import MemoryStore
from tests.conftest import ledger_entries
from tests.factories import default_policy, ticket_event
from tests.fakes import FakeHelpdesk, FakeQueue, ManualClock

# The specification's published vector: the sign test of the reference Python library,
# standard-webhooks/standard-webhooks libraries/python/tests/test_webhooks.py
# (test_sign_function); the same secret, id, timestamp and payload appear in the other
# languages' tests.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_PAYLOAD = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
SPEC_NOW = datetime.fromtimestamp(SPEC_TIMESTAMP, UTC)

OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-provider-secret-32-bytes").decode()
SECRET_ENV = "PLAINT_PROVIDER_OMBUDSMAN_SECRET"
REFERRAL = "zendesk:101:ombudsman.az:1"
PACKET = {"referral_id": REFERRAL, "complaint": {"category": "billing"}, "language": "az"}


# --- signing -------------------------------------------------------------------------------


def spec_headers(**changes):
    headers = {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }
    return headers | changes


def test_signature_matches_the_specification_vector():
    assert sw.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD, SPEC_SECRET) == SPEC_SIGNATURE
    # The prefix is optional, as in the reference libraries.
    assert sw.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD, SPEC_SECRET[6:]) == SPEC_SIGNATURE
    assert sw.signature_headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD, [SPEC_SECRET]) == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_signature_is_derived_by_hand_from_the_signed_content():
    import hashlib
    import hmac

    key = base64.b64decode(SPEC_SECRET.removeprefix("whsec_"))
    content = f"{SPEC_ID}.{SPEC_TIMESTAMP}.".encode() + SPEC_PAYLOAD
    digest = hmac.new(key, content, hashlib.sha256).digest()
    assert "v1," + base64.b64encode(digest).decode() == SPEC_SIGNATURE


def test_verify_accepts_the_vector_and_returns_its_id():
    assert sw.verify(spec_headers(), SPEC_PAYLOAD, SPEC_SECRET, SPEC_NOW) == SPEC_ID
    # Header names in any case; several signatures, unknown versions skipped.
    mixed = {
        "Webhook-Id": SPEC_ID,
        "WEBHOOK-TIMESTAMP": str(SPEC_TIMESTAMP),
        "webhook-signature": "v1a,AAAA v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
        + SPEC_SIGNATURE,
    }
    assert sw.verify(mixed, SPEC_PAYLOAD, [OTHER_SECRET, SPEC_SECRET], SPEC_NOW) == SPEC_ID


REJECTIONS = {
    # id: (header changes, bytes added to the body, seconds from the timestamp, check)
    "body-changed": ({}, b" ", 0, "signature_mismatch"),
    "id-changed": ({"webhook-id": "msg_other"}, b"", 0, "signature_mismatch"),
    "too-old": ({}, b"", 301, "timestamp_out_of_window"),
    "too-new": ({}, b"", -301, "timestamp_out_of_window"),
    "timestamp-not-a-number": ({"webhook-timestamp": "soon"}, b"", 0, "malformed_timestamp"),
    "no-signature": ({"webhook-signature": ""}, b"", 0, "missing_signature"),
    "no-id": ({"webhook-id": ""}, b"", 0, "missing_field"),
    "only-asymmetric": ({"webhook-signature": "v1a,AAAA"}, b"", 0, "unsupported_signature_version"),
    "no-version": ({"webhook-signature": "g0hM9SsE"}, b"", 0, "malformed_signature"),
    "dot-in-id": ({"webhook-id": "msg.1614265330"}, b"", 0, "malformed_signature"),
}


@pytest.mark.parametrize(("changes", "extra", "skew", "check"), REJECTIONS.values(), ids=REJECTIONS)
def test_verify_rejects(changes, extra, skew, check):
    now = SPEC_NOW + timedelta(seconds=skew)
    with pytest.raises(SignatureRejectedError) as caught:
        sw.verify(spec_headers(**changes), SPEC_PAYLOAD + extra, SPEC_SECRET, now)
    assert caught.value.check == check


def test_verify_accepts_the_edges_of_the_window():
    for skew in (-300, 300):
        now = SPEC_NOW + timedelta(seconds=skew)
        assert sw.verify(spec_headers(), SPEC_PAYLOAD, SPEC_SECRET, now) == SPEC_ID


def test_secrets_too_short_or_not_base64_are_refused_without_repeating_them():
    short = "whsec_" + base64.b64encode(b"sixteen-byte-key").decode()
    for secret in (short, "whsec_not base64!"):
        with pytest.raises(sw.WebhookSecretError) as caught:
            sw.decode_secret(secret)
        assert secret[6:] not in str(caught.value)


def test_message_id_never_holds_a_dot_and_is_stable():
    assert sw.message_id("zendesk:101:ombudsman.az:1") == "zendesk:101:ombudsman%2Eaz:1"
    assert sw.message_id("jira:SUP-12:adr_body:2") == "jira:SUP-12:adr_body:2"
    assert sw.message_id("email:T-ab:ombudsman:1 ə") == "email:T-ab:ombudsman:1%20%C9%99"


# --- the outbox against the fake provider -------------------------------------------------


def refer(url, packet=PACKET, **fields):
    text = packet if isinstance(packet, str) else json.dumps(packet, sort_keys=True)
    values = {"provider": "ombudsman.az", "packet": text, "method": "webhook"}
    if url is not None:
        values |= {"url": url, "secret_env": SECRET_ENV}
    return OutboundAction(
        action_id=f"{REFERRAL}:refer",
        complaint_id="zendesk:101",
        kind=ActionKind.REFER,
        source=SourceSystem.PROVIDER,
        ticket_id=REFERRAL,
        language="az",
        public=False,
        fields=values | fields,
        marker_tag="plaint_referred",
        next_attempt_at=datetime(2025, 3, 4, 10, tzinfo=UTC),
    )


def outbox(secret=DEFAULT_SECRET, retries=4, **kwargs):
    session = build_session(retries=retries) if retries is not None else None
    return ProviderOutbox(session, environ={SECRET_ENV: secret}, insecure_http=True, **kwargs)


def held(fake):
    return requests.get(f"{fake.url}/__fake/referrals", timeout=5).json()["referrals"]


def posts(fake):
    seen = requests.get(f"{fake.url}/__fake/requests", timeout=5).json()["requests"]
    return [r for r in seen if r["method"] == "POST"]


def add_fault(fake, status, count=1, retry_after=None):
    fault = {"status": status, "count": count, "retry_after": retry_after}
    requests.post(f"{fake.url}/__fake/faults", json=fault, timeout=5).raise_for_status()


def test_packet_is_delivered_signed_once_and_stored_once_when_sent_twice(fake_provider):
    providers = outbox()
    action = refer(fake_provider.referrals_url)
    assert providers.already_applied(action) is False  # no lookup: the provider dedupes
    providers.apply(action)
    providers.apply(action)  # a retry after an unknown outcome

    [referral] = held(fake_provider)
    assert referral["id"] == "zendesk:101:ombudsman%2Eaz:1"
    assert referral["packet"] == PACKET
    assert referral["deliveries"] == 2
    first, second = posts(fake_provider)
    assert first["headers"]["content-type"] == "application/json"
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert abs(int(first["headers"]["webhook-timestamp"]) - time.time()) < 60


def test_body_is_the_packet_byte_for_byte(fake_provider):
    packet = '{"b":1,"a":"Şikayət"}'  # canonical text, not re-serialised on the way
    outbox().apply(refer(fake_provider.referrals_url, packet=packet))
    [referral] = held(fake_provider)
    assert referral["packet"] == {"b": 1, "a": "Şikayət"}


def test_a_provider_answering_409_for_a_known_referral_counts_as_delivered():
    with FakeProvider(duplicate_status=409) as fake:
        providers = outbox()
        providers.apply(refer(fake.referrals_url))
        providers.apply(refer(fake.referrals_url))
        assert [r["deliveries"] for r in held(fake)] == [2]


def test_signing_with_both_secrets_during_a_rotation(fake_provider):
    outbox(secret=f"{OTHER_SECRET} {DEFAULT_SECRET}").apply(refer(fake_provider.referrals_url))
    assert len(held(fake_provider)) == 1
    [post] = posts(fake_provider)
    assert post["headers"]["webhook-id"] == "zendesk:101:ombudsman%2Eaz:1"


def test_wrong_secret_is_refused_with_401_and_parked(fake_provider):
    with pytest.raises(PermanentDeliveryError) as caught:
        outbox(secret=OTHER_SECRET).apply(refer(fake_provider.referrals_url))
    message = str(caught.value)
    assert "answered 401" in message
    assert "signature_mismatch" in message
    assert OTHER_SECRET[6:] not in message
    assert held(fake_provider) == []


def test_500_then_success_without_retries_in_the_call(fake_provider):
    add_fault(fake_provider, 500)
    providers = outbox(retries=0)
    with pytest.raises(TransientDeliveryError) as caught:
        providers.apply(refer(fake_provider.referrals_url))
    assert "answered 500" in str(caught.value)
    assert held(fake_provider) == []
    providers.apply(refer(fake_provider.referrals_url))
    assert len(held(fake_provider)) == 1


def test_a_500_is_retried_within_the_call_post_included(fake_provider):
    add_fault(fake_provider, 503)
    outbox().apply(refer(fake_provider.referrals_url))
    assert len(posts(fake_provider)) == 2
    assert [r["deliveries"] for r in held(fake_provider)] == [1]


def test_429_retry_after_is_honoured_within_the_call(fake_provider):
    add_fault(fake_provider, 429, retry_after=1)
    started = time.monotonic()
    outbox().apply(refer(fake_provider.referrals_url))
    assert time.monotonic() - started >= 1.0
    assert len(posts(fake_provider)) == 2
    assert len(held(fake_provider)) == 1


def test_429_retry_after_past_the_deadline_is_handed_to_the_engine(fake_provider):
    add_fault(fake_provider, 429, retry_after=120)
    providers = outbox(retries=None, time_left=lambda: 60.0)  # its own session, deadline-aware
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError) as caught:
        providers.apply(refer(fake_provider.referrals_url))
    assert time.monotonic() - started < 5
    assert caught.value.retry_after == 120
    assert len(posts(fake_provider)) == 1


def test_retries_in_the_call_stop_before_the_signature_would_be_stale(fake_provider):
    # Plenty of function time, but a wait of 120 s with a 100 s tolerance would send a
    # stale signature: the next attempt is left to the engine, signed afresh.
    add_fault(fake_provider, 429, retry_after=120)
    providers = outbox(retries=None, time_left=lambda: 900.0, tolerance=100)
    with pytest.raises(TransientDeliveryError) as caught:
        providers.apply(refer(fake_provider.referrals_url))
    assert caught.value.retry_after == 120


def test_provider_down_is_transient():
    fake = FakeProvider().start()
    url = fake.referrals_url
    fake.stop()
    with pytest.raises(TransientDeliveryError) as caught:
        outbox(retries=1).apply(refer(url))
    assert "failed" in str(caught.value)


def test_422_is_permanent_with_the_providers_message(fake_provider):
    with pytest.raises(PermanentDeliveryError) as caught:
        outbox().apply(refer(fake_provider.referrals_url, packet="[1, 2]"))
    message = str(caught.value)
    assert "provider ombudsman.az answered 422" in message
    assert "the referral packet must be a JSON object" in message


@pytest.mark.parametrize(
    ("status", "words"),
    [(410, "no longer takes referrals"), (404, "answered 404"), (403, "answered 403")],
)
def test_other_4xx_are_permanent(fake_provider, status, words):
    add_fault(fake_provider, status)
    with pytest.raises(PermanentDeliveryError, match=words):
        outbox().apply(refer(fake_provider.referrals_url))


def test_missing_secret_is_permanent_and_names_only_the_variable(fake_provider):
    providers = ProviderOutbox(build_session(retries=0), environ={}, insecure_http=True)
    with pytest.raises(PermanentDeliveryError, match=SECRET_ENV):
        providers.apply(refer(fake_provider.referrals_url))
    assert posts(fake_provider) == []


def test_plain_http_is_refused_unless_allowed(fake_provider):
    providers = ProviderOutbox(environ={SECRET_ENV: DEFAULT_SECRET})
    with pytest.raises(PermanentDeliveryError, match="https"):
        providers.apply(refer(fake_provider.referrals_url))
    assert posts(fake_provider) == []


# --- email and manual ----------------------------------------------------------------------


class FakeMailer:
    def __init__(self):
        self.sent = []

    def send(self, to, subject, text, attachments_json):
        self.sent.append((to, subject, text, dict(attachments_json)))


def test_email_referral_goes_through_the_mailer_with_the_packet_attached():
    mailer = FakeMailer()
    action = refer(None, method="email", email="cases@ombudsman.example")
    ProviderOutbox(mailer=mailer, environ={}).apply(action)
    [(to, subject, text, attachments)] = mailer.sent
    assert to == "cases@ombudsman.example"
    assert REFERRAL in subject and REFERRAL in text
    assert {name: json.loads(body) for name, body in attachments.items()} == {
        "referral-zendesk_101_ombudsman%2Eaz_1.json": PACKET
    }


def test_email_referral_by_ses_carries_the_packet_as_a_json_attachment(aws):
    from email import message_from_bytes, policy

    import boto3
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from connectors.email.packets import SesPacketMailer

    client = boto3.client("sesv2", region_name="eu-west-1")
    client.create_email_identity(EmailIdentity="complaints@plaint.example")
    mailer = SesPacketMailer(client, "complaints@plaint.example")
    action = refer(None, method="email", email="cases@ombudsman.example")
    ProviderOutbox(mailer=mailer, environ={}).apply(action)
    [sent] = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    message = message_from_bytes(sent.raw_data.encode(), policy=policy.default)
    assert message["To"] == "cases@ombudsman.example" and REFERRAL in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/json"
    assert json.loads(attachment.get_content()) == PACKET


def test_email_referral_without_a_mailer_is_parked():
    action = refer(None, method="email", email="cases@ombudsman.example")
    with pytest.raises(PermanentDeliveryError, match="no mailer"):
        ProviderOutbox(environ={}).apply(action)


def test_manual_referral_is_never_sent(fake_provider):
    with pytest.raises(PermanentDeliveryError, match="by hand"):
        outbox().apply(refer(fake_provider.referrals_url, method="manual"))
    assert posts(fake_provider) == []


# --- through the engine -------------------------------------------------------------------

COMPLAINT = "Pulumu iki dəfə çıxıblar, şikayət edirəm"


def engine_with(fake_provider, clock):
    """The engine on the in-memory store, with a complaint received and a referral action
    recorded by hand (as an escalation decision would). The provider outbox has no
    retries of its own, so every failure reaches the engine."""
    handling = ComplaintHandling(
        store=MemoryStore(clock),
        policy=default_policy(),
        clock=clock,
        outboxes={
            SourceSystem.ZENDESK: FakeHelpdesk(),
            SourceSystem.PROVIDER: outbox(retries=0),
        },
    )
    event = ticket_event(description=COMPLAINT)
    assert handling.accept(event)
    for created in handling.process(f"zendesk:{event.delivery_id}"):
        handling.dispatch(created)
    action = refer(fake_provider.referrals_url).model_copy(update={"next_attempt_at": clock.now})
    handling.store.commit(Decision(complaint=None, audit=(), new_actions=(action,)), "main")
    return handling, action


def test_engine_retries_a_referral_until_the_provider_takes_it(fake_provider):
    clock = ManualClock()
    handling, action = engine_with(fake_provider, clock)
    add_fault(fake_provider, 500, count=2)

    assert handling.dispatch(action) is ActionStatus.PENDING
    clock.advance(seconds=31)
    assert handling.sweep(FakeQueue()).actions_dispatched == 1
    clock.advance(minutes=3)
    assert handling.sweep(FakeQueue()).actions_dispatched == 1

    done = handling.store.get_action(action.action_id)
    assert done is not None and (done.status, done.attempts) == (ActionStatus.DONE, 3)
    assert [r["deliveries"] for r in held(fake_provider)] == [1]
    kinds = [e.kind for e in ledger_entries(handling.store)]
    assert "action.refer.done" in kinds


def test_engine_parks_a_referral_after_the_attempt_limit(fake_provider):
    clock = ManualClock()
    handling, action = engine_with(fake_provider, clock)
    add_fault(fake_provider, 503, count=MAX_ATTEMPTS + 1)

    status = handling.dispatch(action)
    while status is ActionStatus.PENDING:
        clock.advance(minutes=11)
        handling.sweep(FakeQueue())
        stored = handling.store.get_action(action.action_id)
        assert stored is not None
        status = stored.status

    parked = handling.store.get_action(action.action_id)
    assert parked is not None
    assert (parked.status, parked.attempts) == (ActionStatus.PARKED, MAX_ATTEMPTS)
    assert parked.last_error is not None and "answered 503" in parked.last_error
    assert held(fake_provider) == []
    [entry] = [e for e in ledger_entries(handling.store) if e.kind == "action.parked"]
    assert entry.detail["action_id"] == action.action_id


def test_engine_parks_a_refused_referral_at_once(fake_provider):
    clock = ManualClock()
    handling, action = engine_with(fake_provider, clock)
    broken = action.model_copy(update={"fields": action.fields | {"packet": "[]"}})
    handling.store.commit(
        Decision(
            complaint=None,
            audit=(),
            new_actions=(broken.model_copy(update={"action_id": "other:refer"}),),
        ),
        "main",
    )
    stored = handling.store.get_action("other:refer")
    assert stored is not None
    assert handling.dispatch(stored) is ActionStatus.PARKED
    parked = handling.store.get_action("other:refer")
    assert parked is not None and "422" in (parked.last_error or "")

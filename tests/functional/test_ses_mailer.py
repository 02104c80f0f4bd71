from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from connectors.email.client import (
    ACTION_HEADER,
    EVENT_WAIT,
    SesMailer,
    action_token,
    message_id_for,
)
from connectors.email.sending_events import ACTION_TAG
from plaint.model.actions import ActionKind, OutboundAction
from plaint.model.events import SourceSystem
from plaint.vocabulary.errors import (
    PermanentDeliveryError,
    StoreUnavailableError,
    TransientDeliveryError,
)
from storage.memory import MemoryStore
from tests.fakes import ManualClock

REGION = "eu-west-1"
SENDER = "acks@example.com"
MAILBOX = "complaints@example.com"
TICKET = "m-0123456789abcdef01234567"


def action(language="ar", comment="مرحباً أحمد،\n\nتم استلام شكواك رقم {ref}.", **changes):
    fields = {
        "action_id": f"email:{TICKET}:acknowledge",
        "complaint_id": f"email:{TICKET}",
        "kind": ActionKind.ACKNOWLEDGE,
        "source": SourceSystem.EMAIL,
        "ticket_id": TICKET,
        "language": language,
        "comment": comment.format(ref=TICKET),
        "marker_tag": "complaint_acknowledged",
        "recipient": "ahmed.example@example.org",
        "in_reply_to": "<ar-1256-qp-0001@example.com>",
        "next_attempt_at": datetime(2024, 3, 4, 7, 0, tzinfo=UTC),
    }
    return OutboundAction(**(fields | changes))


@pytest.fixture
def sent():
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        client.create_email_identity(EmailIdentity=SENDER)
        mailer = SesMailer(client, SENDER, MAILBOX, sender_name="خدمة العملاء")

        def send(act):
            mailer.apply(act)
            raw = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1].raw_data
            return message_from_bytes(raw.encode("ascii"), policy=policy.default)

        yield send


def parts(message):
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    markup = message.get_body(preferencelist=("html",))
    assert plain is not None and markup is not None
    for part in (plain, markup):
        assert part.get_content_charset() == "utf-8"
    return plain.get_content(), markup.get_content()


def test_a_survey_carries_its_own_html_and_is_not_a_reply(sent):
    survey = action(
        kind=ActionKind.SURVEY,
        action_id="zendesk:48213:survey:1",
        ticket_id="48213",
        in_reply_to=None,
        comment="Ümumilikdə nə dərəcədə razısınız?\n5: https://example.az/surveys/x.y",
        fields={"subject": "Şikayətinizə necə baxdıq?",
                "html": '<!DOCTYPE html><html lang="az" dir="ltr"><body>'
                        '<a href="https://example.az/surveys/x.y">5</a></body></html>'},
    )  # fmt: skip
    message = sent(survey)
    text, markup = parts(message)
    assert '<a href="https://example.az/surveys/x.y">5</a>' in markup
    assert "https://example.az/surveys/x.y" in text
    assert message["Subject"] == "Şikayətinizə necə baxdıq?"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == MAILBOX  # not a plus-address naming an email ticket
    assert message["In-Reply-To"] is None


def test_arabic_acknowledgement_is_threaded_rtl_multipart(sent):
    act = action()
    message = sent(act)
    text, markup = parts(message)
    assert "تم استلام شكواك رقم" in text and TICKET in text
    assert '<html dir="rtl" lang="ar">' in markup
    assert "<p>مرحباً أحمد،</p>" in markup
    assert message["To"] == "ahmed.example@example.org"
    assert message["Reply-To"] == f"complaints+T-{TICKET}@example.com"
    assert message["In-Reply-To"] == "<ar-1256-qp-0001@example.com>"
    assert message["References"] == "<ar-1256-qp-0001@example.com>"
    assert message["Message-ID"] == message_id_for(act.action_id, "example.com")
    assert message[ACTION_HEADER] == message["Message-ID"]
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["Subject"] == "تم استلام شكواك"
    assert message["From"].addresses[0].display_name == "خدمة العملاء"
    assert message["From"].addresses[0].addr_spec == SENDER


def test_english_acknowledgement_is_ltr_and_escaped(sent):
    message = sent(
        action(language="en", comment="Dear <customer>,\n\nWe received {ref} & will reply.")
    )
    text, markup = parts(message)
    assert "Dear <customer>," in text
    assert '<html dir="ltr" lang="en">' in markup
    assert "Dear &lt;customer&gt;," in markup and "&amp; will reply" in markup
    assert message["Subject"] == "We have received your complaint"


def test_subject_field_overrides_and_round_trips(sent):
    subject = "Re: شکایت: عدم ارسال سفارش ۷۷۴۱۲ — Şikâyet"
    message = sent(action(language="fa", fields={"subject": subject}))
    assert message["Subject"] == subject
    _, markup = parts(message)
    assert 'dir="rtl"' in markup


def test_message_id_is_the_same_on_every_attempt(sent):
    first = sent(action())
    second = sent(action(attempts=2))
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"] != sent(action(action_id="email:other:acknowledge"))["Message-ID"]


def test_already_applied_cannot_know():
    mailer = SesMailer(_Failing(None), SENDER, MAILBOX)
    assert mailer.already_applied(action()) is False


@pytest.mark.parametrize(
    "changes",
    [
        {"recipient": None},
        {"recipient": "not an address"},
        {"recipient": "a@example.org\r\nBcc: victim@example.org"},
        {"source": SourceSystem.JIRA},
        {"ticket_id": "bad id"},
    ],
)
def test_actions_that_cannot_become_a_message_are_permanent(changes):
    mailer = SesMailer(_Failing(None), SENDER, MAILBOX)
    with pytest.raises(PermanentDeliveryError):
        mailer.apply(action(**changes))


def test_unverified_sender_is_rejected_permanently():
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        mailer = SesMailer(client, SENDER, MAILBOX)
        with pytest.raises(PermanentDeliveryError, match="MessageRejected"):
            mailer.apply(action())


class _Failing:
    def __init__(self, error):
        self.error = error

    def send_email(self, **kwargs):
        if self.error is None:
            raise AssertionError("must not send")
        raise self.error


def _client_error(code, status):
    response: Any = {
        "Error": {"Code": code, "Message": "m"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "SendEmail")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_client_error("TooManyRequestsException", 429), TransientDeliveryError),
        (_client_error("Throttling", 400), TransientDeliveryError),
        (_client_error("InternalFailure", 500), TransientDeliveryError),
        (_client_error("Whatever", 503), TransientDeliveryError),
        (EndpointConnectionError(endpoint_url="https://email.eu-west-1.amazonaws.com"),
         TransientDeliveryError),
        (_client_error("MessageRejected", 400), PermanentDeliveryError),
        (_client_error("MailFromDomainNotVerifiedException", 400), PermanentDeliveryError),
        (_client_error("AccountSuspendedException", 400), PermanentDeliveryError),
        (_client_error("SendingPausedException", 400), PermanentDeliveryError),
    ],
)  # fmt: skip
def test_ses_errors_are_classified(error, expected):
    mailer = SesMailer(_Failing(error), SENDER, MAILBOX)
    with pytest.raises(expected):
        mailer.apply(action())


@pytest.mark.parametrize("mailbox", ["complaints+x@example.com", "not-an-address"])
def test_mailer_refuses_a_mailbox_that_cannot_be_plus_addressed(mailbox):
    with pytest.raises(ValueError):
        SesMailer(_Failing(None), SENDER, mailbox)


# Knowing what SES accepted: the configuration set's Send events, kept as evidence


class _Recording:
    """A sesv2 client that accepts every message, or first fails as told."""

    def __init__(self, *errors):
        self.requests = []
        self.errors = list(errors)

    def send_email(self, **kwargs):
        self.requests.append(kwargs)
        if self.errors:
            raise self.errors.pop(0)
        return {"MessageId": f"ses-{len(self.requests)}"}


class _UnavailableEvidence(MemoryStore):
    def note_sending(self, token, at):
        raise StoreUnavailableError("DynamoDB is down")

    def accepted_at(self, token):
        raise StoreUnavailableError("DynamoDB is down")


def evidenced(client, clock, evidence=None, configuration_set="plaint-acknowledgements"):
    return SesMailer(
        client,
        SENDER,
        MAILBOX,
        configuration_set=configuration_set,
        evidence=evidence if evidence is not None else MemoryStore(clock),
        clock=clock,
    )


def test_a_send_names_its_action_in_a_tag_of_the_configuration_set():
    client, clock = _Recording(), ManualClock()
    evidence = MemoryStore(clock)
    evidenced(client, clock, evidence).apply(action())
    [request] = client.requests
    token = action_token(action().action_id)
    assert request["ConfigurationSetName"] == "plaint-acknowledgements"
    assert request["EmailTags"] == [{"Name": ACTION_TAG, "Value": token}]
    assert message_id_for(action().action_id, "x") == f"<{token}@x>"
    assert evidence.sending_noted_at(token) == clock.now


def test_a_retry_finds_what_ses_reported_accepting():
    clock = ManualClock()
    evidence = MemoryStore(clock)
    mailer = evidenced(_Recording(), clock, evidence)
    mailer.apply(action())
    evidence.record_accepted(action_token(action().action_id), clock.now, "ses-1")
    assert mailer.already_applied(action(attempts=2)) is True


def test_a_retry_waits_for_the_report_then_sends_again():
    clock = ManualClock()
    evidence = MemoryStore(clock)
    mailer = evidenced(_Recording(), clock, evidence)
    mailer.apply(action())
    clock.advance(minutes=2)
    with pytest.raises(TransientDeliveryError) as waiting:
        mailer.already_applied(action(attempts=2))
    assert waiting.value.retry_after == EVENT_WAIT.total_seconds() - 120
    clock.advance(seconds=waiting.value.retry_after)
    assert mailer.already_applied(action(attempts=3)) is False


def test_a_retry_of_a_message_that_never_reached_ses_sends_at_once():
    mailer = evidenced(_Recording(), ManualClock())
    assert mailer.already_applied(action(attempts=2)) is False


def test_a_timeout_is_retried_only_after_the_report_could_have_arrived():
    timeout = EndpointConnectionError(endpoint_url="https://email.eu-west-1.amazonaws.com")
    mailer = evidenced(_Recording(timeout), ManualClock())
    with pytest.raises(TransientDeliveryError) as caught:
        mailer.apply(action())
    assert caught.value.retry_after == EVENT_WAIT.total_seconds()


def test_evidence_out_of_reach_means_no_send_and_a_retry():
    client = _Recording()
    mailer = evidenced(client, ManualClock(), _UnavailableEvidence())
    with pytest.raises(TransientDeliveryError, match="could not note"):
        mailer.apply(action())
    assert client.requests == []
    with pytest.raises(TransientDeliveryError, match="unreadable"):
        mailer.already_applied(action(attempts=2))


def test_without_a_configuration_set_there_is_no_evidence_to_wait_for():
    client, evidence = _Recording(), MemoryStore()
    mailer = evidenced(client, ManualClock(), evidence, configuration_set=None)
    mailer.apply(action())
    assert "ConfigurationSetName" not in client.requests[0]
    assert "EmailTags" not in client.requests[0]
    assert evidence.sending_noted_at(action_token(action().action_id)) is None
    assert mailer.already_applied(action(attempts=2)) is False

import json
from datetime import UTC, datetime

import pytest

from connectors.errors import PayloadInvalidError, UnsupportedEventError
from connectors.zendesk.mapper import channel_for, language_for, parse_delivery
from connectors.zendesk.wire import TRIGGER_TEMPLATE, ApiTicketResponse
from plaint.model.events import Channel, SourceSystem, TicketEventKind
from tests.factories import EVENTS as EVENTS_DIR
from tests.factories import ROOT

EVENTS = EVENTS_DIR / "zendesk"
TEMPLATE_FILE = ROOT / "connectors" / "zendesk" / "trigger_template.json"
INVOCATION = {
    "X-Zendesk-Webhook-Id": "01F1KRFQ6BG29CNWFR60NK5FNY",
    "X-Zendesk-Webhook-Invocation-Id": "8350205582",
}


def body(name):
    return (EVENTS / name).read_bytes()


def document(name):
    return json.loads(body(name))


def encode(doc):
    return json.dumps(doc, ensure_ascii=False).encode()


def invalid(raw, headers=None):
    with pytest.raises(PayloadInvalidError) as caught:
        parse_delivery(headers or {}, raw)
    return str(caught.value)


# --- recorded event-subscription envelopes ----------------------------------------------


def test_ticket_created_docs_example():
    event = parse_delivery({}, body("event_ticket_created_docs.json"))
    assert event.source is SourceSystem.ZENDESK
    assert event.delivery_id == "cbe4028c-7239-495d-b020-f22348516046"
    assert event.ticket_id == "5158"
    assert event.complaint_id == "zendesk:5158"
    assert event.kind is TicketEventKind.CREATED
    # 2025-01-08T10:12:07.672717030Z: nanoseconds cut to microseconds
    assert event.occurred_at == datetime(2025, 1, 8, 10, 12, 7, 672717, tzinfo=UTC)
    assert event.created_at == datetime(2025, 1, 8, 10, 12, 7, tzinfo=UTC)
    assert event.channel is Channel.API  # via.channel "web_service"
    assert event.complainant_ref == "zendesk-user:8447388090494"
    assert event.language is None
    assert event.subject == "ticketinfo_2294a6e9ece2"
    assert event.description == "ticket_info_desc_2294a6e9ece2"
    assert event.tags == ("ticket-info-test-tag",)
    assert event.helpdesk_status == "open"  # "OPEN" on the wire
    assert event.product is None and event.remedy_sought is None


def test_agent_comment_is_not_taken_as_the_complainants_words():
    event = parse_delivery({}, body("event_ticket_comment_added_dust.json"))
    assert event.kind is TicketEventKind.COMMENT_ADDED
    assert event.delivery_id == "d4f5c389-8f4a-4c2e-a1b9-8e4f39c71d52"
    # The recorded comment is the agent's reply (is_staff): the ticket's description stands.
    assert event.description == "Customer is experiencing login issues with the mobile app"
    assert event.subject == "Cannot login to mobile app"
    assert event.occurred_at == datetime(2025, 1, 8, 14, 25, 30, 123456, tzinfo=UTC)
    assert event.tags == ("mobile", "login", "priority-support")
    # It is the agent's reply: the text a letter is checked in.
    comment = json.loads(body("event_ticket_comment_added_dust.json"))["event"]["comment"]
    assert event.agent_reply == comment["body"]


def test_complainant_comment_carries_the_comment_body():
    document = json.loads(body("event_ticket_comment_added_dust.json"))
    document["event"]["comment"]["author"]["is_staff"] = False
    document["event"]["comment"]["body"] = "Bu qəbuledilməzdir, şikayət edirəm."
    event = parse_delivery({}, json.dumps(document).encode())
    assert event.description == "Bu qəbuledilməzdir, şikayət edirəm."
    assert event.agent_reply is None  # never checked as a letter


def test_an_agents_internal_note_is_no_letter():
    document = json.loads(body("event_ticket_comment_added_dust.json"))
    document["event"]["comment"]["is_public"] = False
    assert parse_delivery({}, json.dumps(document).encode()).agent_reply is None


def test_status_changed_reports_the_new_status():
    event = parse_delivery({}, body("event_ticket_status_changed_dust.json"))
    assert event.kind is TicketEventKind.STATUS_CHANGED
    assert event.helpdesk_status == "solved"
    assert event.occurred_at == datetime(2025, 1, 8, 16, 45, 20, 987654, tzinfo=UTC)
    assert event.description == "Customer is experiencing login issues with the mobile app"


def test_status_change_without_detail_status_uses_the_event():
    doc = document("event_ticket_status_changed_dust.json")
    doc["detail"]["status"] = None
    assert parse_delivery({}, encode(doc)).helpdesk_status == "solved"


def test_other_ticket_events_are_updates_and_nulls_are_tolerated():
    event = parse_delivery({}, body("event_ticket_attachment_linked_to_comment_docs.json"))
    assert event.kind is TicketEventKind.UPDATED
    assert event.ticket_id == "19395"
    assert event.channel is Channel.EMAIL  # "mail"
    assert event.tags == ()  # "tags": null
    assert event.helpdesk_status == "new"
    assert event.description == "Hi There"


def test_user_events_are_unsupported():
    with pytest.raises(UnsupportedEventError) as caught:
        parse_delivery({}, body("event_user_group_membership_created_zendesk-go.json"))
    assert caught.value.event_type == "zen:event-type:user.group_membership_created"


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [
        ("zen:event-type:ticket.tags_changed", TicketEventKind.UPDATED),
        ("zen:event-type:ticket.priority_changed", TicketEventKind.UPDATED),
        ("zen:event-type:ticket.comment_added", TicketEventKind.COMMENT_ADDED),
    ],
)
def test_event_type_to_kind(event_type, kind):
    doc = document("event_ticket_comment_added_dust.json")
    doc["type"] = event_type
    assert parse_delivery({}, encode(doc)).kind is kind


@pytest.mark.parametrize(
    "event_type",
    ["zen:event-type:organization.created", "zen:event-type:article.published"],
)
def test_non_ticket_event_types_are_unsupported(event_type):
    doc = document("event_ticket_created_docs.json")
    doc["type"] = event_type
    with pytest.raises(UnsupportedEventError):
        parse_delivery({}, encode(doc))


def test_envelope_tolerates_numbers_for_ids_whole_second_times_and_extra_fields():
    doc = document("event_ticket_created_docs.json")
    doc["detail"]["id"] = 5158
    doc["detail"]["requester_id"] = 8447388090494
    doc["detail"]["status"] = "Open"
    doc["time"] = "2025-01-08T10:12:07Z"
    doc["detail"]["brand_new_field"] = {"nested": True}
    event = parse_delivery({}, encode(doc))
    assert event.ticket_id == "5158"
    assert event.complainant_ref == "zendesk-user:8447388090494"
    assert event.helpdesk_status == "open"
    assert event.occurred_at == datetime(2025, 1, 8, 10, 12, 7, tzinfo=UTC)


def test_comment_without_body_falls_back_to_the_description():
    doc = document("event_ticket_comment_added_dust.json")
    doc["event"]["comment"]["body"] = None
    event = parse_delivery({}, encode(doc))
    assert event.description == "Customer is experiencing login issues with the mobile app"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["detail"].pop("id"), "detail.id"),
        (lambda d: d["detail"].update(id="abc"), "detail.id"),
        (lambda d: d["detail"].update(created_at="last tuesday"), "detail.created_at"),
        (lambda d: d.pop("time"), "time"),
        (lambda d: d.update(account_id="many"), "account_id"),
        (lambda d: d.update(detail=[]), "detail"),
        (lambda d: d["detail"].update(tags={"a": 1}), "detail.tags"),
    ],
)
def test_wrong_envelope_shape_names_the_field(mutate, field):
    doc = document("event_ticket_created_docs.json")
    mutate(doc)
    assert invalid(encode(doc)).startswith(f"{field}:")


def test_comment_event_of_wrong_shape_names_the_field():
    doc = document("event_ticket_comment_added_dust.json")
    doc["event"] = {"comment": "hello"}
    assert invalid(encode(doc)).startswith("event.comment:")


# --- trigger bodies built from the template ---------------------------------------------


def test_azerbaijani_ticket_created_by_trigger():
    event = parse_delivery(INVOCATION, body("trigger_rendered_az_created_CONSTRUCTED.json"))
    assert event.kind is TicketEventKind.CREATED
    assert event.ticket_id == "48213"
    assert event.delivery_id == "invocation:01F1KRFQ6BG29CNWFR60NK5FNY:8350205582"
    assert event.occurred_at == event.created_at == datetime(2025, 3, 4, 8, 17, tzinfo=UTC)
    assert event.channel is Channel.WEB  # "Web form"
    assert event.language == "az"
    assert event.complainant_ref == "zendesk-user:9100000000123"
    assert event.subject == "Sifariş gecikdi, pulum geri qaytarılmadı"
    assert event.description.startswith("Salam. 12 fevralda")
    assert "\nİki dəfə" in event.description
    assert event.product == "Soyuducu NX-300"
    assert event.remedy_sought == "Pulun geri qaytarılması"
    assert event.tags == ("şikayət", "çatdırılma", "web_form")
    assert event.helpdesk_status == "new"


@pytest.mark.parametrize(
    ("email", "contact"),
    [
        ("aysel@example.az", "aysel@example.az"),
        ("  aysel@example.az ", "aysel@example.az"),
        ("{{ticket.requester.email}}", None),  # the placeholder left unrendered
        ("", None),
        ("not an address", None),
        ("a@b@example.az", None),
        ("Aysel <aysel@example.az>", None),
        ("aysel@localhost", None),
    ],
)
def test_the_requesters_email_is_where_a_survey_may_go(email, contact):
    doc = document("trigger_rendered_az_created_CONSTRUCTED.json")
    doc["requester"]["email"] = email
    assert parse_delivery(INVOCATION, encode(doc)).contact_email == contact


def test_a_trigger_body_without_the_requesters_email_has_no_contact():
    event = parse_delivery(INVOCATION, body("trigger_rendered_az_created_CONSTRUCTED.json"))
    assert event.contact_email is None


def test_arabic_update_uses_the_latest_public_comment():
    event = parse_delivery(INVOCATION, body("trigger_rendered_ar_updated_CONSTRUCTED.json"))
    assert event.kind is TicketEventKind.UPDATED
    assert event.occurred_at == datetime(2025, 3, 8, 16, 45, tzinfo=UTC)
    assert event.created_at == datetime(2025, 3, 1, 10, 2, tzinfo=UTC)
    assert event.channel is Channel.EMAIL  # "Mail"
    assert event.language == "ar"  # locale "ar-EG"
    assert event.subject == "وصلت الغسالة معطلة"
    assert event.description.startswith("مرّ أسبوع آخر")
    assert event.product is None  # left unrendered: the admin kept PRODUCT_FIELD_ID
    assert event.remedy_sought is None  # rendered empty
    assert event.tags == ("شكوى", "استبدال")
    assert event.helpdesk_status == "open"


def test_persian_ticket_falls_back_to_the_language_name():
    event = parse_delivery(INVOCATION, body("trigger_rendered_fa_created_CONSTRUCTED.json"))
    assert event.kind is TicketEventKind.CREATED
    assert event.language == "fa"  # locale blank, language "Persian"
    assert event.channel is Channel.SOCIAL  # "WhatsApp"
    assert event.subject == "گوشی معیوب تحویل داده شد"
    assert "\u200c" in event.description  # zero-width non-joiner kept
    assert event.product == "گوشی همراه X12"
    assert event.remedy_sought == "تعویض کالا"
    assert event.tags == ()


def test_invocation_id_header_is_read_in_any_case():
    raw = body("trigger_rendered_fa_created_CONSTRUCTED.json")
    lowered = {name.lower(): value for name, value in INVOCATION.items()}
    assert parse_delivery(lowered, raw).delivery_id == parse_delivery(INVOCATION, raw).delivery_id
    only_invocation = {"x-zendesk-webhook-invocation-id": "77"}
    assert parse_delivery(only_invocation, raw).delivery_id == "77"


def test_without_invocation_id_the_delivery_id_is_a_stable_digest():
    raw = body("trigger_rendered_ar_updated_CONSTRUCTED.json")
    webhook = {"X-Zendesk-Webhook-Id": "01F1KRFQ6BG29CNWFR60NK5FNY"}
    first = parse_delivery(webhook, raw).delivery_id
    assert first.startswith("digest:")
    assert parse_delivery(webhook, raw).delivery_id == first  # a retry
    # Another update in the same minute has another body, so another id.
    doc = json.loads(raw)
    doc["ticket"]["latest_public_comment"] = "أي أخبار؟"
    assert parse_delivery(webhook, encode(doc)).delivery_id != first
    # The same body through another webhook is another delivery.
    assert parse_delivery({"X-Zendesk-Webhook-Id": "other"}, raw).delivery_id != first


def test_trigger_accepts_unquoted_numbers_tag_lists_and_extra_fields():
    doc = document("trigger_rendered_az_created_CONSTRUCTED.json")
    doc["ticket"]["id"] = 48213
    doc["requester"]["id"] = 9100000000123
    doc["ticket"]["tags"] = ["vip", "complaint"]
    doc["ticket"]["assignee"] = "Leyla"
    doc["admin_note"] = "added by us"
    event = parse_delivery(INVOCATION, encode(doc))
    assert event.ticket_id == "48213"
    assert event.complainant_ref == "zendesk-user:9100000000123"
    assert event.tags == ("vip", "complaint")


def test_unrendered_placeholders_count_as_absent():
    doc = document("trigger_rendered_az_created_CONSTRUCTED.json")
    doc["ticket"]["title"] = "{{ticket.title}}"
    doc["ticket"]["via"] = "{{ ticket.via }}"
    doc["ticket"]["tags"] = "{{ticket.tags}}"
    doc["requester"] = {"id": "{{ticket.requester.id}}", "language": "", "locale": "{{x}}"}
    event = parse_delivery(INVOCATION, encode(doc))
    assert event.subject == ""
    assert event.channel is Channel.OTHER
    assert event.tags == ()
    assert event.complainant_ref is None
    assert event.language is None


def test_update_without_public_comment_uses_the_description():
    doc = document("trigger_rendered_ar_updated_CONSTRUCTED.json")
    doc["ticket"]["latest_public_comment"] = ""
    event = parse_delivery(INVOCATION, encode(doc))
    assert event.description.startswith("لقد طلبت غسالة")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["ticket"].update(id="{{ticket.id}}"), "ticket.id"),
        (lambda d: d["ticket"].update(id="48213; DROP"), "ticket.id"),
        (lambda d: d["ticket"].pop("id"), "ticket.id"),
        (
            lambda d: d["ticket"].update(updated_at="{{ticket.updated_at_with_timestamp}}"),
            "ticket.updated_at",
        ),
        (lambda d: d["ticket"].update(created_at="4 March"), "ticket.created_at"),
        (lambda d: d.update(plaint_template="zendesk-trigger/2"), "plaint_template"),
        (lambda d: d.pop("ticket"), "ticket"),
        (lambda d: d["ticket"].update(title={"nested": "object"}), "ticket.title"),
    ],
)
def test_wrong_trigger_shape_names_the_field(mutate, field):
    doc = document("trigger_rendered_az_created_CONSTRUCTED.json")
    mutate(doc)
    assert invalid(encode(doc), INVOCATION).startswith(f"{field}:")


def test_the_unrendered_template_itself_is_refused_for_want_of_a_ticket_number():
    message = invalid(encode(TRIGGER_TEMPLATE))
    assert "ticket.id: " in message
    assert "unrendered" in message


def test_shipped_template_file_is_the_template():
    assert json.loads(TEMPLATE_FILE.read_text(encoding="utf-8")) == TRIGGER_TEMPLATE


# --- bodies that are neither ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["trigger_rendered_ticket_update_zendesk-go.json", "api_ticket_show_docs_example.json"],
)
def test_other_shapes_point_to_the_template(name):
    message = invalid(body(name))
    assert "matches neither" in message
    assert "trigger_template.json" in message


def test_broken_json_reports_line_and_column():
    message = invalid(b'{\n  "ticket": {"id": "1",\n}')
    assert message.startswith("body is not valid JSON")
    assert "line 3 column 1" in message


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42"])
def test_json_that_is_not_an_object(raw):
    assert invalid(raw) == "body must be a JSON object"


def test_body_that_is_not_utf8():
    assert "not UTF-8" in invalid(b'{"a": "\xff"}')


# --- wire helpers ---------------------------------------------------------------------------


def test_api_ticket_docs_example_parses():
    ticket = ApiTicketResponse.model_validate(document("api_ticket_show_docs_example.json")).ticket
    assert ticket.id == 35436
    assert ticket.tags == ["enterprise", "other_tag"]
    assert ticket.updated_at == "2011-05-05T10:38:52Z"


@pytest.mark.parametrize(
    ("via", "channel"),
    [
        ("web_form", Channel.WEB),
        ("web", Channel.WEB),
        ("Web form", Channel.WEB),
        ("web_widget", Channel.WEB),
        ("mail", Channel.EMAIL),
        ("email", Channel.EMAIL),
        ("Mail", Channel.EMAIL),
        ("web_service", Channel.API),
        ("api", Channel.API),
        ("Web service (API)", Channel.API),
        ("chat", Channel.CHAT),
        ("messaging", Channel.CHAT),
        ("native_messaging", Channel.CHAT),
        ("voice", Channel.PHONE),
        ("phone", Channel.PHONE),
        ("voicemail", Channel.PHONE),
        ("Phone call (incoming)", Channel.PHONE),
        ("twitter", Channel.SOCIAL),
        ("twitter_dm", Channel.SOCIAL),
        ("X DM", Channel.SOCIAL),
        ("facebook_post", Channel.SOCIAL),
        ("instagram_dm", Channel.SOCIAL),
        ("whatsapp", Channel.SOCIAL),
        ("rule", Channel.OTHER),
        ("sample_ticket", Channel.OTHER),
        ("", Channel.OTHER),
        (None, Channel.OTHER),
    ],
)
def test_channel_for(via, channel):
    assert channel_for(via) is channel


@pytest.mark.parametrize(
    ("value", "language"),
    [
        ("en-US", "en"),
        ("az", "az"),
        ("ar", "ar"),
        ("fa", "fa"),
        ("pt-BR", "pt"),
        ("zh_TW", "zh"),
        ("English", "en"),
        ("Arabic", "ar"),
        ("Persian", "fa"),
        ("Azerbaijani", "az"),
        ("Turkish", "tr"),
        ("Russian", "ru"),
        ("English (United States)", "en"),
        ("فارسی", "fa"),
        ("Klingon", None),
        ("", None),
        (None, None),
    ],
)
def test_language_for(value, language):
    assert language_for(value) == language


def test_status_change_is_carried_as_a_field_change():
    event = parse_delivery({}, body("event_ticket_status_changed_dust.json"))
    assert [(c.field, c.before, c.after) for c in event.changes] == [("status", "OPEN", "SOLVED")]


def test_the_envelope_names_who_made_the_change():
    event = parse_delivery({}, body("event_ticket_created_docs.json"))
    assert event.actor == "zendesk-user:8447388090494"
    doc = document("event_ticket_created_docs.json")
    del doc["detail"]["actor_id"]
    assert parse_delivery({}, encode(doc)).actor is None


def test_an_agents_public_reply_is_not_read_as_the_complainants_word():
    doc = document("trigger_rendered_ar_updated_CONSTRUCTED.json")
    doc["ticket"]["latest_public_comment"] = "نعتذر عن الإزعاج، سنرسل فنياً غداً."
    doc["current_user"] = {"id": "9100000000999"}  # the agent who replied
    event = parse_delivery(INVOCATION, encode(doc))
    assert event.kind is TicketEventKind.UPDATED
    assert event.description == doc["ticket"]["description"]
    assert event.agent_reply == doc["ticket"]["latest_public_comment"]
    doc["current_user"] = {"id": doc["requester"]["id"]}  # the complainant wrote it
    assert parse_delivery(INVOCATION, encode(doc)).description.startswith("نعتذر")
    assert parse_delivery(INVOCATION, encode(doc)).agent_reply is None


# --- satisfaction ratings (legacy CSAT) ---------------------------------------------------


def test_the_documented_tickets_rating_is_read_by_reconciliation():
    from connectors.zendesk.feed import ticket_event

    ticket = document("api_ticket_show_docs_example.json")["ticket"]
    event = ticket_event(ticket)
    assert event is not None and event.helpdesk_rating is not None
    rating = event.helpdesk_rating
    assert (rating.via, rating.score, rating.lowest, rating.highest) == ("zendesk_rating", 1, 0, 1)
    assert (rating.comment, rating.rating_id) == ("Great support!", "1234")


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ({"score": "good", "id": 1}, (1, None)),
        ({"score": "bad", "comment": "Slow", "reason": "The issue took too long to resolve"},
         (0, "Slow\nThe issue took too long to resolve")),
        ({"score": "offered"}, None),
        ({"score": "unoffered"}, None),
        ({"score": None}, None),
        (None, None),
    ],
)  # fmt: skip
def test_a_ticket_events_rating_is_mapped_and_offered_is_no_answer(rating, expected):
    doc = document("event_ticket_created_docs.json")
    doc["type"] = "zen:event-type:ticket.status_changed"
    doc["detail"]["satisfaction_rating"] = rating
    found = parse_delivery({}, encode(doc)).helpdesk_rating
    if expected is None:
        assert found is None
    else:
        assert found is not None and (found.score, found.comment) == expected


def test_a_rating_of_the_wrong_shape_names_the_field():
    doc = document("event_ticket_created_docs.json")
    doc["detail"]["satisfaction_rating"] = {"score": "x" * 41}
    assert "satisfaction_rating" in invalid(encode(doc))

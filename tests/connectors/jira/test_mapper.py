import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from connectors.errors import PayloadInvalidError, UnsupportedEventError
from connectors.jira.mapper import channel_for, field_text, language_for, parse_delivery
from connectors.jira.wire import adf_text
from plaint.model.events import Channel, SourceSystem, TicketEventKind
from plaint.policy.intake import JiraFieldMapping
from tests.factories import EVENTS as EVENTS_DIR

EVENTS = EVENTS_DIR / "jira"
DELIVERY = {"X-Atlassian-Webhook-Identifier": "b1e0f6c2-7d4a-4c1e-9f55-2f0c1a9e8d31"}
JSM_MAPPING = JiraFieldMapping(
    request_type_field="customfield_10010",
    product_field="customfield_10201",
    remedy_field="customfield_10202",
    channel_field="customfield_10203",
    language_field="customfield_10204",
)
PST = timezone(timedelta(hours=-8))


def body(name):
    return (EVENTS / name).read_bytes()


def document(name):
    return json.loads(body(name))


def encode(doc):
    return json.dumps(doc, ensure_ascii=False).encode()


def parse(name, headers=DELIVERY, mapping=None):
    return parse_delivery(headers, body(name), mapping or JiraFieldMapping())


def invalid(raw, headers=DELIVERY):
    with pytest.raises(PayloadInvalidError) as caught:
        parse_delivery(headers, raw, JiraFieldMapping())
    return str(caught.value)


# --- recorded Cloud and Server/DC webhooks ------------------------------------------------


def test_cloud_issue_created():
    event = parse("mattermost_webhook-cloud-issue-created-many-fields.json")
    assert event.source is SourceSystem.JIRA
    assert event.kind is TicketEventKind.CREATED
    assert event.delivery_id == DELIVERY["X-Atlassian-Webhook-Identifier"]
    assert event.ticket_id == "KT-22"
    assert event.complaint_id == "jira:KT-22"
    assert event.occurred_at == datetime(2019, 8, 27, 19, 43, 24, 475000, tzinfo=UTC)
    assert event.created_at == datetime(2019, 8, 27, 19, 43, 24, 193000, tzinfo=UTC)
    assert event.complainant_ref == "jira-user:5cedcb4355a88a0fc86388ba"
    assert event.subject == "Lots of fields selected"
    assert event.description == "The good description"
    assert event.tags == ("Label1", "Label2")
    assert event.helpdesk_status == "to do"
    assert event.channel is Channel.OTHER
    assert event.language is None
    assert event.product is None and event.remedy_sought is None


def test_custom_fields_are_read_through_the_mapping():
    mapping = JiraFieldMapping(product_field="customfield_10071", remedy_field="customfield_10070")
    doc = document("mattermost_webhook-cloud-issue-created-many-fields.json")
    fields = doc["issue"]["fields"]
    event = parse("mattermost_webhook-cloud-issue-created-many-fields.json", mapping=mapping)
    assert event.product == field_text(fields["customfield_10071"])
    assert event.product == "value1, value2"
    assert event.remedy_sought == field_text(fields["customfield_10070"])


def test_updated_with_custom_field_changelog():
    event = parse("mattermost_webhook-cloud-issue-updated-custom-field.json")
    assert event.kind is TicketEventKind.UPDATED
    assert event.ticket_id == "TES-14"
    assert event.tags == ("Pickles",)
    assert event.occurred_at == datetime(2019, 8, 12, 1, 49, 13, 414000, tzinfo=UTC)
    assert event.created_at == datetime(
        2019, 7, 17, 17, 59, 42, 2000, tzinfo=timezone(-timedelta(hours=7))
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("mattermost_webhook-issue-updated-resolved.json", "done"),
        ("mattermost_webhook-issue-updated-reopened.json", "to do"),
    ],
)
def test_status_changelog_is_a_status_change(name, status):
    event = parse(name)
    assert event.kind is TicketEventKind.STATUS_CHANGED
    assert event.helpdesk_status == status
    assert event.ticket_id == "TES-41"
    assert event.complainant_ref == "jira-user:5c5f880629be9642ba529340"
    assert event.created_at == datetime(2019, 2, 15, 19, 1, 52, 971000, tzinfo=PST)


@pytest.mark.parametrize(
    ("name", "tags"),
    [
        ("mattermost_webhook-issue-updated-labels.json", ("sad", "test-label")),
        ("mattermost_webhook-issue-updated-lowered-priority.json", ("sad", "test-label")),
        ("mattermost_webhook-issue-updated-assigned.json", ("test-label",)),
    ],
)
def test_other_changes_are_updates(name, tags):
    event = parse(name)
    assert event.kind is TicketEventKind.UPDATED
    assert event.tags == tags
    assert event.description.startswith("Unit test description")


def test_cloud_comment_created_carries_the_comment():
    event = parse("mattermost_webhook-cloud-comment-created.json")
    assert event.kind is TicketEventKind.COMMENT_ADDED
    assert event.ticket_id == "TES-41"
    assert event.description == "Added a comment"
    assert event.subject == "Unit test summary 1"
    assert event.helpdesk_status == "to do"
    # The slim issue of a comment event has no reporter and no creation time.
    assert event.complainant_ref is None
    assert event.occurred_at == datetime(2019, 2, 16, 3, 11, 18, 321000, tzinfo=UTC)
    assert event.created_at == event.occurred_at


def test_internal_jsm_note_is_not_the_complainants_words():
    doc = document("mattermost_webhook-cloud-comment-created.json")
    doc["comment"]["jsdPublic"] = False
    event = parse_delivery(DELIVERY, encode(doc), JiraFieldMapping())
    assert event.kind is TicketEventKind.COMMENT_ADDED
    assert event.description == ""


def test_comment_by_a_jsm_customer_names_the_complainant():
    doc = document("mattermost_webhook-cloud-comment-created.json")
    doc["comment"]["author"]["accountType"] = "customer"
    event = parse_delivery(DELIVERY, encode(doc), JiraFieldMapping())
    assert event.description == "Added a comment"
    assert event.complainant_ref == "jira-user:5c5f880629be9642ba529340"


def test_server_issue_commented_by_an_agent_keeps_the_description():
    event = parse("mattermost_webhook-server-issue-updated-commented-2.json")
    assert event.kind is TicketEventKind.COMMENT_ADDED
    assert event.ticket_id == "PRJA-42"
    assert event.complainant_ref == "jira-user:creator.user"  # key, no accountId on Server
    doc = document("mattermost_webhook-server-issue-updated-commented-2.json")
    assert event.description == doc["issue"]["fields"]["description"]
    assert "This is a test comment" not in event.description
    assert event.agent_reply is not None and "This is a test comment" in event.agent_reply


def test_issue_commented_by_the_reporter_is_the_complainants_words():
    event = parse("mattermost_webhook-issue-comment-created-indentation.json")
    assert event.kind is TicketEventKind.COMMENT_ADDED
    assert event.ticket_id == "TEST-4"
    assert event.complainant_ref == "jira-user:test"
    assert event.description.startswith("[~Test] creating a test comment")
    assert event.agent_reply is None


@pytest.mark.parametrize(
    ("name", "event_type"),
    [
        ("mattermost_webhook-issue-deleted.json", "jira:issue_deleted"),
        ("mattermost_webhook-cloud-comment-deleted.json", "comment_deleted"),
        ("mattermost_webhook-cloud-comment-updated.json", "comment_updated"),
    ],
)
def test_other_events_are_unsupported(name, event_type):
    with pytest.raises(UnsupportedEventError) as caught:
        parse(name)
    assert caught.value.event_type == event_type


@pytest.mark.parametrize("event_type", ["worklog_created", "sprint_started", "board_created"])
def test_unknown_events_are_unsupported(event_type):
    with pytest.raises(UnsupportedEventError):
        parse_delivery(DELIVERY, encode({"webhookEvent": event_type}), JiraFieldMapping())


def test_server_comment_without_issue_is_invalid():
    message = invalid(body("mattermost_webhook-server-comment-created.json"))
    assert message.startswith("issue: missing")


# --- JSM Cloud, REST v3 shape --------------------------------------------------------------


def test_jsm_cloud_issue_with_adf_description_and_mapped_fields():
    event = parse("jsm_cloud_issue_created_adf_CONSTRUCTED.json", mapping=JSM_MAPPING)
    assert event.kind is TicketEventKind.CREATED
    assert event.ticket_id == "SUP-12"
    assert event.description == (
        "Salam. 3 mart tarixində kartımdan iki dəfə 49,90 AZN tutulub.\n"
        "Sifariş: 88-1204\n"
        "Kart: ****4417\n"
        "Pulun qaytarılmasını istəyirəm.\n"
        "Təşəkkürlər, Leyla"
    )
    assert event.complainant_ref == "jira-user:qm:5f1a2b3c-0000-4000-8000-00000000c0de"
    assert event.product == "Debit card"
    assert event.remedy_sought == "Refund of the duplicate charge"
    assert event.channel is Channel.EMAIL
    assert event.language == "az"
    assert event.helpdesk_status == "waiting for support"
    assert event.tags == ("billing", "card")
    assert event.created_at == datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    assert event.occurred_at == datetime(2025, 3, 4, 8, 0, 0, 123000, tzinfo=UTC)


def test_without_a_mapping_custom_fields_are_ignored():
    event = parse("jsm_cloud_issue_created_adf_CONSTRUCTED.json")
    assert (event.product, event.remedy_sought, event.language) == (None, None, None)
    assert event.channel is Channel.OTHER


def test_request_type_field_reads_its_name():
    doc = document("jsm_cloud_issue_created_adf_CONSTRUCTED.json")
    assert field_text(doc["issue"]["fields"]["customfield_10010"]) == "Billing complaint"


def test_cloud_comment_in_adf():
    doc = document("mattermost_webhook-cloud-comment-created.json")
    doc["comment"]["body"] = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "mention", "attrs": {"id": "1", "text": "@Agent"}},
                    {"type": "text", "text": " the refund never came"},
                ],
            }
        ],
    }
    event = parse_delivery(DELIVERY, encode(doc), JiraFieldMapping())
    assert event.description == "@Agent the refund never came"


# --- delivery id -----------------------------------------------------------------------------


def test_delivery_id_header_is_read_in_any_case():
    headers = {"x-atlassian-webhook-identifier": "abc-1", "X-Atlassian-Webhook-Retry": "2"}
    assert parse("mattermost_webhook-issue-updated-labels.json", headers).delivery_id == "abc-1"


def test_without_the_header_the_digest_is_stable_and_distinct():
    first = parse("mattermost_webhook-issue-updated-labels.json", {}).delivery_id
    again = parse("mattermost_webhook-issue-updated-labels.json", {}).delivery_id
    other = parse("mattermost_webhook-issue-updated-lowered-priority.json", {}).delivery_id
    comment = parse("mattermost_webhook-cloud-comment-created.json", {}).delivery_id
    assert first == again
    assert first.startswith("digest:")
    assert len({first, other, comment}) == 3


def test_digest_ignores_formatting_but_not_the_comment():
    doc = document("mattermost_webhook-cloud-comment-created.json")
    reformatted = json.dumps(doc, indent=4).encode()
    base = parse_delivery({}, encode(doc), JiraFieldMapping()).delivery_id
    assert parse_delivery({}, reformatted, JiraFieldMapping()).delivery_id == base
    doc["comment"]["id"] = "10020"
    assert parse_delivery({}, encode(doc), JiraFieldMapping()).delivery_id != base


# --- broken bodies ---------------------------------------------------------------------------


def test_broken_json_names_line_and_column():
    message = invalid(b'{\n  "webhookEvent": "jira:issue_created",\n  "issue": {,}\n}')
    assert "line 3 column" in message


def test_not_utf8_and_not_an_object():
    assert "UTF-8" in invalid(b'{"webhookEvent": "\xff"}')
    assert invalid(b"[1, 2]") == "body must be a JSON object"


def test_missing_webhook_event_is_named():
    assert "webhookEvent" in invalid(b'{"timestamp": 1}')


def test_missing_issue_key_is_named():
    doc = document("mattermost_webhook-issue-updated-labels.json")
    del doc["issue"]["key"]
    assert "issue.key" in invalid(encode(doc))


def test_malformed_issue_key_is_named():
    doc = document("mattermost_webhook-issue-updated-labels.json")
    doc["issue"]["key"] = "not a key"
    assert "issue.key" in invalid(encode(doc))


def test_bad_timestamp_is_named():
    doc = document("mattermost_webhook-issue-updated-labels.json")
    doc["timestamp"] = "yesterday"
    assert "timestamp" in invalid(encode(doc))


def test_wrong_labels_shape_is_named():
    doc = document("mattermost_webhook-issue-updated-labels.json")
    doc["issue"]["fields"]["labels"] = "sad"
    assert "issue.fields.labels" in invalid(encode(doc))


def test_no_time_at_all_is_invalid():
    doc = document("mattermost_webhook-issue-updated-labels.json")
    del doc["timestamp"]
    del doc["issue"]["fields"]["updated"]
    assert invalid(encode(doc)).startswith("timestamp: missing")


def test_issue_updated_without_timestamp_uses_fields_updated():
    doc = document("mattermost_webhook-issue-updated-labels.json")
    del doc["timestamp"]
    event = parse_delivery(DELIVERY, encode(doc), JiraFieldMapping())
    assert event.occurred_at == datetime(2019, 2, 16, 13, 12, 10, 37000, tzinfo=PST)


# --- helpers ---------------------------------------------------------------------------------


def test_mapping_is_frozen_and_strict():
    with pytest.raises(ValueError):
        JiraFieldMapping(product_field="custom field")
    with pytest.raises(ValueError):
        JiraFieldMapping(unknown="customfield_1")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        (" text ", "text"),
        (3, "3"),
        (True, None),
        ({"value": "Parent", "child": {"value": "Child"}}, "Parent - Child"),
        ([{"value": "a"}, {"name": "b"}], "a, b"),
        ({"displayName": "Jane"}, "Jane"),
        ({}, None),
    ],
)
def test_field_text(value, text):
    assert field_text(value) == text


@pytest.mark.parametrize(
    ("value", "channel"),
    [
        ("Email", Channel.EMAIL),
        ("Customer portal", Channel.WEB),
        ("Phone", Channel.PHONE),
        ("Slack", Channel.CHAT),
        ("pigeon", Channel.OTHER),
        (None, Channel.OTHER),
    ],
)
def test_channel_for(value, channel):
    assert channel_for(value) is channel


@pytest.mark.parametrize(
    ("value", "tag"), [("en-US", "en"), ("fa", "fa"), ("az_AZ", "az"), ("Persian", None)]
)
def test_language_for(value, tag):
    assert language_for(value) == tag


def test_adf_text_handles_headings_tables_and_cards():
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "T"}]},
            {
                "type": "table",
                "content": [
                    {
                        "type": "tableRow",
                        "content": [
                            {
                                "type": "tableCell",
                                "content": [
                                    {
                                        "type": "paragraph",
                                        "content": [{"type": "text", "text": "a"}],
                                    }
                                ],
                            },
                            {
                                "type": "tableCell",
                                "content": [
                                    {
                                        "type": "paragraph",
                                        "content": [{"type": "text", "text": "b"}],
                                    }
                                ],
                            },
                        ],
                    }
                ],
            },
            {
                "type": "paragraph",
                "content": [{"type": "inlineCard", "attrs": {"url": "https://x.test/1"}}],
            },
        ],
    }
    assert adf_text(doc) == "T\na\nb\nhttps://x.test/1"


def test_changelog_items_become_field_changes_under_their_roles():
    mapping = JiraFieldMapping(remedy_field="customfield_10001")
    document = json.loads(body("mattermost_webhook-issue-updated-lowered-priority.json"))
    document["changelog"]["items"].append(
        {
            "field": "Remedy",
            "fieldId": "customfield_10001",
            "fromString": None,
            "toString": "refund",
        }
    )
    event = parse_delivery({}, json.dumps(document).encode(), mapping)
    changes = {c.field: (c.before, c.after) for c in event.changes}
    assert changes["priority"][1] is not None
    assert changes["remedy"] == (None, "refund")


# --- the review band: an agent's answer and who gave it -----------------------------------


def test_the_review_field_arrives_under_its_role_with_the_agent_who_set_it():
    mapping = JiraFieldMapping(complaint_review_field="customfield_10072")
    event = parse("mattermost_webhook-cloud-issue-updated-custom-field.json", mapping=mapping)
    [change] = event.changes
    assert (change.field, change.before, change.after) == ("complaint_review", "1", "12")
    assert event.actor == "jira-user:5cedcb4355a88a0fc86388ba"


def test_without_a_user_the_actor_is_unknown():
    doc = document("mattermost_webhook-cloud-issue-updated-custom-field.json")
    del doc["user"]
    assert parse_delivery(DELIVERY, encode(doc), JiraFieldMapping()).actor is None

"""The headers a delivery may carry only once."""

from __future__ import annotations

from connectors.headers import SINGLE_HEADERS, event_header_pairs, repeated_header
from connectors.jira import mapper as jira_mapper
from connectors.jira import signature as jira_signature
from connectors.zendesk import mapper as zendesk_mapper
from connectors.zendesk import signature as zendesk_signature


def test_the_list_names_every_signature_and_id_header_the_connectors_read() -> None:
    assert set(SINGLE_HEADERS) == {
        zendesk_signature.SIGNATURE_HEADER,
        zendesk_signature.TIMESTAMP_HEADER,
        zendesk_mapper.WEBHOOK_ID_HEADER,
        zendesk_mapper.INVOCATION_ID_HEADER,
        jira_signature.SIGNATURE_HEADER,
        jira_mapper.DELIVERY_ID_HEADER,
    }


def test_a_repeat_is_found_whatever_the_case_and_other_repeats_are_let_be() -> None:
    assert repeated_header([("X-Hub-Signature", "a"), ("Accept", "x"), ("Accept", "y")]) is None
    pairs = [("x-hub-signature", "sha256=aa"), ("Content-Type", "a"), ("X-HUB-SIGNATURE", "b")]
    assert repeated_header(pairs) == "X-Hub-Signature"
    same = [("X-Zendesk-Webhook-Invocation-Id", "1")] * 2
    assert repeated_header(same) == "X-Zendesk-Webhook-Invocation-Id"


def test_api_gateway_events_are_read_from_their_multi_value_headers() -> None:
    event = {
        "headers": {"X-Hub-Signature": "b"},  # API Gateway keeps the last copy here
        "multiValueHeaders": {"X-Hub-Signature": ["a", "b"]},
    }
    assert repeated_header(event_header_pairs(event)) == "X-Hub-Signature"
    # Chalice's local gateway and its test client send `headers` alone.
    assert event_header_pairs({"headers": {"a": "1"}, "multiValueHeaders": None}) == [("a", "1")]
    assert event_header_pairs({}) == []

"""The shared decoder holds every body to the edge limits, and says which field broke one."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from connectors.email.wire import parse_notification
from connectors.errors import PayloadInvalidError
from connectors.jira.mapper import parse_delivery as jira_delivery
from connectors.payload import (
    MAX_DEPTH,
    MAX_INTEGER_DIGITS,
    MAX_STRING_CHARS,
    MAX_TAGS,
    decode_json,
    decode_object,
)
from connectors.zendesk.mapper import parse_delivery as zendesk_delivery
from devstack.send_webhook import sample_event, sample_jira_event
from tests.factories import EVENTS


def refusal(body: bytes | str) -> str:
    with pytest.raises(PayloadInvalidError) as caught:
        decode_json(body)
    return str(caught.value)


def test_nesting_beyond_the_limit_is_refused_without_recursion() -> None:
    assert decode_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert refusal(deep) == f"body nests deeper than {MAX_DEPTH} levels at line 1 column 38"


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = json.dumps({"text": "[" * 1000 + '\\"{' * 100})
    assert decode_object(text)["text"].startswith("[[[")


def test_a_huge_integer_is_refused_naming_its_field() -> None:
    body = '{"detail": {"tags": [1, ' + "9" * 5000 + "]}}"
    assert refusal(body) == (
        f"detail.tags.1: an integer of 5000 digits (at most {MAX_INTEGER_DIGITS})"
    )
    assert decode_json("9" * MAX_INTEGER_DIGITS) == int("9" * MAX_INTEGER_DIGITS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"n": NaN}', "n: NaN is not a JSON number"),
        ('{"n": -Infinity}', "n: -Infinity is not a JSON number"),
        ('{"n": 1e999}', "n: a number too large to hold"),
        ('{"n": 1.' + "0" * 60 + "}", "n: a number of 62 characters (at most 40)"),
        ('{"s": "a\\ud800b"}', "s: text with a lone surrogate (\\ud800-\\udfff), which is "
         "not Unicode"),
        (b'{"s": "\xff"}', "body is not UTF-8 (byte 7)"),
        (b'{"s": "a\x00b"}', "body is not valid JSON: Invalid control character at line 1 "
         "column 9"),
    ],
)  # fmt: skip
def test_values_no_engine_can_hold_are_refused(body: str | bytes, message: str) -> None:
    assert refusal(body) == message


def test_a_string_beyond_the_limit_is_refused() -> None:
    body = json.dumps({"x": {"y": "a" * (MAX_STRING_CHARS + 1)}})
    assert (
        refusal(body)
        == f"x.y: text of {MAX_STRING_CHARS + 1} characters (at most {MAX_STRING_CHARS})"
    )


def zendesk_body(**detail: Any) -> bytes:
    event = sample_event(ticket_id=4242)
    event["detail"] |= detail
    return json.dumps(event).encode()


@pytest.mark.parametrize(
    ("detail", "field"),
    [
        ({"created_at": "9999-12-31T23:59:59Z"}, "detail.created_at"),
        ({"created_at": "0001-01-01T00:00:00Z"}, "detail.created_at"),
        ({"created_at": "1999-12-31T23:59:59+00:00"}, "detail.created_at"),
        ({"updated_at": "2101-01-01T00:00:00Z"}, "detail.updated_at"),
        ({"requester_id": "1" * 200}, "detail.requester_id"),
        ({"tags": [f"t{n}" for n in range(MAX_TAGS + 1)]}, "detail.tags"),
        ({"tags": ["x" * 300]}, "detail.tags.0"),
    ],
)
def test_zendesk_refuses_values_beyond_the_limits(detail: dict[str, Any], field: str) -> None:
    with pytest.raises(PayloadInvalidError) as caught:
        zendesk_delivery({}, zendesk_body(**detail))
    assert str(caught.value).startswith(f"{field}: ")


def test_zendesk_reads_the_years_inside_the_window() -> None:
    body = zendesk_body(created_at="2000-01-01T00:00:00Z", updated_at="2100-12-31T23:59:59Z")
    assert zendesk_delivery({}, body).created_at.year == 2000


@pytest.mark.parametrize(
    "stamp", [10**19, -(10**15), "99999999999999999999", 253402300800000, 946684799999]
)
def test_jira_refuses_epoch_milliseconds_outside_the_window(stamp: Any) -> None:
    event = sample_jira_event(issue_number=7)
    event["timestamp"] = stamp
    with pytest.raises(PayloadInvalidError, match=r"^timestamp: "):
        jira_delivery({}, json.dumps(event).encode())


def test_ses_refuses_a_receipt_dated_outside_the_window() -> None:
    notification = json.loads(
        (EVENTS / "ses" / "ses_sns_notification_received_action_SNS_docs.json").read_text()
    )
    notification["mail"]["timestamp"] = "9999-01-01T00:00:00.000Z"
    with pytest.raises(PayloadInvalidError, match=r"^mail\.timestamp: "):
        parse_notification(json.dumps(notification))


@pytest.mark.parametrize(
    "body",
    ['["' + '\\"' * 130_000, '["' + '\\"' * 130_000 + "\\", '["a\\' + '"' * 200_000, '"' * 260_000],
)
def test_the_nesting_scan_stays_linear_on_unterminated_strings(body: str) -> None:
    """Each quote could start a string that never ends: scanning from each again would take
    minutes on a 256 KiB body."""
    started = time.perf_counter()
    with pytest.raises(PayloadInvalidError, match="not valid JSON"):
        decode_json(body)
    assert time.perf_counter() - started < 2

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import SignatureRejectedError
from connectors.zendesk.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify_signature
from tests.factories import EVENTS as EVENTS_DIR

EVENTS = EVENTS_DIR / "zendesk"
VECTORS = {
    v["id"]: v for v in json.loads((EVENTS / "signature_test_vectors.json").read_text())["vectors"]
}
SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
OTHER_SECRET = "rotated-secret-2025"
BODY = b'{"type":"zen:event-type:ticket.created","id":"x"}'
SIGNED_AT = datetime(2025, 1, 8, 10, 12, 8, tzinfo=UTC)
STAMP = "2025-01-08T10:12:08Z"


def headers(body=BODY, secret=SECRET, timestamp=STAMP):
    return {SIGNATURE_HEADER: sign(body, secret, timestamp), TIMESTAMP_HEADER: timestamp}


def rejected(check, *args, **kwargs):
    with pytest.raises(SignatureRejectedError) as caught:
        verify_signature(*args, **kwargs)
    assert caught.value.check == check
    return caught.value


def vector_body(vector):
    body = (EVENTS / vector["body_file"]).read_bytes()
    assert hashlib.sha256(body).hexdigest() == vector["body_sha256"], "fixture not byte-exact"
    return body


def test_zendesk_go_vector_is_accepted():
    vector = VECTORS["zendesk-go-test"]
    body = vector_body(vector)
    assert sign(body, vector["secret"], vector["timestamp"]) == vector["expected_signature"]
    verify_signature(
        {SIGNATURE_HEADER: vector["expected_signature"], TIMESTAMP_HEADER: vector["timestamp"]},
        body,
        [vector["secret"]],
        now=datetime.fromtimestamp(1234, UTC),
    )


def test_docs_ticket_created_vector_is_accepted():
    vector = VECTORS["computed-docs-ticket-created"]
    body = vector_body(vector)
    verify_signature(
        {SIGNATURE_HEADER: vector["expected_signature"], TIMESTAMP_HEADER: vector["timestamp"]},
        body,
        [vector["secret"]],
        now=datetime.fromisoformat(vector["timestamp"]) + timedelta(seconds=3),
    )


def test_legacy_body_then_timestamp_vector_is_rejected():
    vector = VECTORS["zendesk-legacy-docs-example"]
    body = vector["body"].encode()
    assert (
        sign(body, vector["secret"], vector["timestamp"])
        == (vector["recomputed_timestamp_plus_body"])
    )
    rejected(
        "signature_mismatch",
        {SIGNATURE_HEADER: vector["expected_signature"], TIMESTAMP_HEADER: vector["timestamp"]},
        body,
        [vector["secret"]],
        now=datetime.fromisoformat(vector["timestamp"]),
    )


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_window_edges_are_accepted(offset):
    verify_signature(headers(), BODY, [SECRET], now=SIGNED_AT + timedelta(seconds=offset))


@pytest.mark.parametrize("offset", [-301, 301])
def test_outside_the_window_is_rejected(offset):
    error = rejected(
        "timestamp_out_of_window",
        headers(),
        BODY,
        [SECRET],
        now=SIGNED_AT + timedelta(seconds=offset),
    )
    assert "301 s" in str(error)


def test_custom_window():
    rejected(
        "timestamp_out_of_window",
        headers(),
        BODY,
        [SECRET],
        now=SIGNED_AT + timedelta(seconds=61),
        window_seconds=60,
    )


@pytest.mark.parametrize("signing_secret", [SECRET, OTHER_SECRET])
def test_either_secret_during_rotation_is_accepted(signing_secret):
    verify_signature(headers(secret=signing_secret), BODY, [SECRET, OTHER_SECRET], now=SIGNED_AT)


def test_secret_outside_the_rotation_is_rejected():
    rejected(
        "signature_mismatch", headers(secret="retired"), BODY, [SECRET, OTHER_SECRET], now=SIGNED_AT
    )


def test_every_secret_is_compared_even_after_a_match(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    verify_signature(headers(secret=SECRET), BODY, [SECRET, OTHER_SECRET], now=SIGNED_AT)
    assert len(calls) == 2


def test_tampered_body_is_rejected():
    rejected("signature_mismatch", headers(), BODY.replace(b"x", b"y"), [SECRET], now=SIGNED_AT)


def test_no_secrets_rejects_everything():
    rejected("signature_mismatch", headers(), BODY, [], now=SIGNED_AT)


def test_missing_signature():
    rejected("missing_signature", {TIMESTAMP_HEADER: STAMP}, BODY, [SECRET], now=SIGNED_AT)


def test_blank_signature_counts_as_missing():
    rejected(
        "missing_signature",
        {SIGNATURE_HEADER: "  ", TIMESTAMP_HEADER: STAMP},
        BODY,
        [SECRET],
        now=SIGNED_AT,
    )


def test_missing_timestamp():
    only_signature = {SIGNATURE_HEADER: sign(BODY, SECRET, STAMP)}
    rejected("missing_timestamp", only_signature, BODY, [SECRET], now=SIGNED_AT)


@pytest.mark.parametrize(
    "timestamp", ["yesterday", "2025-13-01T00:00:00Z", "2025-01-08T10:12:08", "99999999999999"]
)
def test_malformed_timestamp(timestamp):
    rejected("malformed_timestamp", headers(timestamp=timestamp), BODY, [SECRET], now=SIGNED_AT)


def test_checks_run_in_order():
    # No headers at all: the signature is reported first.
    rejected("missing_signature", {}, BODY, [SECRET], now=SIGNED_AT)
    # A bad signature with an unreadable or stale timestamp: the timestamp is reported.
    bad = {SIGNATURE_HEADER: "bm90IGl0", TIMESTAMP_HEADER: "soon"}
    rejected("malformed_timestamp", bad, BODY, [SECRET], now=SIGNED_AT)
    stale = {SIGNATURE_HEADER: "bm90IGl0", TIMESTAMP_HEADER: STAMP}
    rejected("timestamp_out_of_window", stale, BODY, [SECRET], now=SIGNED_AT + timedelta(hours=1))


def test_header_names_are_case_insensitive():
    lowered = {name.lower(): value for name, value in headers().items()}
    shouted = {name.upper(): value for name, value in headers().items()}
    verify_signature(lowered, BODY, [SECRET], now=SIGNED_AT)
    verify_signature(shouted, BODY, [SECRET], now=SIGNED_AT)


def test_timestamp_with_offset_is_read_as_that_instant():
    stamp = "2025-01-08T14:12:08+04:00"  # the same instant as STAMP
    verify_signature(headers(timestamp=stamp), BODY, [SECRET], now=SIGNED_AT)


def test_epoch_seconds_timestamp():
    stamp = str(int(SIGNED_AT.timestamp()))
    verify_signature(
        headers(timestamp=stamp), BODY, [SECRET], now=SIGNED_AT + timedelta(seconds=10)
    )


def test_signature_covers_the_timestamp():
    # Replaying a body with a fresh timestamp but the old signature must fail.
    replay = headers()
    replay[TIMESTAMP_HEADER] = "2025-01-08T10:14:00Z"
    rejected("signature_mismatch", replay, BODY, [SECRET], now=SIGNED_AT)


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="UTC offset"):
        verify_signature(headers(), BODY, [SECRET], now=datetime(2025, 1, 8, 10, 12, 8))


def test_unknown_check_name_is_refused():
    with pytest.raises(ValueError, match="unknown signature check"):
        SignatureRejectedError("bad_mood", "x")  # type: ignore[arg-type]

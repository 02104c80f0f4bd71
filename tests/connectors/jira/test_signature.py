import json

import pytest

from connectors.errors import SignatureRejectedError
from connectors.jira.signature import sign, verify_signature
from tests.factories import EVENTS as EVENTS_DIR

EVENTS = EVENTS_DIR / "jira"
VECTORS = json.loads((EVENTS / "signature_test_vectors.json").read_text())["vectors"]
SECRET = "jira-webhook-test-secret-not-real"


def vector_body(vector):
    if "body_file" in vector:
        return (EVENTS / vector["body_file"]).read_bytes()
    return vector["body"].encode()


def rejected(headers, body, secrets=(SECRET,)):
    with pytest.raises(SignatureRejectedError) as caught:
        verify_signature(headers, body, secrets)
    return caught.value


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_recorded_vectors_verify(vector):
    body = vector_body(vector)
    assert sign(body, vector["secret"]) == vector["expected_header"]
    verify_signature({"X-Hub-Signature": vector["expected_header"]}, body, [vector["secret"]])


def test_header_name_is_case_insensitive():
    body = vector_body(VECTORS[0])
    verify_signature({"x-hub-signature": VECTORS[0]["expected_header"]}, body, [SECRET])


def test_either_of_two_rotating_secrets_is_accepted():
    body = b'{"webhookEvent":"jira:issue_created"}'
    headers = {"X-Hub-Signature": sign(body, "new-secret")}
    verify_signature(headers, body, ["old-secret", "new-secret"])
    verify_signature(headers, body, ["new-secret", "old-secret"])


def test_uppercase_hex_is_the_same_signature():
    body = vector_body(VECTORS[1])
    method, digest = VECTORS[1]["expected_header"].split("=")
    verify_signature({"X-Hub-Signature": f"{method}={digest.upper()}"}, body, [SECRET])


def test_missing_signature():
    assert rejected({}, b"{}").check == "missing_signature"
    assert rejected({"X-Hub-Signature": "  "}, b"{}").check == "missing_signature"


@pytest.mark.parametrize(
    "value",
    [
        "a1b10c82bd1ee848963a1e3118da38531afb39539000d46470fb4b713affecf5",  # no method
        "sha1=" + "a" * 40,
        "sha256=" + "a" * 63,
        "sha256=" + "g" * 64,
        "sha256=" + "a" * 64 + "; extra",
    ],
)
def test_malformed_signature(value):
    error = rejected({"X-Hub-Signature": value}, b"{}")
    assert error.check == "malformed_signature"
    assert "64 hex digits" in str(error)


def test_altered_body_is_a_mismatch():
    vector = VECTORS[0]
    body = vector_body(vector).replace(b"Added a comment", b"Added a commenT")
    error = rejected({"X-Hub-Signature": vector["expected_header"]}, body)
    assert error.check == "signature_mismatch"


def test_wrong_secret_and_no_secret_are_a_mismatch():
    headers = {"X-Hub-Signature": VECTORS[1]["expected_header"]}
    assert rejected(headers, b"{}", ["another-secret"]).check == "signature_mismatch"
    assert rejected(headers, b"{}", []).check == "signature_mismatch"


def test_reformatted_body_is_a_mismatch():
    # The signature covers the raw bytes: parsing and re-serialising breaks it.
    vector = VECTORS[0]
    reformatted = json.dumps(json.loads(vector_body(vector))).encode()
    error = rejected({"X-Hub-Signature": vector["expected_header"]}, reformatted)
    assert error.check == "signature_mismatch"

import base64
import json
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from connectors.email.signature import string_to_sign, verify_sns_message
from connectors.errors import SignatureRejectedError
from devstack.local_sns import self_signed_pem
from tests.factories import EVENTS as EVENTS_DIR

EVENTS = EVENTS_DIR / "ses"
CERT_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"


@cache
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def certificate_pem(key: rsa.RSAPrivateKey | None = None) -> bytes:
    return self_signed_pem(key or signing_key(), "sns.test.invalid", valid_days=1)


class Fetcher:
    def __init__(self, pem: bytes | None = None) -> None:
        self.pem = pem or certificate_pem()
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem


def signed(message, version="2", key=None, url_field="SigningCertURL", url=CERT_URL):
    message = {k: v for k, v in message.items() if k not in {"SigningCertURL", "SigningCertUrl"}}
    message[url_field] = url
    message["SignatureVersion"] = version
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = (key or signing_key()).sign(string_to_sign(message), padding.PKCS1v15(), digest)
    message["Signature"] = base64.b64encode(signature).decode()
    return message


def load(name):
    return json.loads((EVENTS / name).read_text())


def lambda_sns_record():
    return load("ses_lambda_event_via_sns_assembled_docs.json")["Records"][0]["Sns"]


def rejected(check, message, fetch):
    with pytest.raises(SignatureRejectedError) as caught:
        verify_sns_message(message, fetch)
    assert caught.value.check == check
    return caught.value


ENVELOPES = [
    "sns_http_Notification_docs.json",
    "sns_http_SubscriptionConfirmation_docs.json",
    "sns_http_UnsubscribeConfirmation_docs.json",
    "ses_received_via_sns_https_envelope_assembled.json",
]


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize("name", ENVELOPES)
def test_signed_corpus_envelopes_verify(name, version):
    fetch = Fetcher()
    verify_sns_message(signed(load(name), version), fetch)
    assert fetch.urls == [CERT_URL]


@pytest.mark.parametrize("version", ["1", "2"])
def test_lambda_event_spelling_signing_cert_url_verifies(version):
    record = signed(lambda_sns_record(), version, url_field="SigningCertUrl")
    assert "SigningCertURL" not in record
    verify_sns_message(record, Fetcher())


def test_string_to_sign_for_notification_follows_the_documented_order():
    message = load("sns_http_Notification_docs.json")
    assert string_to_sign(message) == (
        b"Message\nHello world!\n"
        b"MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
        b"Subject\nMy First Message\n"
        b"Timestamp\n2012-05-02T00:54:06.655Z\n"
        b"TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
        b"Type\nNotification\n"
    )


def test_subject_is_signed_only_when_present():
    message = load("sns_http_Notification_docs.json")
    del message["Subject"]
    assert b"Subject" not in string_to_sign(message)
    verify_sns_message(signed(message), Fetcher())


def test_subject_added_after_signing_is_rejected():
    message = load("sns_http_Notification_docs.json")
    del message["Subject"]
    message = signed(message)
    message["Subject"] = "injected"
    rejected("signature_mismatch", message, Fetcher())


def test_subscription_confirmation_signs_subscribe_url_and_token():
    message = load("sns_http_SubscriptionConfirmation_docs.json")
    names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    expected = "".join(f"{name}\n{message[name]}\n" for name in names)
    assert string_to_sign(message) == expected.encode()


@pytest.mark.parametrize("version", ["1", "2"])
def test_tampered_message_is_rejected(version):
    message = signed(load("ses_received_via_sns_https_envelope_assembled.json"), version)
    message["Message"] = message["Message"].replace("recipient@example.com", "x@example.com")
    rejected("signature_mismatch", message, Fetcher())


def test_signature_from_another_key_is_rejected():
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    message = signed(load("sns_http_Notification_docs.json"), key=other)
    rejected("signature_mismatch", message, Fetcher())


def test_v1_signature_presented_as_v2_is_rejected():
    message = signed(load("sns_http_Notification_docs.json"), "1")
    message["SignatureVersion"] = "2"
    rejected("signature_mismatch", message, Fetcher())


@pytest.mark.parametrize(
    "url",
    [
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://evil.example.com/SimpleNotificationService-abc.pem",
        "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-abc.pem",
        "https://evil.com/sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com@evil.com/cert.pem",
        "https://user@sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com:8443/cert.pem",
        "https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com/cert.txt",
        "https://[::1/cert.pem",
        "",
    ],
)
def test_untrusted_certificate_urls_are_refused_before_fetching(url):
    fetch = Fetcher()
    message = signed(load("sns_http_Notification_docs.json"), url=url)
    rejected("untrusted_certificate_url", message, fetch)
    assert fetch.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
        "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.ap-southeast-2.amazonaws.com/SimpleNotificationService-abc.pem",
    ],
)
def test_sns_hosts_in_other_partitions_are_trusted(url):
    fetch = Fetcher()
    verify_sns_message(signed(load("sns_http_Notification_docs.json"), url=url), fetch)
    assert fetch.urls == [url]


@pytest.mark.parametrize("version", ["", "3", "1.0", None])
def test_unsupported_signature_version_is_refused_before_fetching(version):
    fetch = Fetcher()
    message = signed(load("sns_http_Notification_docs.json"))
    if version is None:
        del message["SignatureVersion"]
        check = "missing_field"
    else:
        message["SignatureVersion"] = version
        check = "unsupported_signature_version"
    rejected(check, message, fetch)
    assert fetch.urls == []


@pytest.mark.parametrize("field", ["Message", "MessageId", "Timestamp", "TopicArn", "Type"])
def test_missing_signed_field_is_rejected(field):
    message = signed(load("sns_http_Notification_docs.json"))
    del message[field]
    rejected("missing_field", message, Fetcher())


def test_missing_signature_or_certificate_url_is_rejected():
    message = signed(load("sns_http_Notification_docs.json"))
    rejected("missing_field", {k: v for k, v in message.items() if k != "Signature"}, Fetcher())
    fetch = Fetcher()
    without_url = {k: v for k, v in message.items() if k != "SigningCertURL"}
    rejected("missing_field", without_url, fetch)
    assert fetch.urls == []


def test_non_base64_signature_and_non_certificate_are_rejected():
    message = signed(load("sns_http_Notification_docs.json"))
    rejected("signature_mismatch", {**message, "Signature": "not base64!"}, Fetcher())
    rejected("signature_mismatch", message, Fetcher(b"<html>not a certificate</html>"))


def test_a_certificate_whose_key_is_not_rsa_is_rejected():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.test.invalid")])
    now = datetime.now(UTC)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name)
    certificate = (
        builder.public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    error = rejected(
        "signature_mismatch",
        signed(load("sns_http_Notification_docs.json")),
        Fetcher(certificate.public_bytes(serialization.Encoding.PEM)),
    )
    assert "not RSA" in str(error)


def test_pem_armour_around_something_else_is_rejected():
    armoured = b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
    error = rejected("signature_mismatch", signed(load("sns_http_Notification_docs.json")),
                     Fetcher(armoured))  # fmt: skip
    assert "PEM certificate" in str(error)


def test_error_names_the_check_without_echoing_the_signature():
    message = signed(load("sns_http_Notification_docs.json"))
    message["Message"] = "tampered"
    error = rejected("signature_mismatch", message, Fetcher())
    assert message["Signature"] not in str(error)


LOCAL = "http://127.0.0.1:5400/__local/sns/"


@pytest.mark.parametrize(
    "url",
    [
        LOCAL + "SimpleNotificationService-local.pem",
        LOCAL + "nested/cert.pem",
    ],
)
def test_certificates_under_a_trusted_prefix_are_fetched(url):
    fetch = Fetcher()
    verify_sns_message(signed(load("sns_http_Notification_docs.json"), url=url), fetch, [LOCAL])
    assert fetch.urls == [url]


@pytest.mark.parametrize(
    ("prefix", "url"),
    [
        (LOCAL, "http://127.0.0.1:5400/__local/snsx/cert.pem"),
        (LOCAL, "http://127.0.0.1:54001/__local/sns/cert.pem"),
        (LOCAL, LOCAL + "../cert.pem"),
        (LOCAL, LOCAL + "cert.pem?x=1"),
        (LOCAL, LOCAL + "cert.pem#x"),
        (LOCAL, LOCAL + "cert.txt"),
        (LOCAL, "http://127.0.0.1:5400@evil.example/__local/sns/cert.pem"),
        # A prefix that is not a whole folder trusts nothing: it would match other ports.
        ("http://127.0.0.1:5400", "http://127.0.0.1:54001/cert.pem"),
    ],
)
def test_urls_beside_a_trusted_prefix_are_refused_before_fetching(prefix, url):
    fetch = Fetcher()
    message = signed(load("sns_http_Notification_docs.json"), url=url)
    with pytest.raises(SignatureRejectedError) as caught:
        verify_sns_message(message, fetch, [prefix])
    assert caught.value.check == "untrusted_certificate_url"
    assert fetch.urls == []


def test_without_trusted_prefixes_a_local_certificate_is_refused():
    fetch = Fetcher()
    message = signed(load("sns_http_Notification_docs.json"), url=LOCAL + "cert.pem")
    rejected("untrusted_certificate_url", message, fetch)
    assert fetch.urls == []


@pytest.mark.parametrize("version", ["1", "2"])
def test_the_local_stack_signer_signs_as_sns_does(tmp_path, version):
    from devstack.local_sns import SnsSigner

    signer = SnsSigner.for_stack(tmp_path, "http://127.0.0.1:5400")
    assert signer.trusted_prefix == LOCAL
    envelope = signer.notification("arn:aws:sns:eu-west-1:123456789012:t", "Salam", version=version)
    fetch = Fetcher(signer.certificate)
    verify_sns_message(envelope, fetch, [signer.trusted_prefix])
    assert fetch.urls == [envelope["SigningCertURL"]]
    # Another process loads the same key; a later start on another port keeps it.
    again = SnsSigner.for_stack(tmp_path, "http://127.0.0.1:5401")
    assert again.certificate == signer.certificate
    assert SnsSigner.load(tmp_path).certificate_url.startswith("http://127.0.0.1:5401/")
    envelope["Message"] = "Salam!"
    with pytest.raises(SignatureRejectedError, match="does not match"):
        verify_sns_message(envelope, fetch, [signer.trusted_prefix])


def test_a_certificate_issued_the_way_snss_are_yields_its_key():
    """SNS's signing certificates are X.509 v3, issued by a CA, with the usual extensions:
    the key is read past all of them."""
    ca_key = ec.generate_private_key(ec.SECP384R1())
    now = datetime.now(UTC)
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CA")])
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.us-west-2.amazonaws.com")])
    public = signing_key().public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("sns.amazonaws.com")]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA384())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    verify_sns_message(signed(load("sns_http_Notification_docs.json")), Fetcher(pem))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rejected(
        "signature_mismatch", signed(load("sns_http_Notification_docs.json"), key=other),
        Fetcher(pem),
    )  # fmt: skip

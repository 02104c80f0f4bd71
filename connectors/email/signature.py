"""Check that an Amazon SNS message (the envelope SES receipt notifications travel in) was
signed by SNS.

The procedure is the one AWS documents in "Verifying the signatures of Amazon SNS messages":
the string to sign is a fixed list of name/value pairs per message `Type`, each name and each
value followed by a newline; `SignatureVersion` 1 signs it with SHA1withRSA, 2 with
SHA256withRSA; the key is in the X.509 certificate at `SigningCertURL`. The URL is checked
against the SNS host pattern before anything is fetched, so a forged message cannot make us
fetch from, or trust, a host of its choosing.

`trusted_prefixes` names certificate locations trusted besides SNS hosts. Only the local
stack sets it (to where its own SNS stand-in serves a certificate); it is empty by default,
and with it empty the SNS host rule is the only one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import rsa
from asn1crypto import core, pem

from connectors.errors import PayloadInvalidError, SignatureRejectedError
from connectors.payload import decode_object

# Name/value pairs in the string to sign, in byte order, per message Type. Optional names
# (Subject) are signed only when the message carries them.
_CONFIRMATION_FIELDS: Final = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
SIGNED_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _CONFIRMATION_FIELDS,
    "UnsubscribeConfirmation": _CONFIRMATION_FIELDS,
}
OPTIONAL_FIELDS: Final = frozenset({"Subject"})
# The Lambda event spells some names differently from the HTTP(S) body.
_SPELLINGS: Final[Mapping[str, tuple[str, ...]]] = {
    "SigningCertURL": ("SigningCertURL", "SigningCertUrl"),
    "SubscribeURL": ("SubscribeURL", "SubscribeUrl"),
}
# The digest each SignatureVersion signs with, as python-rsa names it. Checking the name
# rsa.verify reports keeps a SHA1 signature from passing for a version 2 message.
_HASHES: Final[Mapping[str, str]] = {"1": "SHA-1", "2": "SHA-256"}
_SNS_HOST: Final = re.compile(r"sns\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?")
MAX_CERTIFICATE_BYTES: Final = 64 * 1024


def sns_envelope(body: bytes) -> dict[str, Any]:
    """The JSON document SNS posts (with Content-Type text/plain)."""
    document = decode_object(body)
    if not isinstance(document.get("Type"), str):
        raise PayloadInvalidError("Type: an SNS message names its Type")
    return document


def verify_sns_message(
    message: Mapping[str, Any],
    fetch_certificate: Callable[[str], bytes],
    trusted_prefixes: Sequence[str] = (),
) -> None:
    """Return if `message` carries a valid SNS signature; raise SignatureRejectedError if not.

    `fetch_certificate(url)` returns the PEM bytes at an https SNS URL (or one under
    `trusted_prefixes`); it is called only after the URL has passed that check, and callers
    should cache its answers.
    """
    version = _field(message, "SignatureVersion")
    algorithm = _HASHES.get(version)
    if algorithm is None:
        raise SignatureRejectedError(
            "unsupported_signature_version", f"SignatureVersion {version[:10]!r} is not 1 or 2"
        )
    url = _field(message, "SigningCertURL")
    check_certificate_url(url, trusted_prefixes)
    signature = _signature(_field(message, "Signature"))
    to_sign = string_to_sign(message)
    key = _public_key(fetch_certificate(url))
    try:
        used = rsa.verify(to_sign, signature, key)
    except rsa.VerificationError:
        used = None
    if used != algorithm:
        raise SignatureRejectedError(
            "signature_mismatch", "the signature does not match the message"
        )


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The canonical string AWS signs for this message's Type."""
    kind = _field(message, "Type")
    names = SIGNED_FIELDS.get(kind)
    if names is None:
        raise SignatureRejectedError("missing_field", f"unknown message Type {kind[:40]!r}")
    parts: list[str] = []
    for name in names:
        if name in OPTIONAL_FIELDS and _lookup(message, name) is None:
            continue
        parts.append(f"{name}\n{_field(message, name)}\n")
    return "".join(parts).encode("utf-8")


def check_certificate_url(url: str, trusted_prefixes: Sequence[str] = ()) -> None:
    """Refuse any certificate location but https on an SNS host (sns.<region>.amazonaws.com,
    or .amazonaws.com.cn), with no user, password or port, or a .pem under one of
    `trusted_prefixes`."""
    if any(_under_prefix(url, prefix) for prefix in trusted_prefixes):
        return
    check_sns_url(url, "SigningCertURL", suffix=".pem")


def _under_prefix(url: str, prefix: str) -> bool:
    """A .pem below `prefix`. The prefix must end in "/": then the URL's scheme, host and
    port are the prefix's, whatever follows (no "127.0.0.1:80" matching "127.0.0.1:8000")."""
    if not prefix.endswith("/") or not url.startswith(prefix):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.username is None
        and parts.password is None
        and not parts.query
        and not parts.fragment
        and ".." not in parts.path.split("/")
        and parts.path.endswith(".pem")
    )


def check_sns_url(url: str, what: str, suffix: str = "") -> None:
    """Refuse anything but https on an SNS host with no user, password or port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SignatureRejectedError("untrusted_certificate_url", f"{what} is not a URL") from None
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or port not in (None, 443)
        or parts.username is not None
        or parts.password is not None
        or not _SNS_HOST.fullmatch(host)
        or not parts.path.endswith(suffix)
    ):
        raise SignatureRejectedError(
            "untrusted_certificate_url",
            f"{what} is not an https Amazon SNS address ({host[:80]!r})",
        )


def _lookup(message: Mapping[str, Any], name: str) -> Any:
    for spelling in _SPELLINGS.get(name, (name,)):
        if spelling in message:
            return message[spelling]
    return None


def _field(message: Mapping[str, Any], name: str) -> str:
    value = _lookup(message, name)
    if not isinstance(value, str):
        raise SignatureRejectedError("missing_field", f"{name} is missing or not text")
    return value


def _signature(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRejectedError("signature_mismatch", "Signature is not base64") from None


def _public_key(certificate: bytes) -> rsa.PublicKey:
    """The RSA key of a PEM X.509 certificate. Pure Python (asn1crypto, python-rsa): the
    Lambda artifact carries no native cryptography library for one verification."""
    if len(certificate) > MAX_CERTIFICATE_BYTES:
        raise SignatureRejectedError("signature_mismatch", "certificate is too large")
    try:
        _, _, der = pem.unarmor(certificate)
        info = _Certificate.load(der)["tbs_certificate"]["subject_public_key_info"]
        algorithm = info["algorithm"]["algorithm"].dotted
        key = info["public_key"].native
    except (ValueError, TypeError, KeyError):
        raise SignatureRejectedError(
            "signature_mismatch", "SigningCertURL did not return a PEM certificate"
        ) from None
    if algorithm != _RSA_ENCRYPTION:
        raise SignatureRejectedError("signature_mismatch", "certificate key is not RSA")
    try:
        numbers = _RsaPublicKey.load(key)
        return rsa.PublicKey(numbers["modulus"].native, numbers["public_exponent"].native)
    except (ValueError, TypeError, KeyError):
        raise SignatureRejectedError(
            "signature_mismatch", "the certificate's RSA key cannot be read"
        ) from None


# The part of X.509 (RFC 5280 4.1) that leads to the subject's public key, and PKCS #1's
# RSAPublicKey (RFC 8017 A.1.1). Declared here rather than taken from asn1crypto.x509,
# whose full certificate model is a third of the email webhook's cold start.
_RSA_ENCRYPTION: Final = "1.2.840.113549.1.1.1"


class _AlgorithmIdentifier(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class _SubjectPublicKeyInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("algorithm", _AlgorithmIdentifier),
        ("public_key", core.OctetBitString),
    ]


class _TbsCertificate(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer, {"explicit": 0, "optional": True}),
        ("serial_number", core.Integer),
        ("signature", core.Any),
        ("issuer", core.Any),
        ("validity", core.Any),
        ("subject", core.Any),
        ("subject_public_key_info", _SubjectPublicKeyInfo),
        ("issuer_unique_id", core.OctetBitString, {"implicit": 1, "optional": True}),
        ("subject_unique_id", core.OctetBitString, {"implicit": 2, "optional": True}),
        ("extensions", core.Any, {"explicit": 3, "optional": True}),
    ]


class _Certificate(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("tbs_certificate", _TbsCertificate),
        ("signature_algorithm", core.Any),
        ("signature_value", core.OctetBitString),
    ]


class _RsaPublicKey(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("modulus", core.Integer),
        ("public_exponent", core.Integer),
    ]

"""The local stack's stand-in for Amazon SNS's signing of the messages it delivers.

SNS signs each message it posts to an HTTPS subscriber with the key of an X.509 certificate
it serves from https://sns.<region>.amazonaws.com/. Plaint trusts only those hosts, plus the
URL prefixes named in PLAINT_SNS_TRUSTED_CERTIFICATE_URLS, which the local stack sets to
where the embedded AWS serves this signer's certificate (`CERTIFICATE_PATH`). Messages are
signed exactly as SNS signs them (connectors.email.signature.string_to_sign; SignatureVersion 1
is SHA1withRSA, 2 SHA256withRSA), so the app's verifier runs unchanged.

The key and the certificate are made at the first start and kept with the local data (like
the webhook secret), so `send_webhook --email` in another process signs with the same key,
and a delivery signed before a restart still verifies after it.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from connectors.email.signature import string_to_sign

TRUSTED_PATH: Final = "/__local/sns/"
CERTIFICATE_PATH: Final = TRUSTED_PATH + "SimpleNotificationService-local.pem"
ACCOUNT: Final = "123456789012"
_KEY_FILE: Final = "signing-key.pem"
_CERTIFICATE_FILE: Final = "certificate.pem"
_URL_FILE: Final = "certificate-url"
_DIGESTS: Final = {"1": hashes.SHA1, "2": hashes.SHA256}


def topic_arn(region: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{ACCOUNT}:{name}"


@dataclass(frozen=True)
class SnsSigner:
    key: rsa.RSAPrivateKey
    certificate: bytes  # PEM
    certificate_url: str

    @classmethod
    def for_stack(cls, data_dir: Path, aws_url: str) -> SnsSigner:
        """The stack's signer: made on first use, kept in data_dir/sns; the certificate's
        URL is rewritten on every start, since the embedded AWS's port may change."""
        folder = data_dir / "sns"
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / _KEY_FILE).exists():
            _write_new_identity(folder)
        (folder / _URL_FILE).write_text(aws_url + CERTIFICATE_PATH, encoding="utf-8")
        return cls.load(data_dir)

    @classmethod
    def load(cls, data_dir: Path) -> SnsSigner:
        """The signer a running (or once run) stack made, for senders in other processes."""
        folder = data_dir / "sns"
        try:
            key = serialization.load_pem_private_key((folder / _KEY_FILE).read_bytes(), None)
            certificate = (folder / _CERTIFICATE_FILE).read_bytes()
            url = (folder / _URL_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"no local SNS signer in {folder}: start the stack") from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{folder / _KEY_FILE} is not an RSA key")
        return cls(key=key, certificate=certificate, certificate_url=url)

    @property
    def trusted_prefix(self) -> str:
        """What the app is told to trust besides SNS hosts: the certificate's folder."""
        return self.certificate_url.rsplit("/", 1)[0] + "/"

    def sign(self, message: Mapping[str, Any], version: str = "2") -> dict[str, Any]:
        """`message` with SigningCertURL, SignatureVersion and Signature set as SNS sets
        them."""
        digest = _DIGESTS[version]
        signed = dict(message) | {"SigningCertURL": self.certificate_url}
        signed["SignatureVersion"] = version
        signature = self.key.sign(string_to_sign(signed), padding.PKCS1v15(), digest())
        signed["Signature"] = base64.b64encode(signature).decode("ascii")
        return signed

    def notification(
        self,
        topic: str,
        message: str,
        *,
        subject: str | None = None,
        version: str = "2",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """A signed Notification, the body SNS posts to an HTTP(S) subscriber."""
        moment = at or datetime.now(UTC)
        envelope: dict[str, Any] = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic,
            "Message": message,
            "Timestamp": sns_time(moment),
            "UnsubscribeURL": f"{self.trusted_prefix}unsubscribe?SubscriptionArn={topic}:local",
        }
        if subject is not None:
            envelope["Subject"] = subject
        return self.sign(envelope, version)


def sns_time(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as SNS and SES write their timestamps."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def post_headers(envelope: Mapping[str, Any]) -> dict[str, str]:
    """The headers SNS sends with a message to an HTTP(S) subscriber."""
    return {
        "Content-Type": "text/plain; charset=UTF-8",
        "x-amz-sns-message-type": str(envelope["Type"]),
        "x-amz-sns-message-id": str(envelope["MessageId"]),
        "x-amz-sns-topic-arn": str(envelope["TopicArn"]),
        "User-Agent": "Amazon Simple Notification Service Agent",
    }


def body(envelope: Mapping[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False).encode("utf-8")


def self_signed_pem(key: rsa.RSAPrivateKey, common_name: str, valid_days: int) -> bytes:
    """A self-signed X.509 certificate for `key`, as SNS's signing certificate stands in."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=valid_days))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def _write_new_identity(folder: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_path = folder / _KEY_FILE
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / _CERTIFICATE_FILE).write_bytes(self_signed_pem(key, "sns.local.invalid", 3650))

"""The key that signs checkpoints in the cloud: an AWS KMS asymmetric key (the private key
never leaves KMS). On one machine storage.key_file.LocalSigner signs instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from asn1crypto import pem

from plaint.auditlog.checkpoint import SignatureAlgorithm

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


class KmsSigner:
    """An asymmetric KMS key of spec ECC_NIST_P256, usage SIGN_VERIFY; KMS hashes the
    message with SHA-256 and answers a DER-encoded ECDSA signature."""

    def __init__(self, client: KMSClient, key_id: str) -> None:
        self._client = client
        self._key_id = key_id
        self._public_pem: bytes | None = None

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def algorithm(self) -> SignatureAlgorithm:
        return SignatureAlgorithm.ECDSA_P256_SHA256

    def sign(self, message: bytes) -> bytes:
        answer = self._client.sign(
            KeyId=self._key_id,
            Message=message,
            MessageType="RAW",
            SigningAlgorithm="ECDSA_SHA_256",
        )
        return answer["Signature"]

    def public_key_pem(self) -> bytes:
        if self._public_pem is None:
            # KMS answers the DER SubjectPublicKeyInfo; PEM is that, armoured.
            der = self._client.get_public_key(KeyId=self._key_id)["PublicKey"]
            self._public_pem = pem.armor("PUBLIC KEY", der)
        return self._public_pem

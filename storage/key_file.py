"""The key that signs checkpoints on one machine: an Ed25519 key file (the local stack and
tests). In the cloud storage.keys.KmsSigner signs instead, so the Lambda artifact does not
carry the cryptography package this needs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plaint.auditlog.checkpoint import SignatureAlgorithm


class LocalSigner:
    """An Ed25519 key kept in a file (created on first use, readable by its owner only)."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._key = self._load_or_create()
        digest = hashlib.sha256(self.public_key_pem()).hexdigest()[:16]
        self._key_id = f"local:{digest}"

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def algorithm(self) -> SignatureAlgorithm:
        return SignatureAlgorithm.ED25519

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def public_key_pem(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def _load_or_create(self) -> Ed25519PrivateKey:
        if self._path.exists():
            key = serialization.load_pem_private_key(self._path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{self._path} does not hold an Ed25519 private key")
            return key
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        return key

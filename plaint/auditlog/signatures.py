"""Checking a checkpoint's signature with nothing but the public key (PEM)."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from plaint.auditlog.checkpoint import Checkpoint, SignatureAlgorithm, signed_bytes


class PublicKeyError(ValueError):
    """The public key cannot be read, or is not of the checkpoint's algorithm."""


def signature_holds(checkpoint: Checkpoint, public_key_pem: bytes) -> bool:
    """True when the checkpoint's signature was made over its body by the key's owner."""
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    key = _public_key(public_key_pem)
    message = signed_bytes(checkpoint.body)
    try:
        match checkpoint.body.algorithm:
            case SignatureAlgorithm.ED25519:
                if not isinstance(key, ed25519.Ed25519PublicKey):
                    raise PublicKeyError("the key is not an Ed25519 key")
                key.verify(signature, message)
            case SignatureAlgorithm.ECDSA_P256_SHA256:
                if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
                    raise PublicKeyError("the key is not a P-256 key")
                key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _public_key(pem: bytes) -> object:
    try:
        return load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise PublicKeyError(f"not a PEM public key: {exc}") from exc

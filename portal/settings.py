"""The portal's configuration, read from the environment once."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from bootstrap.settings import Settings


class AuditorAuth(StrEnum):
    # In the cloud, API Gateway checks the caller's SigV4 signature against IAM before the
    # request reaches the portal; only principals granted execute-api:Invoke on the audit
    # API get through.
    IAM = "iam"
    # On one machine: bearer tokens, kept here only as their SHA-256.
    TOKEN = "token"


class PortalSettings(Settings):
    """The shared settings (tables, ledger, endpoint, checkpoint key and archive) and the
    portal's own: how auditors sign in."""

    auditor_auth: AuditorAuth = AuditorAuth.TOKEN
    auditor_token_hashes: tuple[str, ...] = Field(
        default=(), description="Comma-separated SHA-256 (hex) of the auditors' tokens."
    )

    @field_validator("auditor_token_hashes", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator("auditor_token_hashes")
    @classmethod
    def _hex(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for digest in value:
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError("each token hash is 64 hex characters (SHA-256)")
        return value

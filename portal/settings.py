"""The portal's configuration, read from the environment once."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from bootstrap.settings import Settings


class AuditorAuth(StrEnum):
    # In the cloud, API Gateway checks the caller's SigV4 signature against IAM before the
    # request reaches the portal; only principals granted execute-api:Invoke get through.
    # They are auditors: read-only, no admin page.
    IAM = "iam"
    # People with a browser, in the cloud: Amazon Cognito's hosted sign-in; the ID token's
    # `cognito:groups` say who is an auditor and who an admin.
    COGNITO = "cognito"
    # On one machine: bearer tokens, kept here only as their SHA-256.
    TOKEN = "token"


def _hex_digests(value: tuple[str, ...]) -> tuple[str, ...]:
    for digest in value:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError("each token hash is 64 hex characters (SHA-256)")
    return value


class PortalSettings(Settings):
    """The shared settings (tables, ledger, endpoint, policy, checkpoint key and archive)
    and the portal's own: sign-in, sessions and how times are shown."""

    auditor_auth: AuditorAuth = AuditorAuth.TOKEN
    auditor_token_hashes: tuple[str, ...] = Field(
        default=(), description="Comma-separated SHA-256 (hex) of the auditors' tokens."
    )
    admin_token_hashes: tuple[str, ...] = Field(
        default=(), description="Comma-separated SHA-256 (hex) of the admins' tokens."
    )
    # Signs the session cookie. Unset: a random key per process (sessions then end with
    # the process, which is right on one machine and wrong on Lambda).
    portal_secret_key: str | None = Field(default=None, min_length=32)
    portal_session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    portal_session_max_hours: int = Field(default=8, ge=1, le=72)
    # Cookies marked Secure (HTTPS only); off on one machine, which serves plain HTTP.
    portal_secure_cookies: bool = False
    portal_time_zone: str = "UTC"
    cognito_region: str | None = None
    cognito_user_pool_id: str | None = None
    cognito_client_id: str | None = None
    cognito_client_secret: str | None = None
    cognito_domain: str | None = Field(
        default=None,
        description="The hosted UI's base URL, https://NAME.auth.REGION.amazoncognito.com",
    )
    cognito_jwks_url: str | None = Field(
        default=None, description="Default: the issuer's /.well-known/jwks.json."
    )
    cognito_auditor_group: str = "auditors"
    cognito_admin_group: str = "admins"

    @field_validator("auditor_token_hashes", "admin_token_hashes", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator("auditor_token_hashes", "admin_token_hashes")
    @classmethod
    def _hex(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _hex_digests(value)

    @property
    def cognito_issuer(self) -> str | None:
        if not (self.cognito_region and self.cognito_user_pool_id):
            return None
        return (
            f"https://cognito-idp.{self.cognito_region}.amazonaws.com/{self.cognito_user_pool_id}"
        )

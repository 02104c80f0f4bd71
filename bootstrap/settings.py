"""Configuration, read from the environment once into one typed model that every entry
point shares (each reads only the fields of the parts it builds)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

# Zendesk's documented payload limit for webhooks is far below this; anything larger is not
# a helpdesk delivery, and reading it would only cost memory.
DEFAULT_MAX_BODY_BYTES = 256 * 1024


ENVIRONMENT_PREFIX = "PLAINT_"


class Settings(BaseModel):
    """Each field not given is read from the environment variable PLAINT_<FIELD NAME>.
    Lists are comma-separated."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, given: Any) -> Any:
        # A few lines rather than pydantic-settings, whose import alone costs every cold
        # start about 100 ms (bench/import_time).
        values = dict(given) if isinstance(given, dict) else {}
        for name in cls.model_fields:
            variable = ENVIRONMENT_PREFIX + name.upper()
            if name not in values and variable in os.environ:
                values[name] = os.environ[variable]
        return values

    policy_path: str | None = Field(
        default=None,
        description="Path of the policy JSON the functions judge by until one is published.",
    )
    state_table: str = "plaint-state"
    audit_table: str = "plaint-audit"
    queue_name: str = "plaint-inbox"
    queue_url: str | None = None
    what_if_queue_name: str = Field(
        default="plaint-what-if", description="What-if jobs, from the portal to their worker."
    )
    ledger: str = "main"
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0)
    zendesk_webhook_secrets: tuple[SecretStr, ...] = Field(
        default=(), description="Comma-separated; two during a secret rotation."
    )
    zendesk_webhook_secrets_parameter: str | None = Field(
        default=None,
        description="The Systems Manager parameter (SecureString) holding the Zendesk "
        "webhook secrets, read at first use in place of zendesk_webhook_secrets.",
    )
    zendesk_base_url: str | None = None
    zendesk_requests_per_minute: float = Field(
        default=100, gt=0, description="Per container; bound the worker's concurrency too."
    )
    zendesk_email: str | None = None
    zendesk_api_token: SecretStr | None = None
    zendesk_api_token_parameter: str | None = Field(
        default=None, description="The parameter holding the Zendesk API token."
    )
    jira_webhook_secrets: tuple[SecretStr, ...] = Field(
        default=(), description="Comma-separated; two during a secret rotation."
    )
    jira_webhook_secrets_parameter: str | None = Field(
        default=None, description="The parameter holding the Jira webhook secrets."
    )
    jira_base_url: str | None = None
    jira_requests_per_minute: float = Field(default=100, gt=0)
    jira_jql_scope: str = Field(
        default="", description='Which issues reconciliation reads, e.g. "project = CARE".'
    )
    jira_time_zone: str = Field(
        default="UTC", description="The time zone of the Jira user the API token belongs to."
    )
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_api_token_parameter: str | None = Field(
        default=None, description="The parameter holding the Jira API token."
    )
    secrets_file: str | None = Field(
        default=None,
        description="On one machine: the local stack's secrets file (JSON, mode 0600) that "
        "`plaint connect` writes; its values come before the plain settings.",
    )
    jira_service_desk: bool = Field(
        default=True, description="Post through the JSM request API, visible on the portal."
    )
    ses_topic_arns: tuple[str, ...] = Field(
        default=(), description="Comma-separated SNS topics whose SES receipts are ours."
    )
    ses_event_topic_arns: tuple[str, ...] = Field(
        default=(),
        description="Comma-separated SNS topics the configuration set publishes SES's Send "
        "events to (infra/resources.json sets it).",
    )
    ses_configuration_set: str | None = Field(
        default=None,
        description="SES configuration set acknowledgements are sent through; its SNS "
        "event destination reports each message SES accepted, so a retry never sends one "
        "twice. Unset: a retry after a lost outcome may send a second copy.",
    )
    sns_trusted_certificate_urls: tuple[str, ...] = Field(
        default=(),
        description="Local stack only, never in production: comma-separated URL prefixes "
        "(each ending in '/') under which an SNS SigningCertURL is trusted besides the https "
        "Amazon SNS hosts, so the local stack can sign SNS messages itself.",
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="Set only for the local stack (the embedded moto server)."
    )
    checkpoint_kms_key_id: str | None = Field(
        default=None, description="The KMS key (ECC_NIST_P256) that signs audit checkpoints."
    )
    checkpoint_key_file: str | None = Field(
        default=None, description="On one machine: an Ed25519 key file, made on first use."
    )
    checkpoint_bucket: str | None = Field(
        default=None, description="The S3 Object Lock bucket checkpoints are kept in."
    )
    checkpoint_dir: str | None = Field(
        default=None, description="On one machine: the folder checkpoints are kept in."
    )
    survey_link_secret: SecretStr | None = Field(
        default=None,
        description="Signs satisfaction survey links (HMAC-SHA256); at least 32 characters. "
        "Unset: a survey falling due is recorded as skipped (not_configured).",
    )
    survey_base_url: str | None = Field(
        default=None,
        description="The public address of the functions' API, before /surveys/{token}, "
        "e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/api.",
    )
    checkpoint_lag_seconds: float = Field(
        default=60, gt=0, description="How far behind now each sealed audit window ends."
    )

    @field_validator(
        "zendesk_webhook_secrets",
        "jira_webhook_secrets",
        "ses_topic_arns",
        "ses_event_topic_arns",
        "sns_trusted_certificate_urls",
        mode="before",
    )
    @classmethod
    def _split_secrets(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("zendesk_webhook_secrets", "jira_webhook_secrets")
    @classmethod
    def _at_most_two(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        if len(value) > 2:
            raise ValueError("at most two active webhook secrets (current and next)")
        return value

    @field_validator("survey_link_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("a survey link secret needs at least 32 characters")
        return value

    @field_validator("sns_trusted_certificate_urls")
    @classmethod
    def _whole_locations(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            _check_trusted_prefix(prefix)
        return value


def _check_trusted_prefix(prefix: str) -> None:
    """A prefix is a whole location: scheme, host, and a path ending in "/", so that it
    cannot be extended into another host or port."""
    parts = urlsplit(prefix)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or not parts.path.endswith("/")
    ):
        raise ValueError(
            f"{prefix!r}: a trusted certificate prefix is http(s)://host[:port]/path/ "
            "(ending in '/')"
        )

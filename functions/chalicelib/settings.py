"""Configuration, read from the environment once into one typed model."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Zendesk's documented payload limit for webhooks is far below this; anything larger is not
# a helpdesk delivery, and reading it would only cost memory.
DEFAULT_MAX_BODY_BYTES = 256 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLAINT_", extra="ignore")

    policy_path: str = Field(description="Path of the policy JSON the functions judge by.")
    state_table: str = "plaint-state"
    audit_table: str = "plaint-audit"
    queue_name: str = "plaint-inbox"
    queue_url: str | None = None
    ledger: str = "main"
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0)
    zendesk_webhook_secrets: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(), description="Comma-separated; two during a secret rotation."
    )
    zendesk_base_url: str | None = None
    zendesk_requests_per_minute: float = Field(
        default=100, gt=0, description="Per container; bound the worker's concurrency too."
    )
    zendesk_email: str | None = None
    zendesk_api_token: SecretStr | None = None
    jira_webhook_secrets: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(), description="Comma-separated; two during a secret rotation."
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
    jira_service_desk: bool = Field(
        default=True, description="Post through the JSM request API, visible on the portal."
    )
    ses_topic_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="Comma-separated SNS topics whose SES receipts are ours."
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="Set only for the local stack (the embedded moto server)."
    )

    @field_validator(
        "zendesk_webhook_secrets", "jira_webhook_secrets", "ses_topic_arns", mode="before"
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

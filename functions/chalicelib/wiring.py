"""Builds the runtime once per Lambda container, lazily: nothing heavy happens at import,
because Chalice imports app.py when it packages and deploys."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from plaint.vocabulary.errors import PlaintError

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # the runtime's parts are imported when it is built, not at deploy time
    from pydantic import SecretStr

    from chalicelib.settings import Settings
    from plaint.model.events import SourceSystem
    from plaint.policy.book import PolicyBook
    from plaint.policy.document import Policy
    from plaint.usecases.checkpointing import Checkpointer
    from plaint.usecases.handling import ComplaintHandling
    from plaint.usecases.ports import ChangeFeed, Outbox, Queue, SentMailEvidence
    from storage.dynamodb import DynamoStore


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Deadline:
    """Time the current invocation has left, for capping retries; set by each handler."""

    ends_at: float | None = None

    def set_from(self, lambda_context: Any) -> None:
        remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
        self.ends_at = time.monotonic() + remaining() / 1000 if remaining else None

    def time_left(self) -> float:
        return 900.0 if self.ends_at is None else max(0.0, self.ends_at - time.monotonic())


deadline = _Deadline()


POLICY_LOOK_EVERY = 60.0  # seconds between looks at the published policy, per container


@dataclass
class PolicyWatch:
    """Follows the published policy: a valid one replaces the policy judged by, anything
    else is refused and the last valid policy stays (plaint.policy_book)."""

    book: PolicyBook
    store: DynamoStore
    looked_at: float = float("-inf")

    def look(self, handling: ComplaintHandling) -> None:
        if time.monotonic() - self.looked_at < POLICY_LOOK_EVERY:
            return
        self.looked_at = time.monotonic()
        try:
            published = self.store.active_policy()
        except PlaintError as exc:
            log.warning("published policy unreadable; still judging by %s: %s",
                        handling.policy.version[:12], exc)  # fmt: skip
            return
        if published is not None:
            handling.policy = self.book.offer(*published)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    handling: ComplaintHandling
    queue: Queue
    clock: Callable[[], datetime]
    s3: Any  # reads SES-stored messages
    feeds: tuple[ChangeFeed, ...]  # what reconciliation asks each helpdesk
    policy_watch: PolicyWatch
    sent_mail: SentMailEvidence  # what SES reported accepting, kept by the SES webhook
    checkpointer: Checkpointer | None  # None until a key and an archive are configured


def runtime() -> Runtime:
    """The container's runtime, judging by the latest valid published policy."""
    built = _built()
    built.policy_watch.look(built.handling)
    return built


@lru_cache(maxsize=1)
def _built() -> Runtime:
    import boto3

    from chalicelib.settings import Settings
    from plaint.policy.book import PolicyBook
    from plaint.policy.loading import load_policy
    from plaint.usecases.handling import ComplaintHandling
    from storage.dynamodb import DynamoStore
    from storage.sqs import SqsQueue

    settings = Settings()  # required fields come from the environment
    _announce_trusted_certificates(settings)
    dynamodb = boto3.client("dynamodb", endpoint_url=settings.aws_endpoint_url)
    sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url)
    queue = (
        SqsQueue(sqs, settings.queue_url)
        if settings.queue_url
        else SqsQueue.by_name(sqs, settings.queue_name)
    )
    # The policy packaged with the functions, until one is published to the state table.
    policy = load_policy(settings.policy_path)
    store = DynamoStore(dynamodb, settings.state_table, settings.audit_table, clock=utc_now)
    handling = ComplaintHandling(
        store=store,
        policy=policy,
        clock=utc_now,
        ledger=settings.ledger,
        outboxes=_outboxes(settings, policy) | _mailer(policy, settings, store),
    )
    s3 = boto3.client("s3", endpoint_url=settings.aws_endpoint_url)
    return Runtime(
        settings=settings, handling=handling, queue=queue, clock=utc_now, s3=s3,
        feeds=_feeds(settings, policy),
        policy_watch=PolicyWatch(book=PolicyBook(policy), store=store), sent_mail=store,
        checkpointer=_checkpointer(settings, store),
    )  # fmt: skip


def _checkpointer(settings: Settings, store: DynamoStore) -> Checkpointer | None:
    from plaint.usecases.checkpointing import Checkpointer
    from storage.trust import checkpoint_archive, checkpoint_signer

    endpoint = settings.aws_endpoint_url
    signer = checkpoint_signer(
        settings.checkpoint_kms_key_id, settings.checkpoint_key_file, endpoint
    )
    archive = checkpoint_archive(settings.checkpoint_bucket, settings.checkpoint_dir, endpoint)
    if signer is None or archive is None:
        return None
    lag = timedelta(seconds=settings.checkpoint_lag_seconds)
    return Checkpointer(store, archive, signer, clock=utc_now, ledger=settings.ledger, lag=lag)


def _announce_trusted_certificates(settings: Settings) -> None:
    # Trusting a signer other than Amazon SNS is for the local stack; say so loudly if a
    # deployed function ever finds it set.
    if settings.sns_trusted_certificate_urls:
        log.warning(
            "trusting SNS signing certificates under %s besides Amazon SNS hosts "
            "(PLAINT_SNS_TRUSTED_CERTIFICATE_URLS: local stack only)",
            ", ".join(settings.sns_trusted_certificate_urls),
        )


def _credentials(email: str | None, token: SecretStr | None) -> tuple[str, str] | str:
    """(email, API token) for basic auth; a token alone is an OAuth bearer token."""
    secret = token.get_secret_value() if token else ""
    return (email, secret) if email else secret


def _outboxes(settings: Settings, policy: Policy) -> dict[SourceSystem, Outbox]:
    import boto3

    from connectors.disputes.client import ProviderOutbox
    from connectors.email.packets import SesPacketMailer
    from connectors.jira.client import JiraClient
    from connectors.zendesk.client import ZendeskClient
    from plaint.model.events import SourceSystem

    # Referral packets go to the providers the policy names (ISO 10003), signed with the
    # secret in the environment variable each provider's entry names.
    sender = policy.email.sender
    mailer = None
    if sender:  # providers whose method is email get the packet from the complaints sender
        mailer = SesPacketMailer(
            boto3.client("sesv2", endpoint_url=settings.aws_endpoint_url), sender
        )
    outboxes: dict[SourceSystem, Outbox] = {
        SourceSystem.PROVIDER: ProviderOutbox(time_left=deadline.time_left, mailer=mailer)
    }
    if settings.zendesk_base_url:
        outboxes[SourceSystem.ZENDESK] = ZendeskClient(
            settings.zendesk_base_url,
            _credentials(settings.zendesk_email, settings.zendesk_api_token),
            time_left=deadline.time_left,
            requests_per_minute=settings.zendesk_requests_per_minute,
        )
    if settings.jira_base_url:
        outboxes[SourceSystem.JIRA] = JiraClient(
            settings.jira_base_url,
            _credentials(settings.jira_email, settings.jira_api_token),
            time_left=deadline.time_left,
            service_desk=settings.jira_service_desk,
            requests_per_minute=settings.jira_requests_per_minute,
        )
    return outboxes


def _feeds(settings: Settings, policy: Policy) -> tuple[ChangeFeed, ...]:
    from connectors.jira.feed import JiraChangeFeed
    from connectors.zendesk.feed import ZendeskChangeFeed

    feeds: list[ChangeFeed] = []
    if settings.zendesk_base_url:
        feeds.append(
            ZendeskChangeFeed(
                settings.zendesk_base_url,
                _credentials(settings.zendesk_email, settings.zendesk_api_token),
                time_left=deadline.time_left,
            )
        )
    if settings.jira_base_url:
        feeds.append(
            JiraChangeFeed(
                settings.jira_base_url,
                _credentials(settings.jira_email, settings.jira_api_token),
                jql_scope=settings.jira_jql_scope,
                zone=settings.jira_time_zone,
                mapping=policy.helpdesk_fields.jira,
                time_left=deadline.time_left,
            )
        )
    return tuple(feeds)


def _mailer(
    policy: Policy, settings: Settings, evidence: SentMailEvidence
) -> dict[SourceSystem, Outbox]:
    """Email complaints are answered by SES, from the policy's sender."""
    import boto3

    from connectors.email.outbound import SesMailer
    from plaint.model.events import SourceSystem

    email = policy.email
    if not (email.sender and email.mailbox):
        return {}
    if not settings.ses_configuration_set:
        log.warning(
            "PLAINT_SES_CONFIGURATION_SET is not set: SES will not report the acknowledgement "
            "emails it accepts, so a retry after a lost outcome may send a second copy"
        )
    client = boto3.client("sesv2", endpoint_url=settings.aws_endpoint_url)
    mailer = SesMailer(
        client,
        email.sender,
        email.mailbox,
        subjects=email.subjects,
        configuration_set=settings.ses_configuration_set,
        evidence=evidence,
        clock=utc_now,
    )
    return {SourceSystem.EMAIL: mailer}


def reset() -> None:
    """Forget the built runtime (tests change the environment between cases)."""
    _built.cache_clear()

"""One `Root` per process (per Lambda container): the parts of Plaint, each built once on
first use from the settings, so an entry point pays only for the parts it touches.

Heavy imports (boto3, the connectors, the decisions) happen inside the builders, not at
import: Chalice imports the functions when it packages them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import SecretStr

from bootstrap.settings import Settings
from plaint.vocabulary.errors import PlaintError, PolicyError

if TYPE_CHECKING:
    from bootstrap.secrets import SecretReader
    from connectors.email.webhook import SesInbox
    from connectors.http import ApiAccess
    from plaint.auditlog.checkpoint import CheckpointSigner
    from plaint.model.events import SourceSystem
    from plaint.policy.book import IntakeBook, PolicyBook
    from plaint.policy.composition import Composed
    from plaint.policy.document import Policy
    from plaint.policy.intake import IntakeSections, JiraFieldMapping
    from plaint.surveys.invitation import LinkSigner
    from plaint.usecases.checkpointing import Checkpointer
    from plaint.usecases.handling import ComplaintHandling
    from plaint.usecases.ports import ChangeFeed, CheckpointArchive, Outbox
    from plaint.usecases.surveys import SurveyAnswering
    from plaint.usecases.what_if_jobs import WhatIfJob
    from storage.dynamodb import DynamoStore
    from storage.inbox import DynamoInbox
    from storage.sqs import SqsQueue
    from storage.what_if_jobs import DynamoWhatIfJobs

log = logging.getLogger(__name__)

POLICY_LOOK_EVERY = 60.0  # seconds between looks at the published policy, per process
NO_DEADLINE = 900.0  # seconds an outside call may take when no function deadline applies
# The dead-letter queues of infra/resources.json: deliveries and what-if jobs that failed 5 times.
PARKED_QUEUES = ("plaint-inbox-parked", "plaint-what-if-parked")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Root:
    """Plaint's parts, wired from `settings`. `clock` and `time_left` are read at each use,
    so a function can set its invocation's deadline and a test can move time."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        time_left: Callable[[], float] = lambda: NO_DEADLINE,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.time_left = time_left
        self._clients: dict[str, Any] = {}
        self._looked_at: dict[str, float] = {}  # reader -> when it last looked for a policy

    def client(self, service: str) -> Any:
        """A boto3 client, made once per service, at the stack's endpoint when one is set."""
        if service not in self._clients:
            import boto3

            self._clients[service] = boto3.client(
                service,  # type: ignore[call-overload]
                endpoint_url=self.settings.aws_endpoint_url,
            )
        return self._clients[service]

    # Secrets: a parameter or the local secrets file, read at first use, then the settings.

    @cached_property
    def _secrets(self) -> SecretReader:
        from bootstrap.secrets import SecretReader

        return SecretReader(lambda: self.client("ssm"), local_file=self.settings.secrets_file)

    def secret(self, name: str) -> str | None:
        """The stored secret `name` (a Settings field such as "zendesk_webhook_secrets"),
        from the parameter PLAINT_<NAME>_PARAMETER names or the local secrets file; None
        when neither holds it."""
        parameter = getattr(self.settings, f"{name}_parameter", None)
        return self._secrets.read(parameter, name)

    def webhook_secrets(self, helpdesk: Literal["zendesk", "jira"]) -> list[str]:
        """The secrets a helpdesk's webhook deliveries are verified with (two while
        rotating). Raises SecretUnavailableError when the store cannot be read now."""
        from bootstrap.secrets import secret_list

        name = f"{helpdesk}_webhook_secrets"
        stored = self.secret(name)
        if stored is not None:
            return secret_list(stored, name)
        given: tuple[SecretStr, ...] = getattr(self.settings, name)
        return [s.get_secret_value() for s in given]

    # The compliance metadata: what every entry point needs.

    @cached_property
    def store(self) -> DynamoStore:
        from storage.dynamodb import DynamoStore

        settings = self.settings
        return DynamoStore(
            self.client("dynamodb"), settings.state_table, settings.audit_table, clock=self.clock
        )

    @cached_property
    def inbox(self) -> DynamoInbox:
        """What a webhook asks of DynamoDB (record a delivery, read the active policy),
        without the imports of the whole store; the store itself once this container has
        built it."""
        if "store" in self.__dict__:
            return self.store
        from storage.inbox import DynamoInbox

        return DynamoInbox(self.client("dynamodb"), self.settings.state_table, clock=self.clock)

    @cached_property
    def queue(self) -> SqsQueue:
        from storage.sqs import SqsQueue

        sqs, settings = self.client("sqs"), self.settings
        if settings.queue_url:
            return SqsQueue(sqs, settings.queue_url)
        return SqsQueue.by_name(sqs, settings.queue_name)

    @cached_property
    def parked_queues(self) -> dict[str, SqsQueue]:
        """The dead-letter queues (infra/resources.json), by name, for their depth."""
        from storage.sqs import SqsQueue

        sqs = self.client("sqs")
        return {name: SqsQueue.by_name(sqs, name) for name in PARKED_QUEUES}

    # What-ifs: jobs the portal asks for and the `run_what_if` function runs.

    @cached_property
    def what_if_jobs(self) -> DynamoWhatIfJobs:
        from storage.what_if_jobs import DynamoWhatIfJobs

        return DynamoWhatIfJobs(self.client("dynamodb"), self.settings.state_table)

    @cached_property
    def what_if_queue(self) -> SqsQueue:
        from storage.sqs import SqsQueue

        return SqsQueue.by_name(self.client("sqs"), self.settings.what_if_queue_name)

    def policy_version(self, version: str) -> Policy | None:
        """A policy by its version: the packaged one, or one recorded in the store."""
        from plaint.policy.loading import parse_policy

        if self.settings.policy_path and self.packaged_policy.version == version:
            return self.packaged_policy
        document = self.store.policy_document(version)
        try:
            return None if document is None else parse_policy(document)
        except PolicyError:
            return None

    def run_what_if(self, job_id: str, runner: str) -> WhatIfJob | None:
        from plaint.usecases.what_if_jobs import run_what_if_job

        return run_what_if_job(self.what_if_jobs, self.store, self.policy_version, job_id,
                               runner=runner, clock=self.clock)  # fmt: skip

    # The policy judged by: the packaged one until a valid one is published.

    @cached_property
    def _packaged_composition(self) -> Composed:
        from pathlib import Path

        from plaint.policy.composition import compose_file

        if not self.settings.policy_path:
            raise PolicyError(["PLAINT_POLICY_PATH: no policy file is configured"])
        # A pack that extends a base is judged by its effective policy, bases next to it.
        return compose_file(Path(self.settings.policy_path))

    @cached_property
    def packaged_policy(self) -> Policy:
        """Each problem of an invalid policy names the file and line it came from."""
        from plaint.policy.loading import composed_policy

        return composed_policy(self._packaged_composition)

    @cached_property
    def _policy_book(self) -> PolicyBook:
        from plaint.policy.book import PolicyBook

        return PolicyBook(self.packaged_policy)

    def policy(self) -> Policy:
        """The policy to judge by now: at most once a minute, take a newly published valid
        policy; anything else is refused and the last valid policy stays."""
        book = self._policy_book
        published = self._published_if_due("policy")
        if published is not None:
            book.offer(*published)
        return book.current

    def _published_if_due(self, reader: str) -> tuple[str, str] | None:
        """The active published policy's (version, document), looked up at most once a
        minute for each reader; None between looks, before any publication, or when the
        store cannot say (the reader keeps what it has)."""
        now = time.monotonic()
        if now - self._looked_at.get(reader, float("-inf")) < POLICY_LOOK_EVERY:
            return None
        self._looked_at[reader] = now
        try:
            return self.inbox.active_policy()
        except PlaintError as exc:
            log.warning("published policy unreadable; %s keeps its policy: %s", reader, exc)
            return None

    # What webhooks read payloads with: the policy's intake sections, not the whole policy.

    @cached_property
    def packaged_intake(self) -> IntakeSections:
        from plaint.policy.intake import intake_sections

        return intake_sections(self._packaged_composition.document())

    @cached_property
    def _intake_book(self) -> IntakeBook:
        from plaint.policy.book import IntakeBook

        return IntakeBook(self.packaged_intake)

    def intake(self) -> IntakeSections:
        """The intake sections in force, found as policy() finds the policy. A container
        that has built the whole policy (the worker's) reads them from it."""
        if "_policy_book" in self.__dict__:
            return self.policy().intake
        book = self._intake_book
        published = self._published_if_due("intake")
        if published is not None:
            book.offer(*published)
        return book.current

    def jira_fields(self) -> JiraFieldMapping:
        return self.intake().helpdesk_fields.jira

    # The worker and the scheduler: decisions carried through the ports.

    @cached_property
    def _handling(self) -> ComplaintHandling:
        return self.handling_under(self.policy())

    @property
    def handling(self) -> ComplaintHandling:
        """The use cases, judging by the policy in force."""
        handling = self._handling
        handling.policy = self.policy()
        return handling

    def handling_under(self, policy: Policy) -> ComplaintHandling:
        """The use cases judging by `policy` (an admin's --policy, say), carrying out their
        actions through the same outboxes as the worker."""
        from plaint.usecases.handling import ComplaintHandling

        return ComplaintHandling(
            store=self.store, policy=policy, clock=self.clock, ledger=self.settings.ledger,
            outboxes=self._helpdesk_outboxes(policy) | self._email_outbox(policy),
            survey_links=self.survey_links,
        )  # fmt: skip

    @cached_property
    def survey_links(self) -> LinkSigner | None:
        """What survey links are signed with and point to; None until both are set."""
        from plaint.surveys.invitation import LinkSigner

        secret, base_url = self.settings.survey_link_secret, self.settings.survey_base_url
        if secret is None or not base_url:
            return None
        return LinkSigner(secret.get_secret_value().encode("utf-8"), base_url)

    def survey_answering(self) -> SurveyAnswering | None:
        """The survey answer page's use case, under the policy in force."""
        from plaint.usecases.surveys import SurveyAnswering

        links = self.survey_links
        if links is None:
            return None
        return SurveyAnswering(
            store=self.store, policy=self.policy(), links=links, clock=self.clock,
            ledger=self.settings.ledger,
        )  # fmt: skip

    @cached_property
    def feeds(self) -> tuple[ChangeFeed, ...]:
        """What reconciliation asks each helpdesk."""
        from connectors.jira.feed import JiraChangeFeed
        from connectors.zendesk.feed import ZendeskChangeFeed

        settings = self.settings
        feeds: list[ChangeFeed] = []
        # At each export endpoint's own pace, not the outbox's.
        if zendesk := self._access("zendesk"):
            feeds.append(ZendeskChangeFeed(replace(zendesk, requests_per_minute=None)))
        if jira := self._access("jira"):
            feeds.append(JiraChangeFeed(
                replace(jira, requests_per_minute=None), jql_scope=settings.jira_jql_scope,
                zone=settings.jira_time_zone, mapping=self.jira_fields(),
                read_feedback=self._surveys_with_jira,
            ))  # fmt: skip
        return tuple(feeds)

    def _surveys_with_jira(self) -> bool:
        """Whether the policy in force leaves surveys to Jira's request feedback."""
        from plaint.policy.surveys import SurveyChannel

        rules = self.policy().surveys
        return rules.enabled and rules.channel is SurveyChannel.JIRA

    def _access(self, helpdesk: Literal["zendesk", "jira"]) -> ApiAccess | None:
        """How to reach the helpdesk's API, from the settings; None where it is not set."""
        from connectors.http import ApiAccess

        s = self.settings
        base_url, email, token, rate = {
            "zendesk": (s.zendesk_base_url, s.zendesk_email, s.zendesk_api_token,
                        s.zendesk_requests_per_minute),
            "jira": (s.jira_base_url, s.jira_email, s.jira_api_token, s.jira_requests_per_minute),
        }[helpdesk]  # fmt: skip
        if not base_url:
            return None
        stored = self.secret(f"{helpdesk}_api_token")
        credentials = _credentials(email, token if stored is None else SecretStr(stored))
        return ApiAccess(base_url, credentials, time_left=self.time_left, requests_per_minute=rate)

    def _helpdesk_outboxes(self, policy: Policy) -> dict[SourceSystem, Outbox]:
        from connectors.disputes.client import ProviderOutbox
        from connectors.email.packets import SesPacketMailer
        from connectors.jira.client import JiraClient
        from connectors.zendesk.client import ZendeskClient
        from plaint.model.events import SourceSystem

        settings = self.settings
        # Referral packets go to the providers the policy names (ISO 10003); providers whose
        # method is email get the packet from the complaints sender.
        sender = policy.email.sender
        mailer = SesPacketMailer(self.client("sesv2"), sender) if sender else None
        outboxes: dict[SourceSystem, Outbox] = {
            SourceSystem.PROVIDER: ProviderOutbox(time_left=self.time_left, mailer=mailer)
        }
        if zendesk := self._access("zendesk"):
            outboxes[SourceSystem.ZENDESK] = ZendeskClient(zendesk)
        if jira := self._access("jira"):
            outboxes[SourceSystem.JIRA] = JiraClient(jira, service_desk=settings.jira_service_desk)
        return outboxes

    def _email_outbox(self, policy: Policy) -> dict[SourceSystem, Outbox]:
        """Email complaints are answered by SES, from the policy's sender."""
        from connectors.email.client import SesMailer
        from plaint.model.events import SourceSystem

        email = policy.email
        if not (email.sender and email.mailbox):
            return {}
        if not self.settings.ses_configuration_set:
            log.warning(
                "PLAINT_SES_CONFIGURATION_SET is not set: SES will not report the "
                "acknowledgement emails it accepts, so a retry after a lost outcome may send "
                "a second copy"
            )
        mailer = SesMailer(
            self.client("sesv2"), email.sender, email.mailbox, subjects=email.subjects,
            configuration_set=self.settings.ses_configuration_set, evidence=self.store,
            clock=self.clock,
        )  # fmt: skip
        return {SourceSystem.EMAIL: mailer}

    # Email's webhook.

    @cached_property
    def ses_inbox(self) -> SesInbox:
        from connectors.email.webhook import SesInbox

        settings = self.settings
        if settings.sns_trusted_certificate_urls:
            # Trusting a signer other than Amazon SNS is for the local stack; say so loudly
            # if a deployed function ever finds it set.
            log.warning(
                "trusting SNS signing certificates under %s besides Amazon SNS hosts "
                "(PLAINT_SNS_TRUSTED_CERTIFICATE_URLS: local stack only)",
                ", ".join(settings.sns_trusted_certificate_urls),
            )
        return SesInbox(
            receipt_topics=settings.ses_topic_arns,
            event_topics=settings.ses_event_topic_arns,
            trusted_certificate_urls=settings.sns_trusted_certificate_urls,
            intake=lambda: self.intake().email,
            s3=lambda: self.client("s3"),
            sent_mail=lambda: self.store,
        )

    # The compliance log's checkpoints.

    @cached_property
    def checkpoint_signer(self) -> CheckpointSigner | None:
        from storage.trust import checkpoint_signer

        settings = self.settings
        return checkpoint_signer(settings.checkpoint_kms_key_id, settings.checkpoint_key_file,
                                 settings.aws_endpoint_url)  # fmt: skip

    @cached_property
    def checkpoint_archive(self) -> CheckpointArchive | None:
        from storage.trust import checkpoint_archive

        settings = self.settings
        return checkpoint_archive(settings.checkpoint_bucket, settings.checkpoint_dir,
                                  settings.aws_endpoint_url)  # fmt: skip

    @cached_property
    def checkpointer(self) -> Checkpointer | None:
        """None until a key and an archive are configured."""
        from plaint.usecases.checkpointing import Checkpointer

        signer, archive = self.checkpoint_signer, self.checkpoint_archive
        if signer is None or archive is None:
            return None
        lag = timedelta(seconds=self.settings.checkpoint_lag_seconds)
        return Checkpointer(self.store, archive, signer, clock=self.clock,
                            ledger=self.settings.ledger, lag=lag)  # fmt: skip


def _credentials(email: str | None, token: SecretStr | None) -> tuple[str, str] | str:
    """(email, API token) for basic auth; a token alone is an OAuth bearer token."""
    secret = token.get_secret_value() if token else ""
    return (email, secret) if email else secret

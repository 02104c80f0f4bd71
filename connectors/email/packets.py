"""Referral packets by email (a provider whose method is `email`): one message with the
packet attached as JSON, sent by SES (connectors.disputes.client.MailSender)."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from botocore.exceptions import BotoCoreError, ClientError

from connectors.email.client import SendEmailClient, delivery_error
from plaint.vocabulary.errors import PermanentDeliveryError, TransientDeliveryError


class SesPacketMailer:
    def __init__(self, client: SendEmailClient, sender: str) -> None:
        self._client = client
        self._sender = sender

    def send(self, to: str, subject: str, text: str, attachments_json: Mapping[str, str]) -> None:
        message = EmailMessage()
        try:
            message["From"] = self._sender
            message["To"] = to
            message["Subject"] = subject
        except ValueError as exc:  # CR or LF in a value: refuse rather than inject headers
            raise PermanentDeliveryError(f"bad referral email header: {exc}") from exc
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=self._sender.rpartition("@")[2] or None)
        message.set_content(text, charset="utf-8")
        for name, document in attachments_json.items():
            message.add_attachment(document.encode("utf-8"), maintype="application",
                                   subtype="json", filename=name)  # fmt: skip
        try:
            self._client.send_email(
                FromEmailAddress=self._sender,
                Destination={"ToAddresses": [to]},
                Content={"Raw": {"Data": message.as_bytes(policy=SMTP)}},
            )
        except ClientError as exc:
            raise delivery_error(exc) from exc
        except BotoCoreError as exc:
            raise TransientDeliveryError(f"SES send failed: {exc}") from exc

"""Errors every connector raises at the edge. The edge turns each into an HTTP answer:
a rejected signature into 401, an invalid payload into 400, an unsupported event into 2xx."""

from __future__ import annotations

from typing import Literal, get_args

from plaint.vocabulary.errors import PlaintError

SignatureCheck = Literal[
    "missing_signature",
    "missing_timestamp",
    "malformed_timestamp",
    "timestamp_out_of_window",
    "signature_mismatch",
    "malformed_signature",
    "untrusted_certificate_url",
    "unsupported_signature_version",
    "missing_field",
    "untrusted_topic",
]


class SignatureRejectedError(PlaintError):
    """The delivery cannot be shown to come from the helpdesk. `check` names the failing
    check so the edge can log it without echoing the signature or the body."""

    def __init__(self, check: SignatureCheck, message: str) -> None:
        if check not in get_args(SignatureCheck):
            raise ValueError(f"unknown signature check: {check!r}")
        super().__init__(f"{check}: {message}")
        self.check: SignatureCheck = check


class PayloadInvalidError(PlaintError):
    """The body is broken JSON or has the wrong shape; the message names the field."""


class UnsupportedEventError(PlaintError):
    """A valid event that is not about tickets: acknowledged and ignored, never retried."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"event type {event_type!r} is not handled")
        self.event_type = event_type

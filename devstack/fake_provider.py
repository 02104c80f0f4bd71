"""A fake dispute-resolution provider (an ombudsman, ADR body, mediator or arbitrator) that
takes referral packets over real HTTP, for the local stack and the tests.

It takes what connectors/disputes/client.py sends, the way a provider following the
Standard Webhooks specification would:

  POST /referrals    the packet as a JSON object, signed (webhook-id, webhook-timestamp,
                     webhook-signature) with the fake's secret:
                     201 {"id", "received": true} the first time;
                     200 {"id", "duplicate": true} for a webhook-id it holds already (or
                     the status set with /__fake/duplicates), stored once;
                     401 problem details when the signature, or its timestamp (more than
                     300 s either way), does not verify;
                     415 when the body is not application/json;
                     422 problem details when the body is not a JSON object

Errors are RFC 9457 problem details: {"title", "detail"}.

Operator endpoints (no auth, not recorded):
  GET  /__fake/requests            every request seen (with its webhook-id and timestamp)
  GET  /__fake/referrals           the referrals held, each once: {"id", "timestamp",
                                   "packet", "received_at", "deliveries"}
  POST /__fake/faults              {"status": 500, "count": 2} or {"status": 429,
                                   "retry_after": 1}: the next `count` signed requests fail
                                   that way (before anything is stored)
  PUT  /__fake/duplicates          {"status": 409}: how a repeated webhook-id is answered
  POST /__fake/reset               forget everything

A provider that is down is the fake stopped (stop()): connections are refused.

Run alone: python -m devstack.fake_provider --port 8768 (secret: DEFAULT_SECRET).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import urlsplit

from connectors.disputes import standard_webhooks
from connectors.errors import SignatureRejectedError
from devstack.fake_http import Answer, FakeHttp, FakeHttpState, Fault, parse_json, run_alone

REFERRALS_PATH: Final = "/referrals"
# The local stack's secret; a real provider issues its own.
DEFAULT_SECRET: Final = "whsec_" + base64.b64encode(b"plaint-local-provider-secret-32b").decode()

_RECORDED_HEADERS: Final = (
    "content-type",
    "user-agent",
    standard_webhooks.ID_HEADER,
    standard_webhooks.TIMESTAMP_HEADER,
)


@dataclass
class HeldReferral:
    id: str
    timestamp: int
    packet: Any
    received_at: str
    deliveries: int = 1


@dataclass(frozen=True)
class SignedReferral:
    """A POST /referrals whose signature verified: what `route` is handed as its body."""

    id: str
    timestamp: int
    packet: Any


class FakeState(FakeHttpState):
    """Everything the fake remembers, behind one lock."""

    def __init__(self, secrets: Sequence[str], duplicate_status: int) -> None:
        super().__init__()
        self.secrets = list(secrets)
        self.duplicate_status = duplicate_status
        self.referrals: dict[str, HeldReferral] = {}

    def forget(self) -> None:
        self.referrals.clear()


def _problem(status: int, detail: str) -> Answer:
    return status, {"title": HTTPStatus(status).phrase, "detail": detail}, {}


def _record(method: str, path: str, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    return {
        "method": method,
        "path": path,
        "headers": {name: headers[name] for name in _RECORDED_HEADERS if name in headers},
        "json": parse_json(raw),
        "at": datetime.now(UTC).isoformat(),
    }


def _receive(state: FakeState, referral: SignedReferral) -> Answer:
    """A verified, unfaulted referral. Call with the lock held."""
    held = state.referrals.get(referral.id)
    if held is not None:
        held.deliveries += 1
        return state.duplicate_status, {"id": referral.id, "duplicate": True}, {}
    if not isinstance(referral.packet, dict):
        return _problem(422, "the referral packet must be a JSON object")
    state.referrals[referral.id] = HeldReferral(
        id=referral.id,
        timestamp=referral.timestamp,
        packet=referral.packet,
        received_at=datetime.now(UTC).isoformat(),
    )
    return 201, {"id": referral.id, "received": True}, {}


def _set_duplicates(state: FakeState, body: Any) -> Answer:
    try:
        status = int(body["status"])
        HTTPStatus(status)
    except (TypeError, KeyError, ValueError):
        return _problem(400, 'expected {"status": 409}')
    state.duplicate_status = status
    return 200, {"duplicate_status": status}, {}


class FakeProvider(FakeHttp[FakeState]):
    """The fake, on its own thread. Use as a context manager or start()/stop().

    `secret` is the Standard Webhooks secret ("whsec_..."), or several while one is rotated.
    `clock` is what the signature's timestamp is checked against.
    """

    thread_name = "fake-provider"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        secret: str | Sequence[str] = DEFAULT_SECRET,
        *,
        duplicate_status: int = 200,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        secrets = [secret] if isinstance(secret, str) else list(secret)
        super().__init__(host, port, FakeState(secrets, duplicate_status))
        self._clock = clock

    @property
    def referrals_url(self) -> str:
        return self.url + REFERRALS_PATH

    def api(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        """The signature is checked on the raw bytes before anything else, as a provider
        must; only then do injected faults and the referral endpoint answer."""
        lowered = {k.lower(): v for k, v in headers.items()}
        state = self.state
        with state.lock:
            state.requests.append(_record(method, target, lowered, raw))
            if urlsplit(target).path != REFERRALS_PATH:
                return _problem(404, f"no such endpoint: {target}")
            if method != "POST":
                return _problem(405, "referrals are POSTed")
            if not lowered.get("content-type", "").startswith("application/json"):
                return _problem(415, "the packet must be sent as application/json")
            try:
                msg_id = standard_webhooks.verify(lowered, raw, state.secrets, self._clock())
            except SignatureRejectedError as exc:
                return _problem(401, f"invalid signature ({exc.check})")
            fault = state.next_fault()
            if fault is not None:
                return self.fault_answer(fault)
            timestamp = int(lowered[standard_webhooks.TIMESTAMP_HEADER])
            return self.route(method, target, SignedReferral(msg_id, timestamp, parse_json(raw)))

    def route(self, method: str, target: str, body: Any) -> Answer:
        if not isinstance(body, SignedReferral):
            return _problem(400, "not a signed referral")
        return _receive(self.state, body)

    def operate(self, method: str, path: str, raw: bytes) -> Answer:
        if (method, path) == ("GET", "/__fake/referrals"):
            return 200, {"referrals": [asdict(r) for r in self.state.referrals.values()]}, {}
        if (method, path) == ("PUT", "/__fake/duplicates"):
            return _set_duplicates(self.state, parse_json(raw))
        return _problem(404, f"no such operator endpoint: {path}")

    def unauthorized(self) -> Answer:
        return _problem(401, "invalid signature")

    def fault_answer(self, fault: Fault) -> Answer:
        detail = "rate limit exceeded" if fault.status == 429 else "injected fault"
        status, body, _ = _problem(fault.status, detail)
        return status, body, fault.retry_headers()

    def fault_rejected(self) -> Answer:
        return _problem(400, 'expected {"status": 500, "retry_after": 1, "count": 2}')

    def encode(self, body: Any) -> tuple[bytes, str | None]:
        if body is None:
            return b"", None
        return json.dumps(body, ensure_ascii=False).encode(), "application/json"


def main(argv: list[str] | None = None) -> None:
    run_alone("provider", 8768, FakeProvider, argv)


if __name__ == "__main__":
    main()

"""Fetching an SNS signing certificate and confirming a subscription, over real HTTP from a
local server: what is read, what is refused, and that a redirect is never followed."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.email import webhook
from connectors.email.signature import MAX_CERTIFICATE_BYTES
from connectors.errors import PayloadInvalidError, SignatureRejectedError

PEM = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/good.pem": (200, {}, PEM),
    "/missing.pem": (404, {}, b"not here"),
    "/moved.pem": (302, {"Location": "/good.pem"}, b""),
    "/huge.pem": (200, {}, b"A" * (MAX_CERTIFICATE_BYTES + 10)),
    "/confirm": (200, {}, b"<ConfirmSubscriptionResponse/>"),
    "/broken": (500, {}, b"oops"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, headers, body = ANSWERS[self.path.split("?")[0]]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    webhook.fetch_certificate.cache_clear()


def test_certificate_under_a_trusted_prefix_is_read(base: str) -> None:
    assert webhook.fetch_certificate(base + "good.pem", (base,)) == PEM


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("missing.pem", "signing certificate unavailable: HTTP 404"),
        ("moved.pem", "signing certificate unavailable: HTTP 302"),
        ("huge.pem", "signing certificate is too large"),
    ],
)
def test_unreadable_certificates_are_refused(base: str, path: str, reason: str) -> None:
    with pytest.raises(SignatureRejectedError) as refused:
        webhook.fetch_certificate(base + path, (base,))
    assert reason in str(refused.value)


def test_unreachable_host_is_refused_by_name_of_the_failure() -> None:
    prefix = "http://127.0.0.1:9/"  # discard port: nothing listens
    with pytest.raises(SignatureRejectedError) as refused:
        webhook.fetch_certificate(prefix + "any.pem", (prefix,))
    assert "signing certificate unavailable: NewConnectionError" in str(refused.value)


def test_subscription_is_confirmed_and_a_failure_is_named(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The URL check (SNS hosts only) is tested with the signature; here only the visit.
    monkeypatch.setattr(webhook, "check_sns_url", lambda url, field: None)
    webhook.confirm_subscription({"SubscribeURL": base + "confirm?Token=secret"})
    with pytest.raises(PayloadInvalidError) as refused:
        webhook.confirm_subscription({"SubscribeURL": base + "broken?Token=secret"})
    assert str(refused.value).endswith("SubscribeURL did not confirm: HTTP 500")
    assert "secret" not in str(refused.value)

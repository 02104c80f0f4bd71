"""What every answer carries and every form must prove: security headers, the session's
CSRF token, and sessions that end after a while idle and after a working day at most."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, Request, Response, session

from portal.errors import SignInRequiredError, StaleFormError
from portal.i18n import DEFAULT_LANGUAGE
from portal.roles import Role, Viewer
from portal.settings import PortalSettings

CSRF_FIELD = "csrf_token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def content_security_policy() -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def add_headers(answer: Response, settings: PortalSettings) -> Response:
    headers = answer.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers.setdefault("Cache-Control", "no-store")
    if settings.portal_secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return answer


def configure_sessions(app: Flask, settings: PortalSettings) -> None:
    app.secret_key = settings.portal_secret_key or secrets.token_urlsafe(48)
    app.config.update(
        SESSION_COOKIE_NAME="plaint_portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.portal_secure_cookies,
    )


def start_session(viewer: Viewer, now: datetime) -> None:
    session.clear()
    stamp = int(now.timestamp())
    session.update(
        name=viewer.name,
        role=viewer.role.value,
        lang=viewer.language,
        tz=viewer.time_zone,
        iat=stamp,
        seen=stamp,
        csrf=secrets.token_urlsafe(32),
    )


def current_viewer(settings: PortalSettings, now: datetime) -> Viewer:
    """The signed-in viewer, the session's idle time reset; SignInRequiredError when there
    is none or it has expired (and then it is gone)."""
    if "name" not in session:
        raise SignInRequiredError("sign in to continue")
    stamp = int(now.timestamp())
    idle = stamp - int(session.get("seen", 0))
    age = stamp - int(session.get("iat", 0))
    if (
        idle > settings.portal_session_idle_minutes * 60
        or age > settings.portal_session_max_hours * 3600
    ):
        session.clear()
        raise SignInRequiredError("your session has expired")
    try:
        role = Role(session["role"])
    except ValueError as exc:
        session.clear()
        raise SignInRequiredError("sign in again") from exc
    session["seen"] = stamp
    return Viewer(
        name=str(session["name"]),
        role=role,
        language=str(session.get("lang", DEFAULT_LANGUAGE)),
        time_zone=str(session.get("tz", "UTC")),
    )


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_form(request: Request) -> None:
    """A state-changing request must come from this origin and carry the session's token."""
    if request.method in _SAFE:
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and _host(origin) != _host(request.host_url):
        raise StaleFormError("a form sent from {origin}", origin=origin)
    sent = request.form.get(CSRF_FIELD, "") or request.headers.get("X-CSRF-Token", "")
    known = session.get("csrf", "")
    # As bytes: compare_digest refuses a str with non-ASCII characters (a forged token).
    if not (sent and known and hmac.compare_digest(str(sent).encode(), str(known).encode())):
        raise StaleFormError("the form's token is missing or not this session's")


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


Clock = Callable[[], datetime]

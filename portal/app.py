"""The auditor/admin portal: server-rendered pages over the compliance log, the complaints,
the reports and the policies, and the read-only audit API under /api/audit.

Every page needs a signed-in viewer (the local stack's tokens, or Amazon Cognito in the
cloud); admin pages need an admin. Every form carries the session's CSRF token; every
answer carries the security headers. No page writes to the audit log: publishing a policy
goes through the publication use case, which is the only writer here.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from bootstrap.root import Root
from portal import i18n, logs
from portal.auth import authenticate_api, authenticate_page
from portal.errors import PortalError, SignInRequiredError
from portal.security import add_headers, check_form, configure_sessions, csrf_token
from portal.settings import PortalSettings
from portal.sources import AuditSources, PortalSources
from portal.views import api, complaints, log_pages, policies, reports, signin
from portal.whatif import QueueOnFirstUse

__all__ = ["AuditSources", "PortalSources", "build", "create_app"]

MAX_BODY = 1024 * 1024  # a policy document is tens of kilobytes
OPEN = frozenset(
    {"static", "signin.sign_in", "signin.sign_in_with_token", "signin.callback", "health"}
)
log = logging.getLogger("plaint.portal")


def create_app(settings: PortalSettings, sources: PortalSources) -> Flask:
    app = Flask("portal", root_path=__file__.rsplit("/", 1)[0])
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, DEBUG=False, PROPAGATE_EXCEPTIONS=False)
    configure_sessions(app, settings)
    app.extensions["plaint"] = (settings, sources)
    for blueprint in (
        signin.blueprint,
        api.blueprint,
        complaints.blueprint,
        log_pages.blueprint,
        reports.blueprint,
        policies.blueprint,
    ):
        app.register_blueprint(blueprint)

    @app.before_request
    def _gate() -> Any:
        g.now = sources.clock()
        g.viewer = None
        if request.routing_exception is not None:
            return None  # a 404 or 405 page: nothing is read or done
        endpoint = request.endpoint or ""
        if endpoint.startswith("api."):
            g.viewer = authenticate_api(settings, request, g.now)
            return None
        if endpoint in OPEN:
            check_form(request)
            return None
        g.viewer = authenticate_page(settings, request, g.now)
        check_form(request)
        return None

    @app.get("/healthz")
    def health() -> Any:
        return {"status": "ok"}

    @app.get("/")
    def home() -> Any:
        return redirect(url_for("complaints.search"))

    @app.context_processor
    def _page_helpers() -> dict[str, Any]:
        viewer = g.get("viewer")
        language = viewer.language if viewer else _language()
        time_zone = viewer.time_zone if viewer else settings.portal_time_zone
        return {
            "t": i18n.words(language),
            "lang": language,
            "dir": i18n.direction(language),
            "languages": i18n.LANGUAGES,
            "viewer": viewer,
            "csrf_token": csrf_token,
            "shown": lambda instant: i18n.shown(instant, time_zone),
            "utc": i18n.utc,
            "time_zone": time_zone,
            "with_args": _with_args,
        }

    @app.after_request
    def _headers(answer: Response) -> Response:
        return add_headers(answer, settings)

    @app.after_request
    def _log(response: Response) -> Response:
        viewer = g.get("viewer")
        rule = request.url_rule.rule if request.url_rule else None
        role = str(viewer.role) if viewer else None
        logs.answered(request.method, rule, request.view_args, response.status_code, role)
        return response

    @app.errorhandler(PortalError)
    def _portal_error(error: PortalError) -> Any:
        if isinstance(error, SignInRequiredError) and not _wants_json():
            return redirect(url_for("signin.sign_in", expired=1, next=request.full_path))
        shown = i18n.detail(_viewer_language(), error.template, error.values)
        return _error_page(error.status, error.words, error.detail, shown)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        status = error.code or 500
        words = {404: "not_found", 405: "error_title", 413: "too_large"}.get(status, "error_title")
        return _error_page(status, words, (error.description or "") if status != 404 else "")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error_page(500, "server_error", "")

    return app


def _with_args(**changes: str | None) -> str:
    merged = dict(request.args.items()) | {k: v for k, v in changes.items() if v is not None}
    return "?" + urlencode(merged)


def _language() -> str:
    return i18n.negotiate(request.headers.get("Accept-Language", ""))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _viewer_language() -> str:
    viewer = g.get("viewer")
    return viewer.language if viewer else _language()


def _error_page(status: int, words: str, detail: str, shown: str | None = None) -> Any:
    """`detail` in English (the API's message); `shown` in the viewer's language."""
    if _wants_json():
        kind = {
            400: "bad_request",
            401: "unauthorised",
            403: "forbidden",
            404: "not_found",
            413: "too_large",
        }.get(status, "error")
        headers = {"WWW-Authenticate": 'Bearer realm="plaint-audit"'} if status == 401 else {}
        return {"error": kind, "message": detail or words}, status, headers
    page = render_template("error.html", words=words, detail=shown or detail, status=status)
    return page, status


def build(settings: PortalSettings | None = None) -> Flask:
    """The portal wired to DynamoDB, the checkpoint archive and key, from the environment."""
    settings = settings or PortalSettings()
    root = Root(settings)
    sources = PortalSources(
        log=root.store,
        archive=root.checkpoint_archive,
        signer=root.checkpoint_signer,
        ledger=settings.ledger,
        clock=root.clock,
        packaged=root.packaged_policy if settings.policy_path else None,
        what_if_jobs=root.what_if_jobs,
        what_if_queue=QueueOnFirstUse(lambda: root.what_if_queue),
    )
    return create_app(settings, sources)

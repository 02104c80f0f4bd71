"""Signing in and out, and the viewer's language and time zone."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from portal import cognito, i18n
from portal.auth import token_role, verifier
from portal.errors import BadInputError, SignInFailedError
from portal.roles import Viewer
from portal.security import start_session
from portal.settings import AuditorAuth
from portal.views import safe_next, settings, viewer

blueprint = Blueprint("signin", __name__)
NAME_LIMIT = 80


@blueprint.get("/sign-in")
def sign_in() -> Any:
    if settings().auditor_auth is AuditorAuth.COGNITO:
        config = cognito.CognitoConfig.of(settings())
        asked = cognito.authorisation(config, url_for("signin.callback", _external=True))
        session["cognito"] = {
            "state": asked.state,
            "nonce": asked.nonce,
            "verifier": asked.verifier,
            "next": safe_next(request.args.get("next")),
        }
        return redirect(asked.url)
    return render_template(
        "sign_in.html",
        expired=bool(request.args.get("expired")),
        next=safe_next(request.args.get("next")),
    )


@blueprint.post("/sign-in")
def sign_in_with_token() -> Any:
    if settings().auditor_auth is not AuditorAuth.TOKEN:
        raise BadInputError("this portal signs in through Amazon Cognito")
    name = _name(request.form.get("name", ""))
    role = token_role(request.form.get("token", ""), settings())
    if role is None:
        raise SignInFailedError("no role for that token")
    start_session(Viewer(name, role, _language(), _time_zone()), g.now)
    return redirect(safe_next(request.form.get("next")))


@blueprint.get("/auth/callback")
def callback() -> Any:
    pending = session.pop("cognito", None)
    if not pending or request.args.get("state") != pending.get("state"):
        raise SignInFailedError("this sign-in was not started here, or has been used")
    config = cognito.CognitoConfig.of(settings())
    redirect_uri = url_for("signin.callback", _external=True)
    try:
        token = cognito.exchange_code(
            config, request.args.get("code", ""), redirect_uri, pending["verifier"]
        )
        claims = verifier(settings()).verify(token, nonce=pending["nonce"])
    except cognito.IdTokenError as exc:
        raise SignInFailedError(str(exc)) from exc
    role = config.role_of(claims.groups)
    if role is None:
        raise SignInFailedError("your account is in neither the auditors' nor the admins' group")
    start_session(Viewer(claims.name, role, _language(), _time_zone()), g.now)
    return redirect(pending.get("next") or "/")


@blueprint.post("/sign-out")
def sign_out() -> Any:
    session.clear()
    return redirect(url_for("signin.sign_in"))


@blueprint.post("/preferences")
def preferences() -> Any:
    language = request.form.get("lang", viewer().language)
    zone = request.form.get("tz", viewer().time_zone)
    if language not in i18n.LANGUAGES or not i18n.is_zone(zone):
        raise BadInputError("choose one of the languages and time zones offered")
    session["lang"], session["tz"] = language, zone
    return redirect(safe_next(request.form.get("back")))


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > NAME_LIMIT:
        raise BadInputError("give your name, at most {limit} characters", limit=NAME_LIMIT)
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise BadInputError("a name has no control characters")
    return name


def _language() -> str:
    chosen = request.form.get("lang") or session.get("lang")
    if chosen in i18n.LANGUAGES:
        return str(chosen)
    return i18n.negotiate(request.headers.get("Accept-Language", ""))


def _time_zone() -> str:
    chosen = request.form.get("tz", "")
    return chosen if i18n.is_zone(chosen) else settings().portal_time_zone

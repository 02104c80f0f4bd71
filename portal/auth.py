"""Who the caller is, and whether their role opens what they ask for.

Pages: the session made at sign-in (portal.views.signin), or, behind API Gateway's IAM
check, an auditor. The audit API: a bearer credential (a local token, or a Cognito ID
token in the cloud), or the page session. Admin pages need an admin.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import Request, current_app

from portal.cognito import CognitoConfig, IdTokenError, IdTokenVerifier
from portal.errors import ForbiddenError, SignInRequiredError
from portal.i18n import DEFAULT_LANGUAGE
from portal.roles import Role, Viewer
from portal.security import current_viewer
from portal.settings import AuditorAuth, PortalSettings

ADMIN_AREA = "policies."


def token_role(token: str, settings: PortalSettings) -> Role | None:
    """The role a local token grants. Compared with every hash, so the time taken says
    nothing about which one matched."""
    presented = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
    admin = [hmac.compare_digest(presented, known) for known in settings.admin_token_hashes]
    auditor = [hmac.compare_digest(presented, known) for known in settings.auditor_token_hashes]
    if any(admin):
        return Role.ADMIN
    if any(auditor):
        return Role.AUDITOR
    return None


def verifier(settings: PortalSettings) -> IdTokenVerifier:
    found = current_app.extensions.get("plaint.cognito")
    if found is None:
        found = current_app.extensions["plaint.cognito"] = IdTokenVerifier(
            CognitoConfig.of(settings)
        )
    assert isinstance(found, IdTokenVerifier)
    return found


def authenticate_api(settings: PortalSettings, request: Request, now: datetime) -> Viewer:
    if settings.auditor_auth is AuditorAuth.IAM:
        return _iam_caller(settings)
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        viewer = _bearer(credential.strip(), settings)
        if viewer is not None:
            return viewer
        raise SignInRequiredError("an auditor's bearer token is required")
    return current_viewer(settings, now)


def _bearer(credential: str, settings: PortalSettings) -> Viewer | None:
    if settings.auditor_auth is AuditorAuth.COGNITO:
        config = CognitoConfig.of(settings)
        try:
            claims = verifier(settings).verify(credential)
        except IdTokenError:
            return None
        role = config.role_of(claims.groups)
        return None if role is None else _viewer(claims.name, role, settings)
    role = token_role(credential, settings)
    return None if role is None else _viewer("bearer token", role, settings)


def authenticate_page(settings: PortalSettings, request: Request, now: datetime) -> Viewer:
    if settings.auditor_auth is AuditorAuth.IAM:
        viewer = _iam_caller(settings)
    else:
        viewer = current_viewer(settings, now)
    if (request.endpoint or "").startswith(ADMIN_AREA) and not viewer.is_admin:
        raise ForbiddenError("admin pages are for admins")
    return viewer


def _iam_caller(settings: PortalSettings) -> Viewer:
    # API Gateway has checked the caller's IAM signature; IAM callers read, nothing more.
    return _viewer("IAM caller", Role.AUDITOR, settings)


def _viewer(name: str, role: Role, settings: PortalSettings) -> Viewer:
    return Viewer(
        name=name, role=role, language=DEFAULT_LANGUAGE, time_zone=settings.portal_time_zone
    )

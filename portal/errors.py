"""The portal's typed errors; `portal.app` turns each into a page (or JSON under /api)."""

from __future__ import annotations

from plaint.vocabulary.errors import PlaintError


class PortalError(PlaintError):
    """An answer other than the page asked for. `words` names the explanation's key."""

    status = 400
    words = "error_title"

    def __init__(self, detail: str = "", /, **values: object) -> None:
        """`detail` is English; with `values` a template of them (`"{name}: yes, no or
        any"`), which the page shows in the viewer's language (portal.i18n.detail)."""
        self.template = detail
        self.values = values
        self.detail = detail.format(**values) if values else detail
        super().__init__(self.detail)


class BadInputError(PortalError):
    """A form or query the portal cannot use as given."""


class StaleFormError(PortalError):
    """A form without the session's CSRF token, or from another origin."""

    words = "stale_form"


class NotFoundError(PortalError):
    status = 404
    words = "not_found"


class ForbiddenError(PortalError):
    status = 403
    words = "forbidden"


class SignInRequiredError(PortalError):
    """No session, or one that has expired: the page sends the viewer to sign in."""

    status = 401
    words = "session_expired"


class SignInFailedError(PortalError):
    status = 401
    words = "sign_in_failed"

"""The portal's pages, one blueprint per area; each handler parses, asks, and renders."""

from __future__ import annotations

from flask import current_app, g

from portal.roles import Viewer
from portal.settings import PortalSettings
from portal.sources import PortalSources


def settings() -> PortalSettings:
    found: PortalSettings = current_app.extensions["plaint"][0]
    return found


def sources() -> PortalSources:
    found: PortalSources = current_app.extensions["plaint"][1]
    return found


def viewer() -> Viewer:
    found: Viewer = g.viewer
    return found


def safe_next(target: str | None, default: str = "/") -> str:
    """A path on this site to go on to after a form, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target

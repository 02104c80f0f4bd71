"""The WSGI entry Zappa deploys (`app_function: portal.wsgi.app`)."""

from __future__ import annotations

from portal.app import build

app = build()

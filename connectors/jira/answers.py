"""Jira's error answers in Jira's own words, as Plaint's delivery errors."""

from __future__ import annotations

import requests

from connectors.http import raise_for_status as raise_for_http_status


def raise_for_status(response: requests.Response) -> None:
    raise_for_http_status(response, "Jira", jira_message)


def jira_message(response: requests.Response) -> str:
    """Jira's own words: {"errorMessages": [...], "errors": {field: message}} on the
    platform API, {"errorMessage": ...} on the JSM API, else the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason or ""
    if not isinstance(body, dict):
        return str(body)[:300]
    parts = [str(message) for message in body.get("errorMessages") or []]
    if body.get("errorMessage"):
        parts.append(str(body["errorMessage"]))
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts.extend(f"{field}: {message}" for field, message in errors.items())
    return " - ".join(parts)[:500]

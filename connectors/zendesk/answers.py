"""Zendesk's error answers in Zendesk's own words, as Plaint's delivery errors."""

from __future__ import annotations

import json

import requests

from connectors.http import raise_for_status as raise_for_http_status


def raise_for_status(response: requests.Response) -> None:
    raise_for_http_status(response, "Zendesk", zendesk_message)


def zendesk_message(response: requests.Response) -> str:
    """Zendesk's own words: {"error": ..., "description": ..., "details": ...}, or the text
    of a text/plain error (https://developer.zendesk.com/api-reference/introduction/requests/)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason or ""
    if not isinstance(body, dict):
        return json.dumps(body)[:300]
    error = body.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("title")
    parts = [str(part) for part in (error, body.get("description")) if part]
    if body.get("details"):
        parts.append(json.dumps(body["details"], ensure_ascii=False))
    return " - ".join(parts)[:500]

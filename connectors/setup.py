"""What the helpdesks' set-up (`plaint connect`, connectors/<vendor>/setup.py) shares: the
steps it reports, and an admin API caller that reads freely and, on a dry run, changes
nothing.

Each step is found first (by name, title or URL), then created, updated or kept as it is,
so running the set-up twice changes nothing the second time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import requests
from requests.auth import AuthBase

from connectors.http import CONNECT_TIMEOUT, READ_TIMEOUT
from plaint.vocabulary.errors import PlaintError

Verb = Literal["create", "update", "keep", "note"]
MAX_PAGES: Final = 50
SECRET_BYTES: Final = 32
NEW_ID: Final = "(new)"  # what a dry run calls the id of something it would create


class SetupError(PlaintError):
    """The helpdesk refused a set-up call; the message names the call and its answer."""


@dataclass(frozen=True)
class Step:
    """One thing the set-up did (or, on a dry run, would do)."""

    verb: Verb
    subject: str
    detail: str = ""

    def line(self, dry_run: bool) -> str:
        verb = {"create": "would create", "update": "would update"}.get(self.verb, self.verb)
        shown = verb if dry_run else self.verb
        return f"{shown:<12} {self.subject}" + (f": {self.detail}" if self.detail else "")


@dataclass
class Outcome:
    """The steps, and the secrets to store (Settings field name -> value)."""

    steps: list[Step] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)

    def add(self, verb: Verb, subject: str, detail: str = "") -> None:
        self.steps.append(Step(verb, subject, detail))

    @property
    def changes(self) -> int:
        return sum(step.verb in ("create", "update") for step in self.steps)


def fresh_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


class AdminApi:
    """JSON calls on a helpdesk's admin API. With `dry_run`, a call that would change
    something is not sent: `change` answers None."""

    def __init__(
        self,
        base_url: str,
        auth: AuthBase,
        words: Callable[[requests.Response], str],
        *,
        dry_run: bool = False,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.dry_run = dry_run
        self._auth = auth
        self._words = words
        self._session = session or requests.Session()

    def get(self, path: str) -> Any:
        return self._call("GET", self._url(path))

    def pages(self, path: str, key: str) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list under `key`, following `links.next` (cursor
        pagination) or `next_page` (offset pagination)."""
        url: str | None = self._url(path)
        for _ in range(MAX_PAGES):
            if url is None:
                return
            page = self._call("GET", url)
            yield from page.get(key) or []
            links = page.get("links") or {}
            has_more = (page.get("meta") or {}).get("has_more", True)
            url = (links.get("next") if has_more else None) or page.get("next_page")

    def change(self, method: str, path: str, body: Any = None) -> Any:
        if self.dry_run:
            return None
        return self._call(method, self._url(path), body)

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def _call(self, method: str, url: str, body: Any = None) -> Any:
        try:
            response = self._session.request(
                method, url, json=body, auth=self._auth,
                headers={"Accept": "application/json"},
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )  # fmt: skip
        except requests.RequestException as exc:
            raise SetupError(f"{method} {url} failed: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise SetupError(
                f"{method} {response.request.path_url} answered {response.status_code}: "
                f"{self._words(response)}"
            )
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise SetupError(f"{method} {url}: the answer is not JSON") from exc

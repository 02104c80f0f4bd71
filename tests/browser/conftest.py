"""Debian's Chromium, driven by Playwright, against the portal of a local stack started as a
user starts it. `make test` installs chromium when it is missing and it runs as root; where
it cannot, these tests are skipped with the reason.

Screenshots of the key pages are kept in build/screenshots/ for a person to look at."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack.launcher import StackProcess, wait_until
from devstack.send_webhook import sample_event, signed_headers

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
# Playwright adds --headless and a fresh, empty profile (--user-data-dir) itself.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TICKETS = (6101, 6102, 6103)
UK_PACK = ROOT / "policies" / "uk-fca-disp.json"


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("PLAINT_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: `make test` installs Debian's chromium when run as root")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


def send_complaint(stack: StackProcess, ticket: int) -> None:
    body = json.dumps(sample_event(ticket_id=ticket), ensure_ascii=False).encode()
    answer = requests.post(
        stack.webhook_url, data=body, headers=signed_headers(body, stack.secret), timeout=10
    )
    assert answer.status_code == 202, answer.text


def judged(stack: StackProcess, count: int) -> bool:
    """Whether `count` complaints are in the log. The launcher waits for the webhook API
    only: the portal may still be starting (loading the policy, its holiday tables)."""
    try:
        return len(audit_entries(stack, kind="complaint.received")) == count
    except requests.ConnectionError:
        return False


def audit_entries(stack: StackProcess, **params: Any) -> list[dict[str, Any]]:
    answer = requests.get(
        f"{stack.portal_url}/api/audit/entries",
        params=params,
        timeout=10,
        headers={"Authorization": f"Bearer {stack.auditor_token}"},
    )
    answer.raise_for_status()
    return list(answer.json()["entries"])


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[StackProcess]:
    """The local stack with three complaints judged and the log checkpointed often."""
    local = StackProcess(
        tmp_path_factory.mktemp("stack"),
        sweep_seconds=0.25,
        # The UK pack as the packaged policy: judged by from the first complaint on.
        environment={"PLAINT_CHECKPOINT_LAG_SECONDS": "1", "PLAINT_POLICY_PATH": str(UK_PACK)},
    )
    local.start()
    try:
        for ticket in TICKETS:
            send_complaint(local, ticket)
        wait_until(lambda: judged(local, len(TICKETS)), "the complaints to be judged", 60)
        yield local
    finally:
        local.stop()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def signed_in(
    browser: Any, stack: StackProcess, name: str, *, admin: bool = False, lang: str = "en"
) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="Asia/Baku", locale=lang
    )
    page = context.new_page()
    page.goto(f"{stack.portal_url}/sign-in")
    page.fill("input[name=name]", name)
    page.fill("input[name=token]", stack.admin_token if admin else stack.auditor_token)
    page.select_option("select[name=lang]", lang)
    page.click("form.stack button")
    page.wait_for_url("**/complaints**")
    return page

"""Sign-in, roles, CSRF, headers, expiring sessions and bad input: each refused with a clear
page, and nothing changed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.factories import DEFAULT_POLICY
from tests.functional.portal.conftest import ADMIN_TOKEN, csrf_of, sign_in


def test_pages_need_a_session_and_send_the_viewer_to_sign_in(client: FlaskClient) -> None:
    answer = client.get("/complaints")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_a_wrong_token_signs_no_one_in(client: FlaskClient) -> None:
    answer = sign_in(client, token="not-a-token")
    assert answer.status_code == 401
    assert "do not sign anyone in" in answer.get_data(as_text=True)
    assert client.get("/complaints").status_code == 302


def test_every_answer_carries_the_security_headers(client: FlaskClient) -> None:
    for path in ("/sign-in", "/complaints", "/nowhere", "/api/audit/entries"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_auditor_cannot_reach_admin_pages(client: FlaskClient) -> None:
    sign_in(client)
    for path in ("/admin/policies", "/admin/drafts"):
        answer = client.get(path)
        assert answer.status_code == 403
        assert "Your role cannot open this page." in answer.get_data(as_text=True)
    csrf = csrf_of(client.get("/complaints").get_data(as_text=True))
    posted = client.post("/admin/drafts/propose", data={"text": "{}", "csrf_token": csrf})
    assert posted.status_code == 403


def test_a_form_without_its_token_or_from_elsewhere_changes_nothing(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    sign_in(client, name="Leyla Admin", token=ADMIN_TOKEN)
    text = DEFAULT_POLICY.read_text("utf-8")
    forged = client.post("/admin/drafts/propose", data={"text": text, "csrf_token": "forged"})
    assert forged.status_code == 400
    assert "altered or has expired" in forged.get_data(as_text=True)
    csrf = csrf_of(client.get("/admin/drafts").get_data(as_text=True))
    elsewhere = client.post(
        "/admin/drafts/propose",
        data={"text": text, "csrf_token": csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 400
    assert world["store"].get_cursor("policy-proposals") is None


def test_a_form_token_that_is_not_ascii_is_refused_like_any_wrong_one(
    client: FlaskClient,
) -> None:
    # hmac.compare_digest raises TypeError on non-ASCII str: it was a 500.
    sign_in(client, name="Leyla Admin", token=ADMIN_TOKEN)
    for forged in ("şikayət", "\u202e", "ü" * 64):
        answer = client.post("/preferences", data={"lang": "az", "csrf_token": forged})
        assert answer.status_code == 400
        assert "altered or has expired" in answer.get_data(as_text=True)


def test_a_session_expires_when_idle(client: FlaskClient, clock: list[Any]) -> None:
    sign_in(client)
    assert client.get("/complaints").status_code == 200
    clock[0] += timedelta(minutes=31)
    answer = client.get("/complaints")
    assert answer.status_code == 302 and "expired=1" in answer.headers["Location"]
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Your session has expired" in page


def test_a_session_ends_after_a_working_day_however_busy(
    client: FlaskClient, clock: list[Any]
) -> None:
    sign_in(client)
    for _ in range(17):
        clock[0] += timedelta(minutes=29)
        client.get("/complaints")
    assert client.get("/complaints").status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/complaints/zendesk:999999",
        "/complaints/..%2F..%2Fetc%2Fpasswd",
        "/complaints/zendesk:1'%20OR%20'1'='1",
        "/complaints/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/complaints/zendesk:1%00",
        "/admin/policies/..%2F..%2Fsecret",
        "/api/audit/checkpoints/..%2F1",
    ],
)
def test_unknown_or_hostile_paths_get_a_plain_not_found(client: FlaskClient, path: str) -> None:
    sign_in(client, name="Leyla Admin", token=ADMIN_TOKEN)
    answer = client.get(path)
    assert answer.status_code == 404
    text = answer.get_data(as_text=True)
    assert "<script>alert" not in text and "Traceback" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2020-01-01", "to": "2026-01-01"}, "would read the whole index"),
        ({"from": "yesterday"}, "a date as YYYY-MM-DD"),
        ({"channel": "carrier-pigeon"}, "not one of the choices"),
        ({"category": "x' OR 1=1 --"}, "letters, digits"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_searches_the_portal_will_not_run_say_why(
    client: FlaskClient, query: dict[str, str], message: str
) -> None:
    sign_in(client)
    answer = client.get("/complaints", query_string=query)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)


def test_a_failure_shows_no_traceback(
    client: FlaskClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client)

    def broken(*_: Any) -> None:
        raise RuntimeError("secret internals /srv/plaint/store.py line 42")

    monkeypatch.setattr(world["store"], "get_complaint", broken)
    answer = client.get("/complaints/zendesk:5101")
    assert answer.status_code == 500
    text = answer.get_data(as_text=True)
    assert "Traceback" not in text and "secret internals" not in text
    assert "The portal could not answer" in text


def test_language_and_direction_follow_the_viewer(client: FlaskClient) -> None:
    sign_in(client, lang="ar")
    text = client.get("/complaints").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in text and "الشكاوى" in text
    csrf = csrf_of(text)
    client.post(
        "/preferences",
        data={"lang": "fa", "tz": "Asia/Tehran", "csrf_token": csrf, "back": "/complaints"},
    )
    persian = client.get("/complaints").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in persian and "+0330" in persian.replace(
        " +03:30", " +0330"
    )
    refused = client.post(
        "/preferences", data={"lang": "xx", "tz": "Mars/Olympus", "csrf_token": csrf}
    )
    assert refused.status_code == 400


def test_the_api_still_answers_bearer_tokens_with_json(client: FlaskClient) -> None:
    answer = client.get("/api/audit/entries", headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401 and answer.get_json()["error"] == "unauthorised"
    ok = client.get(
        "/api/audit/entries",
        query_string={"kind": "complaint.received"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert ok.status_code == 200 and json.loads(ok.data)["entries"]

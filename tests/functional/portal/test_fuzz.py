"""Whatever an auditor's tool or a browser asks the portal (its pages and the audit API),
the answer is a page or a 4xx that says what is wrong: never a 5xx, never a traceback."""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.functional.portal.conftest import ADMIN_TOKEN, AUDITOR_TOKEN, csrf_of, sign_in

TRACEBACK = re.compile(r"Traceback|File \"|\w+Error: ")

PAGES = (
    "/complaints", "/complaints/zendesk:5101", "/complaints/{value}", "/audit", "/verification",
    "/checkpoints", "/exports", "/reports", "/reports/report.csv", "/reports/report.json",
    "/admin/policies", "/admin/policies/{value}", "/admin/drafts", "/admin/proposals/{value}",
    "/admin/what-if/{value}", "/admin/what-if/{value}/progress", "/sign-in", "/auth/callback",
    "/api/audit/entries", "/api/audit/verify", "/api/audit/checkpoints/{number}",
    "/api/audit/public-key",
)  # fmt: skip
PARAMETERS = (
    "since", "until", "from", "to", "kind", "category", "jurisdiction", "clock_status",
    "channel", "regime", "late", "referred", "policy_version", "complaint_id", "complaint",
    "limit", "cursor", "scope", "time_zone", "personal", "state", "bucket", "before",
    "expired", "code", "next",
)  # fmt: skip


def forged_cursor(document: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


hostile_text = st.one_of(
    st.sampled_from(
        [
            "2020-01-01", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00",
            "9999-12-31", "0001-01-01", "2026-02-30", "-1", "0", "1001", "9" * 5000, "NaN",
            "\u202eevil\u202c", "a\x00b", "%ff", "../../etc/passwd", "Asia/Nowhere",
            forged_cursor({"p": 0, "k": {"pk": None}}), forged_cursor({"p": -1, "k": {}}),
            forged_cursor({"p": 0, "k": {"pk": "x", "sk": "y", "tpart": "z", "tkey": "w"}}),
            forged_cursor([]), "!!!",
        ]
    ),
    st.text(max_size=40),
    st.datetimes().map(lambda d: d.isoformat()),
    st.integers().map(str),
)  # fmt: skip


def deliberate(answer: Any, asked: str) -> None:
    assert answer.status_code < 500, (asked, answer.status_code)
    body = answer.get_data().decode("utf-8", "replace")  # an export is a zip
    assert not TRACEBACK.search(body), (asked, body[:300])


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    page=st.tuples(
        st.sampled_from(PAGES), hostile_text, st.integers(min_value=-1, max_value=10**30)
    ),
    query=st.dictionaries(st.sampled_from(PARAMETERS), hostile_text, max_size=4),
    admin=st.booleans(),
)
def test_no_page_or_query_gets_a_5xx_or_a_traceback(
    client: FlaskClient, page: tuple[str, str, int], query: dict[str, str], admin: bool
) -> None:
    template, value, number = page
    path = template.format(value=value.replace("/", "%2F") or "x", number=number)
    token = ADMIN_TOKEN if admin else AUDITOR_TOKEN
    if path.startswith("/api/"):
        answer = client.get(path, query_string=query, headers={"Authorization": f"Bearer {token}"})
    else:
        sign_in(client, token=token)
        answer = client.get(path, query_string=query)
    deliberate(answer, f"{path} {query}")


FORMS = (
    "/sign-in", "/sign-out", "/preferences", "/admin/drafts", "/admin/drafts/propose",
    "/admin/proposals/{value}/approve", "/admin/proposals/{value}/withdraw", "/admin/what-if",
)  # fmt: skip
FIELDS = (
    "name", "token", "lang", "tz", "next", "back", "text", "reason", "days", "run",
    "csrf_token",
)  # fmt: skip
OTHER_PAGES = ("/", "/healthz", "/exports/bundle.zip", "/admin/policies/{value}")


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    form=st.tuples(st.sampled_from(FORMS), hostile_text),
    fields=st.dictionaries(st.sampled_from(FIELDS), hostile_text, max_size=5),
    who=st.tuples(st.booleans(), st.booleans()),
    upload=st.one_of(st.none(), st.binary(max_size=200)),
)
def test_no_form_post_gets_a_5xx_or_a_traceback(
    client: FlaskClient,
    form: tuple[str, str],
    fields: dict[str, str],
    who: tuple[bool, bool],
    upload: bytes | None,
) -> None:
    """Every form the portal takes (signing in and out, preferences, drafts, proposals,
    what-ifs), posted with hostile fields, a forged or missing CSRF token, any file."""
    template, value = form
    path = template.format(value=value.replace("/", "%2F") or "x")
    admin, with_csrf = who
    client = client.application.test_client()  # no session left by an earlier example
    sign_in(client, token=ADMIN_TOKEN if admin else AUDITOR_TOKEN)
    data: dict[str, Any] = dict(fields)
    if with_csrf:
        data["csrf_token"] = csrf_of(client.get("/complaints").get_data(as_text=True))
    if upload is not None:
        data["file"] = (io.BytesIO(upload), "policy.json")
    answer = client.post(path, data=data, content_type="multipart/form-data")
    deliberate(answer, f"POST {path} {sorted(data)}")


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(page=st.tuples(st.sampled_from(OTHER_PAGES), hostile_text), signed_in=st.booleans())
def test_the_other_pages_get_no_5xx_either(
    client: FlaskClient, page: tuple[str, str], signed_in: bool
) -> None:
    template, value = page
    path = template.format(value=value.replace("/", "%2F") or "x")
    client = client.application.test_client()  # no session left by an earlier example
    if signed_in:
        sign_in(client)
    deliberate(client.get(path), path)

"""Signing in with Amazon Cognito, checked offline: a user pool of our own signs ID tokens
with a key we made, and publishes it as JWKS over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient

from portal.app import PortalSources, create_app
from portal.cognito import CognitoConfig, IdTokenError, IdTokenVerifier
from portal.settings import AuditorAuth
from tests.functional.portal.conftest import portal_settings
from tests.functional.portal.fake_cognito import CLIENT_ID, FakeCognito


@pytest.fixture
def pool() -> Iterator[FakeCognito]:
    with FakeCognito() as fake:
        yield fake


def cognito_settings(pool: FakeCognito) -> Any:
    return portal_settings(
        auditor_auth=AuditorAuth.COGNITO,
        cognito_region="eu-west-1",
        cognito_user_pool_id="eu-west-1_TESTPOOL",
        cognito_client_id=CLIENT_ID,
        cognito_domain=pool.url,
        cognito_jwks_url=f"{pool.url}/.well-known/jwks.json",
    )


@pytest.fixture
def cognito_client(pool: FakeCognito, world: dict[str, Any], clock: list[Any]) -> FlaskClient:
    sources = PortalSources(
        log=world["store"],
        archive=world["archive"],
        signer=world["signer"],
        ledger="main",
        clock=lambda: clock[0],
    )
    return create_app(cognito_settings(pool), sources).test_client()


def verifier(pool: FakeCognito) -> IdTokenVerifier:
    return IdTokenVerifier(CognitoConfig.of(cognito_settings(pool)))


def test_a_good_id_token_gives_the_groups_role(pool: FakeCognito) -> None:
    claims = verifier(pool).verify(pool.id_token(groups=["admins"]))
    assert claims.groups == ("admins",) and claims.name == "aysel@example.com"


@pytest.mark.parametrize(
    "changes",
    [
        {"audience": "another-client"},
        {"issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OTHER"},
        {"expires_in": -3600},
        {"token_use": "access"},
        {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
    ],
)
def test_tokens_that_do_not_sign_anyone_in(pool: FakeCognito, changes: dict[str, Any]) -> None:
    with pytest.raises(IdTokenError):
        verifier(pool).verify(pool.id_token(groups=["auditors"], **changes))


def test_a_nonce_from_another_sign_in_is_refused(pool: FakeCognito) -> None:
    with pytest.raises(IdTokenError):
        verifier(pool).verify(pool.id_token(groups=["auditors"], nonce="theirs"), nonce="ours")


def test_the_hosted_ui_round_trip_signs_an_admin_in(
    pool: FakeCognito, cognito_client: FlaskClient
) -> None:
    leave = cognito_client.get("/sign-in?next=/admin/policies")
    assert leave.status_code == 302
    target = urlsplit(leave.headers["Location"])
    asked = parse_qs(target.query)
    assert target.path == "/oauth2/authorize" and asked["code_challenge_method"] == ["S256"]
    pool.pending_nonce = asked["nonce"][0]
    pool.issue_code("code-1", ["admins"], "leyla@example.com")
    back = cognito_client.get(
        "/auth/callback", query_string={"code": "code-1", "state": asked["state"][0]}
    )
    assert back.status_code == 302 and back.headers["Location"] == "/admin/policies"
    page = cognito_client.get("/admin/policies").get_data(as_text=True)
    assert "leyla@example.com" in page


def test_a_callback_with_another_state_or_group_signs_no_one_in(
    pool: FakeCognito, cognito_client: FlaskClient
) -> None:
    leave = cognito_client.get("/sign-in")
    asked = parse_qs(urlsplit(leave.headers["Location"]).query)
    pool.pending_nonce = asked["nonce"][0]
    pool.issue_code("code-2", ["admins"], "x@example.com")
    forged = cognito_client.get(
        "/auth/callback", query_string={"code": "code-2", "state": "forged"}
    )
    assert forged.status_code == 401
    leave = cognito_client.get("/sign-in")
    asked = parse_qs(urlsplit(leave.headers["Location"]).query)
    pool.pending_nonce = asked["nonce"][0]
    pool.issue_code("code-3", ["marketing"], "y@example.com")
    outsider = cognito_client.get(
        "/auth/callback", query_string={"code": "code-3", "state": asked["state"][0]}
    )
    assert outsider.status_code == 401
    assert "neither the auditors" in outsider.get_data(as_text=True)
    assert cognito_client.get("/complaints").status_code == 302


def test_the_api_takes_a_cognito_id_token_as_bearer(
    pool: FakeCognito, cognito_client: FlaskClient
) -> None:
    token = pool.id_token(groups=["auditors"])
    ok = cognito_client.get(
        "/api/audit/entries",
        query_string={"kind": "complaint.received"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 200 and "personal" not in ok.get_json()["entries"][0]
    forged = pool.id_token(
        groups=["auditors"], key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    refused = cognito_client.get(
        "/api/audit/entries", headers={"Authorization": f"Bearer {forged}"}
    )
    assert refused.status_code == 401

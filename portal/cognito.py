"""Signing in with Amazon Cognito: the hosted UI's authorization-code flow with PKCE, and
the ID token checked against the user pool's published keys (JWKS).

The token's signature (RS256, a key the pool publishes), issuer, audience (the app
client), `token_use` = "id", expiry and the nonce this sign-in sent are all checked; its
`cognito:groups` claim gives the role. The keys are fetched once and again only when a
token names a key not seen yet, so a pool rotating its keys is followed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests

from plaint.vocabulary.errors import PlaintError
from portal.roles import Role
from portal.settings import PortalSettings

TIMEOUT = 10
LEEWAY_SECONDS = 60


class IdTokenError(PlaintError):
    """An ID token that does not sign anyone in: forged, expired, for another client."""


@dataclass(frozen=True)
class Claims:
    subject: str
    name: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class CognitoConfig:
    issuer: str
    client_id: str
    domain: str
    jwks_url: str
    client_secret: str | None
    auditor_group: str
    admin_group: str

    @classmethod
    def of(cls, settings: PortalSettings) -> CognitoConfig:
        issuer = settings.cognito_issuer
        if not (issuer and settings.cognito_client_id and settings.cognito_domain):
            raise ValueError(
                "Cognito sign-in needs PLAINT_COGNITO_REGION, PLAINT_COGNITO_USER_POOL_ID, "
                "PLAINT_COGNITO_CLIENT_ID and PLAINT_COGNITO_DOMAIN"
            )
        return cls(
            issuer=issuer,
            client_id=settings.cognito_client_id,
            domain=settings.cognito_domain.rstrip("/"),
            jwks_url=settings.cognito_jwks_url or f"{issuer}/.well-known/jwks.json",
            client_secret=settings.cognito_client_secret,
            auditor_group=settings.cognito_auditor_group,
            admin_group=settings.cognito_admin_group,
        )

    def role_of(self, groups: tuple[str, ...]) -> Role | None:
        if self.admin_group in groups:
            return Role.ADMIN
        if self.auditor_group in groups:
            return Role.AUDITOR
        return None


def fetch_jwks(url: str) -> dict[str, Any]:
    answer = requests.get(url, timeout=TIMEOUT)
    answer.raise_for_status()
    document: dict[str, Any] = answer.json()
    return document


class IdTokenVerifier:
    def __init__(
        self, config: CognitoConfig, jwks: Callable[[str], dict[str, Any]] = fetch_jwks
    ) -> None:
        self._config = config
        self._fetch = jwks
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys:
                try:
                    keys = jwt.PyJWKSet.from_dict(self._fetch(self._config.jwks_url))
                except (requests.RequestException, jwt.PyJWTError, ValueError) as exc:
                    raise IdTokenError(f"the user pool's keys could not be read: {exc}") from exc
                self._keys = {k.key_id: k.key for k in keys.keys if k.key_id}
            if kid not in self._keys:
                raise IdTokenError("signed by a key the user pool does not publish")
            return self._keys[kid]

    def verify(self, token: str, nonce: str | None = None) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key(str(header.get("kid", ""))),
                algorithms=["RS256"],
                audience=self._config.client_id,
                issuer=self._config.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise IdTokenError(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise IdTokenError("not an ID token")
        if nonce is not None and not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise IdTokenError("the token answers another sign-in")
        groups = claims.get("cognito:groups") or []
        name = claims.get("email") or claims.get("cognito:username") or claims["sub"]
        return Claims(subject=str(claims["sub"]), name=str(name), groups=tuple(map(str, groups)))


@dataclass(frozen=True)
class Authorisation:
    """What a sign-in keeps between leaving for the hosted UI and coming back."""

    url: str
    state: str
    nonce: str
    verifier: str


def authorisation(config: CognitoConfig, redirect_uri: str) -> Authorisation:
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge.decode().rstrip("="),
            "code_challenge_method": "S256",
        }
    )
    return Authorisation(f"{config.domain}/oauth2/authorize?{query}", state, nonce, verifier)


def exchange_code(config: CognitoConfig, code: str, redirect_uri: str, verifier: str) -> str:
    """The ID token for an authorization code, from the pool's token endpoint."""
    auth = (config.client_id, config.client_secret) if config.client_secret else None
    try:
        answer = requests.post(
            f"{config.domain}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": config.client_id,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=auth,
            timeout=TIMEOUT,
        )
        answer.raise_for_status()
        return str(answer.json()["id_token"])
    except (requests.RequestException, KeyError, ValueError) as exc:
        raise IdTokenError(f"the user pool did not exchange the code: {exc}") from exc

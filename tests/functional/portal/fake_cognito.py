"""A user pool on one machine: an RSA key of its own, its JWKS, and a token endpoint that
answers an authorization code with an ID token for the user it was issued for."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TESTPOOL"
CLIENT_ID = "portal-client-id"


class FakeCognito:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.codes: dict[str, dict[str, Any]] = {}
        self.server = make_server("127.0.0.1", 0, self._answer, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeCognito:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [public | {"kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(
        self,
        *,
        groups: list[str],
        email: str = "aysel@example.com",
        nonce: str = "",
        audience: str = CLIENT_ID,
        issuer: str = ISSUER,
        expires_in: int = 3600,
        token_use: str = "id",
        key: Any = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "sub": "user-1",
            "email": email,
            "cognito:groups": groups,
            "aud": audience,
            "iss": issuer,
            "iat": now,
            "exp": now + expires_in,
            "token_use": token_use,
            "nonce": nonce,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def issue_code(self, code: str, groups: list[str], email: str) -> None:
        self.codes[code] = {"groups": groups, "email": email}

    def _answer(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        if request.path.endswith("/.well-known/jwks.json"):
            answer = Response(json.dumps(self.jwks()), mimetype="application/json")
        elif request.path == "/oauth2/token" and request.form.get("code") in self.codes:
            user = self.codes.pop(request.form["code"])
            nonce = self.pending_nonce
            token = self.id_token(groups=user["groups"], email=user["email"], nonce=nonce)
            answer = Response(json.dumps({"id_token": token}), mimetype="application/json")
        else:
            answer = Response('{"error": "invalid_grant"}', status=400)
        return answer(environ, start_response)

    pending_nonce = ""

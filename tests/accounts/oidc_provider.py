"""A small OpenID Connect provider for the tests, served on 127.0.0.1 by uvicorn in a thread (no network).

It implements what a real provider does for the authorization code flow: discovery, an authorization
endpoint that signs in :attr:`TestProvider.user` at once and redirects back with a one-time code, a token
endpoint that checks the client's secret (HTTP Basic), the redirect URI and the PKCE verifier, and a JWKS.
Tests can make it misbehave (:attr:`TestProvider.tamper`) to check that the client refuses what it must.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from urllib.parse import parse_qs, urlencode

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "kansenmonitor-test"
CLIENT_SECRET = "een-geheim-voor-de-test"


class TestProvider:
    __test__ = False  # not a test class

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "sleutel-1", "use": "sig"}, private=True)
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "sleutel-1", "use": "sig"}, private=True)
        self.user: dict = {"sub": "1234", "preferred_username": "sso.lezer"}
        self.tamper: set[str] = set()  # 'signature', 'audience', 'nonce', 'expired', 'issuer', 'no_id_token'
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        port = _free_port()
        self.issuer = f"http://127.0.0.1:{port}"
        self.app = self._app()
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> TestProvider:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test OIDC provider did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(5)

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": self.user["sub"], "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], **{k: v for k, v in self.user.items() if k != "sub"}}
        if "audience" in self.tamper:
            claims["aud"] = "een-andere-applicatie"
        if "nonce" in self.tamper:
            claims["nonce"] = "een-andere-aanmelding"
        if "expired" in self.tamper:
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        if "issuer" in self.tamper:
            claims["iss"] = "http://aanvaller.example"
        key = self.other_key if "signature" in self.tamper else self.key
        return jwt.encode({"alg": "RS256", "kid": "sleutel-1"}, claims, key)

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return {"issuer": self.issuer, "authorization_endpoint": self.issuer + "/authorize",
                    "token_endpoint": self.issuer + "/token", "jwks_uri": self.issuer + "/jwks",
                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"]}

        @app.get("/jwks")
        def jwks():
            return KeySet([self.key]).as_dict(private=False)

        @app.get("/authorize")
        def authorize(request: Request):
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code" \
                    or q.get("code_challenge_method") != "S256" or not q.get("code_challenge") \
                    or "openid" not in (q.get("scope") or "").split():
                return JSONResponse({"error": "invalid_request"}, 400)
            if "deny" in self.tamper:
                return RedirectResponse(q["redirect_uri"] + "?" + urlencode({"error": "access_denied",
                                                                             "state": q.get("state", "")}), 302)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": q.get("nonce"), "challenge": q["code_challenge"],
                                "redirect_uri": q["redirect_uri"]}
            return RedirectResponse(q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")}),
                                    302)

        @app.post("/token")
        async def token(request: Request):
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            grant_type, code = form.get("grant_type", ""), form.get("code", "")
            redirect_uri, code_verifier = form.get("redirect_uri", ""), form.get("code_verifier", "")
            self.token_requests += 1
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("authorization") != expected:
                return JSONResponse({"error": "invalid_client"}, 401)
            grant = self.codes.pop(code, None)  # a code is used once
            challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=")
            if grant is None or grant_type != "authorization_code" or redirect_uri != grant["redirect_uri"] \
                    or challenge.decode() != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant"}, 400)
            body = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300}
            if "no_id_token" not in self.tamper:
                body["id_token"] = self._id_token(grant)
            return body

        return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

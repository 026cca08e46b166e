"""Single sign-on through OpenID Connect (authorization code flow with PKCE), with Authlib and joserfc.

A gemeente that has an identity provider (Entra ID, Keycloak, ADFS, …) registers kansenmonitor as a client
and sets, on the server:

- ``KANSENMONITOR_OIDC_ISSUER``: the provider's issuer URL (its discovery document is read from
  ``<issuer>/.well-known/openid-configuration``);
- ``KANSENMONITOR_OIDC_CLIENT_ID`` and ``KANSENMONITOR_OIDC_CLIENT_SECRET``;
- optionally ``KANSENMONITOR_OIDC_NAME`` (how the button names the provider, e.g. "uw Enschede-account") and
  ``KANSENMONITOR_OIDC_USERNAME_CLAIM`` (the claim that holds the user name; default ``preferred_username``,
  falling back to ``email``).

Single sign-on only proves *who* someone is. What they may do stays with the account a beheerder made for
them (``kansenmonitor users add NAAM --role … --sso``): an unknown or disabled user is refused, and nobody gets
a role from the provider. The ID token is checked in full: signature against the provider's published keys,
issuer, audience, expiry and the nonce of this sign-in.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ENV_ISSUER = "KANSENMONITOR_OIDC_ISSUER"
ENV_CLIENT_ID = "KANSENMONITOR_OIDC_CLIENT_ID"
ENV_CLIENT_SECRET = "KANSENMONITOR_OIDC_CLIENT_SECRET"
ENV_NAME = "KANSENMONITOR_OIDC_NAME"
ENV_USERNAME_CLAIM = "KANSENMONITOR_OIDC_USERNAME_CLAIM"

#: how long the provider's discovery document and keys are kept before they are read again (seconds)
METADATA_TTL = 3600
#: time allowed for the round trip through the provider (seconds)
FLOW_TTL = 600
#: clock difference tolerated when checking the ID token's times (seconds)
LEEWAY = 60
TIMEOUT = 10


class SSOError(Exception):
    """Single sign-on did not succeed; ``message`` is a Dutch sentence for the visitor (no secrets)."""

    def __init__(self, message: str, reason: str = "failed"):
        self.message = message
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class OIDCConfig:
    issuer: str
    client_id: str
    client_secret: str
    name: str = "uw organisatie-account"
    username_claim: str = "preferred_username"


def config_from_env() -> OIDCConfig | None:
    """The configured provider, or ``None`` when single sign-on is not set up (all three settings needed)."""
    issuer = os.environ.get(ENV_ISSUER, "").strip().rstrip("/")
    client_id = os.environ.get(ENV_CLIENT_ID, "").strip()
    client_secret = os.environ.get(ENV_CLIENT_SECRET, "").strip()
    if not (issuer and client_id and client_secret):
        return None
    return OIDCConfig(issuer, client_id, client_secret,
                      os.environ.get(ENV_NAME, "").strip() or "uw organisatie-account",
                      os.environ.get(ENV_USERNAME_CLAIM, "").strip() or "preferred_username")


@dataclass(frozen=True)
class Flow:
    """What the server keeps (in a signed cookie) between sending the visitor away and their return."""

    state: str
    nonce: str
    code_verifier: str
    terug: str
    started: float

    def to_dict(self) -> dict[str, Any]:
        return {"s": self.state, "n": self.nonce, "v": self.code_verifier, "t": self.terug, "at": self.started}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Flow:
        return cls(str(d["s"]), str(d["n"]), str(d["v"]), str(d["t"]), float(d["at"]))


class Provider:
    """One OpenID Connect provider: discovery, the authorization URL, and the code exchange."""

    def __init__(self, config: OIDCConfig, http: requests.Session | None = None):
        self.config = config
        self.http = http or requests.Session()
        self._metadata: tuple[float, dict] | None = None
        self._keys: tuple[float, KeySet] | None = None

    # -- provider metadata ----------------------------------------------------------------------------------
    def _get_json(self, url: str) -> dict:
        try:
            response = self.http.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SSOError("De aanmeldserver van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw, "
                           "of meld u aan met uw gebruikersnaam en wachtwoord.", "unreachable") from exc
        if not isinstance(body, dict):
            raise SSOError("De aanmeldserver van uw organisatie gaf een onbruikbaar antwoord.", "unreachable")
        return body

    def metadata(self) -> dict:
        if self._metadata and time.monotonic() - self._metadata[0] < METADATA_TTL:
            return self._metadata[1]
        meta = self._get_json(self.config.issuer + "/.well-known/openid-configuration")
        missing = [k for k in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri") if not meta.get(k)]
        if missing or meta["issuer"].rstrip("/") != self.config.issuer:
            raise SSOError("De aanmeldserver van uw organisatie is niet goed ingesteld (het issuer-adres klopt niet). "
                           "Meld dit aan de beheerder.", "misconfigured")
        self._metadata = (time.monotonic(), meta)
        return meta

    def keys(self, refresh: bool = False) -> KeySet:
        if not refresh and self._keys and time.monotonic() - self._keys[0] < METADATA_TTL:
            return self._keys[1]
        try:
            keys = KeySet.import_key_set(self._get_json(self.metadata()["jwks_uri"]))
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise SSOError("De sleutels van de aanmeldserver zijn onbruikbaar. Meld dit aan de beheerder.",
                           "misconfigured") from exc
        self._keys = (time.monotonic(), keys)
        return keys

    def _session(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(self.config.client_id, self.config.client_secret, scope="openid profile email",
                             redirect_uri=redirect_uri, code_challenge_method="S256")

    # -- the flow ------------------------------------------------------------------------------------------
    def start(self, redirect_uri: str, terug: str) -> tuple[str, Flow]:
        """The URL to send the visitor to, and what to remember until they come back."""
        flow = Flow(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48), terug,
                    time.time())
        url, _state = self._session(redirect_uri).create_authorization_url(
            self.metadata()["authorization_endpoint"], state=flow.state, nonce=flow.nonce,
            code_verifier=flow.code_verifier)
        return url, flow

    def finish(self, redirect_uri: str, flow: Flow, params: dict[str, str]) -> dict[str, Any]:
        """Check the provider's answer, exchange the code and return the ID token's verified claims."""
        if time.time() - flow.started > FLOW_TTL:
            raise SSOError("Het aanmelden duurde te lang. Probeer het opnieuw.", "expired")
        if not params.get("state") or not secrets.compare_digest(params["state"], flow.state):
            raise SSOError("Dit antwoord van de aanmeldserver hoort niet bij uw aanmelding. Probeer het opnieuw.",
                           "state")
        if params.get("error"):
            if params["error"] == "access_denied":
                raise SSOError("U heeft het aanmelden bij uw organisatie afgebroken of geweigerd.", "denied")
            raise SSOError("De aanmeldserver van uw organisatie weigerde het aanmelden. Probeer het opnieuw of "
                           "vraag de beheerder.", "provider")
        if not params.get("code"):
            raise SSOError("De aanmeldserver gaf geen code terug. Probeer het opnieuw.", "provider")
        session = self._session(redirect_uri)
        try:
            token = session.fetch_token(self.metadata()["token_endpoint"], code=params["code"],
                                        code_verifier=flow.code_verifier, timeout=TIMEOUT)
        except Exception as exc:  # authlib raises OAuthError, requests its own; neither may reach the visitor
            raise SSOError("De aanmeldserver van uw organisatie accepteerde de aanmelding niet. Probeer het "
                           "opnieuw.", "token") from exc
        id_token = token.get("id_token")
        if not id_token:
            raise SSOError("De aanmeldserver gaf geen identiteitsbewijs (ID-token) terug. Meld dit aan de beheerder.",
                           "token")
        return self.verify_id_token(id_token, flow.nonce)

    def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """Signature, issuer, audience, expiry and nonce of an ID token; its claims when all hold."""
        meta = self.metadata()
        algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in algorithms if a != "none"] or ["RS256"]
        try:
            try:
                decoded = jwt.decode(id_token, self.keys(), algorithms=algorithms)
            except JoseError:  # the provider may have rolled its keys since we read them
                decoded = jwt.decode(id_token, self.keys(refresh=True), algorithms=algorithms)
            registry = jwt.JWTClaimsRegistry(
                leeway=LEEWAY, iss={"essential": True, "value": meta["issuer"]},
                aud={"essential": True, "value": self.config.client_id}, exp={"essential": True},
                sub={"essential": True}, nonce={"essential": True, "value": nonce})
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise SSOError("Het identiteitsbewijs van de aanmeldserver is niet geldig (ondertekening, afzender, "
                           "ontvanger, tijd of aanmelding klopt niet). Probeer het opnieuw.", "id_token") from exc
        return dict(decoded.claims)

    def username_of(self, claims: dict[str, Any]) -> str | None:
        """The user name the claims give (lower case), or ``None``."""
        for claim in (self.config.username_claim, "preferred_username", "email"):
            value = claims.get(claim)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
        return None

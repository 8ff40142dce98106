"""Sign-in by OpenID Connect: the authorization-code flow with PKCE, as a relying party.

The ministry's identity provider says who a person is and, in configured claims,
which agency they act for and which role they hold there. This module trusts
those claims only after checking every link: the provider's discovery document
names the configured issuer; the code is exchanged with the client secret and
the PKCE verifier; the ID token's signature verifies against the provider's
published keys, and its ``iss``, ``aud``, ``exp`` and ``nonce`` are ours. Claims
the ID token lacks are read from the userinfo endpoint (many providers put
profile claims only there), and only if its ``sub`` is the ID token's.

It knows nothing of HTTP routes or sessions (``web.auth.oidc_routes``) nor of
the register: the caller passes the agencies the register knows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from pydantic import ValidationError

from domain.permissions import Actor, Role
from workers.web_settings import OidcSettings

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
              "ES256", "ES384", "ES512", "EdDSA")
"""ID-token algorithms accepted: never ``none``, never HMAC (the client secret
would then be the key, and anyone holding it could mint tokens)."""
CLOCK_SKEW_SECONDS = 60


class OidcRefused(Exception):
    """Sign-in stops here; ``reason`` is safe to show the person, ``claim`` names
    the claim at fault when one is."""

    def __init__(self, reason: str, *, claim: str | None = None, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.claim = claim
        self.status = status


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None


@dataclass(frozen=True)
class PendingSignIn:
    """What the relying party keeps between sending the person to the provider and
    their return: the provider must echo ``state``, put ``nonce`` in the ID token,
    and the token endpoint must be shown the ``verifier`` behind the challenge."""

    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True)
class OidcIdentity:
    """A person the provider vouched for, mapped to the register's terms."""

    issuer: str
    subject: str
    username: str
    agency: str
    role: Role


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _fetch_json(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        detail = body.get("error") if isinstance(body, dict) else None
        raise OidcRefused(f"the identity provider refused the {what}"
                            + (f" ({detail})" if detail else ""), status=502
                            if detail is None else 400)
    return body


class OidcClient:
    """One configured provider and this app's client registration with it."""

    def __init__(self, settings: OidcSettings, redirect_uri: str,
                 http: httpx.Client | None = None) -> None:
        self.settings = settings
        self.redirect_uri = redirect_uri
        self._http = http or httpx.Client(timeout=10.0)
        self._metadata: ProviderMetadata | None = None
        self._keys: jwt.PyJWKClient | None = None

    def metadata(self) -> ProviderMetadata:
        """The provider's discovery document, read once; its issuer must be the configured one
        (a document served for another issuer would let that issuer's tokens in)."""
        if self._metadata is None:
            url = f"{self.settings.issuer}/.well-known/openid-configuration"
            try:
                body = _fetch_json(self._http.get(url), "discovery request")
            except httpx.HTTPError as error:
                raise OidcRefused("the identity provider cannot be reached", status=502
                                    ) from error
            if str(body.get("issuer", "")).rstrip("/") != self.settings.issuer:
                raise OidcRefused("the identity provider's discovery document names "
                                    "another issuer", status=502)
            self._metadata = ProviderMetadata(
                issuer=str(body["issuer"]),
                authorization_endpoint=str(body["authorization_endpoint"]),
                token_endpoint=str(body["token_endpoint"]),
                jwks_uri=str(body["jwks_uri"]),
                userinfo_endpoint=body.get("userinfo_endpoint"))
        return self._metadata

    def begin(self) -> tuple[str, PendingSignIn]:
        """Where to send the person, and what to keep until they come back."""
        pending = PendingSignIn(state=secrets.token_urlsafe(32),
                                nonce=secrets.token_urlsafe(32),
                                verifier=secrets.token_urlsafe(64))
        query = urlencode({
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.settings.scopes,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": _challenge(pending.verifier),
            "code_challenge_method": "S256",
        })
        return f"{self.metadata().authorization_endpoint}?{query}", pending

    def finish(self, pending: PendingSignIn, *, state: str, code: str,
               issuer: str | None = None) -> dict[str, Any]:
        """The person's verified claims, from the provider's answer at the callback."""
        if not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise OidcRefused("the sign-in's state does not match: start again")
        # RFC 9207: a provider that names itself on the redirect must be ours.
        if issuer is not None and issuer.rstrip("/") != self.settings.issuer:
            raise OidcRefused("the answer came from another identity provider")
        tokens = self.exchange(code, pending.verifier)
        claims = self.verify_id_token(str(tokens.get("id_token", "")), pending.nonce)
        wanted = (self.settings.agency_claim, self.settings.role_claim,
                  self.settings.username_claim)
        access_token = tokens.get("access_token")
        if any(name not in claims for name in wanted) and access_token:
            claims = {**self.userinfo(str(access_token), str(claims["sub"])), **claims}
        return claims

    def exchange(self, code: str, verifier: str) -> dict[str, Any]:
        """Trade the code for tokens, authenticated by the client secret (HTTP Basic)."""
        try:
            response = self._http.post(
                self.metadata().token_endpoint,
                data={"grant_type": "authorization_code", "code": code,
                      "redirect_uri": self.redirect_uri, "code_verifier": verifier},
                auth=(self.settings.client_id, self.settings.client_secret))
        except httpx.HTTPError as error:
            raise OidcRefused("the identity provider cannot be reached", status=502
                                ) from error
        return _fetch_json(response, "code (it may have been used already)")

    def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The ID token's claims, if its signature, issuer, audience, expiry and nonce hold."""
        metadata = self.metadata()
        if self._keys is None:
            self._keys = jwt.PyJWKClient(metadata.jwks_uri, cache_keys=True)
        try:
            key = self._keys.get_signing_key_from_jwt(id_token)
            claims: dict[str, Any] = jwt.decode(
                id_token, key.key, algorithms=list(ASYMMETRIC),
                audience=self.settings.client_id, issuer=metadata.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]})
        except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
            raise OidcRefused(f"the ID token is not valid ({error})") from error
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and \
                claims.get("azp") != self.settings.client_id:
            raise OidcRefused("the ID token was issued to another party")
        if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
            raise OidcRefused("the ID token's nonce is not this sign-in's: start again")
        return claims

    def userinfo(self, access_token: str, subject: str) -> dict[str, Any]:
        endpoint = self.metadata().userinfo_endpoint
        if endpoint is None:
            return {}
        try:
            response = self._http.get(endpoint,
                                      headers={"Authorization": f"Bearer {access_token}"})
        except httpx.HTTPError as error:
            raise OidcRefused("the identity provider cannot be reached", status=502
                                ) from error
        claims = _fetch_json(response, "userinfo request")
        # OIDC Core 5.3.2: userinfo about anyone else must not be used.
        if claims.get("sub") != subject:
            raise OidcRefused("the identity provider's userinfo is about someone else")
        return claims

    def close(self) -> None:
        self._http.close()


def map_claims(claims: dict[str, Any], settings: OidcSettings,
               known_agencies: Collection[str]) -> OidcIdentity:
    """The register's username, agency and role for the claims, or a refusal naming the claim.

    An agency the register's directory does not hold, a role that is not one of
    ``domain.permissions.Role``, and the engine's own role ``system`` are refused:
    the provider may say who people are, not invent agencies or act as the engine.
    """
    values: dict[str, str] = {}
    for name in (settings.username_claim, settings.agency_claim, settings.role_claim):
        value = claims.get(name)
        if not isinstance(value, str) or not value.strip():
            raise OidcRefused(f"the identity provider gave no {name!r} claim",
                                claim=name, status=403)
        values[name] = value.strip()
    role_text = values[settings.role_claim].lower()
    if role_text not in {role.value for role in Role} or role_text == Role.SYSTEM:
        raise OidcRefused(f"the role {values[settings.role_claim]!r} (claim "
                            f"{settings.role_claim!r}) is not one a person may hold here",
                            claim=settings.role_claim, status=403)
    try:
        actor = Actor(agency=values[settings.agency_claim], role=Role(role_text))
    except ValidationError as error:
        raise OidcRefused(f"the agency {values[settings.agency_claim]!r} (claim "
                            f"{settings.agency_claim!r}) is not an agency code",
                            claim=settings.agency_claim, status=403) from error
    if actor.agency not in known_agencies:
        raise OidcRefused(f"the agency {actor.agency!r} (claim {settings.agency_claim!r}) "
                            "is not in the register's directory",
                            claim=settings.agency_claim, status=403)
    return OidcIdentity(issuer=settings.issuer, subject=str(claims["sub"]),
                        username=values[settings.username_claim].lower(),
                        agency=actor.agency, role=actor.role)

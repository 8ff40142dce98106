"""The relying party against the real provider: every link of the chain is checked.

Each test signs a person in at the provider (its login form, posted as a browser
would) and hands the provider's answer to ``OidcClient``; the refusals prove the
client checks the state, the code's single use, the ID token's signature,
algorithm and nonce, and the issuer it was configured with.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from domain.permissions import Role
from tests.oidc.conftest import IN_PROCESS_APP
from tests.support.oidc_provider import sign_in_at_provider
from web.auth.oidc import OidcClient, OidcRefused, PendingSignIn, map_claims
from workers.web_settings import OidcSettings

REDIRECT = f"{IN_PROCESS_APP}/auth/oidc/callback"


@pytest.fixture
def client(oidc_provider):
    settings = OidcSettings(issuer=oidc_provider.issuer, client_id=oidc_provider.client_id,
                            client_secret=oidc_provider.client_secret)
    client = OidcClient(settings, REDIRECT)
    yield client
    client.close()


def _authorize(client: OidcClient, login: str, **claims: str) -> tuple[PendingSignIn, dict]:
    url, pending = client.begin()
    with httpx.Client() as browser:
        callback = sign_in_at_provider(browser, url, login, **claims)
    assert callback.startswith(REDIRECT + "?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    return pending, query


def _finish(client: OidcClient, pending: PendingSignIn, query: dict) -> dict:
    return client.finish(pending, state=query["state"], code=query["code"],
                         issuer=query.get("iss"))


def test_a_person_signed_in_at_the_provider_comes_back_with_verified_claims(client):
    pending, query = _authorize(client, "somchai")
    assert query["iss"] == client.settings.issuer
    claims = _finish(client, pending, query)
    assert claims["sub"] == "somchai"
    assert claims["nonce"] == pending.nonce
    # the provider gives profile claims at userinfo only; the client reads them there
    assert (claims["agency"], claims["cabinet_role"]) == ("SOC", "staff")
    identity = map_claims(claims, client.settings, {"SOC", "OPDC"})
    assert (identity.username, identity.agency, identity.role) == ("somchai", "SOC", Role.STAFF)


def test_the_authorization_request_carries_pkce_state_and_nonce(client):
    url, pending = client.begin()
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] != pending.verifier
    assert (params["state"], params["nonce"]) == (pending.state, pending.nonce)
    assert url.startswith(client.metadata().authorization_endpoint + "?")


def test_a_wrong_state_is_refused_before_the_code_is_spent(client):
    pending, query = _authorize(client, "somchai")
    with pytest.raises(OidcRefused, match="state"):
        client.finish(pending, state="someone-elses-state", code=query["code"])
    # the code was not exchanged: the right state still finishes the sign-in
    assert _finish(client, pending, query)["sub"] == "somchai"


def test_a_code_used_once_is_refused_the_second_time(client):
    pending, query = _authorize(client, "malee")
    assert _finish(client, pending, query)["sub"] == "malee"
    with pytest.raises(OidcRefused, match="refused the code") as refused:
        _finish(client, pending, query)
    assert "invalid_grant" in refused.value.reason


def test_without_the_pkce_verifier_the_provider_refuses_the_code(client):
    _pending, query = _authorize(client, "somchai")
    with pytest.raises(OidcRefused, match="invalid_grant"):
        client.exchange(query["code"], "a-verifier-that-is-not-the-one-behind-the-challenge")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _real_id_token(client: OidcClient) -> tuple[str, str]:
    pending, query = _authorize(client, "somchai")
    tokens = client.exchange(query["code"], pending.verifier)
    return tokens["id_token"], pending.nonce


def test_an_id_token_altered_after_signing_is_refused(client):
    id_token, nonce = _real_id_token(client)
    verified = client.verify_id_token(id_token, nonce)
    assert verified["sub"] == "somchai"
    # so the agency and role in the first test came by the userinfo path
    assert "agency" not in verified
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = ".".join([header, _b64({**claims, "sub": "malee"}), signature])
    with pytest.raises(OidcRefused, match="Signature verification failed"):
        client.verify_id_token(forged, nonce)


def test_an_id_token_signed_with_another_key_under_the_providers_key_id_is_refused(client):
    id_token, nonce = _real_id_token(client)
    claims = jwt.decode(id_token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(id_token)["kid"]
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(OidcRefused, match="Signature verification failed"):
        client.verify_id_token(forged, nonce)


def test_an_id_token_signed_with_the_client_secret_is_refused(client):
    # HMAC with the shared secret: anyone holding the secret could mint one
    id_token, nonce = _real_id_token(client)
    claims = jwt.decode(id_token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(id_token)["kid"]
    forged = jwt.encode(claims, client.settings.client_secret, algorithm="HS256",
                        headers={"kid": kid})
    with pytest.raises(OidcRefused, match="not valid"):
        client.verify_id_token(forged, nonce)


def test_an_id_token_for_another_sign_in_is_refused_by_its_nonce(client):
    id_token, _nonce = _real_id_token(client)
    with pytest.raises(OidcRefused, match="nonce"):
        client.verify_id_token(id_token, "the-nonce-of-another-sign-in")


def test_an_id_token_for_another_client_is_refused(client, oidc_provider):
    id_token, nonce = _real_id_token(client)
    other = OidcClient(OidcSettings(issuer=oidc_provider.issuer, client_id="another-app",
                                    client_secret="x"), REDIRECT)
    with pytest.raises(OidcRefused, match=r"(?i)audience"):
        other.verify_id_token(id_token, nonce)
    other.close()


def test_a_provider_answering_for_another_issuer_is_refused(oidc_provider):
    # The configured issuer differs from the one the discovery document names.
    base = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    client = OidcClient(OidcSettings(issuer=base, client_id=oidc_provider.client_id,
                                     client_secret=oidc_provider.client_secret), REDIRECT)
    with pytest.raises(OidcRefused, match="another issuer"):
        client.begin()
    client.close()


def test_the_claims_map_refuses_what_the_register_does_not_hold(client):
    settings = client.settings
    known = {"SOC", "OPDC"}
    base = {"sub": "x", "preferred_username": "Somchai", "agency": "soc",
            "cabinet_role": "Head"}
    identity = map_claims(base, settings, known)
    assert (identity.username, identity.agency, identity.role) == ("somchai", "SOC", Role.HEAD)
    refusals = {
        "agency": {**base, "agency": "XYZ"},
        "cabinet_role": {**base, "cabinet_role": "system"},
    }
    for claim, claims in refusals.items():
        with pytest.raises(OidcRefused) as refused:
            map_claims(claims, settings, known)
        assert (refused.value.claim, refused.value.status) == (claim, 403)
    for claim in ("agency", "cabinet_role", "preferred_username"):
        without = {k: v for k, v in base.items() if k != claim}
        with pytest.raises(OidcRefused, match=f"no '{claim}' claim"):
            map_claims(without, settings, known)
    with pytest.raises(OidcRefused, match="'approver'"):
        map_claims({**base, "cabinet_role": "approver"}, settings, known)

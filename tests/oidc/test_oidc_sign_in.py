"""Sign-in through the app's two routes, the person driven through the real provider.

start → the provider's login form → the callback → a session cookie → the API
answers as that person, with the agency and role the claims name. Every refusal
leaves the browser without a session and says why on a page.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from projections.queries.grants import grants_on, held_grant, today, who_could
from tests.oidc.app import SESSION_COOKIE, sign_in_app, with_provider
from tests.oidc.conftest import IN_PROCESS_APP
from tests.support.oidc_provider import sign_in_at_provider
from web.auth.oidc_routes import FLOW_COOKIE
from workers.bootstrap import RegisterSystem


@dataclass
class SignInApp:
    app: FastAPI
    system: RegisterSystem

    def current_grant(self, username: str) -> tuple[str, str] | None:
        held = held_grant(self.system, username)
        return (held.agency, held.role) if held else None


@pytest.fixture
def app(oidc_provider, settings, system) -> SignInApp:
    return SignInApp(sign_in_app(with_provider(settings, oidc_provider), system), system)


def _start(browser: TestClient) -> str:
    response = browser.get("/auth/oidc/start", follow_redirects=False)
    assert response.status_code == 303
    assert FLOW_COOKIE in response.cookies
    return response.headers["location"]


def _at_provider(authorization_url: str, login: str, **claims: str) -> str:
    with httpx.Client() as at_provider:
        callback = sign_in_at_provider(at_provider, authorization_url, login, **claims)
    assert callback.startswith(f"{IN_PROCESS_APP}/auth/oidc/callback?")
    return callback


def _me(browser: TestClient) -> httpx.Response:
    return browser.get("/api/me")


def test_a_person_signs_in_at_the_provider_and_the_app_knows_them(app, oidc_provider):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        assert _me(browser).status_code == 401
        assert browser.get("/api/agencies").status_code == 401
        callback = _at_provider(_start(browser), "malee")
        response = browser.get(callback, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/")
        assert SESSION_COOKIE in browser.cookies
        assert FLOW_COOKIE not in browser.cookies  # a flow is used once
        me = _me(browser)
        # the API behind sign-in answers the session as that person
        assert browser.get("/api/agencies").status_code == 200
    assert me.status_code == 200
    assert me.json() == {"username": "malee", "agency": "OPDC", "role": "head",
                         "signed_in_by": "oidc"}
    # the role is the register's grant, recorded on the provider's word
    (grant,) = grants_on(app.system, None, "malee").grants
    assert (grant.agency, grant.role, grant.granted_by) == ("OPDC", "head", "SOC:operator")
    assert f"identity provider {oidc_provider.issuer}" in grant.reason


def test_a_tampered_state_is_refused_and_opens_no_session(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "somchai")
        response = browser.get(callback.replace("state=", "state=x"), follow_redirects=False)
        assert response.status_code == 400
        assert "state does not match" in response.text
        assert SESSION_COOKIE not in browser.cookies
        assert _me(browser).status_code == 401
    assert app.current_grant("somchai") is None


def test_a_callback_replayed_after_sign_in_is_refused(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "somchai")
        assert browser.get(callback, follow_redirects=False).status_code == 303
    with TestClient(app.app, base_url=IN_PROCESS_APP) as another_browser:
        # the flow cookie is gone, so the stolen callback address is worth nothing
        response = another_browser.get(callback, follow_redirects=False)
        assert response.status_code == 400
        assert "no sign-in under way" in response.text
        assert SESSION_COOKIE not in another_browser.cookies


def test_a_code_replayed_within_a_fresh_flow_is_refused_by_the_provider(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "somchai")
        assert browser.get(callback, follow_redirects=False).status_code == 303
        browser.cookies.clear()
        # the replay carries the state the new flow expects, so only the code is old
        new_flow = _start(browser)
        state = httpx.URL(new_flow).params["state"]
        old = httpx.URL(callback)
        replay = old.copy_set_param("state", state)
        response = browser.get(str(replay), follow_redirects=False)
        assert response.status_code == 400
        assert "invalid_grant" in response.text
        assert SESSION_COOKIE not in browser.cookies


@pytest.mark.parametrize(("claims", "says"), [
    ({"agency": "XYZ"}, "'XYZ' (claim 'agency') is not in the register's directory"),
    ({"cabinet_role": "system"}, "'system' (claim 'cabinet_role') is not one a person may hold"),
    ({"cabinet_role": "minister"}, "'minister' (claim 'cabinet_role')"),
])
def test_claims_the_register_does_not_hold_refuse_sign_in(app, claims, says):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "somchai", **claims)
        response = browser.get(callback, follow_redirects=False)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert says in response.text.replace("&#x27;", "'")
        assert SESSION_COOKIE not in browser.cookies
        assert _me(browser).status_code == 401
    assert app.current_grant("somchai") is None


def test_a_username_the_register_cannot_hold_refuses_sign_in(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "somchai", preferred_username="Somchai J.")
        response = browser.get(callback, follow_redirects=False)
        assert response.status_code == 403
        assert "is not one the register can hold" in response.text
        assert SESSION_COOKIE not in browser.cookies
    assert app.current_grant("somchai") is None


def test_the_provider_saying_no_is_shown_and_opens_no_session(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "nobody-known-there")
        response = browser.get(callback, follow_redirects=False)
        assert response.status_code == 403
        assert "did not sign you in: unknown account" in response.text
        assert SESSION_COOKIE not in browser.cookies


def test_a_new_role_in_the_claims_is_recorded_as_a_new_grant(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        for role in ("staff", "staff", "head"):
            browser.cookies.clear()
            callback = _at_provider(_start(browser), "somchai", cabinet_role=role)
            assert browser.get(callback, follow_redirects=False).status_code == 303
            assert _me(browser).json()["role"] == role
    # the same claims twice record one grant; the new role replaces it
    grants = grants_on(app.system, None, "somchai").grants
    assert [(g.role, g.effective_until is None) for g in grants] == [("staff", False),
                                                                      ("head", True)]
    assert app.current_grant("somchai") == ("SOC", "head")


def test_who_could_approve_names_the_person_the_provider_signed_in(app):
    with TestClient(app.app, base_url=IN_PROCESS_APP) as browser:
        callback = _at_provider(_start(browser), "malee", agency="PM", cabinet_role="head")
        response = browser.get(callback, follow_redirects=False)
        assert response.status_code == 303
    could = who_could(app.system, "approve", today())
    assert ("malee", "PM", "head") in {(c.username, c.agency, c.role) for c in could.accounts}

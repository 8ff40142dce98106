"""Signing in through a real FastAPI app in-process: the sign-in router, the authenticator,
the session cookie's flags and the CSRF check, on the real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from domain.permissions import Role
from tests.auth.conftest import OPERATOR, PASSWORD, grant, revocation
from web.auth import RegisterAuthenticator, require_csrf, router
from web.authentication import Unauthenticated, current_principal
from web.principal import Principal
from workers.bootstrap import RegisterSystem
from workers.storage.credentials import CredentialStore

TODAY = date(2026, 3, 2)


def tiny_app(system: RegisterSystem, credentials: CredentialStore) -> FastAPI:
    app = FastAPI()
    app.state.authenticator = RegisterAuthenticator(system.settings, system, credentials,
                                                    today=lambda: TODAY)
    app.include_router(router)

    @app.exception_handler(Unauthenticated)
    def unauthenticated(request: Request, error: Unauthenticated) -> JSONResponse:
        return JSONResponse({"detail": error.message}, status_code=401)

    @app.post("/api/act", dependencies=[Depends(require_csrf)])
    def act(me: Annotated[Principal, Depends(current_principal)]) -> dict[str, str]:
        return {"acted_as": str(me.actor)}

    return app


@pytest.fixture
def client(auth_system: RegisterSystem, credentials: CredentialStore) -> Iterator[TestClient]:
    auth_system.register.grant_role(grant("somchai", "OPDC", Role.HEAD, date(2026, 1, 5), 1),
                                    OPERATOR)
    credentials.set_password("somchai", PASSWORD)
    with TestClient(tiny_app(auth_system, credentials)) as test_client:
        yield test_client


def sign_in(client: TestClient, password: str = PASSWORD) -> str:
    answer = client.post("/api/login", json={"username": "somchai", "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def test_a_token_signs_in_as_the_grant_the_register_holds(
        client: TestClient, auth_system: RegisterSystem) -> None:
    answer = client.post("/api/login", json={"username": "somchai", "password": PASSWORD})
    body = answer.json()
    assert (body["username"], body["agency"], body["role"]) == ("somchai", "OPDC", "head")
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json() == {"username": "somchai", "agency": "OPDC", "role": "head",
                         "signed_in_by": "token"}
    # A revoked grant signs nobody in, whatever token the account holds.
    auth_system.register.revoke_role(revocation("somchai", date(2026, 2, 1), 2), OPERATOR)
    refused = client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert refused.status_code == 401


def test_wrong_password_and_unknown_account_get_the_same_answer(client: TestClient) -> None:
    wrong = client.post("/api/login", json={"username": "somchai", "password": "guess"})
    unknown = client.post("/api/login", json={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "username or password is wrong"}
    for _ in range(4):
        client.post("/api/login", json={"username": "somchai", "password": "guess"})
    locked = client.post("/api/login", json={"username": "somchai", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json() == {"detail": "too many attempts; try again later"}


def test_forged_and_logged_out_tokens_are_refused(client: TestClient) -> None:
    token = sign_in(client)
    head = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for credential in (f"Bearer {head}", "Bearer cab_000000000000_xyz", "Basic abc", token):
        assert client.get("/api/me", headers={"Authorization": credential}).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/logout", headers=bearer).status_code == 204
    assert client.get("/api/me", headers=bearer).status_code == 401


def test_the_desk_session_cookie_is_httponly_samesite_and_csrf_guarded(
        client: TestClient) -> None:
    answer = client.post("/login", data={"username": "somchai", "password": PASSWORD,
                                         "next": "https://evil.example/"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("cabinet_session=")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    # Development on plain-http loopback: not Secure, or the browser would not send it back.
    assert "secure" not in flags
    assert client.get("/api/me").json()["signed_in_by"] == "session"
    assert client.post("/api/act").status_code == 403
    assert client.post("/api/act", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    auth: RegisterAuthenticator = client.app.state.authenticator  # type: ignore[attr-defined]
    session_token = client.cookies["cabinet_session"]
    session = auth.credentials.resolve(session_token, "session")
    assert session is not None
    csrf = auth.csrf_for(session.token_id)
    done = client.post("/api/act", headers={"X-CSRF-Token": csrf})
    assert done.json() == {"acted_as": "OPDC:head"}
    # A bearer request needs no CSRF token: no page can make a browser send the header.
    bearer = {"Authorization": f"Bearer {sign_in(client)}"}
    assert client.post("/api/act", headers=bearer).status_code == 200
    # Logging out by form needs the token too, then clears the cookie and the session.
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and "cabinet_session=" in out.headers["set-cookie"]
    assert auth.credentials.resolve(session_token, "session") is None
    assert client.get("/api/me").status_code == 401


def test_a_failed_form_sign_in_sets_no_cookie(client: TestClient) -> None:
    answer = client.post("/login", data={"username": "somchai", "password": "guess"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?error=wrong"
    assert "set-cookie" not in answer.headers

"""The sign-in routes mounted on a small app, with a session and ``/api/me``.

Sessions here are the tests' own (a random id in ``cabinet_session`` naming a
principal in memory) until the app's authenticator takes their place.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.oidc.conftest import IN_PROCESS_APP
from tests.support.oidc_provider import LoopbackProvider
from web.auth.oidc import OidcClient, OidcIdentity
from web.auth.oidc_routes import CALLBACK_PATH, OidcSignIn, oidc_router
from web.authentication import Unauthenticated, current_principal
from web.principal import Principal
from workers.bootstrap import RegisterSystem
from workers.web_settings import OidcSettings

SESSION_COOKIE = "cabinet_session"


@dataclass
class SignInApp:
    app: FastAPI
    sessions: dict[str, Principal] = field(default_factory=dict)
    grants: dict[str, tuple[str, str]] = field(default_factory=dict)

    def from_request(self, request: Request) -> Principal | None:
        return self.sessions.get(request.cookies.get(SESSION_COOKIE, ""))

    def open_session(self, response: Response, principal: Principal) -> None:
        token = secrets.token_urlsafe(32)
        self.sessions[token] = principal
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")

    def record_grant(self, identity: OidcIdentity) -> None:
        self.grants[identity.username] = (identity.agency, identity.role.value)

    def current_grant(self, username: str) -> tuple[str, str] | None:
        return self.grants.get(username)


def sign_in_app(provider: LoopbackProvider, system: RegisterSystem) -> SignInApp:
    settings = OidcSettings(issuer=provider.issuer, client_id=provider.client_id,
                            client_secret=provider.client_secret)
    app = FastAPI()
    result = SignInApp(app=app)
    app.state.authenticator = result
    app.include_router(oidc_router(OidcSignIn(
        client=OidcClient(settings, f"{IN_PROCESS_APP}{CALLBACK_PATH}"),
        secret_key=secrets.token_urlsafe(32), secure_cookies=False,
        known_agencies=system.register.known_agencies,
        record_grant=result.record_grant, open_session=result.open_session)))

    @app.exception_handler(Unauthenticated)
    def _unauthenticated(request: Request, error: Unauthenticated) -> JSONResponse:
        return JSONResponse({"title": error.message}, status_code=401)

    @app.get("/api/me")
    def me(principal: Principal = Depends(current_principal)) -> Principal:  # noqa: B008
        return principal

    return result

"""The sign-in routes mounted as the app mounts them: the register's authenticator
(sessions in the credential store, principals from the register's grants) and its
``/api/me``, with the identity provider configured."""

from __future__ import annotations

import dataclasses

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.oidc.conftest import IN_PROCESS_APP
from tests.support.oidc_provider import LoopbackProvider
from web.auth import RegisterAuthenticator, open_credentials
from web.auth import router as sign_in_routes
from web.auth.oidc_register import oidc_sign_in
from web.auth.oidc_routes import oidc_router
from web.authentication import Unauthenticated
from workers.bootstrap import RegisterSystem
from workers.settings import Settings
from workers.web_settings import OidcSettings

SESSION_COOKIE = "cabinet_session"


def with_provider(settings: Settings, provider: LoopbackProvider) -> Settings:
    oidc = OidcSettings(issuer=provider.issuer, client_id=provider.client_id,
                        client_secret=provider.client_secret)
    # cheap password hashing, as the identity tests have it: no password is used here
    web = dataclasses.replace(settings.web, oidc=oidc, public_url=IN_PROCESS_APP,
                              password_time_cost=1, password_memory_kib=64)
    return dataclasses.replace(settings, web=web)


def sign_in_app(settings: Settings, system: RegisterSystem) -> FastAPI:
    authenticator = RegisterAuthenticator(settings, system, open_credentials(system))
    app = FastAPI()
    app.state.authenticator = authenticator
    app.include_router(sign_in_routes)
    sign_in = oidc_sign_in(settings, system, authenticator)
    assert sign_in is not None
    app.include_router(oidc_router(sign_in))

    @app.exception_handler(Unauthenticated)
    def _unauthenticated(request: Request, error: Unauthenticated) -> JSONResponse:
        return JSONResponse({"title": error.message}, status_code=401)

    return app

"""The whole app as a serving process builds it (``web.services.serving``), with the
identity provider configured: the register's authenticator, the desk's sessions in the
credential store, principals from the register's grants, and the API behind them."""

from __future__ import annotations

import dataclasses

from fastapi import FastAPI

from tests.oidc.conftest import IN_PROCESS_APP
from tests.support.oidc_provider import LoopbackProvider
from web.app import create_app
from web.services import serving
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
    # the test's register, told of the provider (only the web settings differ)
    system.settings = settings
    return create_app(serving(system))

"""The API in process (httpx over ASGI), on the test's real register and a real Temporal server.

Until sign-in is wired, a request is signed by a bearer token from a fixed
map of tokens to principals (``TokenMap``): the app's one authentication
seam, ``app.state.authenticator``, is what sign-in replaces.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI, Request

from web.app import create_app
from web.principal import Principal
from web.services import WebServices
from workflows.desk import ProposalDesk

ACCOUNTS = {
    "soc-staff": Principal(username="somchai", agency="SOC", role="staff",
                           signed_in_by="token"),
    "soc-head": Principal(username="sompong", agency="SOC", role="head", signed_in_by="token"),
    "opdc-head": Principal(username="orawan", agency="OPDC", role="head", signed_in_by="token"),
    "opdc-staff": Principal(username="oraphin", agency="OPDC", role="staff",
                            signed_in_by="token"),
    "dpm-head": Principal(username="dusit", agency="DPM", role="head", signed_in_by="token"),
    "pm-head": Principal(username="prayut", agency="PM", role="head", signed_in_by="token"),
    "moi-staff": Principal(username="manee", agency="MOI", role="staff", signed_in_by="token"),
    "auditor": Principal(username="anong", agency="OAG", role="auditor", signed_in_by="token"),
    "engine": Principal(username="engine", agency="SOC", role="system", signed_in_by="token"),
}


class TokenMap:
    """An authenticator of fixed bearer tokens (the tests' stand-in for sign-in)."""

    def __init__(self, accounts: dict[str, Principal]) -> None:
        self.accounts = accounts

    def from_request(self, request: Request) -> Principal | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.accounts.get(token.strip())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_app(system, desk: ProposalDesk | None = None) -> FastAPI:
    return create_app(WebServices(settings=system.settings, system=system,
                                  authenticator=TokenMap(ACCOUNTS), desk=desk))


@pytest.fixture
def app(case_system) -> FastAPI:
    """The app on the register holding the reference case (no workflow engine needed)."""
    return make_app(case_system)


@pytest_asyncio.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as opened:
        yield opened


def log_length(system) -> int:
    return system.register.recorder.max_notification_id() or 0

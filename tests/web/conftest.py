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

from tests.e2e.reference_case import earlier_resolutions
from tests.support.memos import with_unique_memo
from tests.web.accounts import (  # noqa: F401  (fixtures: real sign-in on a real register)
    desk_with_worker,
    signed_client,
    signed_desk,
    signed_register,
    signed_services,
)
from web.app import create_app
from web.principal import Principal
from web.services import WebServices
from workflows.desk import ProposalDesk


def _account(username: str, agency: str, role: str) -> Principal:
    return Principal.model_validate({"username": username, "agency": agency, "role": role,
                                     "signed_in_by": "token"})


ACCOUNTS = {
    "soc-staff": _account("somchai", "SOC", "staff"),
    "soc-head": _account("sompong", "SOC", "head"),
    "opdc-head": _account("orawan", "OPDC", "head"),
    "opdc-staff": _account("oraphin", "OPDC", "staff"),
    "dpm-head": _account("dusit", "DPM", "head"),
    "pm-head": _account("prayut", "PM", "head"),
    "moi-staff": _account("manee", "MOI", "staff"),
    "auditor": _account("anong", "OAG", "auditor"),
    "engine": _account("engine", "SOC", "system"),
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
                                  authenticator=CaseAccounts(ACCOUNTS), desk=desk))


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


def case_token(actor) -> str:
    """The token the tests' authenticator gives the case's actor (``as:NESDC:head``)."""
    return f"as:{actor}"


class CaseAccounts(TokenMap):
    """Fixed accounts, and one per actor of the case (``as:AGENCY:ROLE``)."""

    def from_request(self, request: Request) -> Principal | None:
        found = super().from_request(request)
        token = request.headers.get("authorization", "").partition(" ")[2].strip()
        if found is None and token.startswith("as:"):
            agency, _, role = token[3:].partition(":")
            return _account(f"{agency.lower()}-{role}", agency, role)
        return found


@pytest_asyncio.fixture
async def desk(dev_server, system) -> AsyncIterator[ProposalDesk]:
    async with desk_with_worker(dev_server, system, "web") as opened:
        yield opened


@pytest.fixture
def history(system, case):
    """The register holding the earlier resolutions; the case's proposal with its own memo."""
    system.register.import_file(earlier_resolutions(case))
    system.catch_up()
    return with_unique_memo(case)


@pytest_asyncio.fixture
async def stepping(system, desk) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app whose steps go to a real Temporal dev server and worker."""
    app = create_app(WebServices(settings=system.settings, system=system,
                                 authenticator=CaseAccounts(ACCOUNTS), desk=desk))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as opened:
        yield opened

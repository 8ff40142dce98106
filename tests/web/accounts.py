"""Signed-in accounts on a real register: grants recorded as events, real tokens, the real app.

The app is built as a serving process builds it (``web.services.serving``):
sign-in's authenticator over the register's grants and the credential store
in the register's own database, steps through a real Temporal dev server and
worker. Password hashing uses cheap argon2id parameters through the settings
production reads, so the tests stay quick.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
import pytest_asyncio

from domain.ids import proposal_id
from domain.permissions import Actor, Role
from domain.register.grants import RoleGrant
from domain.values import DocumentKind, SourceDocument
from tests.e2e.reference_case import earlier_resolutions
from web.app import create_app
from web.services import WebServices, serving
from workers.bootstrap import RegisterSystem, open_register
from workers.storage.credentials import CredentialStore
from workers.temporal import build_worker
from workers.web_settings import WebSettings
from workflows.desk import ProposalDesk

CHEAP = WebSettings(password_time_cost=1, password_memory_kib=64)
PASSWORD = "correct horse battery"
OPERATOR = Actor(agency="SOC", role=Role.OPERATOR)
GRANTED_FROM = date(2021, 1, 4)


@dataclass(frozen=True)
class Account:
    username: str
    actor: Actor
    token: str
    """A real API token the credential store issued."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def username_for(actor: Actor) -> str:
    return f"{actor.agency.lower()}-{actor.role.value}"


def order(number: int) -> SourceDocument:
    return SourceDocument(kind=DocumentKind.LETTER, number=f"นร 0101/{number}",
                          date=GRANTED_FROM, issuer="SOC")


def grant_accounts(system: RegisterSystem, credentials: CredentialStore,
                   actors: Iterable[Actor], *, password: str | None = None
                   ) -> dict[Actor, Account]:
    """An account per actor: its grant recorded in the register (by the Secretariat's
    operator), a real API token, and the password if one is given."""
    accounts: dict[Actor, Account] = {}
    for number, actor in enumerate(actors, start=1):
        username = username_for(actor)
        system.register.grant_role(
            RoleGrant(username=username, agency=actor.agency, role=actor.role,
                      effective_from=GRANTED_FROM, source=order(number),
                      reason="appointed by order"), OPERATOR)
        if password is not None:
            credentials.set_password(username, password)
        token = credentials.issue(username, "api", label="test").token
        accounts[actor] = Account(username, actor, token)
    system.catch_up()
    return accounts


def credentials_of(services: WebServices) -> CredentialStore:
    assert services.credentials is not None
    return services.credentials


@pytest.fixture
def signed_register(settings, case) -> Iterator[RegisterSystem]:
    """The register holding the case's earlier resolutions (cheap password hashing)."""
    opened = open_register(dataclasses.replace(settings, web=CHEAP))
    opened.register.import_file(earlier_resolutions(case))
    opened.catch_up()
    yield opened
    opened.close()


@asynccontextmanager
async def desk_with_worker(dev_server, system, prefix: str) -> AsyncIterator[ProposalDesk]:
    """A desk on its own task queue, with a worker on the real dev server behind it."""
    task_queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    worker = build_worker(dev_server.client, system.register, task_queue,
                          workflow_failure_exception_types=[Exception])
    async with worker:
        yield ProposalDesk(dev_server.client, system.register, task_queue)


@pytest_asyncio.fixture
async def signed_desk(dev_server, signed_register) -> AsyncIterator[ProposalDesk]:
    async with desk_with_worker(dev_server, signed_register, "signed") as opened:
        yield opened


@pytest.fixture
def signed_services(signed_register, signed_desk) -> WebServices:
    """The services of a serving process: real sign-in, real desk."""
    return serving(signed_register, signed_desk)


@pytest_asyncio.fixture
async def signed_client(signed_services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(signed_services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        yield client


def log_length(system: RegisterSystem) -> int:
    return system.register.recorder.max_notification_id() or 0


def events_since(system: RegisterSystem, last: int) -> list:
    """The events recorded after notification ``last``, as domain events."""
    mapper = system.register.mapper
    return [mapper.to_domain_event(n) for n in
            system.register.recorder.select_notifications(start=last + 1, limit=1000)]


async def recorded_draft(system: RegisterSystem, workflow_id: str) -> None:
    """Wait until the workflow has recorded its draft (just after it starts)."""
    for _ in range(400):
        if list(system.register.history(proposal_id(workflow_id))):
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"the draft of {workflow_id} was never recorded")

"""schemathesis against the running API: no server error, no answer that breaks its schema.

The API is served by ``workers.http.run_http`` (uvicorn) on a loopback port,
in a thread with its own event loop that also runs a real Temporal dev server
and a worker, on a register holding the reference case; schemathesis reads
the OpenAPI document it serves and sends every operation a few generated
requests, signed in (``/api/login``) as an account of the Secretariat's staff.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.permissions import Actor, Role
from domain.register.grants import RoleGrant
from domain.values import DocumentKind, SourceDocument
from tests.conftest import STORE, _pg
from tests.web.conftest import bearer
from web.services import serving
from workers.bootstrap import RegisterSystem, open_register
from workers.http import run_http
from workers.settings import PostgresSettings, Settings
from workers.storage.credentials import CredentialStore
from workers.temporal import binary, build_worker
from workers.web_settings import WebSettings
from workflows.desk import ProposalDesk

PASSWORD = "correct horse battery"
STAFF = RoleGrant(username="somchai", agency="SOC", role=Role.STAFF,
                  effective_from=date(2026, 1, 5), reason="appointed by order",
                  source=SourceDocument(kind=DocumentKind.LETTER, number="นร 0101/7",
                                        date=date(2026, 1, 5), issuer="SOC"))
"""The account schemathesis signs in as: the Secretariat's staff."""
EXAMPLES = 12
"""Generated requests per operation: about 35 operations finish in a minute or two."""


class ServedApi(threading.Thread):
    """Dev server, worker and HTTP app in one event loop of their own."""

    def __init__(self, system: RegisterSystem) -> None:
        super().__init__(name="served-api", daemon=True)
        self.system = system
        self.url = ""
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop: asyncio.Event | None = None
        self.credentials: CredentialStore | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:
            self.failed = error
            self.ready.set()

    async def _serve(self) -> None:
        self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(binary("temporal")),
            data_converter=pydantic_data_converter, dev_server_log_level="error")
        try:
            task_queue = f"fuzz-{uuid.uuid4().hex[:8]}"
            desk = ProposalDesk(env.client, self.system.register, task_queue)
            services = serving(self.system, desk)
            assert services.credentials is not None
            services.credentials.set_password("somchai", PASSWORD)
            self.credentials = services.credentials
            async with build_worker(env.client, self.system.register, task_queue):
                await run_http(services, self.stop, ready=self._listening)
        finally:
            await env.shutdown()

    def _listening(self, url: str) -> None:
        self.url = url
        self.ready.set()

    def shut(self) -> None:
        if self.loop is not None and self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.join(timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory, case) -> Iterator[ServedApi]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    web = WebSettings(port=0, password_time_cost=1, password_memory_kib=64)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    if STORE == "sqlite":
        configured = Settings(data_dir=folder / "data", development=True, web=web)
    else:
        configured = Settings(data_dir=folder / "data", store="postgres", development=True,
                              web=web, postgres=PostgresSettings(**{**_pg().__dict__,
                                                                    "schema": schema}))
    system = open_register(configured)
    system.register.import_file(case)
    system.register.grant_role(STAFF, Actor(agency="SOC", role=Role.OPERATOR))
    system.catch_up()
    api = ServedApi(system)
    api.start()
    api.ready.wait(timeout=60)
    if api.failed is not None:
        raise api.failed
    try:
        yield api
    finally:
        api.shut()
        system.close()
        if STORE != "sqlite":
            pg = configured.postgres
            with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                                 password=pg.password or None, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]


def _probe(operation, token: str, statuses: Counter[int]):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def probe(case) -> None:
        response = case.call_and_validate(headers=bearer(token), checks=CHECKS, timeout=30)
        statuses[response.status_code] += 1

    return probe


def test_no_request_breaks_the_api(served):
    assert served.credentials is not None
    document = schemathesis.openapi.from_url(f"{served.url}/api/openapi.json")
    operations = [found.ok() for found in document.get_all_operations()]
    assert len(operations) > 30
    broken: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    for operation in operations:
        # A token of its own per operation: a generated POST /api/logout revokes the one it
        # was sent with.
        probe = _probe(operation, served.credentials.issue("somchai").token, statuses)
        try:
            probe()
        except Exception as failure:  # every operation is tried; all failures are reported
            broken[operation.label] = str(failure)[:2000]
    assert broken == {}
    # Requests reached every kind of answer: answers, refusals and malformed input alike.
    assert sum(statuses.values()) >= len(operations) * 2
    assert {200, 403, 404, 422} <= set(statuses), statuses
    print(dict(statuses))

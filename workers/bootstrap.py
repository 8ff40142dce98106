"""The composition root: builds the register, its views and their catch-up from settings.

Nothing in domain/, projections/ or workflows/ imports this module; processes
(the CLI, the worker, the projection runner, tests) call it to get wired parts.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, IntegrityError
from eventsourcing.utils import Environment

from domain.ids import AGENCY_DIRECTORY_ID, REGISTER_LOG
from domain.paperwork.agencies import BUILTIN_AGENCIES
from projections.queries.reading import current
from projections.runner import Follower
from projections.sql import Cursor
from projections.view import VIEWS_NAME, RegisterView
from workers.settings import Settings
from workers.storage.attachments import FolderAttachments
from workers.storage.chained import view_class_for

if TYPE_CHECKING:
    from domain.register.application import Register
    from projections import audit
    from projections.model import ReadModel
    from projections.rebuild import RebuildReport
    from workers.storage.verify import VerifyReport


class RegisterSystem:
    """The register, its views and their follower: what commands and queries are given.

    The register's application (every aggregate and event class) is built on
    first use. A question whose views already hold the whole log needs only
    the log's recorder and the views, so a process that only reads starts
    without it; anything that writes or catches the views up builds it, on
    the same recorder.
    """

    def __init__(self, settings: Settings, view: RegisterView, factory: InfrastructureFactory[Any],
                 recorder: ApplicationRecorder, *, clock: Callable[[], datetime] | None = None
                 ) -> None:
        self.settings = settings
        self.view = view
        self.recorder = recorder
        """The register's log, read without its application."""
        self._factory = factory
        self._clock = clock
        self._register: Register | None = None
        self.follower = Follower(lambda: self.register, view, recorder, REGISTER_LOG)

    @property
    def register(self) -> Register:
        if self._register is None:
            from domain.register.application import Register

            self._register = Register(env=self.settings.register_env(),
                                      infrastructure=(self._factory, self.recorder),
                                      **({"clock": self._clock} if self._clock else {}))
        return self._register

    @property
    def attachments(self) -> FolderAttachments:
        """Where scanned documents are kept by their hash (a folder; see attachments)."""
        return FolderAttachments(self.settings.attachments_path,
                                 max_bytes=self.settings.attachment_max_mb * 1024 * 1024)

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        return self.follower.catch_up(progress)

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A read cursor on views that include everything recorded so far."""
        with current(self) as cursor:
            yield cursor

    def known_agencies(self) -> frozenset[str]:
        """The agency codes the register knows: the built-in ones until a directory exists."""
        if self._register is None and not self.recorder.select_events(
                AGENCY_DIRECTORY_ID, limit=1):
            return frozenset(BUILTIN_AGENCIES)
        return self.register.known_agencies()

    def replay(self, progress: Callable[[int], None] | None = None) -> audit.ReplayReport:
        return replay_views(self, progress)

    def verify(self) -> VerifyReport:
        return verify_chain(self)

    def rebuild(self, models: Sequence[ReadModel],
                progress: Callable[[int], None] | None = None) -> RebuildReport:
        """Rebuild read models from the log (under the writers' turn), then catch up."""
        from projections.rebuild import rebuild

        report = rebuild(self.register, self.view, models, progress=progress)
        self.catch_up()
        return report

    def close(self) -> None:
        if self._register is not None:
            self._register.close()
        else:
            self._factory.close()
        self.view.datastore.close()  # type: ignore[attr-defined]


def prepare_storage(settings: Settings) -> None:
    if settings.store == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return
    import psycopg  # only for the PostgreSQL store: a SQLite register never loads it

    pg = settings.postgres
    with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                         password=pg.password or None, autocommit=True,
                         connect_timeout=5) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{pg.schema}"')


def _view(settings: Settings, env: dict[str, str], *, scratch: bool = False) -> RegisterView:
    factory = InfrastructureFactory.construct(Environment(VIEWS_NAME, env))
    view_class = view_class_for(factory, scratch=scratch)
    try:
        return factory.tracking_recorder(view_class)  # type: ignore[return-value]
    except IntegrityError:
        # Another process created the tables (and their first tracking row) just
        # before us; they exist now, so opening again finds them.
        return factory.tracking_recorder(view_class)  # type: ignore[return-value]


def open_register(settings: Settings, *, clock: Callable[[], datetime] | None = None
                  ) -> RegisterSystem:
    prepare_storage(settings)
    env = settings.register_env()
    # The register's own environment, as its application would build it.
    factory = InfrastructureFactory.construct(Environment(REGISTER_LOG, {**os.environ, **env}))
    return RegisterSystem(settings, _view(settings, env), factory,
                          factory.application_recorder(), clock=clock)


def replay_views(system: RegisterSystem,
                 progress: Callable[[int], None] | None = None) -> audit.ReplayReport:
    """Rebuild every view into a scratch store and compare it with the live views."""
    from projections import audit

    settings = system.settings
    env = settings.register_env()
    if settings.store == "sqlite":
        # In memory: a scratch store that is compared and dropped need not touch
        # the disk. Shared cache lets the comparing connection attach it.
        scratch_uri = f"file:audit-replay-{uuid.uuid4().hex[:8]}?mode=memory&cache=shared"
        scratch = _view(settings, {**env, "SQLITE_DBNAME": scratch_uri}, scratch=True)
        try:
            with _attached(settings.sqlite_path, scratch_uri) as cursor:
                return audit.replay(system.register, system.view, scratch,
                                    audit.compare_with_sql(cursor, "main.", "scratch."),
                                    progress)
        finally:
            scratch.datastore.close()  # type: ignore[attr-defined]
    schema = f"audit_replay_{uuid.uuid4().hex[:8]}"
    scratch_settings = settings.postgres.__class__(**{**settings.postgres.__dict__,
                                                      "schema": schema})
    prepare_storage(Settings(**{**settings.__dict__, "postgres": scratch_settings}))
    scratch = _view(settings, {**env, "POSTGRES_SCHEMA": schema}, scratch=True)
    try:
        with system.view.reading() as cursor:
            live = f'"{settings.postgres.schema}".'
            return audit.replay(system.register, system.view, scratch,
                                audit.compare_with_sql(cursor, live, f'"{schema}".'), progress)
    finally:
        scratch.datastore.close()  # type: ignore[attr-defined]
        _drop_schema(settings, schema)


@contextmanager
def _attached(live: Path, scratch: str) -> Iterator[Cursor]:
    from projections.sql import Dialect

    connection = sqlite3.connect(live, uri=False)
    connection.row_factory = sqlite3.Row
    try:
        connection.execute("ATTACH DATABASE ? AS scratch", (scratch,))
        yield Cursor(connection.cursor(), Dialect("sqlite"))
    finally:
        connection.close()


def _drop_schema(settings: Settings, schema: str) -> None:
    import psycopg

    pg = settings.postgres
    with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                         password=pg.password or None, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def verify_chain(system: RegisterSystem) -> VerifyReport:
    from workers.storage.verify import verify_store

    recorder: Any = system.recorder
    settings = system.settings
    return verify_store(recorder, settings.checkpoints_path, settings.checkpoint_trusted_keys,
                        attachments=system.attachments)

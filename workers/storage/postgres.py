"""The register's store on PostgreSQL: the chained event recorder, its factory, the views,
and the locks that let processes starting together create the tables in turn.

Named by ``PERSISTENCE_MODULE=workers.storage.postgres:LedgeredPostgresFactory``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresFactory,
    PostgresTrackingRecorder,
)
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections.sql import Dialect
from workers.storage.chained import ChainedRecorder, LedgeredFactory
from workers.storage.views import DatabaseView


def postgres_lock_key(purpose: str, schema: str) -> str:
    return f"cabinet-{purpose}:{schema}"


@contextmanager
def postgres_schema_lock(datastore: Any, *also: str) -> Iterator[None]:
    """Take turns creating a schema's tables across threads and processes.

    The worker and the projector start together and each creates the tables
    it needs; PostgreSQL fails one of two concurrent ``CREATE OR REPLACE
    FUNCTION`` (or ``CREATE TABLE IF NOT EXISTS``) with "tuple concurrently
    updated", so creation holds a session advisory lock named by the schema,
    and those named in ``also``: ``CREATE INDEX IF NOT EXISTS`` locks its
    table even when the index exists, which deadlocks against a writer that
    holds one table and wants the next unless they too take turns.
    """
    keys = [postgres_lock_key("schema", datastore.schema), *also]
    # The library's pooled connections are in autocommit mode, so the locks are
    # held for the session, across the several transactions creation uses.
    with datastore.get_connection() as conn:
        for key in keys:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        try:
            yield
        finally:
            for key in reversed(keys):
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))


class LedgeredPostgresApplicationRecorder(ChainedRecorder, PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        table = Identifier(f"{events_table_name}_ledger")
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (notification_id bigint PRIMARY KEY, "
            "originator_id text NOT NULL, originator_version integer NOT NULL, "
            "link bytea NOT NULL)").format(schema, table))
        self._ledger_tail = SQL(
            "SELECT link FROM {}.{} ORDER BY notification_id DESC LIMIT 1").format(schema, table)
        self._ledger_insert = SQL("INSERT INTO {}.{} VALUES (%s, %s, %s, %s)").format(
            schema, table)
        self._ledger_select = SQL(
            "SELECT * FROM {}.{} WHERE notification_id >= %s ORDER BY notification_id "
            "LIMIT %s").format(schema, table)

    def create_table(self) -> None:
        with postgres_schema_lock(self.datastore):
            super().create_table()

    def _fetch_ids_after_insert_events(self, curs: Cursor[DictRow],
                                       stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        self._seal(curs, ids, stored_events)
        return ids


class PostgresRegisterView(DatabaseView, PostgresTrackingRecorder):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        self.dialect = Dialect("postgres", datastore.schema)
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(
            SQL(self.dialect.sql(t)) for t in self._statements())  # type: ignore[misc]

    def create_table(self) -> None:
        with postgres_schema_lock(self.datastore, self._writers_key):
            super().create_table()

    @property
    def _writers_key(self) -> str:
        return postgres_lock_key("views", self.datastore.schema)

    def _take_write_turn(self, raw: Any) -> None:
        raw.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._writers_key,))


class ScratchPostgresRegisterView(PostgresRegisterView):
    answers_questions = False


class LedgeredPostgresFactory(LedgeredFactory, PostgresFactory):
    application_recorder_class = LedgeredPostgresApplicationRecorder
    view_class = PostgresRegisterView
    scratch_view_class = ScratchPostgresRegisterView

"""The register's store on PostgreSQL: the chained event recorder, its factory, the views,
and the locks that let processes starting together create the tables in turn.

Named by ``PERSISTENCE_MODULE=workers.storage.postgres:LedgeredPostgresFactory``.
Events are inserted outside psycopg's pipeline mode, large batches are staged
before the events table is locked (``postgres_batch``), and every connection
has lock and statement timeouts (``timeouts``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresFactory,
    PostgresTrackingRecorder,
)
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections.sql import Dialect
from projections.view import BUILT, READ_MODELS
from workers.storage.chained import ChainedRecorder, LedgeredFactory, LedgerRow
from workers.storage.postgres_batch import LARGE_BATCH, StagedInsert
from workers.storage.timeouts import STATEMENT_TIMEOUT, bound
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
        self.ledger_table = f"{events_table_name}_ledger"
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.ledger_table)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (notification_id bigint PRIMARY KEY, "
            "originator_id text NOT NULL, originator_version integer NOT NULL, "
            "link bytea NOT NULL)").format(schema, table))
        self._ledger_tail = SQL(
            "SELECT link FROM {}.{} ORDER BY notification_id DESC LIMIT 1").format(schema, table)
        # A batch's links in one statement, a column an array (see _insert_links).
        self._ledger_insert = SQL(
            "INSERT INTO {}.{} SELECT * FROM unnest(%s::bigint[], %s::text[], "
            "%s::integer[], %s::bytea[])").format(schema, table)
        self._ledger_select = SQL(
            "SELECT * FROM {}.{} WHERE notification_id >= %s ORDER BY notification_id "
            "LIMIT %s").format(schema, table)
        self._ledger_count = SQL("SELECT COUNT(*) AS n FROM {}.{}").format(schema, table)
        self.ledger_meta_table = f"{self.ledger_table}_meta"
        meta = Identifier(self.ledger_meta_table)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (id integer PRIMARY KEY CHECK (id = 1), "
            "key_fingerprint text NOT NULL, size bigint NOT NULL)").format(schema, meta))
        self._meta_select = SQL(
            "SELECT key_fingerprint, size FROM {}.{} WHERE id = 1").format(schema, meta)
        self._meta_insert = SQL(
            "INSERT INTO {}.{} (id, key_fingerprint, size) VALUES (1, %s, %s)").format(
            schema, meta)
        self._meta_update = SQL("UPDATE {}.{} SET size = %s WHERE id = 1").format(schema, meta)
        self._schema_check = SQL(
            "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL "
            "AND to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL "
            "AND to_regtype(%s) IS NOT NULL AS present")
        self._staged = StagedInsert(self.datastore.schema, events_table_name,
                                    self.datastore.originator_id_type)

    def create_table(self) -> None:
        # CREATE INDEX IF NOT EXISTS locks the table even when the index is
        # there, so every open waited behind any long write. Once the schema
        # exists an open only reads the catalogue, which locks no table.
        if self._schema_present():
            self.datastore.register_type_adapters()
            return
        with postgres_schema_lock(self.datastore):
            super().create_table()

    def _schema_present(self) -> bool:
        schema = self.datastore.schema
        relations = (self.events_table_name, self.ledger_table, self.ledger_meta_table,
                     self.notification_id_index_name)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._schema_check, [*(f'"{schema}"."{name}"' for name in relations),
                                              f'"{schema}"."{self.stored_event_type_name}"'])
            row = curs.fetchone()
            return bool(row and row["present"])

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        """The library's insert, one statement at a time instead of in pipeline mode.

        psycopg's pipeline mode (3.3.9, and earlier) stops sending when a
        message outgrows the socket's buffers and waits for a reply the server
        cannot give before it has the whole message: an import of a few
        thousand events hung forever holding the events table's lock. Outside
        a pipeline psycopg keeps sending until the message is out. The cost is
        a few round trips per transaction, small beside the batch itself.
        """
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(curs, stored_events, **kwargs)
            ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        self._checkpoint()
        return ids

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> None:
        if len(stored_events) < LARGE_BATCH:
            super()._insert_stored_events(curs, stored_events, **kwargs)
            return
        self._staged.stage(curs, stored_events)
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(self._staged.insert)

    def _fetch_ids_after_insert_events(self, curs: Cursor[DictRow],
                                       stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        self._seal(curs, ids, stored_events)
        return ids

    def _insert_links(self, cursor: Any, rows: Sequence[LedgerRow]) -> None:
        # One statement for the whole batch: executemany would send a statement
        # per event, in a pipeline of its own.
        cursor.execute(self._ledger_insert, [list(column) for column in zip(*rows, strict=True)])


class PostgresRegisterView(DatabaseView, PostgresTrackingRecorder):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        self.dialect = Dialect("postgres", datastore.schema)
        super().__init__(datastore, **kwargs)
        self._forget_position = SQL("DELETE FROM {}.{} WHERE application_name = %s").format(
            Identifier(datastore.schema), Identifier(self.tracking_table_name))
        self.sql_create_statements.extend(
            SQL(self.dialect.sql(t)) for t in self._statements())  # type: ignore[misc]

    def create_table(self) -> None:
        # CREATE … IF NOT EXISTS locks each table even when it exists, so every open
        # waited behind any long write to the views. Once the views are built as
        # this code defines every read model, an open only reads the catalogue; a
        # new or changed model (or a new store) still runs the DDL, under the lock.
        if self._views_current():
            return
        with postgres_schema_lock(self.datastore, self._writers_key):
            super().create_table()

    def _views_current(self) -> bool:
        built = f'"{self.datastore.schema}"."{BUILT}"'
        tracking = f'"{self.datastore.schema}"."{self.tracking_table_name}"'
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL"
                         " AS present", (built, tracking))
            row = curs.fetchone()
            if not (row and row["present"]):
                return False
            curs.execute(SQL("SELECT model, signature FROM {}.{}").format(
                Identifier(self.datastore.schema), Identifier(BUILT)))
            recorded = {r["model"]: r["signature"] for r in curs.fetchall()}
        return all(recorded.get(m.name) == m.signature for m in READ_MODELS)

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

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        bound(self.datastore, int(self.env.get(STATEMENT_TIMEOUT) or "0"))

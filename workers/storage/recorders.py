"""Event store adapters: the library's recorders with the ledger chain added.

Selected through eventsourcing's own ``PERSISTENCE_MODULE`` setting, so the
register application stays unaware of which database it runs on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteFactory
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections.sql import postgres_schema_lock
from workers.storage.ledger import DEV_KEY, GENESIS, link
from workers.storage.postgres_batch import LARGE_BATCH, StagedInsert
from workers.storage.timeouts import STATEMENT_TIMEOUT, bound

LEDGER_KEY = "LEDGER_KEY"


class LedgerRow(NamedTuple):
    notification_id: int
    originator_id: str
    originator_version: int
    link: bytes


def _links(key: bytes, previous: bytes, ids: Sequence[int],
           events: Sequence[StoredEvent]) -> list[tuple[int, str, int, bytes]]:
    rows = []
    for notification_id, event in zip(ids, events, strict=True):
        previous = link(key, previous, notification_id, event.originator_id,
                        event.originator_version, event.topic, event.state)
        originator = event.originator_id
        rows.append((notification_id, originator.hex if isinstance(originator, UUID)
                     else str(originator), event.originator_version, previous))
    return rows


class LedgeredSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = "stored_events",
                 ledger_key: bytes = DEV_KEY) -> None:
        self.ledger_table = f"{events_table_name}_ledger"
        self.ledger_key = ledger_key
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.ledger_table} ("
                "notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
                "originator_version INTEGER NOT NULL, link BLOB NOT NULL)"]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if not stored_events:
            return ids
        assert ids is not None
        # The events' insert holds the write lock, so the tail read here is ours.
        c.execute(f"SELECT link FROM {self.ledger_table} ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        rows = _links(self.ledger_key, row[0] if row else GENESIS, ids, stored_events)
        c.executemany(f"INSERT INTO {self.ledger_table} VALUES (?, ?, ?, ?)", rows)
        return ids

    def select_ledger(self, start: int, limit: int) -> list[LedgerRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.ledger_table} WHERE notification_id >= ? "
                      "ORDER BY notification_id LIMIT ?", (start, limit))
            return [LedgerRow(r[0], r[1], r[2], bytes(r[3])) for r in c.fetchall()]


class LedgeredSQLiteFactory(SQLiteFactory):
    application_recorder_class = LedgeredSQLiteApplicationRecorder

    def application_recorder(self) -> LedgeredSQLiteApplicationRecorder:
        recorder = LedgeredSQLiteApplicationRecorder(
            datastore=self.datastore, ledger_key=_key(self.env.get(LEDGER_KEY)))
        if self.env_create_table():
            recorder.create_table()
        return recorder


class LedgeredPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events",
                 ledger_key: bytes = DEV_KEY) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.ledger_key = ledger_key
        self.ledger_table = f"{events_table_name}_ledger"
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.ledger_table)
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (notification_id bigint PRIMARY KEY, "
            "originator_id text NOT NULL, originator_version integer NOT NULL, "
            "link bytea NOT NULL)").format(schema, table))
        self._ledger_tail = SQL(
            "SELECT link FROM {}.{} ORDER BY notification_id DESC LIMIT 1").format(schema, table)
        self._ledger_insert = SQL(
            "INSERT INTO {}.{} SELECT * FROM unnest(%s::bigint[], %s::text[], "
            "%s::integer[], %s::bytea[])").format(schema, table)
        self._schema_check = SQL(
            "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL "
            "AND to_regclass(%s) IS NOT NULL AND to_regtype(%s) IS NOT NULL AS present")
        self._staged = StagedInsert(self.datastore.schema, events_table_name,
                                    self.datastore.originator_id_type)
        self._ledger_select = SQL(
            "SELECT * FROM {}.{} WHERE notification_id >= %s ORDER BY notification_id "
            "LIMIT %s").format(schema, table)

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
        relations = (self.events_table_name, self.ledger_table, self.notification_id_index_name)
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
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

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
        if not stored_events:
            return ids
        assert ids is not None
        # The library holds an exclusive lock on the events table for this
        # transaction, so no other writer can extend the chain meanwhile.
        curs.execute(self._ledger_tail)
        row = curs.fetchone()
        rows = _links(self.ledger_key, bytes(row["link"]) if row else GENESIS, ids,
                      stored_events)
        # One statement for the whole batch: executemany would send a statement
        # per event, in a pipeline of its own.
        curs.execute(self._ledger_insert, [list(column) for column in zip(*rows, strict=True)])
        return ids

    def select_ledger(self, start: int, limit: int) -> list[LedgerRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._ledger_select, (start, limit))
            return [LedgerRow(r["notification_id"], r["originator_id"],
                              r["originator_version"], bytes(r["link"]))
                    for r in curs.fetchall()]


class LedgeredPostgresFactory(PostgresFactory):
    application_recorder_class = LedgeredPostgresApplicationRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        bound(self.datastore, int(self.env.get(STATEMENT_TIMEOUT) or "0"))

    def application_recorder(self) -> LedgeredPostgresApplicationRecorder:
        prefix = self.env.name.lower() or "stored"
        recorder = LedgeredPostgresApplicationRecorder(
            datastore=self.datastore, events_table_name=f"{prefix}_events",
            ledger_key=_key(self.env.get(LEDGER_KEY)))
        if self.env_create_table():
            recorder.create_table()
        return recorder


def _key(configured: str | None) -> bytes:
    return configured.encode() if configured else DEV_KEY

"""The register's store on SQLite: the chained event recorder, its factory, the views.

Named by ``PERSISTENCE_MODULE=workers.storage.sqlite:LedgeredSQLiteFactory``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteFactory,
    SQLiteTrackingRecorder,
)

from projections.sql import Dialect
from workers.storage.chained import ChainedRecorder, LedgeredFactory
from workers.storage.views import DatabaseView


class LedgeredSQLiteApplicationRecorder(ChainedRecorder, SQLiteApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        table = f"{events_table_name}_ledger"
        self._ledger_create = (
            f"CREATE TABLE IF NOT EXISTS {table} (notification_id INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, "
            "link BLOB NOT NULL)")
        self._ledger_tail = f"SELECT link FROM {table} ORDER BY notification_id DESC LIMIT 1"
        self._ledger_insert = f"INSERT INTO {table} VALUES (?, ?, ?, ?)"
        self._ledger_select = (f"SELECT * FROM {table} WHERE notification_id >= ? "
                               "ORDER BY notification_id LIMIT ?")
        self._ledger_count = f"SELECT COUNT(*) AS n FROM {table}"
        meta = f"{table}_meta"
        self._meta_create = (
            f"CREATE TABLE IF NOT EXISTS {meta} (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "key_fingerprint TEXT NOT NULL, size INTEGER NOT NULL)")
        self._meta_select = f"SELECT key_fingerprint, size FROM {meta} WHERE id = 1"
        self._meta_insert = f"INSERT INTO {meta} (id, key_fingerprint, size) VALUES (1, ?, ?)"
        self._meta_update = f"UPDATE {meta} SET size = ? WHERE id = 1"
        # The library builds its create statements in its constructor, from ours.
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), self._ledger_create,
                self._meta_create]

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        ids = super().insert_events(stored_events, **kwargs)
        self._checkpoint()
        return ids

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        self._seal(c, ids, stored_events)
        return ids


class SQLiteRegisterView(DatabaseView, SQLiteTrackingRecorder):
    CACHE_KIB = 256 * 1024
    SYNCHRONOUS = "NORMAL"

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        self.dialect = Dialect("sqlite")
        self._forget_position = "DELETE FROM tracking WHERE application_name = ?"
        self._tuned: weakref.WeakSet[Any] = weakref.WeakSet()
        super().__init__(datastore, **kwargs)

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        with self.datastore.get_connection(commit=commit) as connection:
            if connection not in self._tuned:
                # Index inserts into million-row tables thrash SQLite's default 2 MB
                # page cache. And a view can always be rebuilt from the events, so
                # it need not wait for each commit to reach the disk.
                plain = connection.cursor()
                plain.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
                plain.execute(f"PRAGMA synchronous = {self.SYNCHRONOUS}")
                self._tuned.add(connection)
            with connection.transaction(commit=commit) as raw:
                yield raw

    def _take_write_turn(self, raw: Any) -> None:
        # A write as the first statement takes the database's write lock (waiting
        # for it) before the position is read, so no other writer slips in between.
        raw.execute("UPDATE tracking SET notification_id = notification_id WHERE 0")

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                *(self.dialect.sql(t) for t in self._statements())]


class ScratchSQLiteRegisterView(SQLiteRegisterView):
    """A throwaway rebuild for audit: no query indexes, no waiting for the disk."""

    answers_questions = False
    SYNCHRONOUS = "OFF"


class LedgeredSQLiteFactory(LedgeredFactory, SQLiteFactory):
    application_recorder_class = LedgeredSQLiteApplicationRecorder
    view_class = SQLiteRegisterView
    scratch_view_class = ScratchSQLiteRegisterView

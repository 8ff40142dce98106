"""Going at the store behind the register's back, as someone with database access would."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from workers.settings import Settings
from workers.storage.ledger import GENESIS, link


@dataclass
class Store:
    """A raw connection and the names of the register's tables in it."""

    db: Any
    events: str
    ident: str
    ledger: str
    tracking: str
    mark: str

    def rows(self, sql: str, *params: Any) -> list[Any]:
        return list(self.db.execute(sql, params).fetchall())


@contextmanager
def store(settings: Settings) -> Iterator[Store]:
    if settings.store == "sqlite":
        connection = sqlite3.connect(settings.sqlite_path)
        try:
            yield Store(connection, "stored_events", "rowid", "stored_events_ledger",
                        "tracking", "?")
            connection.commit()
        finally:
            connection.close()
        return
    pg = settings.postgres
    schema = f'"{pg.schema}".'
    with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                         password=pg.password or None, autocommit=True) as pg_connection:
        yield Store(pg_connection, f"{schema}register_events", "notification_id",
                    f"{schema}register_events_ledger", f"{schema}registerviews_tracking", "%s")


def relink(s: Store, key: bytes) -> None:
    """Recompute every link of the chain with ``key``: a forger who knows it."""
    previous = GENESIS
    events = s.rows(f"SELECT {s.ident}, originator_id, originator_version, topic, state "
                    f"FROM {s.events} ORDER BY {s.ident}")
    for notification_id, originator_id, version, topic, state in events:
        previous = link(key, previous, notification_id, originator_id, version, topic,
                        bytes(state))
        s.db.execute(f"UPDATE {s.ledger} SET link = {s.mark} WHERE notification_id = {s.mark}",
                     (previous, notification_id))

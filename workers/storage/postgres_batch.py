"""Large batches of events into PostgreSQL: copied in before the events table is locked.

The library sends a batch as one array parameter, which psycopg must encode
(slowly, in Python, for a composite type) after the transaction has taken the
events table's exclusive lock: every other writer waits meanwhile, and past
the library's five seconds of an idle transaction the server ends the
session. A large batch is instead streamed with COPY into a temporary table
first, and the locked part of the transaction is one ``INSERT ... SELECT``
that runs entirely in the server.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import StoredEvent
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

LARGE_BATCH = 500
"""Events in a batch from which copying first is worth its extra statements."""

_STAGING = Identifier("cabinet_incoming_events")


class StagedInsert:
    """The statements that stage a batch and move it into one events table."""

    def __init__(self, schema: str, table: str, originator_id_type: str) -> None:
        self.originator_id_type = originator_id_type
        # A temporary table lives as long as the pooled connection; its rows
        # only until the transaction ends, committed or not.
        self.create = SQL(
            "CREATE TEMPORARY TABLE IF NOT EXISTS {} (position integer, originator_id {}, "
            "originator_version bigint, topic text, state bytea) ON COMMIT DELETE ROWS"
        ).format(_STAGING, Identifier(originator_id_type))
        self.copy = SQL(
            "COPY pg_temp.{} (position, originator_id, originator_version, topic, state) "
            "FROM STDIN (FORMAT BINARY)").format(_STAGING)
        # Notification ids follow the batch's order, as the library's own insert's do.
        self.insert: Composed = SQL(
            "INSERT INTO {}.{} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM pg_temp.{} "
            "ORDER BY position RETURNING notification_id").format(
            Identifier(schema), Identifier(table), _STAGING)

    def stage(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent]) -> None:
        """Copy the batch into the staging table; no lock on the events table yet."""
        curs.execute(self.create)
        with curs.copy(self.copy) as copy:
            copy.set_types(["integer", self.originator_id_type, "bigint", "text", "bytea"])
            for position, event in enumerate(stored_events):
                copy.write_row((position, event.originator_id, event.originator_version,
                                event.topic, event.state))

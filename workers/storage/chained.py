"""What the SQLite and PostgreSQL event stores share: the chain's table and the factory.

Each database's module gives the statements in its own form; writing a batch
of links, reading the chain back, and handing out recorders that know the key
are written once, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, StoredEvent

from workers.storage.ledger import DEV_KEY, GENESIS, link, stored_id

if TYPE_CHECKING:
    from projections.view import RegisterView

LEDGER_KEY = "LEDGER_KEY"
"""The environment setting that holds the chain's key (the development key if unset)."""


class LedgerRow(NamedTuple):
    notification_id: int
    originator_id: str
    originator_version: int
    link: bytes


def chain_rows(key: bytes, previous: bytes, ids: Sequence[int],
               events: Sequence[StoredEvent]) -> list[LedgerRow]:
    """The links for a batch of events just given these notification ids."""
    rows = []
    for notification_id, event in zip(ids, events, strict=True):
        previous = link(key, previous, notification_id, event.originator_id,
                        event.originator_version, event.topic, event.state)
        rows.append(LedgerRow(notification_id, stored_id(event.originator_id),
                              event.originator_version, previous))
    return rows


class ChainedRecorder:
    """Mixed into each database's application recorder: its events' chain, written and read."""

    datastore: Any
    ledger_key: bytes = DEV_KEY
    # In the database's own form, set by each recorder: the newest link; the
    # insert of one row (notification id, aggregate id, version, link), or of a
    # batch where a recorder writes its own ``_insert_links``; rows from a
    # notification id on, up to a limit.
    _ledger_tail: Any
    _ledger_insert: Any
    _ledger_select: Any

    def _seal(self, cursor: Any, ids: Sequence[int] | None,
              stored_events: Sequence[StoredEvent]) -> None:
        """Link the events just inserted, in the transaction that inserted them.

        The caller holds the lock that makes event writers take turns (SQLite's
        write lock, taken by the events' insert; the library's exclusive lock
        on PostgreSQL's events table), so the tail read here stays the tail.
        """
        if not stored_events:
            return
        assert ids is not None
        cursor.execute(self._ledger_tail)
        row = cursor.fetchone()
        previous = bytes(row["link"]) if row else GENESIS
        self._insert_links(cursor, chain_rows(self.ledger_key, previous, ids, stored_events))

    def _insert_links(self, cursor: Any, rows: Sequence[LedgerRow]) -> None:
        """Write a batch's links; one insert a row unless a database does better."""
        cursor.executemany(self._ledger_insert, rows)

    def select_ledger(self, start: int, limit: int) -> list[LedgerRow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._ledger_select, (start, limit))
            return [LedgerRow(r["notification_id"], r["originator_id"],
                              r["originator_version"], bytes(r["link"]))
                    for r in cursor.fetchall()]


class LedgeredFactory(InfrastructureFactory[Any]):
    """Mixed in before each database's factory: chained recorders, and the register's views."""

    view_class: type[RegisterView]
    scratch_view_class: type[RegisterView]
    """Rebuilt only to be compared (``audit replay``): no query indexes."""

    def application_recorder(self) -> ApplicationRecorder:
        # Mixed in before a database's factory, whose method this calls.
        recorder = super().application_recorder()  # type: ignore[safe-super]
        assert isinstance(recorder, ChainedRecorder), type(recorder)
        configured = self.env.get(LEDGER_KEY)
        recorder.ledger_key = configured.encode() if configured else DEV_KEY
        return recorder


def view_class_for(factory: InfrastructureFactory[Any], *,
                   scratch: bool = False) -> type[RegisterView]:
    """The register's views on the database the factory opens."""
    if not isinstance(factory, LedgeredFactory):
        raise TypeError(f"{type(factory).__name__} keeps no register views: "
                        "PERSISTENCE_MODULE must name a factory in workers.storage")
    return factory.scratch_view_class if scratch else factory.view_class

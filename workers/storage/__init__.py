"""Everything about the register that depends on the database: the event store and the views.

- ``ledger``: the chain's link, and ``stored_id``, the one form an aggregate id is
  stored and hashed in by the chain.
- ``chained``: what both databases' event stores share: writing and reading the
  chain's table, and the factory mixin that hands out chained recorders and
  names the register's views (``view_class_for``).
- ``sqlite`` and ``postgres``: each database's recorder, factory (named by the
  library's ``PERSISTENCE_MODULE`` setting), views, pragmas and locks.
- ``postgres_batch``: a large batch of events copied into PostgreSQL before
  the events table is locked; ``timeouts``: PostgreSQL's lock and statement
  timeouts, and ``StoreBusy``, the error that ends a command that hit one.
- ``views``: what both databases' views share (``RegisterView`` itself, which
  writes the read models, is database-agnostic and lives in projections/view.py).
- ``verify``: the chain's verifier (``audit verify``).
- ``checkpoints``: signed checkpoints of the chain's head, appended to a folder
  outside the database after each transaction, and read back by the verifier.
- ``mapping``: events to stored bytes and back, with pydantic.

The library's private methods this package overrides or calls, and why
(each was read in eventsourcing 9.5.6; a new version must be read again):

- ``SQLiteApplicationRecorder._insert_events`` (overridden, calls the original
  first): it inserts a batch of events inside the write transaction and
  returns their notification ids; the override then writes their chain links in
  the same transaction, so an event is never stored without its link. There is
  no public hook between the insert and the commit.
- ``PostgresApplicationRecorder._fetch_ids_after_insert_events`` (overridden,
  calls the original first): PostgreSQL's counterpart, run after the insert
  has taken the exclusive lock on the events table (the library's
  ``_lock_table``) and inserted the batch; the lock is what makes the chain's
  tail read by the override the tail.
- ``PostgresApplicationRecorder.insert_events`` (overridden, replaces the
  original): the library's same transaction (``_insert_events``, then
  ``_insert_stored_events``, then ``_fetch_ids_after_insert_events``, each
  called), without psycopg's pipeline mode, which hangs once a batch's message
  outgrows the socket's buffers (psycopg 3.3.9). It keeps the library's
  ``retry`` of interface and operational errors, and omits its path for
  ``POSTGRES_ENABLE_DB_FUNCTIONS``, which the register does not set.
- ``PostgresApplicationRecorder._insert_stored_events`` (overridden, calls the
  original for small batches): a large batch is copied into a temporary table
  first and moved by one statement after the library's ``_lock_table`` and
  ``_notify_channel`` (both called), so the lock is held briefly.
- ``PostgresApplicationRecorder.create_table`` (public, overridden): when the
  tables, index and type exist (named by the library's ``events_table_name``,
  ``notification_id_index_name`` and ``stored_event_type_name``) it runs no
  DDL and only registers the type adapters (the datastore's
  ``register_type_adapters``), because ``CREATE INDEX IF NOT EXISTS`` waits
  behind any writer.
- ``PostgresDatastore`` (specialised after the factory built it, in
  ``timeouts.bound``: its class is reassigned, its pool's ``kwargs`` given the
  timeouts as libpq options): the factory builds it by name and offers no
  hook to choose its class. The override of ``get_connection`` turns a lock or
  statement timeout into ``StoreBusy``, which the library's ``retry`` does not
  retry tenfold.
- ``SQLiteTrackingRecorder`` / ``PostgresTrackingRecorder._insert_tracking``
  and ``_max_tracking_id`` (called, in ``views.DatabaseView``): they write and
  read the tracked position with a cursor the caller gives, so the view writes
  a batch's rows and its position in one transaction of its own, and reads the
  position in the same snapshot as the rows it answers from. The public
  ``insert_tracking`` and ``max_tracking_id`` each open their own transaction.

The recorders' public ``construct_create_table_statements`` (SQLite) and
``sql_create_statements`` (PostgreSQL) are extended to create the chain's
table and the views' tables with the library's own.

Outside this package the domain leans on the library's internals in two places
(the pin guards them too: every process that opens the register imports this
package, through the settings that name its factory and mapper):

- ``Aggregate._create`` (overridden by ``RegisterAggregate`` in domain/events.py):
  starts an aggregate straight from its created event (``__base_init__``, the
  event's ``apply``, ``pending_events``), skipping the library's inspection of
  constructor signatures, which cost more than recording a small aggregate.
- ``Application._record``, ``_take_snapshots`` and ``_notify`` (called by the
  Register's ``save_aggregates``): the steps of ``Application.save()``, without
  its runtime protocol checks of each object saved.
"""

from __future__ import annotations

from pathlib import Path

WRITTEN_AGAINST = "9.5.6"
"""The eventsourcing release the overrides above were written against (pinned in pyproject)."""


def require_library_version(installed: str | None = None) -> None:
    """Refuse to run on another eventsourcing than the one the overrides were read in."""
    found = installed if installed is not None else _installed()
    if found != WRITTEN_AGAINST:
        raise ImportError(
            f"workers.storage overrides private methods of eventsourcing {WRITTEN_AGAINST}, "
            f"but eventsourcing {found} is installed. Install eventsourcing=={WRITTEN_AGAINST}, "
            "or read each override listed in workers/storage/__init__.py against the new "
            "version and then move the pin there and in pyproject.toml.")


def _installed() -> str:
    """The installed eventsourcing's version, from the name of its metadata folder.

    ``importlib.metadata`` would load the email and zip packages, a tenth of a
    register question's start-up; it is asked only when there is no such folder.
    """
    import eventsourcing

    site = Path(eventsourcing.__file__).parent.parent
    for folder in site.glob("eventsourcing-*.dist-info"):
        return folder.name.removeprefix("eventsourcing-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("eventsourcing")


require_library_version()

"""What the SQLite and PostgreSQL event stores share: the chain's tables and the factory.

Each database's module gives the statements in its own form; writing a batch
of links (with the chain's size and key fingerprint in a one-row table, in
the same transaction), the checkpoint after the commit, reading the chain
back, and handing out recorders that know the keys are written once, here.

Checkpoints are written by the recorder, after each transaction that inserted
events, rather than by the composition root after each command: every writer
(a command, a workflow's activity, a refusal, an import) goes through the
recorder, which alone knows the head it just wrote without reading it again.
A bulk import is one transaction, so one checkpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, StoredEvent

from projections.logs import get_logger
from workers.storage.checkpoints import SigningKey, development_key, write_checkpoint
from workers.storage.ledger import DEV_KEY, GENESIS, LedgerKeyError, fingerprint, link, stored_id

if TYPE_CHECKING:
    from projections.view import RegisterView

log = get_logger(__name__)

LEDGER_KEY = "LEDGER_KEY"
"""The environment setting that holds the chain's key (the development key if unset)."""
DEVELOPMENT = "LEDGER_DEVELOPMENT"
"""``yes``: development mode, where the development keys may write."""
CHECKPOINT_DIR = "CHECKPOINT_DIR"
CHECKPOINT_KEY = "CHECKPOINT_KEY"
"""The writer's checkpoint key (``SigningKey.private_text``)."""
CHECKPOINT_KEY_FILE = "CHECKPOINT_KEY_FILE"
"""In development mode without a key: where the development checkpoint key is kept."""


class LedgerMeta(NamedTuple):
    key_fingerprint: str
    size: int


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
    development = False
    checkpoint_dir: Path | None = None
    _checkpoint_key: SigningKey | None = None
    _load_checkpoint_key: Callable[[], SigningKey] | None = None

    @property
    def checkpoint_key(self) -> SigningKey | None:
        """The writer's checkpoint key, read (in development, made) when first needed.

        Only writes sign checkpoints: a process that only reads loads no signing
        library.
        """
        if self._load_checkpoint_key is not None:
            self._checkpoint_key, self._load_checkpoint_key = self._load_checkpoint_key(), None
        return self._checkpoint_key
    # In the database's own form, set by each recorder: the newest link; the
    # insert of one row (notification id, aggregate id, version, link), or of a
    # batch where a recorder writes its own ``_insert_links``; rows from a
    # notification id on, up to a limit; the one-row table's read, insert and
    # update (fingerprint, size); the count of links (once, for a chain
    # written before that table).
    _ledger_tail: Any
    _ledger_insert: Any
    _ledger_select: Any
    _meta_select: Any
    _meta_insert: Any
    _meta_update: Any
    _ledger_count: Any

    # What the last transaction on this thread sealed, for its checkpoint: the insert,
    # the commit and the checkpoint run in one call on one thread, so one per thread
    # serves every recorder.
    _sealed = threading.local()

    def _may_write(self) -> None:
        if self.development:
            return
        if self.ledger_key == DEV_KEY:
            raise LedgerKeyError(
                "the register refuses to write with the development ledger key outside "
                "development mode: set CABINET_LEDGER_KEY to a secret (or CABINET_ENV="
                "development for a register that is not the record)")
        if self.checkpoint_key is None:
            raise LedgerKeyError("the register refuses to write without a checkpoint key "
                                 "outside development mode: set CABINET_CHECKPOINT_KEY")

    def _seal(self, cursor: Any, ids: Sequence[int] | None,
              stored_events: Sequence[StoredEvent]) -> None:
        """Link the events just inserted, in the transaction that inserted them.

        The caller holds the lock that makes event writers take turns (SQLite's
        write lock, taken by the events' insert; the library's exclusive lock
        on PostgreSQL's events table), so the tail read here stays the tail.
        """
        self._sealed.head = None
        if not stored_events:
            return
        assert ids is not None
        self._may_write()
        ours = fingerprint(self.ledger_key)
        cursor.execute(self._meta_select)
        meta = cursor.fetchone()
        if meta is not None and meta["key_fingerprint"] != ours:
            raise LedgerKeyError(
                f"this register's chain was written with another key (fingerprint "
                f"{meta['key_fingerprint']}), not this process's (fingerprint {ours}): "
                "set CABINET_LEDGER_KEY to the chain's key")
        cursor.execute(self._ledger_tail)
        row = cursor.fetchone()
        previous = bytes(row["link"]) if row else GENESIS
        if meta is None:  # a new chain, or one written before its size was kept
            cursor.execute(self._ledger_count)
            size = int(cursor.fetchone()["n"])
        else:
            size = int(meta["size"])
        rows = chain_rows(self.ledger_key, previous, ids, stored_events)
        self._insert_links(cursor, rows)
        size += len(rows)
        if meta is None:
            cursor.execute(self._meta_insert, (ours, size))
        else:
            cursor.execute(self._meta_update, (size,))
        self._sealed.head = (size, rows[-1].notification_id, rows[-1].link)

    def _checkpoint(self) -> None:
        """After the commit: sign the head the transaction just sealed, outside the database."""
        sealed = getattr(self._sealed, "head", None)
        self._sealed.head = None
        if sealed is None or self.checkpoint_dir is None or self.checkpoint_key is None:
            return
        size, last_id, head = sealed
        try:
            write_checkpoint(self.checkpoint_dir, self.checkpoint_key, size=size,
                             last_id=last_id, head=head)
        except OSError as error:
            # The events are committed: failing the command now would tell its caller
            # they were not. The next transaction's checkpoint covers these too.
            log.error("checkpoint_not_written", folder=str(self.checkpoint_dir),
                      last_id=last_id, error=str(error))

    def ledger_meta(self) -> LedgerMeta | None:
        """The chain's key fingerprint and size as written with it (None: an older chain)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._meta_select)
            row = cursor.fetchone()
            return None if row is None else LedgerMeta(row["key_fingerprint"], int(row["size"]))

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
        recorder.development = self.env.get(DEVELOPMENT) == "yes"
        folder = self.env.get(CHECKPOINT_DIR)
        recorder.checkpoint_dir = Path(folder) if folder else None
        key_text, key_file = self.env.get(CHECKPOINT_KEY), self.env.get(CHECKPOINT_KEY_FILE)
        if key_text:
            recorder._load_checkpoint_key = partial(SigningKey.from_text, key_text)
        elif key_file and recorder.development:
            recorder._load_checkpoint_key = partial(development_key, Path(key_file))
        return recorder


def view_class_for(factory: InfrastructureFactory[Any], *,
                   scratch: bool = False) -> type[RegisterView]:
    """The register's views on the database the factory opens."""
    if not isinstance(factory, LedgeredFactory):
        raise TypeError(f"{type(factory).__name__} keeps no register views: "
                        "PERSISTENCE_MODULE must name a factory in workers.storage")
    return factory.scratch_view_class if scratch else factory.view_class

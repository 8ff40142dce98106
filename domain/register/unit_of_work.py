"""The unit of work: what one register command reads and changes, saved in one go.

A command is a function of a ``UnitOfWork``. It reads aggregates through it,
adds the ones it creates, and returns; ``run`` then saves every changed
aggregate in one transaction, so a command records all of its events or none.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository

from domain.errors import RegisterError
from domain.events import RegisterAggregate
from domain.ids import AGENCY_DIRECTORY_ID
from domain.register.directories import AgencyDirectory

A = TypeVar("A", bound=RegisterAggregate)
T = TypeVar("T")

CONFLICT_RETRIES = 20


class RegisterStore(Protocol):
    """What a unit of work needs of the register (the ``Register`` application)."""

    @property
    def repository(self) -> Repository[UUID]: ...

    def agency_codes(self) -> frozenset[str]: ...

    def has_legacy_claims(self) -> bool: ...

    def save_aggregates(self, aggregates: Iterable[RegisterAggregate]) -> int: ...


class UnitOfWork:
    """Aggregates touched by one command; saved together at the end.

    ``optimistic`` skips reading aggregates the command expects to create
    (a new resolution, a new document number). If one existed after all, the
    save conflicts on the aggregate's id and version, and the command is run
    again reading everything. Big imports of new records then cost no reads.
    """

    def __init__(self, store: RegisterStore, at: datetime, *, optimistic: bool = False) -> None:
        self.store = store
        self.at = at
        self.optimistic = optimistic
        self.touched: dict[UUID, RegisterAggregate] = {}
        self._known: frozenset[str] | None = None

    def get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        if aggregate_id in self.touched:
            found = self.touched[aggregate_id]
        else:
            try:
                found = self.store.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
            self.touched[aggregate_id] = found
        if not isinstance(found, kind):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {kind.__name__}")
        return found

    def get_new(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """Like ``get`` for an aggregate the command expects not to exist yet."""
        if self.optimistic:
            found = self.touched.get(aggregate_id)
            return found if isinstance(found, kind) else None
        return self.get(aggregate_id, kind)

    def add(self, aggregate: A) -> A:
        self.touched[aggregate.id] = aggregate
        return aggregate

    def known_agencies(self) -> frozenset[str]:
        if self._known is None:
            directory = self.touched.get(AGENCY_DIRECTORY_ID)
            if isinstance(directory, AgencyDirectory):
                self._known = directory.codes
            else:
                self._known = self.store.agency_codes()
        return self._known

    def forget_known_agencies(self) -> None:
        self._known = None

    def commit(self) -> int:
        changed = [a for a in self.touched.values() if a.pending_events]
        return self.store.save_aggregates(changed)


def run(store: RegisterStore, command: Callable[[UnitOfWork], T], *, at: datetime,
        conflict: type[Exception], optimistic: bool = False, commit: bool = True) -> T:
    """Run ``command`` in a unit of work and save what it changed; its result.

    ``conflict`` is the error the store raises when another writer got to an
    aggregate first (the library's record conflict, handed in by the register
    so that the domain names no storage module). On a conflict the command is
    decided again on what is there now, reading everything. Without
    ``commit`` the command only decides, and nothing is saved.
    """
    if not commit:
        return command(UnitOfWork(store, at, optimistic=optimistic))
    result, _ = run_counted(store, command, at=at, conflict=conflict, optimistic=optimistic)
    return result


def run_counted(store: RegisterStore, command: Callable[[UnitOfWork], T], *, at: datetime,
                conflict: type[Exception], optimistic: bool = False) -> tuple[T, int]:
    """Like ``run``: the command's result, and the number of events its save wrote.

    The count is this command's own, whatever other writers commit meanwhile
    (the log's growth would include theirs).
    """
    uow = UnitOfWork(store, at, optimistic=optimistic)
    result = command(uow)
    for attempt in range(CONFLICT_RETRIES):
        try:
            return result, uow.commit()
        except conflict:
            # A short random pause keeps writers that collided from
            # colliding again in lockstep.
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
            # Another writer appended to an aggregate this command read (the
            # same meeting day, the same letter), or something taken to be new
            # exists (a re-import). The command's rules run again, so a retry
            # cannot break them.
            uow = UnitOfWork(store, at)
            result = command(uow)
    return result, uow.commit()


def located(error: RegisterError, prefix: str) -> RegisterError:
    """The refusal with its field placed under ``prefix`` (a record in a file), if any."""
    return error.at(prefix) if prefix else error


def join(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field

"""The register's materialised views and the projection that keeps them.

One view holds every read model's tables and one tracking position, and
writes a batch of events' rows and that position in one transaction: a
crash never leaves rows without their position or a position without rows,
and replay decodes each event once for all read models.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

from domain.ids import REGISTER_LOG
from projections import (
    clauses,
    grants,
    holidays,
    obligations,
    proposals,
    refusals,
    resolutions,
    search,
)
from projections.batch import Batch
from projections.model import Handler, ReadModel
from projections.obligation_rows import SharedRows
from projections.shared_duties import SharedDuties
from projections.sql import Cursor, Dialect
from projections.stored import EventData

READ_MODELS: tuple[ReadModel, ...] = (resolutions.MODEL, clauses.MODEL, obligations.MODEL,
                                      holidays.MODEL, proposals.MODEL, refusals.MODEL,
                                      search.MODEL, grants.MODEL)
"""Order matters only in that each model's handlers run in this order per event (search
reads the index of resolutions, so it comes after it)."""

BUILT = "reg_models"
"""Which read models this view holds, and the signature each was built with."""
BUILT_TABLE = (f"CREATE TABLE IF NOT EXISTS {{p}}{BUILT} (model TEXT PRIMARY KEY, "
               "signature TEXT NOT NULL, built_at TEXT NOT NULL)")


def handlers_for(models: Sequence[ReadModel]) -> dict[str, tuple[Handler, ...]]:
    table: dict[str, list[Handler]] = {}
    for model in models:
        for topic, handler in model.handlers.items():
            table.setdefault(topic, []).append(handler)
    return {k: tuple(v) for k, v in table.items()}


@cache
def all_handlers() -> dict[str, tuple[Handler, ...]]:
    """Every model's handlers by topic; loaded when events are first applied."""
    return handlers_for(READ_MODELS)


@cache
def topics() -> tuple[str, ...]:
    """The topics the views read, for selecting them from the log."""
    return tuple(sorted(all_handlers()))


def __getattr__(name: str) -> Any:
    # ``TOPICS`` and ``HANDLERS``, as they were before they were loaded on first use.
    if name == "TOPICS":
        return topics()
    if name == "HANDLERS":
        return all_handlers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_by_views(topic: str) -> bool:
    """Whether any read model may read events of ``topic``, loading no handlers."""
    return any(model.may_read(topic) for model in READ_MODELS)


VIEWS_NAME = "RegisterViews"
"""The views' own name (the library's projection name, and their store's)."""
TABLES = (*(statement for model in READ_MODELS for statement in model.statements), BUILT_TABLE)
QUERY_INDEXES = tuple(statement for model in READ_MODELS for statement in model.query_indexes)
"""Indexes that serve questions, not the handlers: a scratch rebuild does without."""
VIEW_TABLES = tuple(name for model in READ_MODELS for name in model.tables)
"""The tables made from events (what an audit compares)."""


def apply_events(batch: Batch, events: Sequence[tuple[str, EventData]],
                 handlers: dict[str, tuple[Handler, ...]] | None = None) -> None:
    if handlers is None:
        handlers = all_handlers()
    for topic, data in events:
        for handler in handlers.get(topic, ()):
            handler(batch, data)
    batch.flush()


class Overtaken(IntegrityError):
    """Another projector applied part of a batch first: read on from its position."""


class RegisterView(TrackingRecorder):
    """What every database's view does alike; workers/storage gives each database's.

    A database's view says how a writer takes its turn, and how the position
    is written and read inside a transaction.
    """

    dialect: Dialect
    answers_questions = True
    """False for a scratch copy rebuilt only to be compared: no query indexes."""
    models_checked = False
    """Set once this process has seen every read model built (``projections.rebuild``)."""

    @classmethod
    def _statements(cls) -> tuple[str, ...]:
        return TABLES + (QUERY_INDEXES if cls.answers_questions else ())

    def apply(self, events: Sequence[tuple[str, EventData]], tracking: Tracking, *,
              first: int | None = None) -> bool:
        """Write what the events (topic, stored data) say, and the position, in one go.

        ``first`` is the notification id of the first event. Several projectors
        may follow one log (the server's, and a command catching up to read its
        own writes), so writers take turns and each batch is applied once: one
        already applied is skipped, and one that overlaps what another applied
        meanwhile is refused (``Overtaken``), for the caller to read on from the
        new position. True if this call wrote the batch.
        """
        with self.writing() as cursor:
            done = self.position_in(cursor, tracking.application_name)
            if done >= tracking.notification_id:
                return False
            if first is not None and done >= first:
                raise Overtaken(f"events after {done} were applied by another projector")
            apply_events(Batch(cursor), events)
            self._record_position(cursor.raw, tracking)
        return True

    @contextmanager
    def writing(self) -> Iterator[Cursor]:
        """A write transaction, once it is this writer's turn (one writer at a time)."""
        with self._transaction(commit=True) as raw:
            self._take_write_turn(raw)
            yield Cursor(raw, self.dialect)

    def _take_write_turn(self, raw: Any) -> None:
        raise NotImplementedError

    def _record_position(self, raw: Any, tracking: Tracking) -> None:
        raise NotImplementedError

    def _read_position(self, raw: Any, application_name: str) -> int | None:
        raise NotImplementedError

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        with self._transaction(commit=False) as raw:
            yield Cursor(raw, self.dialect, {SharedRows: self.shared_duties})

    @property
    def shared_duties(self) -> SharedDuties:
        if getattr(self, "_shared_duties", None) is None:
            self._shared_duties = SharedDuties(
                lambda cursor: self.position_in(cursor, REGISTER_LOG))
        return self._shared_duties

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        with self.datastore.transaction(commit=commit) as raw:  # type: ignore[attr-defined]
            yield raw

    def position(self, application_name: str) -> int:
        return self.max_tracking_id(application_name) or 0

    def position_in(self, cursor: Cursor, application_name: str) -> int:
        """The tracked position as the given read transaction sees it."""
        return self._read_position(cursor.raw, application_name) or 0

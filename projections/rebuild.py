"""Rebuilding read models from the log: a new model on an existing store, or on request.

All read models share one tracking position, so a model cannot catch up on
its own from the start of the log while the others stand still. Instead a
rebuild takes the writers' turn (no batch is applied meanwhile), reads the
view's position, drops and recreates the model's tables, and runs only its
handlers over the log up to that position, in the same transaction. Readers
see the old tables until it commits; projectors then carry on from the shared
position with every model current.

The view records which models it holds and the signature each was built
with (``reg_models``). Before the first catch-up in a process, a model that
is missing or whose definition changed is rebuilt this way, so a read model
added to the code is filled from past events the first time a store is
opened with it. A store from before models were recorded keeps the models
whose tables hold rows, and fills those whose tables are empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from domain.errors import InvalidInput
from projections.batch import Batch
from projections.logs import get_logger
from projections.model import ReadModel
from projections.sql import Cursor, moment
from projections.stored import stored_data
from projections.view import BUILT, READ_MODELS, RegisterView, apply_events, handlers_for

if TYPE_CHECKING:
    from eventsourcing.application import Application

log = get_logger(__name__)

MODELS = {model.name: model for model in READ_MODELS}
PAGE = 5000


class RebuildReport(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built when a rebuild reports, not at import

    models: list[str]
    """The models rebuilt from the log."""
    events: int
    """Events their handlers read."""
    position: int
    """The log position they were rebuilt to (the view's, shared by every model)."""


@runtime_checkable
class MovesBack(Protocol):
    """A view whose position can be moved back (each database's view can)."""

    def reset_position(self, raw: Any, application_name: str, to: int) -> None: ...


def models_current(view: RegisterView, application_name: str) -> bool:
    """Whether the view holds every read model as the code defines it (one read).

    Once true for a view object, it is not read again (``models_checked``).
    """
    if not view.models_checked:
        with view.reading() as cursor:
            rebuild_now, record = _plan(cursor, view.position_in(cursor, application_name))
        view.models_checked = not (rebuild_now or record)
    return view.models_checked


def ensure_models(app: Application[Any], view: RegisterView,
                  progress: Callable[[int], None] | None = None) -> RebuildReport | None:
    """Fill what this view lacks; once per view object, as cheaply as one read after that."""
    if view.models_checked:
        return None
    report = None
    if not models_current(view, app.name):
        report = rebuild(app, view, (), progress=progress)
        if report.models:
            log.info("read_models_rebuilt", models=report.models, events=report.events)
    view.models_checked = True
    return report


def rebuild(app: Application[Any], view: RegisterView, models: Sequence[ReadModel], *,
            progress: Callable[[int], None] | None = None,
            at_most: int | None = None) -> RebuildReport:
    """Rebuild ``models``, and any the view lacks or built from an older definition.

    With ``at_most``, a view whose position is past it (the log's head, when the
    log was restored from an older copy than the views) is moved back to it and
    every model rebuilt up to it: otherwise new events would be taken as seen.
    """
    with view.writing() as cursor:
        position = view.position_in(cursor, app.name)
        if at_most is not None and position > at_most:
            if not isinstance(view, MovesBack):
                raise TypeError(f"{type(view).__name__} cannot move its position back")
            view.reset_position(cursor.raw, app.name, at_most)
            position, models = at_most, READ_MODELS
        # Planned under the writers' turn: another process may have rebuilt meanwhile.
        stale, record = _plan(cursor, position)
        models = [m for m in READ_MODELS if m in models or m in stale]
        record = [m for m in record if m not in models]
        for model in models:
            for table in model.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {{p}}{table}")
            for statement in model.statements:
                cursor.execute(statement)
        events = _refill(app, cursor, models, position, progress) if models else 0
        if view.answers_questions:
            # After the rows are in: building an index once beats updating it per row.
            for statement in (s for model in models for s in model.query_indexes):
                cursor.execute(statement)
        _record(cursor, [*models, *record])
    return RebuildReport(models=[m.name for m in models], events=events, position=position)


def _plan(cursor: Cursor, position: int) -> tuple[list[ReadModel], list[ReadModel]]:
    """The models to rebuild, and those to record as built as they stand."""
    built = {row["model"]: row["signature"] for row in
             cursor.execute(f"SELECT model, signature FROM {{p}}{BUILT}").fetchall()}
    if built:
        return [m for m in READ_MODELS if built.get(m.name) != m.signature], []
    if position == 0:
        return [], list(READ_MODELS)  # a new view: every model is as built as the log
    fill = [m for m in READ_MODELS if any(_empty(cursor, table) for table in m.tables)]
    return fill, [m for m in READ_MODELS if m not in fill]


def _empty(cursor: Cursor, table: str) -> bool:
    return cursor.execute(f"SELECT 1 AS found FROM {{p}}{table} LIMIT 1").fetchone() is None


def _refill(app: Application[Any], cursor: Cursor, models: Sequence[ReadModel], position: int,
            progress: Callable[[int], None] | None) -> int:
    handlers = handlers_for(models)
    topics = tuple(sorted(handlers))
    batch = Batch(cursor)
    read = 0
    start = 0
    while start < position:
        notes = app.recorder.select_notifications(start=start, limit=PAGE, stop=position,
                                                  topics=topics, inclusive_of_start=False)
        if not notes:
            break
        apply_events(batch, [(n.topic, stored_data(app.mapper, n)) for n in notes], handlers)
        start = notes[-1].id
        read += len(notes)
        if progress is not None:
            progress(read)
    return read


def _record(cursor: Cursor, models: Sequence[ReadModel]) -> None:
    at = moment(datetime.now(UTC))
    for model in models:
        cursor.execute(f"DELETE FROM {{p}}{BUILT} WHERE model = ?", (model.name,))
        cursor.execute(f"INSERT INTO {{p}}{BUILT} (model, signature, built_at) VALUES (?, ?, ?)",
                       (model.name, model.signature, at))


def models_named(names: Sequence[str], *, field: str = "model") -> list[ReadModel]:
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise InvalidInput(f"no read model {unknown[0]!r}; the read models are "
                           f"{', '.join(MODELS)}", field=field)
    return [MODELS[n] for n in dict.fromkeys(names)]

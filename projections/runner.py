"""Keeping the views up to date by pulling the notification log.

The library's runner subscribes to the store; the SQLite recorder cannot be
subscribed to, so this loop reads the log from the view's tracked position,
in batches, with the same tracking records. It also gives a command that just
wrote (an import, a workflow step) read-your-writes before it answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Tracking

from projections.logs import get_logger
from projections.rebuild import ensure_models, models_current, rebuild
from projections.stored import stored_data
from projections.view import (
    READ_MODELS,
    Overtaken,
    RegisterView,
    read_by_views,
    topics,
)

if TYPE_CHECKING:
    from eventsourcing.application import Application

log = get_logger(__name__)

LOOK_AHEAD = 100
"""How many events past the views' position are looked at by topic; past that, the views
simply catch up."""


class CatchUp:
    def __init__(self, app: Application[Any], view: RegisterView, *, batch_size: int = 1000,
                 progress: Callable[[int], None] | None = None) -> None:
        self.app = app
        self.view = view
        self.batch_size = batch_size
        self.progress = progress

    def run(self) -> int:
        """Apply every event the view has not seen; the number applied."""
        ensure_models(self.app, self.view)
        applied = 0
        mapper = self.app.mapper
        position = self._position_within_log()
        rebuilt = False
        while True:
            notifications = self.app.recorder.select_notifications(
                start=position, limit=self.batch_size, topics=topics(), inclusive_of_start=False)
            if not notifications:
                return applied
            events = [(n.topic, stored_data(mapper, n)) for n in notifications]
            last = notifications[-1].id
            try:
                written = self.view.apply(events, Tracking(self.app.name, last),
                                          first=notifications[0].id)
            except Overtaken:
                # Another projector applied some of these first; read on from its position.
                position = self.view.position(self.app.name)
                continue
            except IntegrityError:
                # Rows for these events are there already: the position was moved back
                # behind the views' rows (a restored copy, a hand edit). Rebuild them
                # from the log up to the position, once, and carry on from there.
                if rebuilt:
                    raise
                log.warning("views_behind_their_rows", position=position)
                rebuild(self.app, self.view, READ_MODELS)
                rebuilt = True
                position = self.view.position(self.app.name)
                continue
            position = last
            if written:
                applied += len(events)
                if self.progress is not None:
                    self.progress(applied)

    def _position_within_log(self) -> int:
        """The view's position, moved back (and every model rebuilt) if past the log's head."""
        position = self.view.position(self.app.name)
        head = self.app.recorder.max_notification_id() or 0
        if position > head:
            log.warning("views_ahead_of_log", position=position, head=head)
            # Emptied, then filled by the catch-up itself, so the position ends on
            # the last event the views read, as a rebuild from scratch would.
            rebuild(self.app, self.view, READ_MODELS, at_most=0)
            position = self.view.position(self.app.name)
        return position

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.25) -> None:
        while not stop.is_set():
            try:
                applied = self.run()
            except Exception:
                log.exception("projection_failed")
                applied = 0
            if applied:
                log.info("projected", events=applied, position=self.view.position(self.app.name))
            stop.wait(poll_interval)


class Follower:
    """Keeps one process's view current for its readers, at the cost of one read when it is.

    Remembers how far the log reached when the view last caught up; a reader
    asks the log's head (one indexed read), and only when the log has grown
    does the view catch up. Writes by any process grow the log, so every
    answer includes everything recorded before it was asked.

    The register's application (its aggregates and event classes) is built
    only to catch up: a process whose views already stand at the log's head
    with every read model built as defined (one read of the log's head, one of
    the views' position and models) answers without it.
    """

    def __init__(self, app: Callable[[], Application[Any]], view: RegisterView,
                 recorder: ApplicationRecorder, name: str) -> None:
        self._app = app
        self.view = view
        self.recorder = recorder
        self.name = name
        self._caught_up_to = -1

    @property
    def app(self) -> Application[Any]:
        return self._app()

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        head = self.recorder.max_notification_id() or 0
        applied = CatchUp(self.app, self.view, progress=progress).run()
        self._caught_up_to = head
        return applied

    def ensure_current(self) -> None:
        head = self.recorder.max_notification_id() or 0
        if head == self._caught_up_to:
            return
        if self._caught_up_to < 0 and models_current(self.view, self.name) and \
                self._nothing_to_apply(self.view.position(self.name), head):
            self._caught_up_to = head
            return
        self.catch_up()

    def _nothing_to_apply(self, position: int, head: int) -> bool:
        """Whether no event the views read lies between their position and the head.

        The position is the last event the views read, and the log's last
        events are often ones they do not (a letter number's claim, the
        meeting day's listing): those few are looked at by topic alone.
        """
        if position >= head:
            return position == head
        after = self.recorder.select_notifications(start=position, limit=LOOK_AHEAD, stop=head,
                                                   inclusive_of_start=False)
        return bool(after) and after[-1].id == head and not any(
            read_by_views(n.topic) for n in after)

"""Keeping the views up to date by pulling the notification log.

The library's runner subscribes to the store; the SQLite recorder cannot be
subscribed to, so this loop reads the log from the view's tracked position,
in batches, with the same tracking records. It also gives a command that just
wrote (an import, a workflow step) read-your-writes before it answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking

from projections.rebuild import ensure_models, rebuild
from projections.stored import stored_data
from projections.view import READ_MODELS, TOPICS, Overtaken, RegisterView

log = structlog.get_logger(__name__)


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
                start=position, limit=self.batch_size, topics=TOPICS, inclusive_of_start=False)
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
    """

    def __init__(self, app: Application[Any], view: RegisterView) -> None:
        self.app = app
        self.view = view
        self._caught_up_to = -1

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        head = self.app.recorder.max_notification_id() or 0
        applied = CatchUp(self.app, self.view, progress=progress).run()
        self._caught_up_to = head
        return applied

    def ensure_current(self) -> None:
        if (self.app.recorder.max_notification_id() or 0) != self._caught_up_to:
            self.catch_up()

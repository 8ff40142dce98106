"""The projector process keeps the views current while others write.

On PostgreSQL it is the library's ProjectionRunner (the database pushes
notifications); on SQLite, the pull loop. Either way the views must catch up
with events recorded by another register instance, and stop when told.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from eventsourcing.persistence import Tracking

from projections import obligations
from projections.runner import CatchUp
from projections.stored import stored_data
from projections.view import TOPICS, Overtaken
from workers.bootstrap import open_register, replay_views
from workers.processes import run_projector


def wait_until(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_projector_follows_the_register_and_stops_when_asked(settings, case):
    writer = open_register(settings)
    reader = open_register(settings)
    stop = threading.Event()
    projector = threading.Thread(target=run_projector, args=(settings, stop), daemon=True)
    projector.start()
    try:
        writer.register.import_file(case)
        last = writer.register.recorder.max_notification_id()

        def views_current() -> bool:
            # read the view directly: reading() would catch up by itself
            return reader.view.position(reader.register.name) >= _last_projected(reader, last)

        assert wait_until(views_current)
        with reader.view.reading() as cursor:
            rows = obligations.in_force(cursor, date(2021, 11, 10))
        assert ("2021-11-09", "1") in {(r.resolution, r.clause) for r in rows}
    finally:
        stop.set()
        projector.join(timeout=15)
        writer.close()
        reader.close()
    assert not projector.is_alive()


def test_a_batch_another_projector_applied_is_not_applied_again(settings, case):
    first, second = open_register(settings), open_register(settings)
    try:
        first.register.import_file(case)
        notes = first.register.recorder.select_notifications(start=1, limit=20, topics=TOPICS)
        assert len(notes) == 20
        events = [(n.topic, stored_data(first.register.mapper, n)) for n in notes]
        assert first.view.apply(events[:12], Tracking(first.register.name, notes[11].id),
                                first=notes[0].id)
        with first.view.reading() as cursor:
            before = obligations.in_force(cursor, date(2021, 11, 10))

        # the same batch again, from another projector: skipped, nothing doubled
        assert not second.view.apply(events[:12], Tracking(first.register.name, notes[11].id),
                                     first=notes[0].id)
        # a batch reaching back into what was applied: refused, nothing written
        with pytest.raises(Overtaken):
            second.view.apply(events[6:], Tracking(first.register.name, notes[-1].id),
                              first=notes[6].id)
        assert second.view.position(first.register.name) == notes[11].id
        with second.view.reading() as cursor:
            assert obligations.in_force(cursor, date(2021, 11, 10)) == before

        first.catch_up()
        assert replay_views(first).ok
    finally:
        first.close()
        second.close()


def test_projectors_racing_on_one_view_leave_it_as_one_would(settings, case):
    """The server's projector and commands catching up to read their own writes."""
    writer = open_register(settings)
    stop = threading.Event()
    failures: list[BaseException] = []

    def project() -> None:
        try:
            run_projector(settings, stop)
        except BaseException as error:
            failures.append(error)

    projector = threading.Thread(target=project, daemon=True)

    def eager_reader() -> None:
        reader = open_register(settings)
        try:
            while not stop.is_set():
                CatchUp(reader.register, reader.view, batch_size=7).run()
        except BaseException as error:
            failures.append(error)
        finally:
            reader.close()

    readers = [threading.Thread(target=eager_reader, daemon=True) for _ in range(2)]
    projector.start()
    for reader in readers:
        reader.start()
    try:
        for resolution in case.resolutions:  # many small commits, each a chance to race
            writer.register.import_file(
                case.model_copy(update={"resolutions": (resolution,), "proposals": ()}))
        writer.register.import_file(case)
        last = _last_projected(writer, writer.register.recorder.max_notification_id())
        assert wait_until(lambda: failures or
                          writer.view.position(writer.register.name) >= last)
    finally:
        stop.set()
        projector.join(timeout=15)
        for reader in readers:
            reader.join(timeout=15)
    try:
        assert failures == []
        report = replay_views(writer)
        assert report.ok, report.differences
    finally:
        writer.close()


def _last_projected(system, last: int) -> int:
    """The id of the last event the view cares about (it skips the others)."""
    notes = system.register.recorder.select_notifications(
        start=max(1, last - 200), limit=1000, topics=TOPICS)
    return notes[-1].id if notes else last

"""The projector process keeps the views current while others write.

On PostgreSQL it is the library's ProjectionRunner (the database pushes
notifications); on SQLite, the pull loop. Either way the views must catch up
with events recorded by another register instance, and stop when told.
"""

from __future__ import annotations

import threading
import time
from datetime import date

from projections import obligations
from workers.bootstrap import open_register
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
        assert ("2021-11-09", "1") in {(r["resolution"], r["clause"]) for r in rows}
    finally:
        stop.set()
        projector.join(timeout=15)
        writer.close()
        reader.close()
    assert not projector.is_alive()


def _last_projected(system, last: int) -> int:
    """The id of the last event the view cares about (it skips the others)."""
    from projections.view import TOPICS

    notes = system.register.recorder.select_notifications(
        start=max(1, last - 200), limit=1000, topics=TOPICS)
    return notes[-1].id if notes else last

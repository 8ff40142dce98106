"""Import, and its baseline: eventsourcing appending the same events its own way.

The import is timed per file (validating the records, then
``Register.import_file``), and the views' catch-up after it separately. The
baseline replays the events the import wrote, file by file, into a stock
eventsourcing application on the same kind of store: each event's payload
on a stock library event of a stock aggregate per originator, encoded by the
library's mapper and JSON transcoder, saved with ``Application.save`` in the
same transactions. A stricter supplementary baseline has the recorder insert
the register's already encoded bytes (no event objects, no encoding at all).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent
from support.stats import log, median, percentile, rate

from domain.register.records import ImportFile
from register.workload import FileClock, Workload
from workers.bootstrap import RegisterSystem


@dataclass
class FileTiming:
    events: int
    validate_s: float
    import_s: float
    catch_up_s: float
    applied: int
    recorded_at: datetime


def import_register(system: RegisterSystem, workload: Workload, clock: FileClock,
                    total: int, batch: int,
                    before_file: Callable[[int], None] = lambda _k: None) -> list[FileTiming]:
    """Import ``total`` resolutions in files of ``batch``, catching the views up after each."""
    timings: list[FileTiming] = []
    files = math.ceil(total / batch)
    every = max(1, files // 10)
    started = time.perf_counter()
    for k in range(files):
        before_file(k)
        content, last_circular = workload.next_file(min(batch, total - workload.serial))
        at = clock.record_on(last_circular + timedelta(days=1))
        t0 = time.perf_counter()
        model = ImportFile.model_validate(content)
        t1 = time.perf_counter()
        events = system.register.import_file(model)
        t2 = time.perf_counter()
        applied = system.catch_up()
        t3 = time.perf_counter()
        timings.append(FileTiming(events, t1 - t0, t2 - t1, t3 - t2, applied, at))
        if (k + 1) % every == 0 or k + 1 == files:
            done = sum(t.events for t in timings)
            log(f"imported {k + 1}/{files} files, {done:,} events, "
                f"{time.perf_counter() - started:,.0f} s")
    return timings


def import_figures(timings: list[FileTiming]) -> dict[str, Any]:
    events = sum(t.events for t in timings)
    validate = sum(t.validate_s for t in timings)
    imported = sum(t.import_s for t in timings)
    per_file_ms = [(t.validate_s + t.import_s) * 1000 for t in timings]
    applied = sum(t.applied for t in timings)
    catch_up = sum(t.catch_up_s for t in timings)
    return {"files": len(timings), "events": events, "validate_s": round(validate, 3),
            "import_file_s": round(imported, 3), "total_s": round(validate + imported, 3),
            "events_per_s": round(rate(events, validate + imported), 1),
            "per_file_ms_median": round(median(per_file_ms), 2),
            "per_file_ms_p95": round(percentile(per_file_ms, 0.95), 2),
            "catch_up": {"applied_events": applied, "seconds": round(catch_up, 3),
                         "applied_events_per_s": round(rate(applied, catch_up), 1),
                         "log_events_per_s": round(rate(events, catch_up), 1)}}


def _files_of(system: RegisterSystem, counts: list[int]) -> Any:
    """The stored events of each import file, read back from the log in order."""
    position = 1
    for count in counts:
        if count == 0:
            continue
        found = system.register.recorder.select_notifications(start=position, limit=count)
        assert len(found) == count, "the log is not one block per import file"
        position = found[-1].id + 1
        yield found


class _Stream(Aggregate):
    """A stock library aggregate carrying another event's payload, for the baseline."""

    @event("Started")
    def __init__(self, payload: dict[str, Any]) -> None:
        pass

    @event("Appended")
    def append(self, payload: dict[str, Any]) -> None:
        pass


def library_append(system: RegisterSystem, counts: list[int], env: dict[str, str]
                   ) -> dict[str, Any]:
    """eventsourcing appending the same events its own way, in the register's transactions."""
    app: Application[UUID] = Application(env=env)
    streams: dict[Any, _Stream] = {}
    seconds = 0.0
    appended = 0
    try:
        for notifications in _files_of(system, counts):
            payloads = []
            for n in notifications:  # decoding the register's bytes is not timed
                data = orjson.loads(n.state)
                for name in ("originator_id", "originator_version", "timestamp",
                             "originator_topic"):
                    data.pop(name, None)
                payloads.append((n.originator_id, data))
            t0 = time.perf_counter()
            touched: dict[Any, _Stream] = {}
            for originator, data in payloads:
                stream = streams.get(originator)
                if stream is None:
                    stream = streams[originator] = _Stream(payload=data)
                else:
                    stream.append(payload=data)
                touched[originator] = stream
            app.save(*touched.values())
            seconds += time.perf_counter() - t0
            appended += len(notifications)
    finally:
        app.close()
    return {"events": appended, "seconds": round(seconds, 3),
            "events_per_s": round(rate(appended, seconds), 1)}


def recorder_insert(system: RegisterSystem, counts: list[int], env: dict[str, str]
                    ) -> dict[str, Any]:
    """Supplementary: the library's recorder inserting the register's encoded bytes, re-keyed."""
    raw: Application[UUID] = Application(env=env)
    fresh: dict[UUID | str, UUID] = {}
    seconds = 0.0
    appended = 0
    try:
        for notifications in _files_of(system, counts):
            batch = [StoredEvent(originator_id=fresh.setdefault(n.originator_id, uuid.uuid4()),
                                 originator_version=n.originator_version, topic=n.topic,
                                 state=n.state) for n in notifications]
            t0 = time.perf_counter()
            raw.recorder.insert_events(batch)
            seconds += time.perf_counter() - t0
            appended += len(batch)
    finally:
        raw.close()
    return {"events": appended, "seconds": round(seconds, 3),
            "events_per_s": round(rate(appended, seconds), 1)}


def sqlite_env(path: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}

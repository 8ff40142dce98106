"""`audit replay` against the raw rate of reading and decoding the notification log.

The figure is ``workers.bootstrap.replay_views``: rebuild every view into a
scratch store from the log and compare it with the live views. Its baseline
pages through the same log and decodes every event with the register's
mapper, projecting nothing. A stricter supplementary baseline only parses
each event's JSON (no event objects).
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from support.stats import log, rate

from register.replaying import PAGE
from workers.bootstrap import RegisterSystem, replay_views


def read_and_decode(system: RegisterSystem, *, models: bool = True) -> int:
    """Page through the log as the catch-up does; decode each event, project nothing."""
    register = system.register
    position = 0
    decoded = 0
    while page := register.recorder.select_notifications(
            start=position, limit=PAGE, inclusive_of_start=False):
        if models:
            decoded += len([register.mapper.to_domain_event(n) for n in page])
        else:
            decoded += len([orjson.loads(n.state) for n in page])
        position = page[-1].id
    return decoded


def audit_phase(system: RegisterSystem) -> dict[str, Any]:
    log_events = system.register.recorder.max_notification_id() or 0
    t0 = time.perf_counter()
    decoded = read_and_decode(system)
    decode_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    read_and_decode(system, models=False)
    parse_s = time.perf_counter() - t0
    log(f"read + decode {decoded:,} events: {decode_s:.2f} s; read + parse JSON only "
        f"{parse_s:.2f} s")

    # The scratch catch-up reports after every batch, so its last report marks
    # the end of the rebuild inside replay_views; the rest is the comparison.
    batches: list[float] = []
    t0 = time.perf_counter()
    report = replay_views(system, progress=lambda _n: batches.append(time.perf_counter()))
    replay_s = time.perf_counter() - t0
    rebuild_s = (batches[-1] - t0) if batches else replay_s
    log(f"audit replay: {report.events:,} events applied in {replay_s:.2f} s, "
        f"{'views identical' if report.ok else 'VIEWS DIFFER'}")
    return {"log_events": log_events,
            "decode": {"seconds": round(decode_s, 3),
                       "events_per_s": round(rate(log_events, decode_s), 1)},
            "parse_json_only": {"seconds": round(parse_s, 3),
                                "events_per_s": round(rate(log_events, parse_s), 1)},
            "replay_views": {"seconds": round(replay_s, 3), "rebuild_s": round(rebuild_s, 3),
                             "compare_s": round(replay_s - rebuild_s, 3),
                             "applied": report.events,
                             "log_events_per_s": round(rate(log_events, replay_s), 1),
                             "ok": report.ok, "rows": report.rows,
                             "differences": [d.table for d in report.differences]},
            # Same log, so the ratio of rates is the ratio of times.
            "ratio": round(decode_s / replay_s, 4),
            "ratio_vs_json_parse": round(parse_s / replay_s, 4)}

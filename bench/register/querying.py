"""One agency's obligations in force at a date, beside SQLite's own scan of the same rows.

Each question is answered the way the register answers it (``ask``, a fresh
read transaction per call), then by a plain ``sqlite3`` SELECT of the same
rows through the same covering index, on its own read-only connection: what
SQLite alone takes to find and hand over those rows. Each clock stops when
its rows are handed over; the keys both are compared by are taken after. The two are timed
alternately in the same run, so the ratio holds on a busy machine where the
absolute times do not. Half the questions are "as recorded now", half "as
recorded at an earlier moment" between two files' recordings.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from support.stats import median, percentile

from projections.obligation_rows import TABLE
from projections.queries import obligations as queries
from projections.sql import OPEN_MOMENT, day, moment
from register.workload import Workload
from workers.bootstrap import RegisterSystem

QUERIES = 200
WARMUP = 5
Key = tuple[str, str, int]


@dataclass
class Question:
    agency: str
    on: date
    as_recorded: datetime | None

    def describe(self) -> str:
        when = self.as_recorded.isoformat() if self.as_recorded else "now"
        return f"{self.agency} on {self.on.isoformat()} as recorded {when}"


def ask(system: RegisterSystem, q: Question) -> queries.ObligationsAnswer:
    """The register's answer, as the CLI and every other caller get it: the query layer,
    including its check that the views are current and the answer's reading order."""
    return queries.in_force(system, q.on, agency=q.agency, as_recorded=q.as_recorded)


def keys(answer: queries.ObligationsAnswer) -> list[Key]:
    """What the comparisons look at; taken after the clock stops, as the scan's are."""
    return [(r.resolution_id, r.clause, r.obligation) for r in answer.obligations]


_SCAN = (
    f"SELECT meeting_date, resolution_id, clause, clause_version, obligation_no, bearer, "
    f"eff_from, eff_until, rec_from, source, ended_how, ended_by_date, ended_by_item, details "
    f"FROM {TABLE} INDEXED BY {TABLE}_bearer "
    f"WHERE bearer IN (?, 'ALL') AND eff_from <= ? AND eff_until > ? AND ")


def sqlite_scan(connection: sqlite3.Connection, q: Question) -> list[tuple[Any, ...]]:
    """The baseline: SQLite alone reading the same rows through the same index."""
    params: tuple[str, ...]
    if q.as_recorded is None:
        sql, params = _SCAN + "rec_until = ?", (q.agency, day(q.on), day(q.on), OPEN_MOMENT)
    else:
        when = moment(q.as_recorded)
        sql = _SCAN + "rec_from <= ? AND rec_until > ?"
        params = (q.agency, day(q.on), day(q.on), when, when)
    return connection.execute(sql, params).fetchall()


def questions(workload: Workload, recorded: list[datetime], seed: int) -> list[Question]:
    """Alternately "now" and an earlier moment between two files' recordings."""
    rng = random.Random(seed)
    span = (workload.last_meeting - workload.first_meeting).days
    found = []
    for i in range(QUERIES + WARMUP):
        agency = rng.choice(workload.codes)
        on = workload.first_meeting + timedelta(days=rng.randrange(span + 1))
        as_recorded = None
        if i % 2 == 1 and len(recorded) > 1:
            k = rng.randrange(len(recorded) - 1)
            as_recorded = recorded[k] + (recorded[k + 1] - recorded[k]) * rng.random()
        found.append(Question(agency, on, as_recorded))
    return found


def _summary(ms: Sequence[float], scan_ms: Sequence[float], rows: Sequence[int]
             ) -> dict[str, Any]:
    return {"queries": len(ms), "median_ms": round(median(ms), 3),
            "p95_ms": round(percentile(ms, 0.95), 3), "max_ms": round(max(ms), 3),
            "sqlite_scan_median_ms": round(median(scan_ms), 3),
            "ratio_to_sqlite_scan": round(median(ms) / median(scan_ms), 2),
            "rows_mean": round(sum(rows) / len(rows), 1), "rows_max": max(rows)}


def query_phase(system: RegisterSystem, asked: list[Question]
                ) -> tuple[dict[str, Any], list[float], list[set[Key]]]:
    """Figures per kind of question; each answer's time and rows, for the replay to check."""
    path = system.settings.sqlite_path
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        for q in asked[QUERIES:]:  # warm both connections' page caches; not counted
            ask(system, q)
            sqlite_scan(plain, q)
        times: list[float] = []
        scans: list[float] = []
        answers: list[set[Key]] = []
        same = True
        for i, q in enumerate(asked[:QUERIES]):
            # Alternate which goes first, so neither always finds the other's pages warm.
            for which in ((0, 1) if i % 2 else (1, 0)):
                t0 = time.perf_counter()
                if which == 0:
                    given = ask(system, q)
                    times.append(time.perf_counter() - t0)
                else:
                    scanned = sqlite_scan(plain, q)
                    scans.append(time.perf_counter() - t0)
            answer = set(keys(given))
            answers.append(answer)
            same = same and {(r[1], r[2], r[4]) for r in scanned} == answer
    finally:
        plain.close()
    figures: dict[str, Any] = {"same_rows_as_sqlite_scan": same}
    for label, wanted in (("now", False), ("as_recorded", True)):
        picked = [i for i, q in enumerate(asked[:QUERIES])
                  if (q.as_recorded is not None) == wanted]
        figures[label] = _summary([times[i] * 1000 for i in picked],
                                  [scans[i] * 1000 for i in picked],
                                  [len(answers[i]) for i in picked])
    return figures, times, answers

"""The same questions answered from the log alone, to show what the views are worth.

Every notification is read; only the resolution events that bear on
obligations are decoded (the others cannot change the answer), and the fold
keeps only clauses that place obligations: the cheapest honest replay, so the
speed-up measured against it is not flattered. Its answers must equal the
view's.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from support.stats import log, median

from domain.paperwork.agencies import ALL
from domain.register.resolution import Resolution
from register.querying import Key, Question
from workers.bootstrap import RegisterSystem

REPLAYED_QUESTIONS = 5
PAGE = 2_000  # the page size `audit replay` itself uses
_RECORDED = get_topic(Resolution.Recorded)
_RESCINDED = get_topic(Resolution.ClausesRescinded)
_AMENDED = get_topic(Resolution.ClauseAmended)
_OPEN = date.max


def answer_by_replay(system: RegisterSystem, q: Question) -> set[Key]:
    register = system.register
    state: dict[UUID, tuple[date, dict[str, list[Any]]]] = {}
    start = 1
    while page := register.recorder.select_notifications(start=start, limit=PAGE):
        start = page[-1].id + 1
        for n in page:
            if n.topic not in (_RECORDED, _RESCINDED, _AMENDED):
                continue
            event: Any = register.mapper.to_domain_event(n)
            # Recorded later than the moment asked about: the register did not
            # hold it then. The log is not assumed to be in timestamp order.
            if q.as_recorded is not None and event.timestamp > q.as_recorded:
                continue
            if n.topic == _RECORDED:
                state[event.originator_id] = (event.effective_from, {
                    c.number: [_OPEN, c.obligations] for c in event.clauses if c.obligations})
            elif n.topic == _RESCINDED:
                clauses = state[event.originator_id][1]
                for number in event.clauses:
                    if number in clauses:
                        clauses[number][0] = min(clauses[number][0], event.effective_on)
            else:
                raise NotImplementedError("the generated register has no amendments")
    found = set()
    for rid, (effective_from, clauses) in state.items():
        if effective_from > q.on:
            continue
        for number, (ended, duties) in clauses.items():
            if q.on >= ended:
                continue
            for j, duty in enumerate(duties, start=1):
                if duty.bearer in (q.agency, ALL):
                    found.add((str(rid), number, j))
    return found


def replay_phase(system: RegisterSystem, asked: list[Question], view_times: list[float],
                 answers: list[set[Key]]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for i, q in enumerate(asked[:REPLAYED_QUESTIONS]):
        t0 = time.perf_counter()
        found = answer_by_replay(system, q)
        seconds = time.perf_counter() - t0
        same = found == answers[i]
        results.append({"question": q.describe(), "replay_s": round(seconds, 3),
                        "view_ms": round(view_times[i] * 1000, 3),
                        "speedup": round(seconds / view_times[i], 1), "rows": len(found),
                        "same_answer": same})
        log(f"replayed {q.describe()}: {seconds:.2f} s, {len(found)} rows, "
            f"{'same as the view' if same else 'DIFFERENT from the view'}")
    replay = median([r["replay_s"] for r in results])
    view = median(view_times[:REPLAYED_QUESTIONS])
    return {"questions": results, "replay_s_median": round(replay, 3),
            "view_ms_median_same_questions": round(view * 1000, 3),
            "speedup": round(replay / view, 1),
            "speedup_min": min(r["speedup"] for r in results),
            "all_same": all(r["same_answer"] for r in results)}

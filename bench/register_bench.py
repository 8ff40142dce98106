"""Benchmark of the register at the issue's size: import, views, queries, audit replay.

    .venv/bin/python bench/register_bench.py           # 100,000 resolutions (minutes)
    .venv/bin/python bench/register_bench.py --quick   # 2,000 resolutions (CI smoke test)

Each target of the issue compares the register with a baseline measured in
the same run on the same machine (raw appends, raw read-and-decode, answering
by replay), so a slower or faster machine moves both sides together. See
bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import math
import os
import platform
import pstats
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Lets the script run from any working directory, installed or not.
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402
from eventsourcing.persistence import StoredEvent  # noqa: E402
from eventsourcing.utils import get_topic  # noqa: E402
from host import cpu_model, memory_gib  # noqa: E402

from domain.paperwork.agencies import ALL  # noqa: E402
from domain.register.records import ImportFile  # noqa: E402
from domain.register.resolution import Resolution  # noqa: E402
from projections import obligations  # noqa: E402
from projections.runner import CatchUp  # noqa: E402
from projections.sql import Cursor  # noqa: E402
from projections.view import TOPICS  # noqa: E402
from workers.bootstrap import (  # noqa: E402
    RegisterSystem,
    _view,
    open_register,
    replay_views,
)
from workers.settings import Settings  # noqa: E402

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"

FIRST_MEETING = date(2000, 1, 4)  # a Tuesday: the cabinet's usual day
SEED = 20_000_104
QUICK_RESOLUTIONS = 2_000
QUERIES = 200
WARMUP_QUERIES = 5
REPLAYED_QUESTIONS = 5
NOTIFICATION_PAGE = 2_000  # the page size `audit replay` itself uses
RESCIND_SHARE = 0.02
ALL_SHARE = 0.01
OBLIGATION_SHARE = 1 / 3
CIRCULARS_PER_OFFICE = 5_000

# "-quick" in quick mode, so a smoke test never overwrites the full run's profiles.
PROFILE_TAG = [""]

TARGET_QUERY_MS = 5.0
TARGET_SPEEDUP = 100.0
TARGET_IMPORT_RATIO = 0.5
TARGET_REPLAY_RATIO = 0.5

# --- the generated register -----------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_EN = _words(
    "agencies report progress on the national strategy reform plan budget data system "
    "monitoring evaluation province local government project results quarterly annual "
    "submit compile review coordinate digital services public sector citizens water "
    "resources drought relief education health insurance infrastructure transport "
    "energy tourism agriculture farmers prices trade investment procurement audit "
    "personnel training regulation licence permits open data registry disbursement "
    "committee secretariat opinion implementation measures targets indicators"
)
_TH = _words(
    "การ พัฒนา ระบบ ข้อมูล หน่วยงาน รายงาน ติดตาม ประเมินผล ยุทธศาสตร์ ชาติ งบประมาณ "
    "โครงการ ภาครัฐ ประชาชน ดำเนินการ ให้ เสนอ คณะรัฐมนตรี ทราบ ต่อไป ตาม มติ เพื่อ "
    "สำนักงาน กระทรวง จังหวัด ท้องถิ่น แผน ปฏิรูป ประเทศ ความก้าวหน้า ผลสัมฤทธิ์ ภายใน "
    "วันที่ ของทุกเดือน ไตรมาส ปีงบประมาณ มาตรการ แนวทาง บูรณาการ ร่วมกับ เอกชน ภาคประชาสังคม "
    "เร่งรัด กำกับ ดูแล สนับสนุน เบิกจ่าย จัดซื้อจัดจ้าง ตรวจสอบ อนุมัติ หลักการ"
)
_RECIPIENTS = ("OPM", "NESDC", "OPDC", "SOC", "PMDU")
_SYSTEMS = ("eMENSCR", "GFMIS", "e-GP", "BB-EvMIS")


class Workload:
    """The register as import files, generated one file at a time from a seed.

    Files are made on demand so a million clauses never sit in memory at once.
    What rescissions need to know about earlier resolutions is kept in flat
    lists of ints and strings, which the cyclic GC does not traverse into, so
    the bench's own heap does not slow the import it is timing.
    """

    def __init__(self, *, clauses_per: int, agencies: int, batch: int, seed: int) -> None:
        self.clauses_per = clauses_per
        self.batch = batch
        self.rng = random.Random(seed)
        width = max(3, len(str(agencies)))
        self.codes = [f"AG{i:0{width}d}" for i in range(1, agencies + 1)]
        self.day = FIRST_MEETING
        self.meeting_left = 0
        self.meetings = 0
        self.serial = 0
        self.file_index = 0
        self.file_start = 0
        self.days: list[int] = []
        self.subjects: list[str] = []
        self.open_masks: list[int] = []
        self.obligation_masks: list[int] = []
        self.clauses = 0
        self.obligations = 0
        self.all_bearers = 0
        self.rescissions = 0
        self.recurrences: Counter[str] = Counter()
        self.first_meeting = FIRST_MEETING
        self.last_meeting = FIRST_MEETING

    def next_file(self, size: int) -> tuple[dict[str, Any], date]:
        """A plain-dict import file (as JSON would give) and the day its last circular went out."""
        self.file_start = self.serial
        records = []
        last_circular = self.day
        for _ in range(size):
            if self.meeting_left == 0:
                if self.meetings:
                    # Tuesday to Friday to Tuesday: two meetings a week.
                    self.day += timedelta(days=3 if self.day.weekday() == 1 else 4)
                self.meetings += 1
                self.meeting_left = self.rng.randint(30, 50)
            self.meeting_left -= 1
            record, circular = self._resolution()
            records.append(record)
            last_circular = max(last_circular, circular)
        content: dict[str, Any] = {"format": 1, "resolutions": records}
        if self.file_index == 0:
            content["agencies"] = [
                {"code": code, "name_th": f"หน่วยงานที่ {i}", "name_en": f"Agency {i}"}
                for i, code in enumerate(self.codes, start=1)]
        self.file_index += 1
        self.last_meeting = self.day
        return content, last_circular

    def _resolution(self) -> tuple[dict[str, Any], date]:
        rng = self.rng
        n = self.serial
        self.serial += 1
        office, number = divmod(n, CIRCULARS_PER_OFFICE)
        circular_day = self.day + timedelta(days=rng.randint(2, 7))
        subject = f"{self._thai(3, 8)} (เรื่องที่ {n + 1})"
        target = self._rescission_target() if rng.random() < RESCIND_SHARE else None
        rescinding = rng.randrange(self.clauses_per) if target else -1
        clauses = []
        with_obligations = 0
        for i in range(self.clauses_per):
            clause: dict[str, Any] = {"number": str(i + 1), "summary": self._english(6, 16)}
            if rng.random() < 0.6:
                clause["text"] = self._thai(20, 60)
            if rng.random() < OBLIGATION_SHARE:
                clause["obligations"] = [self._obligation()]
                with_obligations |= 1 << i
            if i == rescinding:
                clause["rescinds"] = [target]
            clauses.append(clause)
        self.clauses += self.clauses_per
        source: dict[str, Any] = {
            "kind": "circular",
            # Offices 0501, 0502, ... so running numbers stay below 5,000.
            "number": f"นร {501 + office:04d}/ว {number + 1}",
            "date": circular_day.isoformat(),
            "issuer": "SOC",
        }
        if rng.random() < 0.5:
            source["title"] = subject
        self.days.append(self.day.toordinal())
        self.subjects.append(subject)
        self.open_masks.append((1 << self.clauses_per) - 1)
        self.obligation_masks.append(with_obligations)
        return ({"meeting_date": self.day.isoformat(), "subject": subject, "source": source,
                 "clauses": clauses}, circular_day)

    def _rescission_target(self) -> dict[str, Any] | None:
        # Only resolutions of earlier files and earlier meetings: the clause is
        # then recorded and in force on the rescinding meeting date.
        if self.file_start == 0:
            return None
        today = self.day.toordinal()
        for _ in range(50):
            index = self.rng.randrange(self.file_start)
            still_open = self.open_masks[index]
            if self.days[index] >= today or not still_open:
                continue
            # Rescinding a duty is the common case, and it makes the
            # obligations view cut rows, not only the clause view.
            pool = still_open & self.obligation_masks[index] or still_open
            bits = [b for b in range(self.clauses_per) if pool >> b & 1]
            bit = self.rng.choice(bits)
            self.open_masks[index] = still_open & ~(1 << bit)
            self.rescissions += 1
            return {"resolution": {"date": date.fromordinal(self.days[index]).isoformat(),
                                   "subject": self.subjects[index]},
                    "clauses": [str(bit + 1)]}
        return None

    def _obligation(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < ALL_SHARE:
            bearer = ALL
            self.all_bearers += 1
        else:
            bearer = rng.choice(self.codes)
        duty: dict[str, Any] = {"bearer": bearer, "summary": self._english(5, 12),
                                "recurrence": self._recurrence()}
        if rng.random() < 0.5:
            duty["action"] = self._english(4, 10)
        if rng.random() < 0.4:
            duty["recipient"] = rng.choice(_RECIPIENTS) if rng.random() < 0.5 else rng.choice(
                self.codes)
        if rng.random() < 0.2:
            duty["system"] = rng.choice(_SYSTEMS)
        self.obligations += 1
        return duty

    def _recurrence(self) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        found: dict[str, Any]
        if r < 0.25:
            found = {"kind": "monthly", "day": rng.randint(1, 31)}
        elif r < 0.50:
            found = {"kind": "quarterly", "days_after": rng.choice((15, 30, 45, 60))}
        elif r < 0.65:
            found = {"kind": "annual", "quarter": rng.randint(1, 4)}
        elif r < 0.80:
            by = self.day + timedelta(days=rng.randint(30, 365))
            found = {"kind": "once", "by": by.isoformat()}
        else:
            found = {"kind": "standing"}
        self.recurrences[found["kind"]] += 1
        return found

    def _english(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(_EN, k=self.rng.randint(low, high))).capitalize()

    def _thai(self, low: int, high: int) -> str:
        words = self.rng.choices(_TH, k=self.rng.randint(low, high))
        # Thai runs words together and spaces between phrases.
        return " ".join("".join(words[i:i + 4]) for i in range(0, len(words), 4))


class FileClock:
    """The register's clock: each file is recorded the morning after its last circular.

    Recorded time then tracks the meetings, so "as recorded at T" looks back
    at a register that really held less, and fewer rescissions.
    """

    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def record_on(self, day: date) -> datetime:
        # 10:00 in Bangkok; strictly later than the previous file.
        at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
        self.now = max(at, self.now + timedelta(minutes=1))
        return self.now


# --- measuring helpers ----------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def machine() -> dict[str, Any]:
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "memory_gib": memory_gib(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": metadata.version("eventsourcing"),
        "pydantic": metadata.version("pydantic"),
        "pydantic_core": metadata.version("pydantic_core"),
    }


def profiled(label: str, run: Callable[[], Any], top: int = 30) -> tuple[Any, dict[str, Any]]:
    """Run under cProfile; keep the .pstats file and the top functions both ways."""
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    try:
        result = run()
    finally:
        profile.disable()
    seconds = time.perf_counter() - started
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"profile-{label}{PROFILE_TAG[0]}.pstats"
    profile.dump_stats(path)
    stats = pstats.Stats(profile)
    rows = []
    for (file, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = file if file == "~" else f"{_short(file)}:{line}"
        rows.append({"function": f"{where}({name})", "calls": calls,
                     "tottime_s": round(tottime, 4), "cumtime_s": round(cumtime, 4)})
    by_cum = sorted(rows, key=lambda r: -r["cumtime_s"])[:top]
    by_tot = sorted(rows, key=lambda r: -r["tottime_s"])[:top]
    text = io.StringIO()
    text.write(f"== profile {label}: {seconds:.2f} s under cProfile ==\n")
    text.write("-- by cumulative time --\n")
    text.writelines(_row(r) for r in by_cum)
    text.write("-- by own time --\n")
    text.writelines(_row(r) for r in by_tot)
    (OUT / f"profile-{label}{PROFILE_TAG[0]}.txt").write_text(text.getvalue())
    print(text.getvalue(), flush=True)
    return result, {"seconds_profiled": round(seconds, 3), "pstats": str(path),
                    "top_cumulative": by_cum, "top_own": by_tot}


def _short(path: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def _row(r: dict[str, Any]) -> str:
    return (f"{r['cumtime_s']:10.3f} cum {r['tottime_s']:10.3f} own {r['calls']:>10} calls  "
            f"{r['function']}\n")


_PF_KTHREAD = 0x00200000  # the flag /proc/PID/stat sets on kernel threads


def other_ticks(exclude: int) -> dict[int, int]:
    """CPU ticks of every user-space process but ``exclude``, and the hypervisor's steal (-1).

    Kernel threads are left out: most of their work here is writing back
    this benchmark's own I/O, which is part of what it measures.
    """
    found: dict[int, int] = {}
    try:
        cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        found[-1] = int(cpu[8])
    except (OSError, IndexError):
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == exclude:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if int(fields[6]) & _PF_KTHREAD:
            continue
        found[int(entry.name)] = int(fields[11]) + int(fields[12])
    return found


def ticks_between(before: dict[int, int], after: dict[int, int]) -> int:
    # A process that started meanwhile spent all its ticks inside the interval.
    return sum(t - before.get(pid, 0) for pid, t in after.items())


class GCMeter:
    """Time the cyclic garbage collector spends, by generation, via gc.callbacks.

    A full collection rescans every live object; in a process holding an
    aggregate cache and pages of decoded events it can cost more than the
    work it interrupts, so each phase reports it.
    """

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.counts = [0, 0, 0]
        self.longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        spent = time.perf_counter() - self._started
        generation = info["generation"]
        self.seconds[generation] += spent
        self.counts[generation] += 1
        self.longest = max(self.longest, spent)

    def snapshot(self) -> tuple[list[float], list[int]]:
        return list(self.seconds), list(self.counts)

    def since(self, before: tuple[list[float], list[int]]) -> dict[str, Any]:
        seconds, counts = before
        return {"seconds": round(sum(self.seconds) - sum(seconds), 3),
                "full_collections": self.counts[2] - counts[2],
                "full_seconds": round(self.seconds[2] - seconds[2], 3)}


GC = GCMeter()


class Contention:
    """CPU other processes (and a hypervisor's steal) used while each phase ran.

    Other work on a 2-core machine slows every figure; recording how much
    lets a reader discard a contaminated run instead of trusting it. Each
    phase also records the time the garbage collector took inside it.
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    BUSY_LIMIT = 0.25  # cores used by others before a phase's figures are suspect

    def __init__(self) -> None:
        self.phases: dict[str, dict[str, Any]] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        me = os.getpid()
        before = other_ticks(me)
        collected = GC.snapshot()
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - t0
            others = ticks_between(before, other_ticks(me)) / self.TICK
            self.phases[name] = {"wall_s": round(seconds, 2),
                                 "own_cpu_s": round(time.process_time() - cpu0, 2),
                                 "other_cores": round(others / seconds, 2) if seconds else 0.0,
                                 "load_avg_1m": round(os.getloadavg()[0], 2),
                                 "gc": GC.since(collected)}

    def suspect(self) -> dict[str, float]:
        return {name: p["other_cores"] for name, p in self.phases.items()
                if p["other_cores"] > self.BUSY_LIMIT}


# --- phase 1-2: import and catch-up ---------------------------------------------------


@dataclass
class FileTiming:
    events: int
    validate_s: float
    import_s: float
    catch_up_s: float
    applied: int
    recorded_at: datetime


def import_register(system: RegisterSystem, workload: Workload, clock: FileClock,
                    total: int, batch: int) -> list[FileTiming]:
    timings: list[FileTiming] = []
    files = math.ceil(total / batch)
    every = max(1, files // 20)
    started = time.perf_counter()
    for k in range(files):
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
        del content, model
        if (k + 1) % every == 0 or k + 1 == files:
            done = timings
            ev = sum(t.events for t in done)
            imp = sum(t.validate_s + t.import_s for t in done)
            cu = sum(t.catch_up_s for t in done)
            log(f"imported {k + 1}/{files} files, {workload.serial:,} resolutions, {ev:,} "
                f"events; import {rate(ev, imp):,.0f} ev/s, catch-up "
                f"{rate(sum(t.applied for t in done), cu):,.0f} applied ev/s; "
                f"{time.perf_counter() - started:,.0f} s")
    return timings


def import_figures(timings: list[FileTiming]) -> dict[str, Any]:
    events = sum(t.events for t in timings)
    validate = sum(t.validate_s for t in timings)
    imported = sum(t.import_s for t in timings)
    tenth = max(1, len(timings) // 10)

    def ev_s(part: list[FileTiming]) -> float:
        return rate(sum(t.events for t in part), sum(t.validate_s + t.import_s for t in part))

    per_file_ms = [(t.validate_s + t.import_s) * 1000 for t in timings]
    return {
        "files": len(timings),
        "events": events,
        "events_per_file_mean": round(events / len(timings), 1),
        "validate_s": round(validate, 3),
        "import_file_s": round(imported, 3),
        "total_s": round(validate + imported, 3),
        "events_per_s": round(rate(events, validate + imported), 1),
        "events_per_s_import_file_only": round(rate(events, imported), 1),
        "events_per_s_first_tenth": round(ev_s(timings[:tenth]), 1),
        "events_per_s_last_tenth": round(ev_s(timings[-tenth:]), 1),
        "per_file_ms_median": round(statistics.median(per_file_ms), 2),
        "per_file_ms_p95": round(percentile(per_file_ms, 0.95), 2),
    }


def catch_up_figures(timings: list[FileTiming]) -> dict[str, Any]:
    applied = sum(t.applied for t in timings)
    events = sum(t.events for t in timings)
    seconds = sum(t.catch_up_s for t in timings)
    tenth = max(1, len(timings) // 10)

    def ev_s(part: list[FileTiming]) -> float:
        return rate(sum(t.applied for t in part), sum(t.catch_up_s for t in part))

    return {
        "runs": len(timings),
        "applied_events": applied,
        "log_events_covered": events,
        "seconds": round(seconds, 3),
        "applied_events_per_s": round(rate(applied, seconds), 1),
        "log_events_per_s": round(rate(events, seconds), 1),
        "applied_events_per_s_first_tenth": round(ev_s(timings[:tenth]), 1),
        "applied_events_per_s_last_tenth": round(ev_s(timings[-tenth:]), 1),
    }


# --- phase 3: the raw append baseline -------------------------------------------------


def raw_append(system: RegisterSystem, counts: list[int], path: Path) -> dict[str, Any]:
    """Append the register's own stored events, re-keyed, in the register's transactions."""
    raw: Application[UUID] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                              "SQLITE_DBNAME": str(path)})
    recorder = system.register.recorder
    fresh: dict[UUID | str, UUID] = {}
    seconds = 0.0
    position = 1
    appended = 0
    try:
        for count in counts:
            if count == 0:
                continue
            notifications = recorder.select_notifications(start=position, limit=count)
            assert len(notifications) == count, "the log is not one block per import file"
            batch = []
            for n in notifications:
                key = fresh.get(n.originator_id)
                if key is None:
                    key = fresh[n.originator_id] = uuid.uuid4()
                batch.append(StoredEvent(originator_id=key,
                                         originator_version=n.originator_version,
                                         topic=n.topic, state=n.state))
            position = notifications[-1].id + 1
            t0 = time.perf_counter()
            raw.recorder.insert_events(batch)
            seconds += time.perf_counter() - t0
            appended += count
    finally:
        raw.close()
    return {"events": appended, "transactions": sum(1 for c in counts if c),
            "seconds": round(seconds, 3), "events_per_s": round(rate(appended, seconds), 1)}


class _Stream(Aggregate):
    """A stock library aggregate carrying another event's payload, for the baseline."""

    @event("Started")
    def __init__(self, payload: dict[str, Any]) -> None:
        pass

    @event("Appended")
    def append(self, payload: dict[str, Any]) -> None:
        pass


def library_append(system: RegisterSystem, counts: list[int], path: Path) -> dict[str, Any]:
    """eventsourcing appending the same events its own way, in the register's transactions.

    Each of the register's events becomes a stock library event carrying the
    same payload (the same fields, the same sizes), on a stock aggregate per
    originator, encoded by the library's own mapper and JSON transcoder and
    saved with ``Application.save``: what the library itself costs to append
    these events, with none of the register's rules.
    """
    app: Application[UUID] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                              "SQLITE_DBNAME": str(path)})
    recorder = system.register.recorder
    streams: dict[Any, _Stream] = {}
    seconds = 0.0
    position = 1
    appended = 0
    try:
        for count in counts:
            if count == 0:
                continue
            notifications = recorder.select_notifications(start=position, limit=count)
            position = notifications[-1].id + 1
            payloads = []
            for n in notifications:  # decoding the register's bytes is not timed
                data = orjson.loads(n.state)
                for field in ("originator_id", "originator_version", "timestamp",
                              "originator_topic"):
                    data.pop(field, None)
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
            appended += count
    finally:
        app.close()
    return {"events": appended, "transactions": sum(1 for c in counts if c),
            "seconds": round(seconds, 3), "events_per_s": round(rate(appended, seconds), 1)}


# --- phase 4: queries, and answering by replay ----------------------------------------


@dataclass
class Question:
    agency: str
    on: date
    as_recorded: datetime | None

    def describe(self) -> str:
        when = self.as_recorded.isoformat() if self.as_recorded else "now"
        return f"{self.agency} on {self.on.isoformat()} as recorded {when}"


def questions(workload: Workload, recorded: list[datetime], seed: int) -> list[Question]:
    """Alternately "now" and an earlier moment between two files' recordings."""
    rng = random.Random(seed)
    span = (workload.last_meeting - workload.first_meeting).days
    found = []
    for i in range(QUERIES + WARMUP_QUERIES):
        agency = rng.choice(workload.codes)
        on = workload.first_meeting + timedelta(days=rng.randrange(span + 1))
        as_recorded = None
        if i % 2 == 1 and len(recorded) > 1:
            k = rng.randrange(len(recorded) - 1)
            as_recorded = recorded[k] + (recorded[k + 1] - recorded[k]) * rng.random()
        found.append(Question(agency, on, as_recorded))
    return found


def ask(system: RegisterSystem, q: Question) -> list[Any]:
    with system.view.reading() as cursor:
        return obligations.in_force(cursor, q.on, agency=q.agency, as_recorded=q.as_recorded)


def answer_key(rows: list[Any]) -> set[tuple[str, str, int]]:
    return {(r["resolution_id"], r["clause"], r["obligation"]) for r in rows}


def sql_alone(system: RegisterSystem, q: Question) -> float:
    """Seconds SQLite alone takes over the statement in_force runs for ``q``.

    The statement is captured where every query enters (Cursor.execute), then
    run again on a fresh read cursor and fetched as plain tuples, so the
    split holds however in_force turns rows into objects.
    """
    captured: list[tuple[str, tuple[Any, ...]]] = []

    class Capture(Cursor):
        def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
            captured.append((self.dialect.sql(statement), tuple(params)))
            return super().execute(statement, params)

    with system.view.reading() as cursor:
        obligations.in_force(Capture(cursor.raw, cursor.dialect), q.on, agency=q.agency,
                             as_recorded=q.as_recorded)
    statement, params = captured[0]
    with system.view.reading() as cursor:
        plain = getattr(cursor.raw, "sqlite_cursor", cursor.raw)
        factory = plain.row_factory
        plain.row_factory = None
        try:
            t0 = time.perf_counter()
            plain.execute(statement, params)
            plain.fetchall()
            return time.perf_counter() - t0
        finally:
            plain.row_factory = factory


def query_phase(system: RegisterSystem, asked: list[Question]) -> tuple[dict[str, Any],
                                                                      list[float],
                                                                      list[set[Any]]]:
    for q in asked[QUERIES:]:
        ask(system, q)  # warm the connection's page cache; not counted
    asked = asked[:QUERIES]
    times: list[float] = []
    answers: list[set[Any]] = []
    sizes: list[int] = []
    collected: list[float] = []
    for q in asked:
        before = sum(GC.seconds)
        t0 = time.perf_counter()
        rows = ask(system, q)
        times.append(time.perf_counter() - t0)
        collected.append(sum(GC.seconds) - before)
        answers.append(answer_key(rows))
        sizes.append(len(rows))
    # A second pass, not counted above, to see how much of a query is SQLite's.
    sql_s = [sql_alone(system, q) for q in asked]
    repeats = repeat_queries(system, asked)

    def summary(indices: list[int]) -> dict[str, Any]:
        ms = [times[i] * 1000 for i in indices]
        gc_ms = [collected[i] * 1000 for i in indices]
        sql_ms = [sql_s[i] * 1000 for i in indices]
        rest_ms = [(times[i] - sql_s[i]) * 1000 for i in indices]
        rows = [sizes[i] for i in indices]
        return {"queries": len(indices), "median_ms": round(statistics.median(ms), 3),
                "p95_ms": round(percentile(ms, 0.95), 3), "max_ms": round(max(ms), 3),
                "rows_mean": round(statistics.mean(rows), 1), "rows_max": max(rows),
                "sql_ms_median": round(statistics.median(sql_ms), 3),
                "rest_ms_median": round(statistics.median(rest_ms), 3),
                "gc_ms_total": round(sum(gc_ms), 1),
                "queries_with_gc_over_10ms": sum(1 for g in gc_ms if g > 10),
                "median_ms_without_gc": round(statistics.median(
                    m - g for m, g in zip(ms, gc_ms, strict=True)), 3),
                "times_ms": [round(m, 2) for m in ms],
                "gc_ms": [round(g, 2) for g in gc_ms]}

    now = [i for i, q in enumerate(asked) if q.as_recorded is None]
    earlier = [i for i, q in enumerate(asked) if q.as_recorded is not None]
    plans = {}
    with system.view.reading() as cursor:
        for label, q in (("now", asked[now[0]]), ("as_recorded", asked[earlier[0]])):
            plans[label] = _plan(cursor, q)
    return ({"now": summary(now), "as_recorded": summary(earlier), "plans": plans,
             "repeats": repeats}, times, answers)


def repeat_queries(system: RegisterSystem, asked: list[Question]) -> dict[str, Any]:
    """The same questions again, to tell the store's state from the process's (not targets).

    After an import the WAL holds the latest pages and the pooled connections
    have written; a query process that starts later sees neither.
    """
    def medians(target: RegisterSystem) -> dict[str, Any]:
        now: list[float] = []
        then: list[float] = []
        for q in asked:
            t0 = time.perf_counter()
            ask(target, q)
            (now if q.as_recorded is None else then).append((time.perf_counter() - t0) * 1000)
        return {"now_median_ms": round(statistics.median(now), 3),
                "as_recorded_median_ms": round(statistics.median(then), 3)}

    path = system.settings.sqlite_path
    found: dict[str, Any] = {"wal_bytes_before": _size(Path(f"{path}-wal"))}
    found["again, same connections"] = medians(system)
    plain = sqlite3.connect(path)
    try:
        found["checkpoint"] = list(plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
    finally:
        plain.close()
    found["after a WAL checkpoint"] = medians(system)
    fresh = open_register(system.settings)
    try:
        found["fresh connections"] = medians(fresh)
    finally:
        fresh.close()
    return found


def _size(path: Path) -> int | None:
    return path.stat().st_size if path.exists() else None


def _plan(cursor: Cursor, q: Question) -> list[str]:
    """EXPLAIN QUERY PLAN of the statement in_force runs, captured off a recording cursor."""
    seen: list[tuple[str, Sequence[Any]]] = []

    class Recording(Cursor):
        def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
            seen.append((statement, params))
            return super().execute(statement, params)

    obligations.in_force(Recording(cursor.raw, cursor.dialect), q.on, agency=q.agency,
                         as_recorded=q.as_recorded)
    statement, params = seen[0]
    rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()
    return [r["detail"] for r in rows]


_RECORDED = get_topic(Resolution.Recorded)
_RESCINDED = get_topic(Resolution.ClausesRescinded)
_AMENDED = get_topic(Resolution.ClauseAmended)
_OPEN = date.max


def answer_by_replay(system: RegisterSystem, q: Question) -> set[tuple[str, str, int]]:
    """The same question answered from the log alone: read, decode, fold, then ask.

    Every notification is read; only the resolution events that bear on
    obligations are decoded (the others cannot change the answer), and the
    fold keeps only clauses that place obligations. That is the cheapest
    honest replay, so the speed-up measured against it is not flattered.
    """
    register = system.register
    state: dict[UUID, tuple[date, dict[str, list[Any]]]] = {}
    start = 1
    while True:
        page = register.recorder.select_notifications(start=start, limit=NOTIFICATION_PAGE)
        if not page:
            break
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
                 answers: list[set[Any]]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for i in range(REPLAYED_QUESTIONS):
        q = asked[i]
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
        if not same:
            results[-1]["only_view"] = sorted(answers[i] - found)[:5]
            results[-1]["only_replay"] = sorted(found - answers[i])[:5]
    replay_median = statistics.median(float(r["replay_s"]) for r in results)
    view_median = statistics.median(view_times[i] for i in range(REPLAYED_QUESTIONS))
    return {"questions": results, "replay_s_median": round(replay_median, 3),
            "view_ms_median_same_questions": round(view_median * 1000, 3),
            "speedup": round(replay_median / view_median, 1),
            "speedup_min": min(float(r["speedup"]) for r in results),
            "all_same": all(r["same_answer"] for r in results)}


# --- phase 5: audit replay ------------------------------------------------------------


def read_and_decode_json(system: RegisterSystem) -> int:
    """Supplementary: page through the log and parse each event's JSON (no models)."""
    register = system.register
    position = 0
    decoded = 0
    while True:
        page = register.recorder.select_notifications(
            start=position, limit=NOTIFICATION_PAGE, inclusive_of_start=False)
        if not page:
            return decoded
        decoded += len([orjson.loads(n.state) for n in page])
        position = page[-1].id


def read_and_decode(system: RegisterSystem, topics: Sequence[str] = ()) -> int:
    """The raw rate: page through the log as CatchUp does, decode, project nothing."""
    register = system.register
    position = 0
    decoded = 0
    while True:
        page = register.recorder.select_notifications(
            start=position, limit=NOTIFICATION_PAGE, topics=topics, inclusive_of_start=False)
        if not page:
            return decoded
        events = [register.mapper.to_domain_event(n) for n in page]
        decoded += len(events)
        position = page[-1].id


@contextmanager
def scratch_view(system: RegisterSystem, name: str) -> Iterator[tuple[Any, Path]]:
    """A fresh, empty view store wired the way replay_views wires its scratch."""
    settings = system.settings
    path = settings.data_dir / f"{name}.sqlite"
    uri = f"file:{name}?mode=memory&cache=shared"  # as replay_views builds its scratch
    view = _view(settings, {**settings.register_env(), "SQLITE_DBNAME": uri}, scratch=True)
    try:
        yield view, path
    finally:
        view.datastore.close()  # type: ignore[attr-defined]


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def audit_phase(system: RegisterSystem) -> dict[str, Any]:
    register = system.register
    log_events = register.recorder.max_notification_id() or 0

    t0 = time.perf_counter()
    decoded_all = read_and_decode(system)
    raw_all_s = time.perf_counter() - t0
    log(f"raw read+decode of all {decoded_all:,} notifications: {raw_all_s:.2f} s")

    t0 = time.perf_counter()
    parsed_all = read_and_decode_json(system)
    raw_json_s = time.perf_counter() - t0
    log(f"read+parse JSON only of all {parsed_all:,} notifications: {raw_json_s:.2f} s")

    t0 = time.perf_counter()
    decoded_view = read_and_decode(system, TOPICS)
    raw_view_s = time.perf_counter() - t0
    log(f"raw read+decode of the {decoded_view:,} view-topic notifications: {raw_view_s:.2f} s")

    with scratch_view(system, "bench-rebuild") as (view, _path):
        t0 = time.perf_counter()
        applied = CatchUp(register, view, batch_size=NOTIFICATION_PAGE).run()
        rebuild_s = time.perf_counter() - t0
        log(f"rebuild alone: {applied:,} events applied in {rebuild_s:.2f} s")

    # The scratch catch-up reports after every batch, so its last report marks
    # the end of the rebuild inside replay_views; the rest is the comparison.
    batches: list[float] = []
    t0 = time.perf_counter()
    report = replay_views(system, progress=lambda _n: batches.append(time.perf_counter()))
    replay_s = time.perf_counter() - t0
    rebuilt_s = (batches[-1] - t0) if batches else replay_s
    compare_s = replay_s - rebuilt_s
    log(f"audit replay (replay_views): {report.events:,} events, {replay_s:.2f} s "
        f"(rebuild {rebuilt_s:.2f} s, compare {compare_s:.2f} s), "
        f"{'ok' if report.ok else 'DIFFERENCES'}")

    raw_rate = rate(log_events, raw_all_s)
    replay_rate = rate(log_events, replay_s)
    return {
        "log_events": log_events,
        "view_topic_events": decoded_view,
        "raw_decode_all": {"events": decoded_all, "seconds": round(raw_all_s, 3),
                           "events_per_s": round(rate(decoded_all, raw_all_s), 1)},
        "raw_decode_view_topics": {"events": decoded_view, "seconds": round(raw_view_s, 3),
                                   "events_per_s": round(rate(decoded_view, raw_view_s), 1)},
        "rebuild_alone": {"applied": applied, "seconds": round(rebuild_s, 3),
                          "log_events_per_s": round(rate(log_events, rebuild_s), 1),
                          "applied_events_per_s": round(rate(applied, rebuild_s), 1)},
        "replay_views": {"applied": report.events, "seconds": round(replay_s, 3),
                         "rebuild_s": round(rebuilt_s, 3), "compare_s": round(compare_s, 3),
                         "log_events_per_s": round(replay_rate, 1),
                         "applied_events_per_s": round(rate(report.events, replay_s), 1),
                         "ok": report.ok, "rows": report.rows,
                         "differences": [d.table for d in report.differences]},
        # Same log, so the ratio of rates is the ratio of times.
        "ratio": round(replay_rate / raw_rate, 4),
        "ratio_rebuild_alone": round(raw_all_s / rebuild_s, 4),
        "ratio_strict": round(raw_view_s / replay_s, 4),
        "raw_parse_json_all": {"events": parsed_all, "seconds": round(raw_json_s, 3),
                               "events_per_s": round(rate(parsed_all, raw_json_s), 1)},
        "ratio_vs_json_parse": round(raw_json_s / replay_s, 4),
    }


# --- profiles (after every measurement, so they distort none) --------------------------


def profile_phase(system: RegisterSystem, workload: Workload, clock: FileClock, batch: int,
                  files: int, asked: list[Question]) -> dict[str, Any]:
    log(f"profiling: import and catch-up of {files} more files, a full rebuild, decoding, "
        "and the queries")
    made = []
    for _ in range(files):
        content, last_circular = workload.next_file(batch)
        made.append((content, last_circular))

    def run_import() -> int:
        events = 0
        for content, last_circular in made:
            clock.record_on(last_circular + timedelta(days=1))
            events += system.register.import_file(ImportFile.model_validate(content))
        return events

    profiles: dict[str, Any] = {}
    _, profiles["import"] = profiled("import", run_import)
    _, profiles["catch_up"] = profiled("catch_up", system.catch_up)
    with scratch_view(system, "bench-profile-rebuild") as (view, _path):
        _, profiles["rebuild"] = profiled(
            "rebuild", CatchUp(system.register, view, batch_size=NOTIFICATION_PAGE).run)
    _, profiles["decode"] = profiled("decode", lambda: read_and_decode(system, TOPICS))
    _, profiles["query"] = profiled(
        "query", lambda: [ask(system, q) for q in asked[:QUERIES]])
    return profiles


# --- the run --------------------------------------------------------------------------


def store_figures(system: RegisterSystem) -> dict[str, Any]:
    path = system.settings.sqlite_path
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT topic, COUNT(*), AVG(LENGTH(state)), MAX(LENGTH(state)) FROM stored_events "
            "GROUP BY topic ORDER BY COUNT(*) DESC").fetchall()
        total = connection.execute(
            "SELECT COUNT(*), AVG(LENGTH(state)) FROM stored_events").fetchone()
    finally:
        connection.close()
    files = {p.name: p.stat().st_size for p in path.parent.glob("register.sqlite*")}
    return {
        "events": total[0],
        "state_bytes_mean": round(total[1] or 0, 1),
        "by_topic": [{"topic": t.rsplit(":", 1)[-1], "events": n,
                      "state_bytes_mean": round(mean, 1), "state_bytes_max": biggest}
                     for t, n, mean, biggest in rows],
        "file_bytes": files,
    }


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    q = figures["query"]
    r = figures["replay_answer"]
    a = figures["audit"]
    found = [
        ("query median, as recorded now", f"<= {TARGET_QUERY_MS} ms",
         q["now"]["median_ms"], q["now"]["median_ms"] <= TARGET_QUERY_MS, "ms"),
        ("query median, as recorded at an earlier moment", f"<= {TARGET_QUERY_MS} ms",
         q["as_recorded"]["median_ms"], q["as_recorded"]["median_ms"] <= TARGET_QUERY_MS, "ms"),
        ("query speed-up over answering by replay (median/median)",
         f">= {TARGET_SPEEDUP:.0f}x", r["speedup"], r["speedup"] >= TARGET_SPEEDUP, "x"),
        ("import rate / eventsourcing's append rate (its own events, mapper and "
         "transcoder; same events, same transactions)", f">= {TARGET_IMPORT_RATIO:.0%}",
         figures["import_ratio_library"],
         figures["import_ratio_library"] >= TARGET_IMPORT_RATIO, "ratio"),
        ("audit replay rate / raw read+decode rate (whole log)",
         f">= {TARGET_REPLAY_RATIO:.0%}", a["ratio"], a["ratio"] >= TARGET_REPLAY_RATIO, "ratio"),
    ]
    rows = [{"target": name, "goal": goal, "measured": value, "unit": unit, "pass": ok}
            for name, goal, value, ok, unit in found]
    rows.append({"target": "supplementary: import rate / the recorder inserting the "
                           "register's own encoded bytes (no event objects, no encoding)",
                 "goal": f">= {TARGET_IMPORT_RATIO:.0%}", "measured": figures["import_ratio"],
                 "unit": "ratio", "pass": figures["import_ratio"] >= TARGET_IMPORT_RATIO,
                 "supplementary": True})
    rows.append({"target": "supplementary: audit replay vs reading the log and only "
                           "parsing its JSON (no event models)",
                 "goal": f">= {TARGET_REPLAY_RATIO:.0%}", "measured": a["ratio_vs_json_parse"],
                 "unit": "ratio", "pass": a["ratio_vs_json_parse"] >= TARGET_REPLAY_RATIO,
                 "supplementary": True})
    rows.append({"target": "supplementary: audit replay vs read+decode of the same "
                           "view-topic events only", "goal": f">= {TARGET_REPLAY_RATIO:.0%}",
                 "measured": a["ratio_strict"], "unit": "ratio",
                 "pass": a["ratio_strict"] >= TARGET_REPLAY_RATIO, "supplementary": True})
    return rows


def print_summary(figures: dict[str, Any]) -> None:
    m = figures["machine"]
    w = figures["workload"]
    i = figures["import"]
    c = figures["catch_up"]
    raw = figures["raw_append"]
    q = figures["query"]
    r = figures["replay_answer"]
    a = figures["audit"]
    lines = [
        "",
        "=" * 78,
        f"REGISTER BENCHMARK ({'quick: indicative only' if figures['quick'] else 'full size'})",
        "=" * 78,
        f"machine     {m['cpu_model']}, {m['cores']} cores ({m['cores_usable']} usable), "
        f"{m['memory_gib']} GiB; {m['python']}; SQLite {m['sqlite']}; "
        f"eventsourcing {m['eventsourcing']}; pydantic {m['pydantic']}",
        f"project     {figures['project']['commit'][:10]} {figures['project']['subject']}"
        + (f" (+ uncommitted: {', '.join(figures['project']['uncommitted_outside_bench'])})"
           if figures["project"]["uncommitted_outside_bench"] else ""),
        *([f"            NOTE: the project changed on disk during the run (now "
           f"{figures['project_at_end']['commit'][:10]}); the modules measured are those "
           "loaded at start, the commit above"] if figures.get("project_changed_during_run")
          else []),
        f"gc          {figures['gc']['applied']}; threshold {tuple(figures['gc']['threshold'])}",
        f"workload    {w['resolutions']:,} resolutions, {w['clauses']:,} clauses, "
        f"{w['obligations']:,} obligations ({w['obligations_bearer_all']:,} on ALL), "
        f"{w['agencies']} agencies, {w['rescissions']:,} rescissions, {w['meetings']:,} "
        f"meetings {w['first_meeting']}..{w['last_meeting']}; {w['files']:,} files of "
        f"{w['batch']}",
        f"store       {figures['store']['events']:,} events, mean state "
        f"{figures['store']['state_bytes_mean']:,.0f} B; view rows "
        + ", ".join(f"{k} {v:,}" for k, v in a["replay_views"]["rows"].items() if v),
        "",
        f"import      {i['events']:,} events in {i['total_s']:,.1f} s (validate "
        f"{i['validate_s']:,.1f} s + import_file {i['import_file_s']:,.1f} s) = "
        f"{i['events_per_s']:,.0f} ev/s (first tenth {i['events_per_s_first_tenth']:,.0f}, "
        f"last tenth {i['events_per_s_last_tenth']:,.0f}); per file median "
        f"{i['per_file_ms_median']:.1f} ms, p95 {i['per_file_ms_p95']:.1f} ms",
        f"raw append  {raw['events']:,} events in {raw['transactions']:,} transactions, "
        f"{raw['seconds']:,.2f} s = {raw['events_per_s']:,.0f} ev/s;  import/raw = "
        f"{figures['import_ratio']:.1%}",
        f"catch-up    {c['applied_events']:,} events applied in {c['seconds']:,.1f} s over "
        f"{c['runs']:,} runs = {c['applied_events_per_s']:,.0f} applied ev/s "
        f"({c['log_events_per_s']:,.0f} log ev/s); first tenth "
        f"{c['applied_events_per_s_first_tenth']:,.0f}, last tenth "
        f"{c['applied_events_per_s_last_tenth']:,.0f} applied ev/s",
        "",
        f"query now   median {q['now']['median_ms']:.2f} ms, p95 {q['now']['p95_ms']:.2f} ms, "
        f"max {q['now']['max_ms']:.2f} ms; {q['now']['rows_mean']:.0f} rows on average; "
        f"SQLite alone {q['now']['sql_ms_median']:.2f} ms, the rest "
        f"{q['now']['rest_ms_median']:.2f} ms (medians); GC {q['now']['gc_ms_total']:.0f} ms "
        f"in all, {q['now']['queries_with_gc_over_10ms']} queries paused > 10 ms",
        f"query then  median {q['as_recorded']['median_ms']:.2f} ms, p95 "
        f"{q['as_recorded']['p95_ms']:.2f} ms, max {q['as_recorded']['max_ms']:.2f} ms; "
        f"{q['as_recorded']['rows_mean']:.0f} rows on average; SQLite alone "
        f"{q['as_recorded']['sql_ms_median']:.2f} ms, the rest "
        f"{q['as_recorded']['rest_ms_median']:.2f} ms (medians); GC "
        f"{q['as_recorded']['gc_ms_total']:.0f} ms in all, "
        f"{q['as_recorded']['queries_with_gc_over_10ms']} queries paused > 10 ms",
        "  repeated (not targets): " + "; ".join(
            f"{k} {v['now_median_ms']:.2f}/{v['as_recorded_median_ms']:.2f} ms"
            for k, v in q["repeats"].items() if isinstance(v, dict))
        + f" (now/as recorded; WAL {q['repeats']['wal_bytes_before'] or 0:,} B before)",
        f"by replay   median {r['replay_s_median']:.2f} s over {len(r['questions'])} questions "
        f"(view {r['view_ms_median_same_questions']:.2f} ms on the same) = "
        f"{r['speedup']:,.0f}x (lowest {r['speedup_min']:,.0f}x); answers "
        f"{'identical' if r['all_same'] else 'DIFFER'}",
        "",
        f"raw decode  whole log {a['raw_decode_all']['events']:,} events "
        f"{a['raw_decode_all']['seconds']:.2f} s = "
        f"{a['raw_decode_all']['events_per_s']:,.0f} ev/s; view topics only "
        f"{a['raw_decode_view_topics']['events']:,} events "
        f"{a['raw_decode_view_topics']['seconds']:.2f} s",
        f"rebuild     {a['rebuild_alone']['applied']:,} events applied in "
        f"{a['rebuild_alone']['seconds']:.2f} s = "
        f"{a['rebuild_alone']['log_events_per_s']:,.0f} log ev/s",
        f"audit replay {a['replay_views']['seconds']:.2f} s (rebuild "
        f"{a['replay_views']['rebuild_s']:.2f} s + compare {a['replay_views']['compare_s']:.2f} s)"
        f" = "
        f"{a['replay_views']['log_events_per_s']:,.0f} log ev/s "
        f"({a['replay_views']['applied_events_per_s']:,.0f} applied ev/s); "
        f"{'views identical' if a['replay_views']['ok'] else 'VIEWS DIFFER'}; "
        f"replay/raw = {a['ratio']:.1%} (rebuild alone {a['ratio_rebuild_alone']:.1%}, "
        f"strict {a['ratio_strict']:.1%})",
        "",
        "targets" + (" (quick size: indicative only; the issue sets them for the full size)"
                     if figures["quick"] else ""),
    ]
    for t in figures["targets"]:
        measured = t["measured"]
        shown = (f"{measured:.2f} ms" if t["unit"] == "ms" else f"{measured:,.0f}x"
                 if t["unit"] == "x" else f"{measured:.1%}")
        lines.append(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']}: {shown} "
                     f"(goal {t['goal']})")
    lines += ["", "gc per phase " + "; ".join(
        f"{name} {p['gc']['seconds']:.1f} s ({p['gc']['full_collections']} full)"
        for name, p in figures["contention"]["phases"].items())]
    suspect = figures["contention"]["suspect"]
    if suspect:
        lines += ["", "WARNING: other work used the machine's CPUs during "
                  + ", ".join(f"{k} ({v:.2f} cores)" for k, v in suspect.items())
                  + "; those figures are not trustworthy: re-run on a quiet machine"]
    else:
        lines += ["", "contention  none: no phase saw other work above "
                  f"{figures['contention']['busy_limit_cores']} cores"]
    lines += ["", f"wall time   {figures['wall_s']:,.0f} s; figures in {figures['out']}",
              "=" * 78]
    print("\n".join(lines), flush=True)


def apply_gc(mode: str) -> dict[str, Any]:
    """Run under the collector settings a real `cabinet` process uses, unless told not to."""
    applied = "interpreter defaults"
    if mode == "project":
        try:
            from workers.runtime import tune_gc
        except ImportError:
            applied = "interpreter defaults (the project has no workers.runtime.tune_gc)"
        else:
            tune_gc()
            applied = "workers.runtime.tune_gc(), as the cabinet CLI applies at start-up"
    return {"mode": mode, "applied": applied, "threshold": gc.get_threshold()}


def project() -> dict[str, Any]:
    """Which code was measured: the commit, and project files changed since (read-only git)."""
    def git(*argv: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True,
                                  text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return ""
    # Porcelain lines are "XY path": the status columns may begin with a space.
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if line[3:] and not line[3:].startswith("bench/")]
    diff = git("diff", "HEAD", "--", *changed) if changed else ""
    return {"commit": git("rev-parse", "HEAD").strip(),
            "subject": git("log", "-1", "--format=%s").strip(),
            "uncommitted_outside_bench": changed,
            "uncommitted_diff_sha256": hashlib.sha256(diff.encode()).hexdigest()[:16]
            if changed else None}


def prepare(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    # Only the files this bench and the register make: --data-dir may be shared.
    for pattern in ("register.sqlite*", "raw-append.sqlite*", "bench-*.sqlite*",
                    "audit-replay-*.sqlite*"):
        for path in data_dir.glob(pattern):
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolutions", type=int, default=100_000)
    parser.add_argument("--clauses-per", type=int, default=10)
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100, help="resolutions per import file")
    parser.add_argument("--data-dir", type=Path, help="default: bench/out/register-data[-quick]")
    parser.add_argument("--out", type=Path,
                        help="JSON figures; default bench/out/register[-quick].json")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_RESOLUTIONS:,} resolutions, for a CI smoke test")
    parser.add_argument("--profile", action="store_true",
                        help="after measuring, profile import, catch-up, rebuild, decode, query")
    parser.add_argument("--profile-files", type=int, default=20,
                        help="extra import files to profile import and catch-up on")
    parser.add_argument("--gc", choices=("project", "default"), default="project",
                        help="project: tune the collector as the cabinet CLI does at start-up "
                             "(workers.runtime.tune_gc); default: leave the interpreter's")
    parser.add_argument("--fail-on-target", action="store_true",
                        help="exit 2 when a target is missed (correctness failures exit 1)")
    args = parser.parse_args(argv)
    if args.quick:
        args.resolutions = QUICK_RESOLUTIONS
    suffix = "-quick" if args.quick else ""
    PROFILE_TAG[0] = suffix
    data_dir = (args.data_dir or OUT / f"register-data{suffix}").resolve()
    out = (args.out or OUT / f"register{suffix}.json").resolve()

    gc_setting = apply_gc(args.gc)
    started = time.perf_counter()
    figures: dict[str, Any] = {"quick": args.quick, "machine": machine(), "project": project(),
                               "gc": gc_setting,
                               "started": datetime.now(UTC).isoformat(timespec="seconds")}
    log("machine: " + json.dumps(figures["machine"], ensure_ascii=False))
    prepare(data_dir)
    clock = FileClock()
    meter = Contention()
    system = open_register(Settings(data_dir=data_dir), clock=clock)
    workload = Workload(clauses_per=args.clauses_per, agencies=args.agencies,
                        batch=args.batch, seed=args.seed)
    try:
        log(f"importing {args.resolutions:,} resolutions in files of {args.batch} into "
            f"{data_dir}")
        with meter.phase("import_and_catch_up"):
            timings = import_register(system, workload, clock, args.resolutions, args.batch)
        figures["workload"] = {
            "resolutions": workload.serial, "clauses": workload.clauses,
            "obligations": workload.obligations, "obligations_bearer_all": workload.all_bearers,
            "recurrences": dict(workload.recurrences), "rescissions": workload.rescissions,
            "agencies": len(workload.codes), "meetings": workload.meetings,
            "first_meeting": workload.first_meeting.isoformat(),
            "last_meeting": workload.last_meeting.isoformat(), "files": len(timings),
            "batch": args.batch, "seed": args.seed,
            "recorded_from": timings[0].recorded_at.isoformat(),
            "recorded_until": timings[-1].recorded_at.isoformat(),
        }
        figures["import"] = import_figures(timings)
        figures["catch_up"] = catch_up_figures(timings)
        figures["store"] = store_figures(system)
        log("store: " + json.dumps(figures["store"]))

        log("raw append baseline")
        with meter.phase("raw_append"):
            figures["raw_append"] = raw_append(system, [t.events for t in timings],
                                               data_dir / "raw-append.sqlite")
        _remove(data_dir / "raw-append.sqlite")
        figures["import_ratio"] = round(
            figures["import"]["events_per_s"] / figures["raw_append"]["events_per_s"], 4)
        log(f"raw append {figures['raw_append']['events_per_s']:,.0f} ev/s; import/raw "
            f"{figures['import_ratio']:.1%}")
        log("library append baseline")
        with meter.phase("library_append"):
            figures["library_append"] = library_append(
                system, [t.events for t in timings], data_dir / "library-append.sqlite")
        _remove(data_dir / "library-append.sqlite")
        figures["import_ratio_library"] = round(
            figures["import"]["events_per_s"] / figures["library_append"]["events_per_s"], 4)
        log(f"library append {figures['library_append']['events_per_s']:,.0f} ev/s; "
            f"import/library {figures['import_ratio_library']:.1%}")

        log(f"{QUERIES} queries")
        asked = questions(workload, [t.recorded_at for t in timings], args.seed + 1)
        with meter.phase("query"):
            figures["query"], view_times, answers = query_phase(system, asked)
        log("query: " + json.dumps({k: v for k, v in figures["query"].items()
                                    if k != "plans"}))
        log(f"answering {REPLAYED_QUESTIONS} questions by replay")
        with meter.phase("replay_answer"):
            figures["replay_answer"] = replay_phase(system, asked, view_times, answers)

        log("audit replay and its baselines")
        gc.collect()
        with meter.phase("audit"):
            figures["audit"] = audit_phase(system)
        figures["contention"] = {"phases": meter.phases, "suspect": meter.suspect(),
                                 "busy_limit_cores": Contention.BUSY_LIMIT}

        figures["targets"] = targets(figures)
        figures["wall_s"] = round(time.perf_counter() - started, 1)
        # Modules were loaded at start, so the start state is what ran; a change
        # meanwhile means the tree on disk is no longer the code measured.
        figures["project_at_end"] = project()
        figures["project_changed_during_run"] = (
            figures["project_at_end"]["commit"] != figures["project"]["commit"]
            or figures["project_at_end"]["uncommitted_diff_sha256"]
            != figures["project"]["uncommitted_diff_sha256"])
        figures["out"] = str(out)
        if args.profile:
            with meter.phase("profiles"):
                figures["profiles"] = profile_phase(system, workload, clock, args.batch,
                                                    args.profile_files, asked)
            figures["wall_s_with_profiles"] = round(time.perf_counter() - started, 1)
    finally:
        system.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    print_summary(figures)
    correct = figures["replay_answer"]["all_same"] and figures["audit"]["replay_views"]["ok"]
    if not correct:
        return 1
    if args.fail_on_target and not all(t["pass"] for t in figures["targets"]
                                       if not t.get("supplementary")):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

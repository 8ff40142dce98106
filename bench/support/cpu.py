"""The one CPU meter: what this process, the processes it watches, and all others used.

On a 2-core machine shared with other work, another job can slow any figure.
Each phase records how many cores other user-space processes (and the
hypervisor's steal) used meanwhile; above ``BUSY_LIMIT`` the phase is flagged
and its figures should be discarded. Kernel threads are left out: most of
their work here is writing back the benchmark's own I/O.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")
BUSY_LIMIT = 0.25
_PF_KTHREAD = 0x00200000  # the flag /proc/PID/stat sets on kernel threads
_STEAL = -1


def process_ticks(exclude: set[int]) -> dict[int, int]:
    """CPU ticks of every user-space process not in ``exclude``; the steal under key -1."""
    found: dict[int, int] = {}
    try:
        found[_STEAL] = int(Path("/proc/stat").read_text().split("\n", 1)[0].split()[8])
    except (OSError, IndexError):
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def others_cores(exclude: set[int], seconds: float) -> float:
    """Cores that processes outside ``exclude`` use over the next ``seconds``."""
    before = process_ticks(exclude)
    time.sleep(seconds)
    return ticks_between(before, process_ticks(exclude)) / TICK / seconds


class CpuMeter:
    """Per named phase: wall time, this process's CPU, watched processes' CPU, others' cores."""

    def __init__(self) -> None:
        self.phases: dict[str, dict[str, Any]] = {}

    @contextmanager
    def phase(self, name: str, watch: Mapping[str, int] | None = None) -> Iterator[None]:
        watched = dict(watch or {})
        exclude = {os.getpid(), *watched.values()}
        before = process_ticks(exclude)
        watched_before = {label: cpu_seconds(pid) for label, pid in watched.items()}
        own = time.process_time()
        started = time.perf_counter()
        try:
            yield
        finally:
            wall = time.perf_counter() - started
            others = ticks_between(before, process_ticks(exclude)) / TICK
            self.phases[name] = {
                "wall_s": round(wall, 2),
                "own_cpu_s": round(time.process_time() - own, 2),
                **{f"{label}_cpu_s": round(cpu_seconds(pid) - watched_before[label], 2)
                   for label, pid in watched.items()},
                "other_cpu_s": round(others, 2),
                "other_cores": round(others / wall, 2) if wall else 0.0,
                "contended": wall > 0 and others / wall > BUSY_LIMIT,
            }

    def contended(self) -> dict[str, float]:
        return {name: p["other_cores"] for name, p in self.phases.items() if p["contended"]}

    def verdict(self) -> str:
        busy = self.contended()
        if not busy:
            return f"no phase saw other work above {BUSY_LIMIT} cores"
        return ("WARNING: other work used the machine during "
                + ", ".join(f"{name} ({cores:.2f} cores)" for name, cores in busy.items())
                + ": discard those figures and re-run on a quiet machine")

"""What both benchmarks say about the machine they ran on (Linux /proc; else unknown)."""

from __future__ import annotations

from pathlib import Path


def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    return _proc_field("/proc/cpuinfo", "model name") or "unknown"


def memory_gib() -> float | None:
    total = _proc_field("/proc/meminfo", "MemTotal")  # "24567000 kB"
    return round(int(total.split()[0]) / 1024 / 1024, 1) if total else None

"""The one machine probe: what ran the benchmark, and which code it measured."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


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


def machine(*packages: str) -> dict[str, Any]:
    """The host, the interpreter, SQLite, and the versions of ``packages``."""
    versions: dict[str, str | None] = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpu_model": cpu_model(), "cores": os.cpu_count(),
            "cores_usable": len(os.sched_getaffinity(0)), "memory_gib": memory_gib(),
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": platform.platform(), "sqlite": sqlite3.sqlite_version,
            "versions": versions, "load_average": round(os.getloadavg()[0], 2)}


def describe(found: dict[str, Any]) -> str:
    versions = "; ".join(f"{k} {v}" for k, v in found["versions"].items())
    return (f"{found['cpu_model']}, {found['cores']} cores ({found['cores_usable']} usable), "
            f"{found['memory_gib']} GiB; {found['python']}; SQLite {found['sqlite']}; "
            f"{versions}; load {found['load_average']}")


def source_version() -> dict[str, Any]:
    """The commit measured and the project files changed since (read-only git)."""
    def git(*argv: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True,
                                  text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    # Porcelain lines are "XY path": the status columns may begin with a space.
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if line[3:] and not line[3:].startswith("bench/")]
    return {"commit": git("rev-parse", "--short", "HEAD").strip() or None,
            "subject": git("log", "-1", "--format=%s").strip() or None,
            "uncommitted_outside_bench": changed}


def describe_source(found: dict[str, Any]) -> str:
    changed = found["uncommitted_outside_bench"]
    return (f"{found['commit']} {found['subject']}"
            + (f" (+ uncommitted: {', '.join(changed)})" if changed else ""))

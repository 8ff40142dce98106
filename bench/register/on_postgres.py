"""The register benchmark's import on PostgreSQL, run as a bounded child process.

    python bench/register/on_postgres.py --resolutions N --schema S --library-schema L ...

The parent (``run_on_postgres``) makes two fresh schemas, starts this script
with libpq timeouts set, waits at most ``--timeout`` seconds, and drops the
schemas afterwards whatever happened. The child imports the same seeded
register as the SQLite run, file by file with the views caught up after each,
then has eventsourcing append the same events its own way on the same server
(the import's baseline). A watchdog re-armed before every file dumps every
thread's stack and ends the child when one file takes longer than
``--file-timeout``: a stuck import then says where it is stuck.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[1]
for _path in (str(BENCH.parent), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from support.cpu import CpuMeter  # noqa: E402
from support.postgres import BOUNDED, fresh_schema, library_env, server  # noqa: E402

from register.importing import import_figures, import_register, library_append  # noqa: E402
from register.workload import FileClock, Workload  # noqa: E402
from workers.bootstrap import open_register  # noqa: E402
from workers.settings import PostgresSettings, Settings  # noqa: E402

FIGURES = "FIGURES "


def run_on_postgres(args: argparse.Namespace, timeout: float, file_timeout: float
                    ) -> dict[str, Any]:
    """Start the child on fresh schemas; its figures, or what hung and where."""
    with fresh_schema("bench_register") as pg, fresh_schema("bench_library") as lib:
        command = [sys.executable, __file__, "--resolutions", str(args.resolutions),
                   "--clauses-per", str(args.clauses_per), "--agencies", str(args.agencies),
                   "--batch", str(args.batch), "--seed", str(args.seed), "--schema", pg.schema,
                   "--library-schema", lib.schema, "--file-timeout", str(file_timeout)]
        env = {**os.environ, **BOUNDED, "PGOPTIONS": BOUNDED["PGOPTIONS"]
               + f" -c idle_in_transaction_session_timeout={int(file_timeout)}s"}
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            return _failed(f"no answer after {timeout:.0f} s; stopped",
                           _text(expired.stdout), _text(expired.stderr))
    if "Timeout (" in done.stderr:  # the watchdog's header: it printed every stack and quit
        return _failed(f"one import file took longer than {file_timeout:.0f} s; stopped",
                       done.stdout, done.stderr)
    for line in done.stdout.splitlines():
        if line.startswith(FIGURES):
            found: dict[str, Any] = json.loads(line[len(FIGURES):])
            return found
    return _failed(f"exit status {done.returncode}", done.stdout, done.stderr)


def _text(value: str | bytes | None) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value or ""


def _failed(what: str, stdout: str, stderr: str) -> dict[str, Any]:
    progress = [line for line in stdout.splitlines() if line.strip()]
    # The main thread's stack says where the import stands; the pool's threads only wait.
    blocks = stderr.strip().split("\n\n")
    main = [block for block in blocks if "in <module>" in block]
    return {"error": what, "last_progress": progress[-1] if progress else None,
            "stack": (main[-1] if main else stderr.strip()).splitlines()[-40:]}


def _child(args: argparse.Namespace) -> dict[str, Any]:
    pg = PostgresSettings(**{**server().__dict__, "schema": args.schema})
    folder = Path(tempfile.mkdtemp(prefix="register-bench-pg-"))
    clock = FileClock()
    system = open_register(Settings(data_dir=folder, store="postgres", postgres=pg,
                                    development=True),
                           clock=clock)
    workload = Workload(clauses_per=args.clauses_per, agencies=args.agencies,
                        batch=args.batch, seed=args.seed)
    meter = CpuMeter()

    def watchdog(k: int) -> None:
        print(f"file {k + 1}: importing", flush=True)
        faulthandler.dump_traceback_later(args.file_timeout, exit=True)

    try:
        with meter.phase("import"):
            timings = import_register(system, workload, clock, args.resolutions, args.batch,
                                      before_file=watchdog)
        figures = import_figures(timings)
        faulthandler.dump_traceback_later(args.file_timeout * 10, exit=True)
        lib = PostgresSettings(**{**server().__dict__, "schema": args.library_schema})
        with meter.phase("library_append"):
            figures["library_append"] = library_append(
                system, [t.events for t in timings], library_env(lib))
        faulthandler.cancel_dump_traceback_later()
    finally:
        system.close()
    figures["cpu"] = meter.phases
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("--resolutions", "--clauses-per", "--agencies", "--batch", "--seed"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--library-schema", required=True)
    parser.add_argument("--file-timeout", type=float, default=120.0)
    args = parser.parse_args()
    from workers.runtime import tune_gc

    tune_gc()  # as the cabinet CLI and the SQLite run
    print(FIGURES + json.dumps(_child(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

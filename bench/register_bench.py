"""Benchmark of the register at the issue's size: import, query, replay, audit replay.

    .venv/bin/python bench/register_bench.py                  # 100,000 resolutions, both stores
    .venv/bin/python bench/register_bench.py --quick          # 2,000 resolutions (CI smoke test)
    .venv/bin/python bench/register_bench.py --store sqlite   # or postgres: one store only

The register is generated from a seed (register/workload.py): 1,000,000
clauses, 300 agencies. Every figure is printed beside a baseline measured in
the same run, because the machine is shared and absolute times vary 2-3x:

1. import, file by file (register/importing.py) -- eventsourcing appending the
   same events its own way, in the same transactions;
2. one agency's obligations in force at a date, as recorded now and at an
   earlier moment (register/querying.py) -- SQLite's own scan of the same rows
   through the same index;
3. the same questions answered from the log alone (register/replaying.py) --
   the answers must be the view's;
4. `audit replay` (register/auditing.py) -- reading and decoding the log;
5. the import on PostgreSQL (register/on_postgres.py), in a bounded child
   process on fresh schemas -- eventsourcing's own append on the same server,
   and SQLite's import.

Exit status 1 when an answer is wrong (replay, scan or audit disagree with the
views) or the PostgreSQL run failed; 2 with --fail-on-target when a target is
missed. Figures go to bench/out/register[-quick].json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
for _path in (str(BENCH.parent), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)  # runs from any working directory

from register.auditing import audit_phase  # noqa: E402
from register.importing import (  # noqa: E402
    import_figures,
    import_register,
    library_append,
    recorder_insert,
    sqlite_env,
)
from register.on_postgres import run_on_postgres  # noqa: E402
from register.querying import query_phase, questions  # noqa: E402
from register.replaying import replay_phase  # noqa: E402
from register.report import print_report, targets  # noqa: E402
from register.workload import SEED, FileClock, Workload  # noqa: E402
from support.cpu import CpuMeter  # noqa: E402
from support.host import machine, source_version  # noqa: E402
from support.postgres import unreachable  # noqa: E402
from support.stats import log  # noqa: E402

from workers.bootstrap import open_register  # noqa: E402
from workers.settings import Settings  # noqa: E402

OUT = BENCH / "out"
QUICK_RESOLUTIONS = 2_000


def on_sqlite(args: argparse.Namespace, data_dir: Path, meter: CpuMeter) -> dict[str, Any]:
    for pattern in ("register.sqlite*", "library-append.sqlite*", "recorder-insert.sqlite*"):
        for path in data_dir.glob(pattern):  # only this bench's files: the folder may be shared
            path.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    clock = FileClock()
    system = open_register(Settings(data_dir=data_dir, development=True), clock=clock)
    workload = Workload(clauses_per=args.clauses_per, agencies=args.agencies,
                        batch=args.batch, seed=args.seed)
    figures: dict[str, Any] = {}
    try:
        log(f"importing {args.resolutions:,} resolutions in files of {args.batch} into "
            f"{data_dir}")
        with meter.phase("import"):
            timings = import_register(system, workload, clock, args.resolutions, args.batch)
        figures["workload"] = workload.figures()
        figures["workload_text"] = workload.describe()
        figures["import"] = import_figures(timings)
        counts = [t.events for t in timings]
        log("baseline: eventsourcing appending the same events its own way")
        with meter.phase("library_append"):
            figures["library_append"] = library_append(
                system, counts, sqlite_env(str(data_dir / "library-append.sqlite")))
        with meter.phase("recorder_insert"):
            figures["recorder_insert"] = recorder_insert(
                system, counts, sqlite_env(str(data_dir / "recorder-insert.sqlite")))
        log("queries, each beside SQLite's own scan of the same rows")
        asked = questions(workload, [t.recorded_at for t in timings], args.seed + 1)
        with meter.phase("query"):
            figures["query"], view_times, answers = query_phase(system, asked)
        log("the same questions answered by replaying the log")
        with meter.phase("replay_answer"):
            figures["replay_answer"] = replay_phase(system, asked, view_times, answers)
        log("audit replay, beside reading and decoding the log")
        with meter.phase("audit"):
            figures["audit"] = audit_phase(system)
        figures["store_events"] = system.register.recorder.max_notification_id() or 0
    finally:
        system.close()
    return figures


def on_postgres(args: argparse.Namespace) -> dict[str, Any]:
    reason = unreachable()
    if reason:
        log(f"PostgreSQL skipped: {reason}")
        return {"skipped": reason}
    files = math.ceil(args.resolutions / args.batch)
    timeout = args.pg_timeout or 120 + 2 * files
    log(f"importing on PostgreSQL in a child process (at most {timeout:,.0f} s, "
        f"{args.pg_file_timeout:.0f} s a file)")
    started = time.perf_counter()
    found = run_on_postgres(args, timeout, args.pg_file_timeout)
    found["wall_s"] = round(time.perf_counter() - started, 1)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolutions", type=int, default=100_000)
    parser.add_argument("--clauses-per", type=int, default=10)
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100, help="resolutions per import file")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_RESOLUTIONS:,} resolutions, for a CI smoke test")
    parser.add_argument("--store", choices=("both", "sqlite", "postgres"), default="both",
                        help="PostgreSQL runs only the import (and is skipped, saying why, "
                             "when the server is not reachable)")
    parser.add_argument("--pg-timeout", type=float, default=None,
                        help="seconds the whole PostgreSQL run may take (default: 120 + 2 a "
                             "file)")
    parser.add_argument("--pg-file-timeout", type=float, default=60.0,
                        help="seconds one import file may take on PostgreSQL before the run "
                             "prints every thread's stack and stops")
    parser.add_argument("--data-dir", type=Path, help="default: bench/out/register-data[-quick]")
    parser.add_argument("--out", type=Path, help="default: bench/out/register[-quick].json")
    parser.add_argument("--gc", choices=("project", "default"), default="project",
                        help="project: tune the collector as the cabinet CLI does at start-up")
    parser.add_argument("--fail-on-target", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.resolutions = QUICK_RESOLUTIONS
    suffix = "-quick" if args.quick else ""
    data_dir = (args.data_dir or OUT / f"register-data{suffix}").resolve()
    out = (args.out or OUT / f"register{suffix}.json").resolve()
    if args.gc == "project":
        from workers.runtime import tune_gc

        tune_gc()
    started = time.perf_counter()
    meter = CpuMeter()
    figures: dict[str, Any] = {
        "quick": args.quick, "store": args.store, "gc": args.gc,
        "machine": machine("eventsourcing", "pydantic", "psycopg"),
        "source": source_version(), "started": datetime.now(UTC).isoformat(timespec="seconds")}
    if args.store != "postgres":
        figures["sqlite"] = on_sqlite(args, data_dir, meter)
    if args.store != "sqlite":
        figures["postgres"] = on_postgres(args)
    figures["cpu"] = meter.phases
    figures["targets"] = targets(figures)
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    print_report(figures, meter, out)
    if not correct(figures):
        return 1
    missed = [t for t in figures["targets"] if not t["pass"] and not t.get("supplementary")]
    return 2 if args.fail_on_target and missed else 0


def correct(figures: dict[str, Any]) -> bool:
    sqlite, pg = figures.get("sqlite"), figures.get("postgres")
    if sqlite and not (sqlite["replay_answer"]["all_same"]
                       and sqlite["query"]["same_rows_as_sqlite_scan"]
                       and sqlite["audit"]["replay_views"]["ok"]):
        return False
    return not (pg and "error" in pg)


if __name__ == "__main__":
    sys.exit(main())

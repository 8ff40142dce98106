"""Benchmark of the proposal workflow on the embedded dev server, against a bare workflow.

    .venv/bin/python bench/workflow_bench.py --quick      # 10 proposals each way (CI smoke test)
    .venv/bin/python bench/workflow_bench.py              # 200 proposals each way (~1.5 min)
    .venv/bin/python bench/workflow_bench.py --rounds 2   # ours, bare, bare, ours (~3 min)

The issue's figure: on the embedded dev server (with its SQLite file) and one
worker, 200 proposals concurrently through the full path with 0 errors;
proposals/s and median step latency; and the ratio of that cost to a bare
workflow taking the same Updates, measured in the same run: at most 1.5x.
The workload is in workflow/copies.py, the two paths in workflow/paths.py.
Client, worker and both paths share this process, as in the tests and the demo.

Exit status 1 if any proposal failed, 2 if the ratio misses 1.5x and
--fail-on-target was given, else 0. Figures go to bench/out/workflow[-quick].json
and one line per run to bench/out/workflow-runs.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
for _path in (str(BENCH.parent), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)  # runs from any directory; bench/ holds the bare workflow

import structlog  # noqa: E402
from support.cpu import CpuMeter  # noqa: E402
from support.host import describe, describe_source, machine, source_version  # noqa: E402
from support.stats import beside, median, percentile, row  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from workflow.copies import bare_plan, load_case, make_copies  # noqa: E402
from workflow.paths import Phase, phase_bare, phase_ours  # noqa: E402

from domain.register.records import ImportFile  # noqa: E402
from workers.bootstrap import open_register  # noqa: E402
from workers.dev_server import DevServer  # noqa: E402
from workers.logging import configure_logging  # noqa: E402
from workers.runtime import tune_gc  # noqa: E402
from workers.settings import Settings  # noqa: E402
from workers.temporal import free_port  # noqa: E402

OUT = BENCH / "out"
TARGET_RATIO = 1.5
QUICK_PROPOSALS = 10
WARMUP = 5


class WarningCounter(logging.Handler):
    """Library log records at WARNING and above (failed local-activity attempts, retries)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.name} {record.levelname}: {record.getMessage()[:80]}"
        self.counts[key] = self.counts.get(key, 0) + 1


def quiet_logging(folder: Path, level: str) -> WarningCounter:
    """Logging as the CLI sets it up (JSON), into a file in the run's folder."""
    log_file = open(folder / "bench.log", "a")  # noqa: SIM115  (open until the process ends)
    counter = WarningCounter()
    root = logging.getLogger()
    root.addHandler(logging.StreamHandler(log_file))
    root.addHandler(counter)
    configure_logging(level, "json")  # basicConfig is a no-op: root has handlers
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=log_file))
    return counter


def total(phases: list[dict[str, Any]]) -> dict[str, Any]:
    """One path over every round: walls and counts summed, latencies pooled."""
    lat = [x for p in phases for x in p["step_latencies_ms"]]
    wall = sum(p["wall_s"] for p in phases)
    proposals = sum(p["proposals"] for p in phases)
    completed = sum(p["completed"] for p in phases)
    return {"proposals": proposals, "completed": completed, "wall_s": round(wall, 2),
            "wall_per_proposal_s": wall / proposals, "proposals_per_s": completed / wall,
            "errors": sum(p["errors"] + p["warmup_errors"] for p in phases),
            "step_latency_median_ms": round(median(lat), 1),
            "step_latency_p95_ms": round(percentile(lat, 0.95), 1)}


def print_phase(which: str, f: dict[str, Any]) -> None:
    cpu = f["cpu"]
    row(f"  {which}", f"{f['completed']}/{f['proposals']} in {f['wall_s']:.2f} s = "
        f"{f['proposals_per_s']:.2f} proposals/s; step median {f['step_latency_median_ms']} "
        f"ms, p95 {f['step_latency_p95_ms']} ms; errors {f['errors']} (warm-up "
        f"{f['warmup_errors']})")
    row("", f"CPU: this process {cpu['own_cpu_s']} s, dev server {cpu['dev_server_cpu_s']} s, "
        f"others {cpu['other_cpu_s']} s" + (" -- WARNING: contended, discard"
                                           if cpu["contended"] else ""))
    if "checked" in f:
        row("", "register: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                         for k, v in f["checked"].items()))
    for sample in f["error_samples"]:
        row("", f"error: {sample}")


async def bench(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    count = QUICK_PROPOSALS if args.quick else args.proposals
    warmup = min(WARMUP, count)
    counter = quiet_logging(folder, args.log_level)
    tune_gc()  # as the cabinet CLI does at start-up, for both paths
    result: dict[str, Any] = {"command": " ".join(["bench/workflow_bench.py", *sys.argv[1:]]),
                              "at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "machine": machine("temporalio", "eventsourcing", "pydantic"),
                              "source": source_version(), "proposals": count, "warmup": warmup,
                              "rounds": []}
    row("machine", describe(result["machine"]))
    row("code", describe_source(result["source"]))
    case = load_case()
    per_round = warmup + count
    earlier, copies = make_copies(case, args.rounds * per_round,
                                  unique_letters=args.unique_letters,
                                  case_deadlines=args.case_deadlines)
    system = open_register(Settings(data_dir=folder / "data", development=True))
    system.register.import_file(ImportFile.model_validate(
        {"resolutions": [*case.model_dump(mode="json")["resolutions"], *earlier]}))
    server = DevServer(db_file=folder / "temporal.sqlite", port=free_port(), ui_port=None,
                       log_file=folder / "temporal.log")
    server.start()
    assert server.process is not None
    phases: dict[str, list[dict[str, Any]]] = {"ours": [], "bare": []}
    try:
        await server.wait_ready()
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        phase = Phase(client, server.process.pid, CpuMeter(), args.timeout)
        order = args.order.split(",")
        for r in range(args.rounds):
            mine = copies[r * per_round:(r + 1) * per_round]
            warm, timed = mine[:warmup], mine[warmup:]
            this_round: dict[str, Any] = {}
            # Every other round reverses the order (ABBA), so drift hits both paths alike.
            for which in (order if r % 2 == 0 else order[::-1]):
                name = f"round {r + 1} {which}"
                print(f"{name}: {count} proposals ({warmup} warm-up first)", flush=True)
                if which == "ours":
                    figures = await phase_ours(phase, name, system, warm, timed)
                else:
                    figures = await phase_bare(phase, name, [bare_plan(x) for x in warm],
                                               [bare_plan(x) for x in timed])
                phases[which].append(figures)
                this_round[which] = figures
                print_phase(which, figures)
            this_round["ratio"] = round(this_round["ours"]["wall_s"]
                                        / this_round["bare"]["wall_s"], 3)
            row("", f"round {r + 1} ratio {this_round['ratio']:.2f}x")
            result["rounds"].append(this_round)
        result["contention"] = phase.meter.verdict()
    finally:
        server.stop()
        system.close()
    ours, bare = total(phases["ours"]), total(phases["bare"])
    result.update(ours=ours, bare=bare, library_warnings=counter.counts,
                  ratio=round(ours["wall_per_proposal_s"] / bare["wall_per_proposal_s"], 3),
                  errors_total=ours["errors"] + bare["errors"])
    result["pass"] = result["ratio"] <= TARGET_RATIO and result["errors_total"] == 0
    return result


def report(result: dict[str, Any]) -> None:
    ours, bare = result["ours"], result["bare"]
    print()
    row("ours", f"{ours['proposals_per_s']:.2f} proposals/s; wall per proposal "
        f"{ours['wall_per_proposal_s'] * 1000:.0f} ms " + beside(
            ours["wall_per_proposal_s"], bare["wall_per_proposal_s"], "the bare workflow's"))
    row("", f"step median {ours['step_latency_median_ms']} ms " + beside(
        ours["step_latency_median_ms"] / 1000, bare["step_latency_median_ms"] / 1000,
        "the bare workflow's") + f"; errors {ours['errors']}")
    row("bare", f"{bare['proposals_per_s']:.2f} proposals/s; errors {bare['errors']}")
    print(f"ratio (ours / bare, wall time per proposal): {result['ratio']:.2f}x (rounds "
          + ", ".join(f"{r['ratio']:.2f}x" for r in result["rounds"])
          + f"; target <= {TARGET_RATIO}x, 0 errors): "
          + ("PASS" if result["pass"] else "FAIL"))
    print(result["contention"])
    for warning, times in sorted(result["library_warnings"].items(), key=lambda kv: -kv[1])[:5]:
        print(f"library warning x{times}: {warning}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_PROPOSALS} proposals, for a CI smoke run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat both phases; even rounds reverse the order (ABBA)")
    parser.add_argument("--order", default="ours,bare", choices=["ours,bare", "bare,ours"])
    parser.add_argument("--case-deadlines", action="store_true",
                        help="keep the case's 2021 opinion deadlines (all passed: each "
                             "proposal then also records 4 escalations)")
    parser.add_argument("--unique-letters", action="store_true",
                        help="give every copy its own letter numbers")
    parser.add_argument("--log-level", default="warning", help="as CABINET_LOG_LEVEL")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds a phase may take; unfinished proposals count as errors")
    parser.add_argument("--fail-on-target", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (register, dev server db and log)")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if args.proposals < 1 or args.rounds < 1:
        parser.error("--proposals and --rounds must be at least 1")
    # SIGTERM unwinds like Ctrl-C, so the dev server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    folder = Path(tempfile.mkdtemp(prefix="workflow-bench-"))
    try:
        result = asyncio.run(bench(args, folder))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.keep:
        result["work_folder"] = str(folder)
    report(result)
    OUT.mkdir(parents=True, exist_ok=True)
    output = args.output or OUT / ("workflow-quick.json" if args.quick else "workflow.json")
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    with open(OUT / "workflow-runs.jsonl", "a") as runs:
        runs.write(json.dumps(result, ensure_ascii=False) + "\n")
    print(f"figures: {output}")
    if result["errors_total"]:
        return 1
    return 2 if args.fail_on_target and not result["pass"] else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # A script that used a Temporal client can abort at interpreter exit (see STACK.md).
    os._exit(code)

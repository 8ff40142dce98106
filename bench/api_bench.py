"""Benchmark of the HTTP API on the embedded server: queries, load, and staff steps.

    .venv/bin/python bench/api_bench.py --quick   # 2,000 resolutions, 10 proposals (CI, ~2 min)
    .venv/bin/python bench/api_bench.py           # 1,000,000 clauses, 200 proposals

Issue 9's figures, each beside a baseline measured in the same run (the
machine is shared, and absolute times vary 2-3x):

1. ``GET /api/obligations`` for one agency at a date on the register
   benchmark's generated register (built once and cached, ``api/store.py``),
   served by ``cabinet server`` (uvicorn): the server's time (``Server-Timing``,
   ``web/timing.py``) beside the same query through the query layer in this
   process; then wrk with 50 clients for 60 s on loopback: errors, requests/s.
2. Staff steps through the API on the embedded server (real Temporal dev
   server): one at a time, beside the same Updates straight to a bare
   workflow; then 200 proposals at once, beside the bare workflow taking the
   same Updates on the same dev server.

Exit status 1 when an answer is wrong or any request failed; 2 with
--fail-on-target when a figure misses its target. Figures go to
bench/out/api[-quick].json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
        sys.path.insert(0, _path)  # runs from any directory; bench/ holds its parts

import httpx  # noqa: E402
from api import obligations, report, steps  # noqa: E402
from api.server import Server, add_account  # noqa: E402
from api.store import Generated, built, working_copy  # noqa: E402
from support.cpu import CpuMeter  # noqa: E402
from support.host import describe, describe_source, machine, source_version  # noqa: E402
from support.stats import log, row  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from workflow.copies import load_case, make_copies  # noqa: E402
from workflow.paths import Phase, check_register  # noqa: E402

from domain.register.records import ImportFile  # noqa: E402
from workers.bootstrap import open_register  # noqa: E402
from workers.runtime import tune_gc  # noqa: E402
from workers.settings import Settings  # noqa: E402

OUT = BENCH / "out"
READER = ("bench-reader", "AG001", "staff")
WARMUP = 5


def obligations_phase(args: argparse.Namespace, folder: Path, meter: CpuMeter
                      ) -> dict[str, Any]:
    generated = Generated(resolutions=args.resolutions)
    data = working_copy(built(generated), folder / "register-data")
    server = Server(data_dir=data.folder, log_file=folder / "server-register.log")
    username, agency, role = READER
    add_account(server.env, username, agency, role)
    log(f"cabinet server on {data.figures['clauses']:,} clauses ({server.url})")
    server.start()
    system = open_register(Settings(data_dir=data.folder, development=True))
    figures: dict[str, Any] = {"register": data.figures}
    try:
        token = server.login(username)
        asked = obligations.questions(data, args.queries, args.seed)
        log(f"{args.queries} questions, each over HTTP and in-process")
        with meter.phase("obligations sequential", watch=server.pids()):
            timed = obligations.sequential(system, server.url, token, asked)
        figures["sequential"] = obligations.summary(timed)
        log(f"wrk: {args.clients} clients for {args.seconds} s")
        with meter.phase("obligations load", watch=server.pids()):
            figures["load"] = obligations.load(server.url, token, asked, args.clients,
                                               args.seconds)
        figures["cpu"] = {k: meter.phases[k] for k in ("obligations sequential",
                                                       "obligations load")}
    finally:
        system.close()
        server.stop()
    return figures


async def steps_phase(args: argparse.Namespace, folder: Path, meter: CpuMeter
                      ) -> dict[str, Any]:
    case = load_case()
    single, warm = args.single, min(WARMUP, args.proposals)
    earlier, copies = make_copies(case, single + warm + args.proposals,
                                  unique_letters=False)
    data_dir = folder / "steps-data"
    system = open_register(Settings(data_dir=data_dir, development=True))
    system.register.import_file(ImportFile.model_validate(
        {"resolutions": [*case.model_dump(mode="json")["resolutions"], *earlier]}))
    system.close()
    server = Server(data_dir=data_dir, log_file=folder / "server-steps.log")
    for name, (agency, role) in steps.accounts(copies[:1]).items():
        add_account(server.env, name, agency, role)
    log(f"cabinet server with a dev server ({server.url}, Temporal {server.temporal_address})")
    server.start()
    system = open_register(Settings(data_dir=data_dir, development=True))
    figures: dict[str, Any] = {}
    try:
        for name in steps.accounts(copies[:1]):
            server.login(name)
        client = await Client.connect(server.temporal_address,
                                      data_converter=pydantic_data_converter)
        pids = server.pids()
        phase = Phase(client, pids.get("dev_server", pids["cabinet_server"]), meter,
                      args.timeout)
        limits = httpx.Limits(max_connections=args.proposals + warm, max_keepalive_connections=50)
        async with httpx.AsyncClient(base_url=server.url, timeout=args.timeout,
                                     limits=limits) as http:
            driver = steps.ApiDriver(server, http)
            log(f"{single} proposals stepped one request at a time, then bare")
            figures["single"] = await steps.one_at_a_time(phase, driver, copies[:single])
            rest = copies[single:]
            api_warm, api_timed = rest[:warm], rest[warm:warm + args.proposals]
            log(f"{args.proposals} proposals at once through the API")
            figures["api"] = await steps.concurrently(phase, meter, pids, driver, api_warm,
                                                      api_timed)
            log(f"{args.proposals} bare workflows at once, the same Updates")
            figures["bare"] = await steps.bare_concurrently(phase, api_warm, api_timed)
        figures["ratio"] = round(figures["api"]["wall_per_proposal_s"]
                                 / figures["bare"]["wall_per_proposal_s"], 3)
        figures["checked"] = check_register(system, api_timed)
        for which in ("api", "bare"):
            figures[which].pop("step_latencies_ms", None)
    finally:
        system.close()
        server.stop()
    return figures


def errors_or_wrong(figures: dict[str, Any]) -> list[str]:
    found = []
    ob = figures.get("obligations")
    if ob:
        seq, load = ob["sequential"], ob["load"]
        if seq["errors"] or not seq["same_rows"]:
            found.append("obligations: an error or rows unlike the query layer's")
        if "error" in load or load["non_2xx"] or load["socket_errors"]:
            found.append("obligations under load: errors")
    st = figures.get("steps")
    if st:
        if st["single"]["errors"] or st["api"]["errors"] or st["api"]["warmup_errors"] \
                or st["bare"]["errors"]:
            found.append("steps: errors")
        checked = st["checked"]
        if checked["closed_in_register"] != checked["proposals"]:
            found.append("steps: not every proposal closed in the register")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a CI smoke run")
    parser.add_argument("--resolutions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--single", type=int, default=5, help="proposals stepped one at a time")
    parser.add_argument("--proposals", type=int, default=200, help="proposals at once")
    parser.add_argument("--only", choices=("obligations", "steps"))
    parser.add_argument("--seed", type=int, default=20_251_202)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--fail-on-target", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.resolutions, args.queries, args.clients, args.seconds = 2_000, 50, 10, 5
        args.single, args.proposals = 1, 10
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    tune_gc()  # as the cabinet CLI does at start-up
    meter = CpuMeter()
    figures: dict[str, Any] = {
        "quick": args.quick, "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine("fastapi", "uvicorn", "temporalio", "eventsourcing", "pydantic"),
        "source": source_version()}
    row("machine", describe(figures["machine"]))
    row("code", describe_source(figures["source"]))
    folder = Path(tempfile.mkdtemp(prefix="api-bench-"))
    try:
        if args.only != "steps":
            figures["obligations"] = obligations_phase(args, folder, meter)
            report.print_obligations(figures["obligations"])
        if args.only != "obligations":
            figures["steps"] = asyncio.run(steps_phase(args, folder, meter))
            report.print_steps(figures["steps"])
    finally:
        if args.keep:
            print(f"work folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    figures["targets"] = report.targets(figures)
    figures["contention"] = meter.verdict()
    figures["cpu"] = meter.phases
    report.print_targets(figures["targets"])
    print(figures["contention"])
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / ("api-quick.json" if args.quick else "api.json")
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    print(f"figures: {out}")
    wrong = errors_or_wrong(figures)
    for problem in wrong:
        print(f"ERROR: {problem}")
    if wrong:
        return 1
    return 2 if args.fail_on_target and not all(t["pass"] for t in figures["targets"]) else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # a script that used a Temporal client can abort at exit (STACK.md)

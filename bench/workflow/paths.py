"""The two paths the workflow benchmark times: ours (the real proposal) and bare.

- Ours: ``ProposalDesk`` drives each copy (start, the 14 steps as the case's
  actors, outcome: must be ``approved``) on a worker from ``build_worker`` with
  its defaults; afterwards every proposal must be closed in the register, its
  decision recorded and its clauses rescinded.
- Bare: ``bare_workflow.BareWorkflow`` started as often, given the same 14
  updates in the same order (``execute_update``), then its result; its worker
  has the same executor and limits as ``build_worker`` gives the real one.

Each phase has its own task queue and worker, started for that phase only,
and a few untimed warm-up proposals. All proposals of a phase run at once.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bare_models import BareOutcome, BareRequest, BareResult, BareStart
from bare_workflow import BareWorkflow
from support.cpu import CpuMeter
from support.stats import median, percentile
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.worker import Worker

from domain.ids import resolution_id
from domain.process.steps import Draft
from domain.register.records import ProposalRecord
from workers.bootstrap import RegisterSystem
from workers.temporal import build_worker
from workflow.copies import BarePlan
from workflows.desk import ProposalDesk

# build_worker's own default (activity threads and slots), read from its signature so
# the bare worker follows production when it changes.
CONCURRENCY: int = inspect.signature(build_worker).parameters["max_concurrent"].default


@dataclass
class Run:
    """What one phase measured: client-side step latencies, outcomes, errors."""

    latencies: list[float] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Phase:
    """Where both paths run: the client, the dev server's pid, the CPU meter, the limit."""

    client: Client
    server_pid: int
    meter: CpuMeter
    timeout: float


async def drive_ours(desk: ProposalDesk, record: ProposalRecord, run: Run) -> None:
    where = "start"
    try:
        first = record.steps[0]
        assert isinstance(first.step, Draft)
        workflow_id = await desk.start(first.step, first.actor)
        for index, taken in enumerate(record.steps[1:], start=1):
            where = f"step {index} ({taken.step.step})"
            began = time.perf_counter()
            await desk.act(workflow_id, taken.step, taken.actor)
            run.latencies.append(time.perf_counter() - began)
        where = "outcome"
        outcome = await desk.outcome(workflow_id)
        if outcome.outcome != "approved":
            raise RuntimeError(f"outcome {outcome.outcome!r}, not approved")
        run.outcomes.append(outcome)
    except Exception as error:  # any exception is an error of the run
        run.errors.append(f"{record.workflow_id} at {where}: {type(error).__name__}: {error}")


async def drive_bare(client: Client, task_queue: str, plan: BarePlan, run: Run) -> None:
    where = "start"
    try:
        await client.start_workflow(
            BareWorkflow.run,
            BareStart(workflow_id=plan.workflow_id, actor=plan.actor, draft=plan.draft),
            id=plan.workflow_id, task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
        handle = client.get_workflow_handle(plan.workflow_id, result_type=BareOutcome)
        for index, (step, name, actor, payload) in enumerate(plan.updates, start=1):
            where = f"step {index} ({step})"
            began = time.perf_counter()
            await handle.execute_update(name, BareRequest(actor=actor, step=payload),
                                        id=str(uuid.uuid4()), result_type=BareResult)
            run.latencies.append(time.perf_counter() - began)
        where = "outcome"
        run.outcomes.append(await handle.result())
    except Exception as error:
        run.errors.append(f"{plan.workflow_id} at {where}: {type(error).__name__}: {error}")


async def gather_all(jobs: list[Awaitable[None]], run: Run, timeout: float) -> float:
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


async def _timed(phase: Phase, name: str, warm: Callable[[Run], list[Awaitable[None]]],
                 timed: Callable[[Run], list[Awaitable[None]]], count: int) -> dict[str, Any]:
    warmed = Run()
    await gather_all(warm(warmed), warmed, phase.timeout)
    run = Run()
    with phase.meter.phase(name, watch={"dev_server": phase.server_pid}):
        wall = await gather_all(timed(run), run, phase.timeout)
    figures = summarize(run, wall, count)
    figures.update(warmup_errors=len(warmed.errors), cpu=phase.meter.phases[name])
    figures["error_samples"] += warmed.errors[:3]
    return figures


async def phase_ours(phase: Phase, name: str, system: RegisterSystem,
                     warmup: list[ProposalRecord], timed: list[ProposalRecord]
                     ) -> dict[str, Any]:
    task_queue = f"bench-ours-{uuid.uuid4().hex[:8]}"
    async with build_worker(phase.client, system.register, task_queue):
        desk = ProposalDesk(phase.client, system.register, task_queue)
        figures = await _timed(phase, name,
                               lambda run: [drive_ours(desk, r, run) for r in warmup],
                               lambda run: [drive_ours(desk, r, run) for r in timed],
                               len(timed))
    figures["checked"] = check_register(system, timed)
    return figures


async def phase_bare(phase: Phase, name: str, warmup: list[BarePlan], timed: list[BarePlan]
                     ) -> dict[str, Any]:
    task_queue = f"bench-bare-{uuid.uuid4().hex[:8]}"
    client = phase.client
    async with Worker(client, task_queue=task_queue, workflows=[BareWorkflow], activities=[],
                      activity_executor=ThreadPoolExecutor(max_workers=CONCURRENCY),
                      max_concurrent_activities=CONCURRENCY,
                      max_concurrent_local_activities=CONCURRENCY):
        return await _timed(phase, name,
                            lambda run: [drive_bare(client, task_queue, p, run) for p in warmup],
                            lambda run: [drive_bare(client, task_queue, p, run) for p in timed],
                            len(timed))


def summarize(run: Run, wall: float, count: int) -> dict[str, Any]:
    lat = [x * 1000 for x in run.latencies]
    return {"proposals": count, "completed": len(run.outcomes), "errors": len(run.errors),
            "error_samples": run.errors[:5], "wall_s": round(wall, 3),
            "wall_per_proposal_s": round(wall / count, 4),
            "proposals_per_s": round(len(run.outcomes) / wall, 3), "updates": len(lat),
            "step_latency_median_ms": round(median(lat), 1) if lat else None,
            "step_latency_p95_ms": round(percentile(lat, 0.95), 1) if lat else None,
            "step_latencies_ms": [round(x, 1) for x in lat]}


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
        if meeting is None:
            continue  # not decided: nothing of it can be rescinded (None would match "open")
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
            "clauses_rescinded": rescinded, "proposals": len(timed)}

"""Staff steps through the API on the embedded server, beside a bare workflow's Updates.

Each proposal is a copy of the reference case (``workflow.copies``): started
with ``POST /api/proposals`` by the proposer's account, then its 14 steps
``POST /api/proposals/{id}/steps/{step}``, each by the account of the case's
actor with its own ``Idempotency-Key``, then ``GET /api/proposals/{id}`` must
say it was approved. The bare workflow (``workflow.paths``: the Temporal
client straight to a workflow with one trivial Update per step) takes the
same Updates with the same payloads on the same dev server, in the same run.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from bare_workflow import BareWorkflow
from support.cpu import CpuMeter
from support.stats import median, percentile
from temporalio.worker import Worker
from workflow.copies import bare_plan
from workflow.paths import (
    CONCURRENCY,
    Phase,
    Run,
    drive_bare,
    gather_all,
    phase_bare,
    summarize,
)

from domain.register.records import ProposalRecord
from web.timing import server_ms

from .server import Server


def username(actor: Any) -> str:
    """One account per agency and role the case's steps are taken by."""
    return f"{actor.agency}-{actor.role.value if hasattr(actor.role, 'value') else actor.role}" \
        .lower()


def accounts(records: list[ProposalRecord]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for record in records:
        for taken in record.steps:
            role = getattr(taken.actor.role, "value", taken.actor.role)
            found[username(taken.actor)] = (str(taken.actor.agency), str(role))
    return found


def body_of(step: Any) -> dict[str, Any]:
    """The step's fields as the API takes them: the step model's own, no actor."""
    found: dict[str, Any] = step.model_dump(mode="json", exclude={"actor"})
    return found


class ApiDriver:
    """Drives copies through the HTTP API, with one kept-alive client for all of them."""

    def __init__(self, server: Server, http: httpx.AsyncClient) -> None:
        self.server = server
        self.http = http
        self.server_ms: list[float] = []

    def _auth(self, actor: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.tokens[username(actor)]}"}

    async def _post(self, path: str, actor: Any, body: dict[str, Any],
                    headers: dict[str, str] | None = None) -> httpx.Response:
        answer = await self.http.post(path, json=body,
                                      headers={**self._auth(actor), **(headers or {})})
        if answer.status_code >= 300:
            raise RuntimeError(f"POST {path}: {answer.status_code} {answer.text[:300]}")
        measured = server_ms(answer.headers.get("server-timing"))
        if measured is not None:
            self.server_ms.append(measured)
        return answer

    async def drive(self, record: ProposalRecord, run: Run) -> None:
        where = "start"
        try:
            first = record.steps[0]
            started = await self._post("/api/proposals", first.actor, body_of(first.step))
            workflow_id = str(started.json()["workflow_id"])
            for index, taken in enumerate(record.steps[1:], start=1):
                where = f"step {index} ({taken.step.step})"
                began = time.perf_counter()
                await self._post(f"/api/proposals/{workflow_id}/steps/{taken.step.step}",
                                 taken.actor, body_of(taken.step),
                                 {"Idempotency-Key": str(uuid.uuid4())})
                run.latencies.append(time.perf_counter() - began)
            where = "status"
            status = await self.http.get(f"/api/proposals/{workflow_id}",
                                         headers=self._auth(first.actor))
            status.raise_for_status()
            outcome = status.json().get("outcome")
            if outcome != "approved":
                raise RuntimeError(f"outcome {outcome!r}, not approved")
            run.outcomes.append(outcome)
        except Exception as error:  # any exception is an error of the run
            run.errors.append(f"{record.workflow_id} at {where}: {type(error).__name__}: "
                              f"{error}")


async def one_at_a_time(phase: Phase, driver: ApiDriver, records: list[ProposalRecord]
                        ) -> dict[str, Any]:
    """Every step of a few proposals, one request at a time; then bare's Updates likewise."""
    ours, bare = Run(), Run()
    driver.server_ms.clear()
    for record in records:
        await driver.drive(record, ours)
    server = list(driver.server_ms)
    task_queue = f"bench-bare-single-{uuid.uuid4().hex[:8]}"
    async with Worker(phase.client, task_queue=task_queue, workflows=[BareWorkflow],
                      activities=[], activity_executor=ThreadPoolExecutor(CONCURRENCY),
                      max_concurrent_activities=CONCURRENCY,
                      max_concurrent_local_activities=CONCURRENCY):
        for record in records:
            await drive_bare(phase.client, task_queue, bare_plan(record), bare)
    lat = [x * 1000 for x in ours.latencies]
    base = [x * 1000 for x in bare.latencies]
    figures: dict[str, Any] = {
        "proposals": len(records), "steps": len(lat), "errors": len(ours.errors) + len(
            bare.errors), "error_samples": (ours.errors + bare.errors)[:5],
        "client_p50_ms": round(median(lat), 1), "client_p95_ms": round(percentile(lat, 0.95), 1),
        "bare_p50_ms": round(median(base), 1), "bare_p95_ms": round(percentile(base, 0.95), 1)}
    if server:
        figures["server_p50_ms"] = round(median(server), 1)
        figures["server_p95_ms"] = round(percentile(server, 0.95), 1)
    if base:
        figures["ratio_p50"] = round(median(lat) / median(base), 2)
    return figures


async def concurrently(phase: Phase, meter: CpuMeter, watch: dict[str, int], driver: ApiDriver,
                       warm: list[ProposalRecord], timed: list[ProposalRecord]
                       ) -> dict[str, Any]:
    """All ``timed`` proposals at once through the API, after an untimed warm-up."""
    async def run_all(records: list[ProposalRecord], run: Run) -> float:
        jobs: list[Awaitable[None]] = [driver.drive(r, run) for r in records]
        return await gather_all(jobs, run, phase.timeout)

    warmed = Run()
    await run_all(warm, warmed)
    run = Run()
    with meter.phase("api concurrent", watch=watch):
        wall = await run_all(timed, run)
    figures = summarize(run, wall, len(timed))
    figures.update(warmup_errors=len(warmed.errors), cpu=meter.phases["api concurrent"])
    figures["error_samples"] += warmed.errors[:3]
    return figures


async def bare_concurrently(phase: Phase, warm: list[ProposalRecord],
                            timed: list[ProposalRecord]) -> dict[str, Any]:
    return await phase_bare(phase, "bare concurrent", [bare_plan(r) for r in warm],
                            [bare_plan(r) for r in timed])


"""Driving the reference case through the workflow, and tracing what a refused update left."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

from domain.process.steps import Draft
from workflows.contracts import ProposalStatus

# Indexes of the reference case's steps (examples/emenscr-2021.yaml).
ENDORSE, APPROVE, SUBMIT, REQUEST_OPINIONS = 1, 2, 3, 4
NESDC_OPINION, SCHEDULE, DECIDE = 6, 12, 13


async def drive(desk, proposal, steps: int) -> str:
    """Take the case's first ``steps`` steps, each as its own actor."""
    workflow_id = ""
    for taken in proposal.steps[:steps]:
        if isinstance(taken.step, Draft):
            workflow_id = await desk.start(taken.step, taken.actor)
        else:
            await desk.act(workflow_id, taken.step, taken.actor)
    return workflow_id


async def settled(desk, workflow_id: str) -> ProposalStatus:
    """The status once the engine has nothing left to do now (every overdue slot escalated)."""
    for _ in range(200):
        status = await desk.status(workflow_id)
        if all(o.overdue for o in status.opinions if o.status == "pending"):
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"the engine did not settle: {status.opinions}")


@dataclass(frozen=True)
class Trace:
    """What a refused step must leave as it was."""

    version: int
    last_notification: int
    updates: Counter[str]
    status: ProposalStatus


async def trace(desk, system, workflow_id: str) -> Trace:
    history = await desk.client.get_workflow_handle(workflow_id).fetch_history()
    updates = Counter(kind for kind in (e.WhichOneof("attributes") for e in history.events)
                      if kind.startswith("workflow_execution_update_"))
    return Trace(version=system.register.proposal(workflow_id).version,
                 last_notification=system.register.recorder.max_notification_id() or 0,
                 updates=updates, status=await desk.status(workflow_id))


def topics_since(system, before: Trace) -> list[str]:
    """The topics of every event the register recorded after ``before``."""
    return [n.topic for n in system.register.recorder.select_notifications(
        start=before.last_notification + 1, limit=1000)]

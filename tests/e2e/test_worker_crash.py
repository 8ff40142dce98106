"""A worker killed mid-proposal; a second worker finishes it; no event lost or doubled.

Worker A runs in its own process (``worker_harness``) and is told to stall
right after the register has saved MOI's opinion, inside the local activity,
before the workflow task that ran it completes. The test waits until that
opinion is in the store, SIGKILLs worker A, and starts worker B. The server
times the workflow task out (10 s) and hands it to worker B, which replays
the history, runs the update's handler again and so the local activity again,
with the same step id (the update id): the register finds the step already
there and records nothing. The update therefore completes with
``recorded=False``: the step *is* in the register, once, but it was worker A
that saved it, and worker B only found it there.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any, cast

import pytest
from temporalio.api.enums.v1 import EventType

from domain.process.proposal import EVENT_FOR
from domain.process.steps import GiveOpinion
from tests.e2e.reference_case import (
    assert_chain_intact,
    assert_key_question_answered,
    assert_recorded_once,
    earlier_resolutions,
    proposal_events,
    take,
)
from tests.e2e.worker_harness import FAIL_FAST, PAUSE_AFTER, PAUSE_SECONDS, WorkerProcess
from tests.support.memos import with_unique_memo
from workers.bootstrap import RegisterSystem
from workflows.desk import ProposalDesk

pytestmark = pytest.mark.slow

MOI_OPINION = 5  # draft, endorse, approve, submit, request_opinions, then MOI's opinion


def moi_opinions(system: RegisterSystem, workflow_id: str) -> list[Any]:
    return [e for e in proposal_events(system, workflow_id)
            if isinstance(e, EVENT_FOR[GiveOpinion]) and cast(Any, e).step.agency == "MOI"]


async def wait_until_saved(system: RegisterSystem, workflow_id: str, worker: WorkerProcess,
                           pending: asyncio.Task[Any], timeout: float = 30.0) -> Any:
    """Poll the store until worker A has saved MOI's opinion."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        saved = moi_opinions(system, workflow_id)
        if saved:
            return saved[0]
        assert worker.running, f"worker A died early:\n{worker.log_tail()}"
        assert not pending.done(), f"the update finished on worker A: {pending.result()}"
        await asyncio.sleep(0.05)
    raise AssertionError(f"MOI's opinion never reached the store:\n{worker.log_tail()}")


async def test_a_worker_killed_after_the_save_is_replaced_and_nothing_is_lost_or_doubled(
        dev_server, env_for_cli, system, case, tmp_path):
    address = dev_server.client.service_client.config.target_host
    task_queue = f"crash-{uuid.uuid4().hex[:8]}"
    # env_for_cli has put the test's store into os.environ (CABINET_STORE, …).
    env = {**os.environ, "CABINET_TEMPORAL_ADDRESS": address, "CABINET_TASK_QUEUE": task_queue,
           FAIL_FAST: "1"}
    system.register.import_file(earlier_resolutions(case))
    proposal = with_unique_memo(case).proposals[0]
    steps = proposal.steps
    opinion = steps[MOI_OPINION]
    assert (opinion.step.step, opinion.step.agency) == ("opinion", "MOI")

    desk = ProposalDesk(dev_server.client, system.register, task_queue)
    worker_a = WorkerProcess("A", {**env, PAUSE_AFTER: "opinion:MOI", PAUSE_SECONDS: "30"},
                             tmp_path / "worker-a.log")
    worker_b = WorkerProcess("B", env, tmp_path / "worker-b.log")
    pending: asyncio.Task[Any] | None = None
    try:
        await worker_a.start()
        workflow_id = await take(desk, "", steps[:MOI_OPINION])
        pending = asyncio.create_task(desk.act(workflow_id, opinion.step, opinion.actor))
        saved = await wait_until_saved(system, workflow_id, worker_a, pending)

        # The dangerous window: saved in the register, the workflow task not completed.
        await worker_a.kill()
        assert not pending.done()
        await worker_b.start()
        result = await asyncio.wait_for(pending, timeout=60)

        # Worker B re-ran the local activity with the same step id; the register
        # already held it, so nothing new was recorded (see the module docstring).
        assert result.recorded is False
        assert result.stage == "consulting"
        assert [e.step_id for e in moi_opinions(system, workflow_id)] == [saved.step_id]

        history = await dev_server.client.get_workflow_handle(workflow_id).fetch_history()
        types = [e.event_type for e in history.events]
        assert EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT in types, \
            "worker A's workflow task never timed out: the crash window was missed"
        accepted = [e.workflow_execution_update_accepted_event_attributes
                    .accepted_request.meta.update_id for e in history.events
                    if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
        # The step id is the step's key; each send's update id is the key and a suffix.
        assert [update_id.split("/")[0] for update_id in accepted].count(saved.step_id) == 1

        await take(desk, workflow_id, steps[MOI_OPINION + 1:])
        outcome = await asyncio.wait_for(desk.outcome(workflow_id), timeout=30)
        status = await desk.status(workflow_id)
        assert await worker_b.stop() == 0, worker_b.log_tail()
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
        await worker_a.kill()
        await worker_b.stop()

    assert outcome.outcome == "approved"
    events = assert_recorded_once(system, proposal, workflow_id, status)
    assert outcome.steps == len(events)
    assert len(moi_opinions(system, workflow_id)) == 1
    assert_key_question_answered(system)
    assert_chain_intact(system)

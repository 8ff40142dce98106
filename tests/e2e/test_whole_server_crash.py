"""The dev server and the worker killed together mid-step; the same command, retried, finishes it.

A Temporal Update is durable only once the workflow task that accepted it
completes. The register's save runs inside that task (a local activity in the
update's handler), so there is a window in which the register holds a step
that Temporal has not kept. Killing only the worker leaves the server holding
the update, and a second worker runs it again (``test_worker_crash``). Here
the whole embedded server dies: the Temporal dev server (on its database file)
and the worker, with SIGKILL, while the worker is paused right after the
register saved the Secretariat's ``schedule``. Both are started again on the
same files. Temporal has lost the update (the workflow still says
``consulting``) and the register has kept it (``scheduled``).

The CLI keeps the key of a step whose outcome it did not learn, so the same
command run again carries the same key: the register finds the step already recorded
under it, the workflow adopts what the register recorded, and the step is
in the register once. The next step, the decision, is then accepted, and so
is the notice. Sending the next step without repeating the lost one works
too: the workflow refuses it from its stale state, the desk sees that the
register is ahead and has the workflow adopt the register's steps first.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from cli.pending_steps import PendingSteps
from domain.process.proposal import EVENT_FOR
from domain.process.steps import Schedule
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
from workers.dev_server import DevServer
from workers.settings import Settings
from workers.temporal import connect, free_port
from workflows.desk import ProposalDesk

pytestmark = pytest.mark.slow

SCHEDULE, DECIDE = 12, 13  # the Secretariat schedules, then records the decision


class WholeServer:
    """The embedded server as ``cabinet server`` runs it: a dev server on its file, a worker."""

    def __init__(self, folder: Path, env: dict[str, str], system: RegisterSystem) -> None:
        self.folder = folder
        self.system = system
        self.port = free_port()
        self.env = {**env, "CABINET_TEMPORAL_ADDRESS": f"127.0.0.1:{self.port}",
                    "CABINET_TASK_QUEUE": f"whole-{uuid.uuid4().hex[:8]}", FAIL_FAST: "1"}
        self.dev_server: DevServer | None = None
        self.worker: WorkerProcess | None = None
        self.runs = 0

    async def start(self, settings: Settings, **worker_env: str) -> ProposalDesk:
        self.runs += 1
        self.dev_server = DevServer(db_file=self.folder / "temporal.sqlite", port=self.port,
                                    ui_port=None, log_file=self.folder / "temporal.log")
        self.dev_server.start()
        await self.dev_server.wait_ready(timeout=60)
        self.worker = await WorkerProcess(f"run {self.runs}", {**self.env, **worker_env},
                                          self.folder / f"worker-{self.runs}.log").start()
        return ProposalDesk(await connect(settings, self.dev_server.address), self.system.register,
                            self.env["CABINET_TASK_QUEUE"])

    async def kill(self) -> None:
        """SIGKILL to both at once: nothing flushed, no workflow task completed."""
        assert self.dev_server is not None and self.dev_server.process is not None
        assert self.worker is not None
        self.dev_server.process.kill()
        await self.worker.kill()
        self.dev_server.process.wait()

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
        if self.dev_server is not None:
            self.dev_server.stop()


@pytest_asyncio.fixture
async def whole_server(tmp_path: Path, env_for_cli: Settings,
                       system: RegisterSystem) -> AsyncIterator[WholeServer]:
    # env_for_cli has put the test's store into os.environ for the worker's process.
    server = WholeServer(tmp_path, dict(os.environ), system)
    yield server
    await server.stop()


def scheduled(system: RegisterSystem, workflow_id: str) -> list[Any]:
    return [e for e in proposal_events(system, workflow_id) if isinstance(e, EVENT_FOR[Schedule])]


async def crash_during_schedule(whole_server: WholeServer, settings: Settings,
                                system: RegisterSystem, steps: list[Any]) -> str:
    """Drive the case to the schedule, kill everything right after its save, start again."""
    desk = await whole_server.start(settings, **{PAUSE_AFTER: "schedule", PAUSE_SECONDS: "60"})
    workflow_id = await take(desk, "", steps[:SCHEDULE])
    schedule = steps[SCHEDULE]
    # As the CLI sends it: with the key it keeps until it learns the outcome.
    key = PendingSteps(settings.data_dir).key_for(workflow_id, schedule.actor, schedule.step)
    pending = asyncio.create_task(desk.act(workflow_id, schedule.step, schedule.actor,
                                           key=key))
    deadline = asyncio.get_running_loop().time() + 30
    while not scheduled(system, workflow_id):
        assert asyncio.get_running_loop().time() < deadline, "the schedule never got saved"
        assert not pending.done(), f"the schedule finished before the crash: {pending}"
        await asyncio.sleep(0.05)

    # The window: the register has saved the schedule; Temporal has not accepted it.
    await whole_server.kill()
    pending.cancel()
    with contextlib.suppress(BaseException):
        await pending
    return workflow_id


async def assert_stranded_before_the_retry(desk: ProposalDesk, system: RegisterSystem,
                                           workflow_id: str) -> None:
    """Temporal lost the step and the register kept it: the window was hit."""
    status = await asyncio.wait_for(desk.status(workflow_id), timeout=60)
    assert status.stage == "consulting"
    assert system.register.proposal(workflow_id).state.stage.value == "scheduled"


async def finish(desk: ProposalDesk, system: RegisterSystem, proposal: Any,
                 workflow_id: str) -> None:
    """The decision and the notice are accepted; every step is in the register once."""
    decided = await desk.act(workflow_id, proposal.steps[DECIDE].step,
                             proposal.steps[DECIDE].actor)
    assert decided.stage != "consulting"
    await take(desk, workflow_id, proposal.steps[DECIDE + 1:])
    outcome = await asyncio.wait_for(desk.outcome(workflow_id), timeout=30)
    status = await desk.status(workflow_id)
    assert outcome.outcome == "approved"
    events = assert_recorded_once(system, proposal, workflow_id, status)
    assert outcome.steps == len(events)
    assert len(scheduled(system, workflow_id)) == 1
    assert_key_question_answered(system)
    assert_chain_intact(system)


async def test_the_same_command_retried_after_a_whole_server_crash_completes_the_step_once(
        whole_server, settings, system, case):
    system.register.import_file(earlier_resolutions(case))
    proposal = with_unique_memo(case).proposals[0]
    steps = list(proposal.steps)
    assert steps[SCHEDULE].step.step == "schedule" and steps[DECIDE].step.step == "decide"

    workflow_id = await crash_during_schedule(whole_server, settings, system, steps)
    saved = scheduled(system, workflow_id)
    desk = await whole_server.start(settings)
    await assert_stranded_before_the_retry(desk, system, workflow_id)

    # The same command, run again: no answer came, so the CLI still holds its key.
    schedule = steps[SCHEDULE]
    key = PendingSteps(settings.data_dir).key_for(workflow_id, schedule.actor, schedule.step)
    retried = await desk.act(workflow_id, schedule.step, schedule.actor, key=key)

    assert retried.stage == "scheduled"
    assert retried.recorded is False  # the register had it; nothing new was written
    assert [e.step_id for e in scheduled(system, workflow_id)] == [saved[0].step_id]
    assert (await desk.status(workflow_id)).stage == "scheduled"
    await finish(desk, system, proposal, workflow_id)


async def test_the_next_step_after_a_whole_server_crash_is_accepted(
        whole_server, settings, system, case):
    system.register.import_file(earlier_resolutions(case))
    proposal = with_unique_memo(case).proposals[0]
    steps = list(proposal.steps)

    workflow_id = await crash_during_schedule(whole_server, settings, system, steps)
    desk = await whole_server.start(settings)
    await assert_stranded_before_the_retry(desk, system, workflow_id)

    await finish(desk, system, proposal, workflow_id)

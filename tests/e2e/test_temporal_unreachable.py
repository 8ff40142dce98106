"""A step whose Temporal server stops answering: exit 1, say whether the register has it.

The dev server is killed while a ``cabinet proposal`` step waits for it, once
after the worker has saved the step in the register (the worker harness
pauses right there) and once before any worker took it. Either way the
command exits 1 without a traceback, says that the server stopped answering,
whether the register has recorded the step, and what to run next. A step
sent to a server with no worker behind it (a dev server left running on its
own) gives up after the configured time with the same account.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.cli_session import CABINET, ENDORSE, cabinet, prepare_proposal, start_proposal
from tests.e2e.worker_harness import PAUSE_AFTER, PAUSE_SECONDS, WorkerProcess
from workers.dev_server import DevServer
from workers.temporal import free_port

pytestmark = pytest.mark.slow

APPROVE = ("--as", "PM:head", "--doc-date", "๒๖ ส.ค. ๖๔")


@pytest_asyncio.fixture
async def dev_server(tmp_path: Path) -> AsyncIterator[DevServer]:
    server = DevServer(db_file=tmp_path / "temporal.sqlite", port=free_port(), ui_port=None,
                       log_file=tmp_path / "temporal.log")
    server.start()
    client = await server.wait_ready()
    del client
    yield server
    server.stop()


@pytest.fixture
def env(env_for_cli: object, dev_server: DevServer) -> dict[str, str]:
    return {**os.environ, "CABINET_TEMPORAL_ADDRESS": dev_server.address,
            "CABINET_TASK_QUEUE": f"unreachable-{uuid.uuid4().hex[:8]}",
            "CABINET_TEMPORAL_CALL_TIMEOUT": "30"}


class StepCommand:
    """``cabinet -v proposal …`` running in the background, its stderr read as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stderr = ""

    async def sent(self, timeout: float = 60) -> None:
        """Until the desk has sent the step to the server (its ``step_sent`` log line)."""
        assert self.process.stderr is not None
        while "step_sent" not in self.stderr:
            line = await asyncio.wait_for(self.process.stderr.readline(), timeout)
            assert line, f"the command ended before sending the step:\n{self.stderr}"
            self.stderr += line.decode()

    async def finished(self, timeout: float = 60) -> tuple[int, str]:
        _, rest = await asyncio.wait_for(self.process.communicate(), timeout)
        assert self.process.returncode is not None
        self.stderr += rest.decode()
        return self.process.returncode, self.stderr


async def run_step(env: dict[str, str], *argv: str) -> StepCommand:
    return StepCommand(await asyncio.create_subprocess_exec(
        str(CABINET), "proposal", *argv, "-v", env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE))


def kill(server: DevServer) -> None:
    assert server.process is not None
    server.process.kill()
    server.process.wait()


async def wait_for_line(path: Path, text: str, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in {path}")


async def test_the_server_dies_after_the_register_saved_the_step(env, dev_server, tmp_path):
    draft = prepare_proposal(env, tmp_path)
    log = tmp_path / "worker.log"
    worker = await WorkerProcess("paused", {**env, PAUSE_AFTER: "endorse",
                                            PAUSE_SECONDS: "60"}, log).start()
    try:
        proposal = await asyncio.to_thread(start_proposal, env, draft)
        step = await run_step(env, "endorse", proposal, *ENDORSE)
        await wait_for_line(log, "paused endorse")
        kill(dev_server)
        code, stderr = await step.finished()
    finally:
        await worker.kill()
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert f"stopped answering during the endorse step of {proposal}" in stderr
    assert "the register has recorded this step" in stderr
    assert "do not repeat it" in stderr
    assert f"cabinet proposal status {proposal}" in stderr


async def test_the_server_dies_before_any_worker_took_the_step(env, dev_server, tmp_path):
    draft = prepare_proposal(env, tmp_path)
    worker = await WorkerProcess("plain", env, tmp_path / "worker.log").start()
    try:
        proposal = await asyncio.to_thread(start_proposal, env, draft)
        endorsed = await asyncio.to_thread(cabinet, env, "proposal", "endorse", proposal,
                                           *ENDORSE)
        assert endorsed.returncode == 0, endorsed.stderr
    finally:
        await worker.stop()
    step = await run_step(env, "approve", proposal, *APPROVE)
    await step.sent()
    await asyncio.sleep(1)  # the update waits at the server for a worker that is gone
    kill(dev_server)
    code, stderr = await step.finished()
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert f"stopped answering during the approve step of {proposal}" in stderr
    assert "it has not recorded this step" in stderr
    assert "its last recorded step is endorse" in stderr
    assert "cabinet server" in stderr
    assert f"cabinet proposal status {proposal}" in stderr


async def test_a_step_with_no_worker_behind_the_server_gives_up(env, tmp_path):
    draft = prepare_proposal(env, tmp_path)
    env = {**env, "CABINET_TEMPORAL_CALL_TIMEOUT": "3"}
    proposal = await asyncio.to_thread(start_proposal, env, draft)
    began = asyncio.get_running_loop().time()
    code, stderr = await (await run_step(env, "endorse", proposal, *ENDORSE)).finished()
    took = asyncio.get_running_loop().time() - began
    assert code == 1, stderr
    assert took < 30
    assert "Traceback" not in stderr
    assert f"did not answer the endorse step of {proposal} within 3 s" in stderr
    assert "it has not recorded this step" in stderr
    assert "cabinet server" in stderr

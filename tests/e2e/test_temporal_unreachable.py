"""A step whose Temporal server stops answering: exit 1, say whether the register has it.

Staff send the step to the HTTP API (``cabinet web``, signed in); the API's desk
sends it to Temporal. The dev server is killed while the step waits for it,
once after the worker has saved the step in the register (the worker harness
pauses right there) and once before any worker took it. Either way the
command exits 1 without a traceback, says (from the server's 503 problem)
that the workflow engine stopped answering, whether the register has recorded
the step, and what to run next. A step sent to a server with no worker behind
it (a dev server left running on its own) gives up after the configured time
with the same account.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.cli_session import CABINET, ENDORSE, cabinet, prepare_proposal, start_proposal
from tests.e2e.worker_harness import PAUSE_AFTER, PAUSE_SECONDS, WorkerProcess
from tests.support.signed_in import add_accounts, sign_in, wait_for_http, with_http_port
from workers.dev_server import DevServer
from workers.temporal import free_port

pytestmark = pytest.mark.slow

APPROVE = ("--doc-date", "๒๖ ส.ค. ๖๔")


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
def web_call_timeout() -> str:
    """Seconds the API waits for the workflow engine (a test parametrises it)."""
    return "30"


@pytest.fixture
def web_env(env_for_cli: object, dev_server: DevServer, web_call_timeout: str) -> dict[str, str]:
    pytest.importorskip("web.app", reason="the HTTP app is not built yet")
    env = with_http_port(os.environ)
    env.update({"CABINET_TEMPORAL_ADDRESS": dev_server.address,
                "CABINET_TASK_QUEUE": f"unreachable-{uuid.uuid4().hex[:8]}",
                "CABINET_TEMPORAL_CALL_TIMEOUT": web_call_timeout})
    add_accounts(env, "OPDC:head", "DPM:head", "PM:head")
    return env


@pytest.fixture
def web_log(web_env: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    """``cabinet web`` (the HTTP API alone) against the dev server; its log's path."""
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(CABINET), "web"], stdout=out, stderr=subprocess.STDOUT,
                                   env={**web_env, "CABINET_LOG_LEVEL": "info"})
    try:
        wait_for_http(web_env)
        yield log
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def env(web_env: dict[str, str], web_log: Path, tmp_path: Path) -> dict[str, dict[str, str]]:
    """Each signed-in head's environment."""
    return {actor: sign_in(web_env, tmp_path, actor)
            for actor in ("OPDC:head", "DPM:head", "PM:head")}


class StepCommand:
    """``cabinet proposal …`` running in the background."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def finished(self, timeout: float = 60) -> tuple[int, str]:
        _, stderr = await asyncio.wait_for(self.process.communicate(), timeout)
        assert self.process.returncode is not None
        return self.process.returncode, stderr.decode()


async def run_step(env: dict[str, str], *argv: str) -> StepCommand:
    return StepCommand(await asyncio.create_subprocess_exec(
        str(CABINET), "proposal", *argv, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE))


def kill(server: DevServer) -> None:
    assert server.process is not None
    server.process.kill()
    server.process.wait()


async def wait_for_line(path: Path, *words: str, timeout: float = 60) -> None:
    """Until a line of the log at ``path`` holds every one of ``words``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if path.exists() and any(all(word in line for word in words)
                                 for line in path.read_text(errors="replace").splitlines()):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{words!r} never appeared in {path}")


async def test_the_server_dies_after_the_register_saved_the_step(web_env, env, dev_server,
                                                                 tmp_path):
    draft = prepare_proposal(web_env, tmp_path)
    log = tmp_path / "worker.log"
    worker = await WorkerProcess("paused", {**web_env, PAUSE_AFTER: "endorse",
                                            PAUSE_SECONDS: "60"}, log).start()
    try:
        proposal = await asyncio.to_thread(start_proposal, env["OPDC:head"], draft)
        step = await run_step(env["DPM:head"], "endorse", proposal, *ENDORSE)
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


async def test_the_server_dies_before_any_worker_took_the_step(web_env, web_log, env,
                                                               dev_server, tmp_path):
    draft = prepare_proposal(web_env, tmp_path)
    worker = await WorkerProcess("plain", web_env, tmp_path / "worker.log").start()
    try:
        proposal = await asyncio.to_thread(start_proposal, env["OPDC:head"], draft)
        endorsed = await asyncio.to_thread(cabinet, env["DPM:head"], "proposal", "endorse",
                                           proposal, *ENDORSE)
        assert endorsed.returncode == 0, endorsed.stderr
    finally:
        await worker.stop()
    step = await run_step(env["PM:head"], "approve", proposal, *APPROVE)
    await wait_for_line(web_log, "step_sent", "approve")
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


# The API's own wait for the workflow engine; the command waits for the API's answer.
@pytest.mark.parametrize("web_call_timeout", ["3"])
async def test_a_step_with_no_worker_behind_the_server_gives_up(web_env, env, tmp_path):
    draft = prepare_proposal(web_env, tmp_path)
    proposal = await asyncio.to_thread(start_proposal, env["OPDC:head"], draft)
    began = asyncio.get_running_loop().time()
    code, stderr = await (await run_step(env["DPM:head"], "endorse", proposal,
                                         *ENDORSE)).finished()
    took = asyncio.get_running_loop().time() - began
    assert code == 1, stderr
    assert took < 30
    assert "Traceback" not in stderr
    assert f"did not answer the endorse step of {proposal} within 3 s" in stderr
    assert "it has not recorded this step" in stderr
    assert "cabinet server" in stderr

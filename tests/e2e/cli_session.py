"""Staff at a terminal: ``cabinet server`` and the commands they type, as real processes.

``ServerProcess`` runs ``cabinet server`` on the ports and data folder of the
given environment and waits for its "Press Ctrl-C" line; ``cabinet`` runs one
command (as the account signed in to the environment's config folder:
``tests.support.signed_in``). ``prepare_proposal`` imports the reference case's earlier resolutions
and writes the case's draft to a file, ready for ``cabinet proposal start``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import yaml

from tests.conftest import CASE_FILE
from workers.temporal import free_port

CABINET = Path(sys.executable).parent / "cabinet"


def cabinet(env: Mapping[str, str], *argv: str, timeout: float = 120,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CABINET), *argv], env=dict(env), capture_output=True,
                          text=True, timeout=timeout, check=False, input=stdin)


class ServerProcess:
    """One ``cabinet server``, its output kept for the assertions."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        # Each server's HTTP app on a port of its own: tests run side by side.
        self.env.setdefault("CABINET_HTTP_PORT", str(free_port()))
        self.lines: list[str] = []
        self.process = subprocess.Popen([str(CABINET), "server"], env=self.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)

    def wait_ready(self, timeout: float = 90) -> bool:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                return False
            self.lines.append(line)
            if "Press Ctrl-C" in line:
                return True
        return False

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, so nothing stops the dev server in order."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def dev_servers_on(port: int | str) -> list[int]:
    """Pids of Temporal dev servers serving ``port``, whoever started them."""
    found = subprocess.run(["pgrep", "-f", f"start-dev .*--port {port} "], capture_output=True,
                           text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


def kill_dev_servers_on(port: int | str) -> None:
    for pid in dev_servers_on(port):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def prepare_proposal(env: Mapping[str, str], folder: Path) -> Path:
    """Import the case's earlier resolutions; the draft's file for ``proposal start``."""
    case = yaml.safe_load(CASE_FILE.read_text())
    history = folder / "history.yaml"
    history.write_text(yaml.safe_dump({"resolutions": case["resolutions"]}, allow_unicode=True))
    imported = cabinet(env, "import", str(history))
    assert imported.returncode == 0, imported.stderr
    draft = dict(case["proposals"][0]["steps"][0]["step"])
    draft.pop("step")
    path = folder / "draft.json"
    path.write_text(json.dumps(draft, ensure_ascii=False, default=str))
    return path


def start_proposal(env: Mapping[str, str], draft: Path) -> str:
    """Start the case's proposal; ``env`` is a signed-in OPDC head's (``signed_in``)."""
    started = cabinet(env, "proposal", "start", "--file", str(draft), "--json")
    assert started.returncode == 0, started.stderr
    return str(json.loads(started.stdout)["proposal"])


ENDORSE = ("--doc-kind", "stamp", "--doc-date", "๒๕ ส.ค. ๖๔")
"""The endorsement's options, typed by a signed-in DPM head."""

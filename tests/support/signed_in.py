"""A real ``cabinet server`` (Temporal dev server, worker, projector, HTTP API) and staff
signed in to it, each account with its own config folder, as people at their desks.

``RegisterServer`` runs the server as its own process on free ports and a data
folder of its own; ``accounts`` are made with ``cabinet user add`` (the operator's
command, on the data folder) and signed in with ``cabinet login``. Commands are
run in this process (``cli.main.run``) with the environment of the account that
types them, so a test asserts on their exit code and output as staff see them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from workers.temporal import free_ports

CABINET = Path(sys.executable).parent / "cabinet"
PASSWORD = "a long test passphrase, 2021"

ACCOUNTS: dict[str, tuple[str, str]] = {
    "opdchead": ("OPDC", "head"), "opdcstaff": ("OPDC", "staff"),
    "dpmhead": ("DPM", "head"), "pmhead": ("PM", "head"),
    "socstaff": ("SOC", "staff"), "sochead": ("SOC", "head"),
    "socauditor": ("SOC", "auditor"), "socoperator": ("SOC", "operator"),
    "nesdchead": ("NESDC", "head"), "nesdcstaff": ("NESDC", "staff"),
    "moistaff": ("MOI", "staff"), "moihead": ("MOI", "head"),
    "pmdustaff": ("PMDU", "staff"),
}
"""Each test account: its agency and role (``cabinet user add NAME --agency A --role R``)."""

BY_ACTOR = {f"{agency}:{role}": name for name, (agency, role) in ACCOUNTS.items()}
"""An account by the actor it signs in as (``PM:head`` → ``pmhead``)."""

Run = Callable[..., tuple[int, str, str]]


def store_env(root: Path, store: str) -> tuple[dict[str, str], Callable[[], None]]:
    """The environment of a fresh register on the test store, and how to drop it after."""
    env = {"CABINET_DATA_DIR": str(root / "data"), "CABINET_STORE": store,
           "CABINET_ENV": "development"}
    if store != "postgres":
        return env, lambda: None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    pg = {"HOST": os.environ.get("CABINET_POSTGRES_HOST", "127.0.0.1"),
          "PORT": os.environ.get("CABINET_POSTGRES_PORT", "5432"),
          "DB": os.environ.get("CABINET_POSTGRES_DB", "test"),
          "USER": os.environ.get("CABINET_POSTGRES_USER", "postgres"),
          "PASSWORD": os.environ.get("CABINET_POSTGRES_PASSWORD", ""), "SCHEMA": schema}
    env.update({f"CABINET_POSTGRES_{name}": value for name, value in pg.items()})

    def drop() -> None:
        with psycopg.connect(host=pg["HOST"], port=int(pg["PORT"]), dbname=pg["DB"],
                             user=pg["USER"], password=pg["PASSWORD"] or None,
                             autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return env, drop


@dataclass
class RegisterServer:
    """One ``cabinet server`` with its HTTP API on a free loopback port."""

    root: Path
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['CABINET_HTTP_PORT']}"

    @classmethod
    def on(cls, root: Path, base: Mapping[str, str]) -> RegisterServer:
        temporal, ui, http = free_ports(3)
        env = {**os.environ, **base, "CABINET_TEMPORAL_PORT": str(temporal),
               "CABINET_TEMPORAL_UI_PORT": str(ui), "CABINET_HTTP_PORT": str(http),
               "CABINET_CONFIG_DIR": str(root / "operator-config")}
        for override in ("CABINET_URL", "CABINET_TOKEN", "CABINET_TEMPORAL_ADDRESS"):
            env.pop(override, None)
        return cls(root, env)

    def start(self, timeout: float = 120) -> None:
        self.process = subprocess.Popen([str(CABINET), "server"], env=self.env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            self.lines.append(line)
            if "Press Ctrl-C" in line:
                break
        assert any("Press Ctrl-C" in line for line in self.lines), "".join(self.lines)
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/me", timeout=2).status_code == 401:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"no HTTP API at {self.url}:\n{''.join(self.lines)}")

    def command(self, *argv: str, stdin: str | None = None,
                env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``cabinet ARGV`` as a process of its own (an operator's command on the server)."""
        return subprocess.run([str(CABINET), *argv], env={**self.env, **(env or {})},
                              input=stdin, capture_output=True, text=True, timeout=120,
                              check=False)

    def add_accounts(self, names: Mapping[str, tuple[str, str]] = ACCOUNTS) -> None:
        for name, (agency, role) in names.items():
            done = self.command("user", "add", name, "--agency", agency, "--role", role,
                                "--password-stdin", stdin=PASSWORD + "\n")
            assert done.returncode == 0, done.stderr

    def config_dir(self, account: str) -> Path:
        return self.root / "config" / account

    def sign_in(self, account: str) -> None:
        done = self.command("login", "--url", self.url, "--username", account,
                            "--password-stdin", stdin=PASSWORD + "\n",
                            env={"CABINET_CONFIG_DIR": str(self.config_dir(account))})
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def running_server(root: Path, store: str) -> Iterator[RegisterServer]:
    """A server with every test account made and signed in; stopped and dropped after."""
    pytest.importorskip("web.app", reason="the HTTP app is not built yet")
    base, drop = store_env(root, store)
    server = RegisterServer.on(root, base)
    try:
        server.start()
        server.add_accounts()
        for account in ACCOUNTS:
            server.sign_in(account)
        yield server
    finally:
        server.stop()
        drop()


class Desks:
    """Staff at their desks: ``desks.as_("PM:head")(*argv)`` runs ``cabinet`` as that account;
    ``desks.operator(*argv)`` runs an operator's command on the server's data folder."""

    def __init__(self, server: RegisterServer, run: Callable[[Mapping[str, str], tuple[str, ...]],
                                                             tuple[int, str, str]]) -> None:
        self.server = server
        self._run = run

    @staticmethod
    def account(actor: str) -> str:
        return BY_ACTOR[actor]

    def as_(self, actor: str) -> Run:
        account = BY_ACTOR[actor]
        env = {"CABINET_CONFIG_DIR": str(self.server.config_dir(account))}
        return lambda *argv: self._run(env, argv)

    def operator(self, *argv: str) -> tuple[int, str, str]:
        return self._run({"CABINET_CONFIG_DIR": str(self.server.root / "operator-config")},
                         argv)

    def events_stored(self) -> int:
        code, out, err = self.operator("audit", "verify", "--json")
        assert code == 0, err
        import json

        checked: int = json.loads(out)["checked"]
        return checked

"""A real ``cabinet server`` (Temporal dev server, worker, projector, HTTP API) and staff
signed in to it, each account with its own config folder, as people at their desks.

``RegisterServer`` runs the server as its own process on free ports and a data
folder of its own; accounts are made with ``cabinet user add`` (the operator's
command, on the data folder) and signed in with ``cabinet login``. ``Desks`` runs
commands in this process (``cli.main.run``) with the environment of the account
that types them, so a test asserts on their exit code and output as staff see them.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.e2e.cli_session import ServerProcess, cabinet
from workers.temporal import free_ports

PASSWORD = "a long test passphrase, 2021"

ACCOUNTS: dict[str, tuple[str, str]] = {
    "opdchead": ("OPDC", "head"), "opdcstaff": ("OPDC", "staff"),
    "dpmhead": ("DPM", "head"), "pmhead": ("PM", "head"),
    "socstaff": ("SOC", "staff"), "sochead": ("SOC", "head"),
    "socauditor": ("SOC", "auditor"), "socoperator": ("SOC", "operator"),
    "nesdchead": ("NESDC", "head"), "nesdcstaff": ("NESDC", "staff"),
    "moistaff": ("MOI", "staff"), "moihead": ("MOI", "head"),
    "pmdustaff": ("PMDU", "staff"), "pmduhead": ("PMDU", "head"),
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


def with_http_port(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with free ports for Temporal, its UI and the HTTP API, and no client overrides."""
    temporal, ui, http = free_ports(3)
    made = {**env, "CABINET_TEMPORAL_PORT": str(temporal),
            "CABINET_TEMPORAL_UI_PORT": str(ui), "CABINET_HTTP_PORT": str(http)}
    for override in ("CABINET_URL", "CABINET_TOKEN", "CABINET_TEMPORAL_ADDRESS"):
        made.pop(override, None)
    return made


def http_url(env: Mapping[str, str]) -> str:
    return f"http://127.0.0.1:{env['CABINET_HTTP_PORT']}"


def wait_for_http(env: Mapping[str, str], timeout: float = 60) -> None:
    """Until the API answers (401 to a question asked with no token)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{http_url(env)}/api/me", timeout=2).status_code == 401:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"no HTTP API at {http_url(env)}")


def add_accounts(env: Mapping[str, str], *actors: str) -> None:
    """``cabinet user add`` (the operator's command, on the data folder) for each actor."""
    for actor in actors:
        agency, role = ACCOUNTS[BY_ACTOR[actor]]
        done = cabinet(env, "user", "add", BY_ACTOR[actor], "--agency", agency, "--role", role,
                       "--password-stdin", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr


def sign_in(env: Mapping[str, str], folder: Path, actor: str) -> dict[str, str]:
    """``cabinet login`` as the actor's account; the environment of that person's commands."""
    account = BY_ACTOR[actor]
    signed = {**env, "CABINET_CONFIG_DIR": str(folder / "config" / account)}
    done = cabinet(signed, "login", "--url", http_url(env), "--username", account,
                   "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    return signed


@dataclass
class RegisterServer:
    """One ``cabinet server`` with its HTTP API on a free loopback port, and its accounts."""

    root: Path
    env: dict[str, str]
    process: ServerProcess | None = None
    signed: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return http_url(self.env)

    @classmethod
    def on(cls, root: Path, base: Mapping[str, str]) -> RegisterServer:
        env = with_http_port({**os.environ, **base,
                              "CABINET_CONFIG_DIR": str(root / "operator-config")})
        return cls(root, env)

    def start(self) -> None:
        self.process = ServerProcess(self.env)
        assert self.process.wait_ready(), self.process.output()
        wait_for_http(self.env)

    def command(self, *argv: str, stdin: str | None = None,
                env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``cabinet ARGV`` as a process of its own (by default, the operator's)."""
        return cabinet({**self.env, **(env or {})}, *argv, stdin=stdin)

    def sign_in_all(self, actors: tuple[str, ...]) -> None:
        add_accounts(self.env, *actors)
        for actor in actors:
            self.signed[actor] = sign_in(self.env, self.root, actor)

    def config_dir(self, actor: str) -> Path:
        return Path(self.signed[actor]["CABINET_CONFIG_DIR"])

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def running_server(root: Path, store: str,
                   actors: tuple[str, ...] = tuple(BY_ACTOR)) -> Iterator[RegisterServer]:
    """A server with the actors' accounts made and signed in; stopped and dropped after."""
    pytest.importorskip("web.app", reason="the HTTP app is not built yet")
    base, drop = store_env(root, store)
    server = RegisterServer.on(root, base)
    try:
        server.start()
        server.sign_in_all(actors)
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
        env = {"CABINET_CONFIG_DIR": str(self.server.config_dir(actor))}
        return lambda *argv: self._run(env, argv)

    def operator(self, *argv: str) -> tuple[int, str, str]:
        return self._run({"CABINET_CONFIG_DIR": str(self.server.root / "operator-config")},
                         argv)

    def events_stored(self) -> int:
        code, out, err = self.operator("audit", "verify", "--json")
        assert code == 0, err
        checked: int = json.loads(out)["checked"]
        return checked

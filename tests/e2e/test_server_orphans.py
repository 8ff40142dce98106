"""A ``cabinet server`` killed with SIGKILL can be started again; nobody waits forever.

The server runs the Temporal dev server as a child in its own session. Killed
outright, the server used to leave that child running and holding the port:
the next start failed with "address already in use" and steps hung. Now the
child dies with the server (Linux), and a dev server this data folder started
and that is still running (its pid file says which) is stopped on the next
start, which says so; a port held by some other program is named at once
instead of after the dev server's failed start. A command whose server does
not answer gives up after the configured time and says what did not answer
and what to run.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli_session import (
    ENDORSE,
    ServerProcess,
    cabinet,
    dev_servers_on,
    kill_dev_servers_on,
    prepare_proposal,
    start_proposal,
)
from tests.support.signed_in import add_accounts, sign_in, wait_for_http, with_http_port
from workers.dev_server import DevServer

pytestmark = pytest.mark.slow


@pytest.fixture
def server_env(env_for_cli: object) -> Iterator[dict[str, str]]:
    env = with_http_port(os.environ)
    env["CABINET_TEMPORAL_CALL_TIMEOUT"] = "20"
    yield env
    kill_dev_servers_on(env["CABINET_TEMPORAL_PORT"])  # leave no dev server behind


def wait_until_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists()
                 and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    return alive


def test_a_killed_server_can_be_started_again_and_takes_steps(server_env, tmp_path):
    pytest.importorskip("web.app", reason="the HTTP app is not built yet")
    port = server_env["CABINET_TEMPORAL_PORT"]
    draft = prepare_proposal(server_env, tmp_path)
    add_accounts(server_env, "OPDC:head", "DPM:head")
    first = ServerProcess(server_env)
    try:
        assert first.wait_ready(), first.output()
        wait_for_http(server_env)
        opdc = sign_in(server_env, tmp_path, "OPDC:head")
        dpm = sign_in(server_env, tmp_path, "DPM:head")
        proposal = start_proposal(opdc, draft)
        [dev_server] = dev_servers_on(port)
        first.kill()
    finally:
        first.stop()
    assert wait_until_gone([dev_server], timeout=15) == [], "the dev server outlived its server"

    second = ServerProcess(server_env)
    try:
        assert second.wait_ready(), second.output()
        wait_for_http(server_env)
        # The token kept before the crash is still good: credentials outlive the process.
        endorsed = cabinet(dpm, "proposal", "endorse", proposal, *ENDORSE, timeout=60)
        assert endorsed.returncode == 0, endorsed.stderr
        assert "now endorsed" in endorsed.stdout
    finally:
        second.stop()


def test_a_dev_server_left_running_is_stopped_at_the_next_start(server_env, settings):
    # A dev server this data folder started, whose parent died where the child
    # cannot be told to follow (another platform, an older version): only the pid
    # file knows it.
    port = int(server_env["CABINET_TEMPORAL_PORT"])
    left = DevServer(db_file=settings.temporal_db_path, port=port, ui_port=None,
                     log_file=settings.data_dir / "temporal.log", pid_file=settings.data_dir
                     / "temporal.pid", die_with_parent=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    left.start()
    assert left.process is not None
    orphan = left.process.pid
    server = ServerProcess(server_env)
    try:
        assert server.wait_ready(), server.output()
        assert f"stopped the Temporal dev server left running (pid {orphan})" in server.output()
        assert left.process.poll() is not None
        assert dev_servers_on(port) != [orphan]
    finally:
        server.stop()
        left.stop()


def test_a_command_gives_up_on_a_server_that_never_replies(server_env):
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)  # connections are accepted by the kernel; nothing ever answers
    env = {**server_env, "CABINET_URL": f"http://127.0.0.1:{mute.getsockname()[1]}",
           "CABINET_TOKEN": "t0ken", "CABINET_CLIENT_TIMEOUT": "2"}
    try:
        began = time.monotonic()
        # A step is sent to the register's server (status is answered by the data folder).
        done = cabinet(env, "proposal", "endorse", "OPDC-1-1",
                       "--doc-kind", "stamp", "--doc-date", "2021-08-25", timeout=60)
        took = time.monotonic() - began
    finally:
        mute.close()
    assert done.returncode == 1, done.stderr
    assert took < 20
    assert "did not answer within 2 s" in done.stderr
    assert "cabinet server" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_held_by_another_program_is_named_at_once(server_env):
    holder = socket.socket()
    holder.bind(("127.0.0.1", int(server_env["CABINET_TEMPORAL_PORT"])))
    holder.listen(1)
    try:
        done = cabinet(server_env, "server", timeout=60)
    finally:
        holder.close()
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"port {server_env['CABINET_TEMPORAL_PORT']} is already in use" in done.stderr
    assert "cabinet server --port" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_time_bounds_are_checked_when_read(server_env):
    env = {**server_env, "CABINET_TEMPORAL_CALL_TIMEOUT": "forever"}
    done = cabinet(env, "proposal", "status", "OPDC-1-1")
    assert done.returncode == 2
    assert "CABINET_TEMPORAL_CALL_TIMEOUT must be a number of seconds" in done.stderr

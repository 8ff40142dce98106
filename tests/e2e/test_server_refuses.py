"""The serving processes as an operator starts them: outside development they refuse the
development keys (exit 2, naming the setting, nothing started); they listen on loopback
unless told otherwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx
import pytest

from tests.e2e.test_embedded_server import CABINET
from web.auth.startup import DEVELOPMENT_SECRET
from workers.settings import Settings
from workers.storage.ledger import DEV_KEY
from workers.temporal import free_port

OWN_LEDGER_KEY = "the-register's-own-ledger-key-0123456789"
OWN_SECRET = "the-server's-own-secret-key-0123456789-abcdef"


@pytest.mark.parametrize("command", ["server", "web"])
@pytest.mark.parametrize(("ledger_key", "secret_key", "named"), [
    (None, OWN_SECRET, "CABINET_LEDGER_KEY"),
    (DEV_KEY.decode(), OWN_SECRET, "CABINET_LEDGER_KEY"),
    (OWN_LEDGER_KEY, None, "CABINET_SECRET_KEY"),
    (OWN_LEDGER_KEY, DEVELOPMENT_SECRET, "CABINET_SECRET_KEY"),
])
def test_outside_development_the_development_keys_stop_the_server(
        env_for_cli, command, ledger_key, secret_key, named):
    env = {k: v for k, v in os.environ.items()
           if k not in ("CABINET_ENV", "CABINET_LEDGER_KEY", "CABINET_SECRET_KEY")}
    env["CABINET_HTTP_PORT"] = str(free_port())
    env["CABINET_TEMPORAL_PORT"] = str(free_port())
    env.update({name: value for name, value in (("CABINET_LEDGER_KEY", ledger_key),
                                                ("CABINET_SECRET_KEY", secret_key)) if value})
    done = subprocess.run([str(CABINET), command], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert named in done.stderr and "Traceback" not in done.stderr
    assert "HTTP API" not in done.stdout  # refused before anything listened


def test_loopback_is_the_default_address():
    settings = Settings.from_env({"CABINET_DATA_DIR": "unused"})
    assert settings.web.host == "127.0.0.1"
    told = Settings.from_env({"CABINET_DATA_DIR": "unused", "CABINET_HTTP_HOST": "0.0.0.0"})
    assert told.web.host == "0.0.0.0"


def outside_address() -> str | None:
    """This machine's address on its network, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.200", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else str(address)


def test_cabinet_web_listens_on_loopback_only(env_for_cli):
    env = dict(os.environ)
    port = free_port()
    env["CABINET_HTTP_PORT"] = str(port)
    env["CABINET_TEMPORAL_ADDRESS"] = f"127.0.0.1:{free_port()}"  # not needed to serve reads
    process = subprocess.Popen([str(CABINET), "web"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            lines.append(process.stdout.readline())
            if "HTTP API" in lines[-1]:
                break
        assert f"HTTP API: http://127.0.0.1:{port}/api" in "".join(lines), lines
        document = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=10)
        assert document.status_code == 200
        outside = outside_address()
        if outside is not None:
            with pytest.raises(OSError):
                socket.create_connection((outside, port), timeout=3).close()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0

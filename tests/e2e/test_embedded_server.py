"""``cabinet server`` and ``cabinet demo`` as staff run them: separate processes, real servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import STORE
from tests.e2e.cli_session import ENDORSE, cabinet, prepare_proposal, start_proposal
from tests.support.signed_in import running_server
from workers.temporal import free_port, free_ports

CABINET = Path(sys.executable).parent / "cabinet"


def test_demo_runs_the_case_end_to_end_and_exits_0():
    done = subprocess.run([str(CABINET), "demo", "--json"], capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"]["outcome"] == "approved"
    after = {(o["resolution"], o["clause"]) for o in result["in_force"]["2021-11-10"]}
    assert ("2016-01-12", "2") not in after
    assert ("2021-11-09", "1") in after
    assert [s["actor"] for s in result["steps"]][:3] == ["OPDC:head", "DPM:head", "PM:head"]


def test_demo_then_serves_the_desk_where_each_agency_of_the_case_signs_in(tmp_path):
    env = {**os.environ, "CABINET_CONFIG_DIR": str(tmp_path / "config")}
    port, ui_port, http_port = free_ports(3)
    env.update(CABINET_TEMPORAL_PORT=str(port), CABINET_TEMPORAL_UI_PORT=str(ui_port),
               CABINET_HTTP_PORT=str(http_port), TMPDIR=str(tmp_path))
    process = subprocess.Popen([str(CABINET), "demo", "--serve"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        lines.append(process.stdout.readline())
        if "Press Ctrl-C" in lines[-1]:
            break
    try:
        said = "".join(lines)
        assert f"The web desk: http://127.0.0.1:{http_port}/" in said, said
        base = f"http://127.0.0.1:{http_port}"
        signed = httpx.post(f"{base}/api/login",
                            json={"username": "opdc-head", "password": "demo-password"})
        assert signed.status_code == 200, signed.text
        assert (signed.json()["agency"], signed.json()["role"]) == ("OPDC", "head")
        status = httpx.get(f"{base}/api/proposals/OPDC-1220-489",
                           headers={"Authorization": f"Bearer {signed.json()['token']}"})
        assert status.status_code == 200 and status.json()["stage"] == "closed", status.text
        assert httpx.get(f"{base}/").status_code == 303  # the desk asks to sign in
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    assert not list(tmp_path.glob("cabinet-demo-*")), "the demo's folder is removed at the end"


@pytest.fixture
def server(env_for_cli, tmp_path):
    env = dict(os.environ)
    port, ui_port, http_port = free_ports(3)
    env["CABINET_TEMPORAL_PORT"] = str(port)
    env["CABINET_TEMPORAL_UI_PORT"] = str(ui_port)
    env["CABINET_HTTP_PORT"] = str(http_port)
    process = subprocess.Popen([str(CABINET), "server"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "Press Ctrl-C" in line or process.poll() is not None:
            break
    assert any("Temporal Web UI: http://127.0.0.1:" in line for line in lines), lines
    assert f"HTTP API: http://127.0.0.1:{http_port}/api" in "".join(lines)
    yield env, process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.fixture
def staffed(tmp_path):
    """A server with OPDC's, the Deputy PM's and the PM's heads signed in."""
    yield from running_server(tmp_path, STORE, ("OPDC:head", "DPM:head", "PM:head"))


def test_staff_drive_a_proposal_through_the_running_server(staffed, tmp_path):
    opdc, dpm, pm = (staffed.signed[actor] for actor in ("OPDC:head", "DPM:head", "PM:head"))
    draft = prepare_proposal(staffed.env, tmp_path)
    proposal = start_proposal(opdc, draft)

    endorsed = cabinet(dpm, "proposal", "endorse", proposal, *ENDORSE)
    assert endorsed.returncode == 0, endorsed.stderr
    wrong = cabinet(opdc, "proposal", "submit", proposal,
                    "--doc-number", "นร ๑๒๐๐/๑๑๓", "--doc-date", "๓ กันยายน ๒๕๖๔")
    assert wrong.returncode == 2
    assert "approved_for_submission" in wrong.stderr
    not_pm = cabinet(dpm, "proposal", "approve", proposal, "--doc-date", "๒๖ ส.ค. ๖๔")
    assert not_pm.returncode == 2
    assert "only PM may approve" in not_pm.stderr
    assert "signed in as dpmhead, DPM:head" in not_pm.stderr
    approved = cabinet(pm, "proposal", "approve", proposal, "--doc-date", "๒๖ ส.ค. ๖๔")
    assert approved.returncode == 0, approved.stderr

    status = cabinet(staffed.env, "proposal", "status", proposal, "--json")
    answer = json.loads(status.stdout)
    assert answer["stage"] == "approved_for_submission"
    assert [h["actor"] for h in answer["history"]][:3] == ["OPDC:head", "DPM:head", "PM:head"]
    board = cabinet(staffed.env, "proposals", "--json")
    assert [p["stage"] for p in json.loads(board.stdout)["proposals"]] == [
        "approved_for_submission"]
    refusals = cabinet(staffed.env, "refusals", "--proposal", proposal, "--json")
    assert {(r["step"], r["actor"]) for r in json.loads(refusals.stdout)["refusals"]} >= {
        ("approve", "DPM:head")}  # recorded by the server, not by the client

    assert staffed.process is not None
    staffed.process.process.send_signal(signal.SIGINT)
    assert staffed.process.process.wait(timeout=30) == 0


def test_the_server_serves_the_api_on_loopback(server):
    env, _ = server
    base = f"http://127.0.0.1:{env['CABINET_HTTP_PORT']}/api"
    document = httpx.get(f"{base}/openapi.json", timeout=10).json()
    assert "/api/proposals/{workflow_id}/steps/endorse" in document["paths"]
    refused = httpx.get(f"{base}/agencies", timeout=10)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_cli_says_clearly_when_no_server_is_running(env_for_cli):
    env = dict(os.environ)
    url = f"http://127.0.0.1:{free_port()}"
    env.update({"CABINET_URL": url, "CABINET_TOKEN": "t0ken"})
    # A step is sent to the register's server (status answers from the data folder alone).
    done = cabinet(env, "proposal", "schedule", "OPDC-1-1", "--meeting", "2021-11-09")
    assert done.returncode == 1
    assert f"cannot reach the register's server at {url}" in done.stderr
    assert "cabinet server" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_stops_and_says_so_if_its_dev_server_dies(server):
    env, process = server
    port = env["CABINET_TEMPORAL_PORT"]
    found = subprocess.run(["pgrep", "-f", f"start-dev .*--port {port} "], capture_output=True,
                           text=True, check=False)
    pids = [int(p) for p in found.stdout.split()]
    assert len(pids) == 1, found.stdout
    os.kill(pids[0], signal.SIGKILL)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "dev server exited" in output

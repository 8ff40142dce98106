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
import yaml

from tests.conftest import CASE_FILE
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


def cabinet(env, *argv, stdin=None):
    return subprocess.run([str(CABINET), *argv], env=env, capture_output=True, text=True,
                          input=stdin, timeout=120, check=False)


def test_staff_drive_a_proposal_through_the_running_server(server, tmp_path):
    env, process = server
    case = yaml.safe_load(CASE_FILE.read_text())
    history = tmp_path / "history.yaml"
    history.write_text(yaml.safe_dump({"resolutions": case["resolutions"]}, allow_unicode=True))
    assert cabinet(env, "import", str(history)).returncode == 0
    steps = case["proposals"][0]["steps"]
    draft = dict(steps[0]["step"])
    draft.pop("step")
    (tmp_path / "draft.json").write_text(json.dumps(draft, ensure_ascii=False, default=str))
    started = cabinet(env, "proposal", "start", "--as", "OPDC:head", "--file",
                      str(tmp_path / "draft.json"), "--json")
    assert started.returncode == 0, started.stderr
    proposal = json.loads(started.stdout)["proposal"]

    endorsed = cabinet(env, "proposal", "endorse", proposal, "--as", "DPM:head",
                       "--doc-kind", "stamp", "--doc-date", "๒๕ ส.ค. ๖๔")
    assert endorsed.returncode == 0, endorsed.stderr
    wrong = cabinet(env, "proposal", "submit", proposal, "--as", "OPDC:head",
                    "--doc-number", "นร ๑๒๐๐/๑๑๓", "--doc-date", "๓ กันยายน ๒๕๖๔")
    assert wrong.returncode == 2
    assert "approved_for_submission" in wrong.stderr
    not_pm = cabinet(env, "proposal", "approve", proposal, "--as", "DPM:head",
                     "--doc-date", "๒๖ ส.ค. ๖๔")
    assert not_pm.returncode == 2
    assert "only PM may approve" in not_pm.stderr
    approved = cabinet(env, "proposal", "approve", proposal, "--as", "PM:head",
                       "--doc-date", "๒๖ ส.ค. ๖๔")
    assert approved.returncode == 0, approved.stderr

    status = cabinet(env, "proposal", "status", proposal, "--json")
    assert json.loads(status.stdout)["stage"] == "approved_for_submission"
    board = cabinet(env, "proposals", "--json")
    assert [p["stage"] for p in json.loads(board.stdout)["proposals"]] == [
        "approved_for_submission"]

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0


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
    env["CABINET_TEMPORAL_PORT"] = str(free_port())
    # A step needs the workflow engine (status answers from the register alone).
    done = cabinet(env, "proposal", "schedule", "OPDC-1-1", "--as", "SOC:staff",
                   "--meeting", "2021-11-09")
    assert done.returncode == 1
    assert "cannot reach the Temporal server" in done.stderr
    assert "cabinet server" in done.stderr


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

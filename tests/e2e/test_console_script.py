"""The installed ``cabinet`` script as a process: exit codes and output streams."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASE_FILE

CABINET = Path(sys.executable).parent / "cabinet"


@pytest.fixture
def run_cabinet(env_for_cli):
    env = dict(os.environ)

    def invoke(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CABINET), *argv], capture_output=True, text=True, env=env,
                              timeout=120, check=False)
    return invoke


def test_import_then_ask_as_separate_processes(run_cabinet):
    assert run_cabinet("import", str(CASE_FILE)).returncode == 0
    done = run_cabinet("obligations", "--at", "2021-11-10", "--agency", "OPDC", "--json")
    assert done.returncode == 0
    items = json.loads(done.stdout)["obligations"]
    assert ("2021-11-09", "4") in {(o["resolution"], o["clause"]) for o in items}


def test_bad_input_exits_2_with_the_message_on_stderr_only(run_cabinet):
    done = run_cabinet("due", "--at", "not a date", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--at" in done.stderr


def test_help_exits_0(run_cabinet):
    assert run_cabinet("--help").returncode == 0

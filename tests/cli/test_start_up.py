"""What a register question loads: no aggregate, no structlog; logs still set up when needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

QUESTION = """
import sys
from cli.main import run
code = run(["obligations", "--at", "2021-11-10", "--agency", "OPDC"])
print(code, "domain.register.application" in sys.modules, "structlog" in sys.modules,
      file=sys.stderr)
"""

LOGS = """
from workers.logging import configure_logging
configure_logging("info", "json")
import structlog
structlog.get_logger("t").info("hello", proposal="P-1")
"""


def test_a_register_question_loads_neither_the_aggregates_nor_structlog(cabinet):
    assert cabinet("import", "examples/emenscr-2021.yaml")[0] == 0
    done = subprocess.run([sys.executable, "-c", QUESTION], capture_output=True, text=True,
                          env={**os.environ, "CABINET_ENV": "development"}, check=True)
    assert "5 obligations" in done.stdout
    assert done.stderr.split()[-3:] == ["0", "False", "False"]


def test_logging_set_up_before_structlog_loads_applies_when_it_does():
    done = subprocess.run([sys.executable, "-c", LOGS], capture_output=True, text=True,
                          check=True)
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["event"] == "hello" and line["proposal"] == "P-1" and line["level"] == "info"

"""A question on current views is answered without building the register's application."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from projections.queries import directories, obligations
from workers.bootstrap import open_register

ASK = """
import sys
from datetime import date
from projections.queries import directories, obligations
from workers.bootstrap import open_register
from workers.settings import Settings
system = open_register(Settings.from_env())
agency = directories.require_agency(system, "OPDC")
answer = obligations.in_force(system, date(2021, 11, 10), agency=agency)
print(len(answer.obligations), "domain.register.application" in sys.modules)
system.close()
"""


def test_answers_on_current_views_come_without_the_registers_application(case_system, settings):
    expected = obligations.in_force(case_system, date(2021, 11, 10), agency="OPDC")
    case_system.close()
    reopened = open_register(settings)
    try:
        assert directories.require_agency(reopened, "opdc") == "OPDC"
        answer = obligations.in_force(reopened, date(2021, 11, 10), agency="OPDC")
        assert answer == expected
        assert reopened._register is None
    finally:
        reopened.close()


def test_a_reading_process_imports_no_aggregate(case_system, env_for_cli):
    case_system.close()
    env = {**os.environ, "CABINET_ENV": "development"}
    done = subprocess.run([sys.executable, "-c", ASK], env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["5", "False"]


def test_events_written_by_another_process_are_caught_up_before_answering(system, settings,
                                                                          case):
    reader = open_register(settings)
    try:
        assert not obligations.in_force(reader, date(2021, 11, 10)).obligations
        system.register.import_file(case)
        answer = obligations.in_force(reader, date(2021, 11, 10), agency="OPDC")
        assert len(answer.obligations) == 5
    finally:
        reader.close()

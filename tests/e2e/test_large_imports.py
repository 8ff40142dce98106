"""Imports under load, as separate ``cabinet`` processes: they finish, and count their own.

On PostgreSQL an import of a few thousand events used to hang forever while
holding the events table's lock (psycopg's pipeline mode stopped sending a
batch larger than the socket's buffers), and everything else then waited
behind it. Each run here is bounded by a timeout, so a hang fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest

from tests.conftest import CASE_FILE
from tests.support.large_import import write_large_import
from workers.settings import Settings

CABINET = Path(sys.executable).parent / "cabinet"
LARGE = 1_500
"""Resolutions: about 4,500 events and 17 MB, which hung every time before the fix."""
BOUND_S = 240
"""Far above the import's time here (about 10 s on a busy machine); a hang never ends."""

pytestmark = pytest.mark.slow


def start(argv: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(CABINET), *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def finish(process: subprocess.Popen[str], bound: float = BOUND_S) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"cabinet {' '.join(map(str, process.args[1:]))} "  # type: ignore[index]
                    f"did not finish within {bound} s")
    return process.returncode, out, err


def chain_length() -> int:
    code, out, _ = finish(start(["audit", "verify", "--json"]))
    assert code == 0
    return int(json.loads(out)["checked"])


def test_a_large_import_finishes_and_reports_what_it_wrote(env_for_cli, tmp_path):
    path = write_large_import(tmp_path / "large.json", LARGE)
    started = time.monotonic()
    code, out, err = finish(start(["import", str(path), "--json"]))
    assert code == 0, err
    assert time.monotonic() - started < BOUND_S
    assert json.loads(out)["events"] == chain_length() >= 3 * LARGE


def test_two_concurrent_imports_each_report_their_own_events(env_for_cli, tmp_path):
    # Serials and meeting dates apart: the files share no aggregate, so each
    # writes as many events as the other, whichever commits first.
    first = write_large_import(tmp_path / "first.json", LARGE // 2)
    second = write_large_import(tmp_path / "second.json", LARGE // 2, first=LARGE,
                                first_meeting=date(2011, 1, 4))
    running = [start(["import", str(path), "--json"]) for path in (first, second)]
    reported = []
    try:
        for process in running:
            code, out, err = finish(process)
            assert code == 0, err
            reported.append(json.loads(out)["events"])
    finally:
        # One that hung must not outlive the test: it would hold its locks.
        for process in running:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert reported[0] == reported[1]
    assert sum(reported) == chain_length()


@contextmanager
def holding(settings: Settings, table: str, mode: str) -> Iterator[None]:
    """The case imported, then another session holding ``table`` in ``mode`` until the end."""
    if settings.store != "postgres":
        pytest.skip("lock and statement timeouts are PostgreSQL settings")
    code, _, err = finish(start(["import", str(CASE_FILE)]), bound=120)
    assert code == 0, err
    pg = settings.postgres
    with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                         password=pg.password or None) as conn:
        conn.execute(f'LOCK TABLE "{pg.schema}".{table} IN {mode} MODE')
        yield
        conn.rollback()


@pytest.fixture
def held_events_lock(env_for_cli: Settings) -> Iterator[None]:
    """Another session holding the events table's write lock, as a long import does."""
    with holding(env_for_cli, "register_events", "EXCLUSIVE"):
        yield


def test_a_write_blocked_by_a_held_lock_times_out_with_a_message(held_events_lock):
    started = time.monotonic()
    code, _, err = finish(start(["import", str(CASE_FILE)], CABINET_POSTGRES_LOCK_TIMEOUT="1"),
                          bound=60)
    assert code == 1
    assert "CABINET_POSTGRES_LOCK_TIMEOUT" in err
    assert "Traceback" not in err
    assert time.monotonic() - started < 30


def test_a_read_is_not_blocked_by_a_held_write_lock(held_events_lock):
    # Opening the register no longer runs DDL, which waited behind any writer.
    code, out, err = finish(start(["obligations", "--at", "2021-11-10", "--json"],
                                  CABINET_POSTGRES_LOCK_TIMEOUT="1"), bound=60)
    assert code == 0, err
    assert json.loads(out)["obligations"]


@pytest.fixture
def held_view_write_lock(env_for_cli: Settings) -> Iterator[None]:
    """A projector in the middle of writing the views (their writers' lock on a table)."""
    with holding(env_for_cli, "reg_obligations", "ROW EXCLUSIVE"):
        yield


def test_a_read_is_not_blocked_by_a_projector_writing_the_views(held_view_write_lock):
    # Opening the views once ran CREATE … IF NOT EXISTS, whose lock waits behind any
    # writer of the table; once the views are built, an open only reads the catalogue.
    code, out, err = finish(start(["obligations", "--at", "2021-11-10", "--json"],
                                  CABINET_POSTGRES_LOCK_TIMEOUT="1"), bound=60)
    assert code == 0, err
    assert json.loads(out)["obligations"]

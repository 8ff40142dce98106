"""Audit: the views rebuilt from events match; hand edits to the store are caught.

The tampering goes straight at the database with SQL, behind the register's
back, the way someone with database access would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from workers.bootstrap import replay_views, verify_chain


@contextmanager
def database(settings) -> Iterator[tuple[Any, str, str, str]]:
    """A raw connection, the events table, its id column, and the placeholder."""
    if settings.store == "sqlite":
        connection = sqlite3.connect(settings.sqlite_path)
        try:
            yield connection, "stored_events", "rowid", "?"
            connection.commit()
        finally:
            connection.close()
        return
    pg = settings.postgres
    with psycopg.connect(host=pg.host, port=pg.port, dbname=pg.dbname, user=pg.user,
                         password=pg.password or None, autocommit=True) as pg_connection:
        yield pg_connection, f'"{pg.schema}".register_events', "notification_id", "%s"


def test_views_rebuilt_from_the_events_match_the_live_views(case_system):
    report = replay_views(case_system)
    assert report.ok
    assert report.rows["reg_obligations"] > 0


def test_a_hand_edited_view_row_is_reported_by_replay(case_system):
    table = ("reg_obligations" if case_system.settings.store == "sqlite"
             else f'"{case_system.settings.postgres.schema}".reg_obligations')
    with database(case_system.settings) as (db, *_):
        db.execute(f"UPDATE {table} SET source = 'a forged letter' WHERE clause = '2'")
    report = replay_views(case_system)
    assert not report.ok
    assert [d.table for d in report.differences] == ["reg_obligations"]


def test_an_untouched_chain_verifies(case_system):
    report = verify_chain(case_system)
    assert report.ok
    assert report.checked == case_system.register.recorder.max_notification_id()


def test_an_edited_event_is_named(case_system):
    with database(case_system.settings) as (db, table, ident, mark):
        state = db.execute(f"SELECT state FROM {table} WHERE {ident} = 7").fetchone()[0]
        forged = bytes(state).replace(b"SOC", b"MOI", 1)
        db.execute(f"UPDATE {table} SET state = {mark} WHERE {ident} = 7", (forged,))
    report = verify_chain(case_system)
    assert report.notification_id == 7
    assert "edited" in report.problem


def test_a_deleted_event_is_named(case_system):
    with database(case_system.settings) as (db, table, ident, _):
        db.execute(f"DELETE FROM {table} WHERE {ident} = 12")
    report = verify_chain(case_system)
    assert report.notification_id == 12
    assert "deleted" in report.problem


def test_events_swapped_between_positions_are_named(case_system):
    with database(case_system.settings) as (db, table, ident, mark):
        cols = "originator_id, originator_version, topic, state"
        first = db.execute(f"SELECT {cols} FROM {table} WHERE {ident} = 20").fetchone()
        second = db.execute(f"SELECT {cols} FROM {table} WHERE {ident} = 21").fetchone()
        # Park row 20 out of the way of the primary key, then swap the two.
        db.execute(f"UPDATE {table} SET originator_version = -1 WHERE {ident} = 20")
        for target, row in ((21, first), (20, second)):
            db.execute(f"UPDATE {table} SET originator_id = {mark}, originator_version = {mark}, "
                       f"topic = {mark}, state = {mark} WHERE {ident} = {target}", tuple(row))
    report = verify_chain(case_system)
    assert report.notification_id == 20
    assert "reordered" in report.problem


def test_an_event_inserted_behind_the_registers_back_is_named(case_system):
    with database(case_system.settings) as (db, table, ident, mark):
        cols = "originator_id, originator_version, topic, state"
        row = db.execute(f"SELECT {cols} FROM {table} WHERE {ident} = 3").fetchone()
        forged = (row[0], 99, row[2], row[3])
        db.execute(f"INSERT INTO {table} ({cols}) VALUES ({mark}, {mark}, {mark}, {mark})",
                   forged)
    report = verify_chain(case_system)
    assert report.notification_id == case_system.register.recorder.max_notification_id()
    assert "inserted" in report.problem


def test_a_cut_off_tail_is_caught_by_the_checkpoints_and_the_head_an_auditor_kept(
        case_system, capsys, env_for_cli):
    from cli.main import run

    head = verify_chain(case_system).head
    last = case_system.register.recorder.max_notification_id()
    ledger = ("stored_events_ledger" if case_system.settings.store == "sqlite"
              else f'"{case_system.settings.postgres.schema}".register_events_ledger')
    with database(case_system.settings) as (db, table, ident, _):
        db.execute(f"DELETE FROM {table} WHERE {ident} = {last}")
        db.execute(f"DELETE FROM {ledger} WHERE notification_id = {last}")
    # Consistent, but shorter than the newest signed checkpoint says.
    assert "removed from the end" in verify_chain(case_system).problem
    capsys.readouterr()
    assert run(["audit", "verify", "--expect-head", head]) == 1
    assert "removed from the end" in capsys.readouterr().out
    # Without the checkpoint folder, the head the auditor kept still catches it.
    (case_system.settings.checkpoints_path / "checkpoints.jsonl").unlink()
    with database(case_system.settings) as (db, *_):
        meta = f"{ledger}_meta" if case_system.settings.store == "sqlite" else \
            f'"{case_system.settings.postgres.schema}".register_events_ledger_meta'
        db.execute(f"DELETE FROM {meta}")
    assert verify_chain(case_system).ok
    assert run(["audit", "verify", "--expect-head", head]) == 1
    assert "head is not the one expected" in capsys.readouterr().out


@pytest.mark.parametrize("key", ["another key"])
def test_a_chain_checked_with_another_key_fails(case_system, key):
    recorder = case_system.register.recorder
    recorder.ledger_key = key.encode()
    report = verify_chain(case_system)
    # Named as a wrong key (its fingerprint is kept with the chain), not as event 1 edited.
    assert report.notification_id is None
    assert "another key" in report.problem

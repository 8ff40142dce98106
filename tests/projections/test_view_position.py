"""Views whose tracked position disagrees with their rows or the log are rebuilt, not trusted.

A restored backup, or a hand edit, can leave the position behind the rows the
views hold (applying again would insert rows that are there) or ahead of the
log (new events would be skipped as seen). Either way the next catch-up
rebuilds every read model from the log, and the answers are the right ones.
"""

from __future__ import annotations

from datetime import date

from projections.queries import obligations
from tests.storage.tampering import store
from workers.bootstrap import open_register, replay_views

AT = date(2021, 11, 10)


def answer(system):
    return obligations.in_force(system, AT).model_dump()


def move_position(settings, to: int) -> None:
    with store(settings) as s:
        s.db.execute(f"UPDATE {s.tracking} SET notification_id = {to}")


def test_a_position_behind_the_views_rows_is_rebuilt(case_system, settings):
    expected = answer(case_system)
    move_position(settings, 5)
    reopened = open_register(settings)
    try:
        assert answer(reopened) == expected
        assert replay_views(reopened).ok
    finally:
        reopened.close()


def test_a_position_ahead_of_the_log_is_rebuilt(case_system, settings):
    expected = answer(case_system)
    head = case_system.register.recorder.max_notification_id()
    move_position(settings, head + 1000)
    reopened = open_register(settings)
    try:
        assert answer(reopened) == expected
        assert reopened.view.position(reopened.register.name) <= head
        assert replay_views(reopened).ok
    finally:
        reopened.close()

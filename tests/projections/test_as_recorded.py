"""The second time axis: what the register said at an earlier moment.

The case is replayed with each step recorded on its own day (a clock the test
moves), so "as recorded at" has real history to look back into.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from projections.queries import obligations, resolutions
from tests.support.case_replay import replay_case

ON_10_NOV_2021 = date(2021, 11, 10)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def replayed(system, case, clock):
    replay_case(system, case, clock)
    system.catch_up()
    return system


def in_force(system, on: date, as_recorded: datetime | None):
    return {(r.resolution, r.clause)
            for r in obligations.in_force(system, on, as_recorded=as_recorded).obligations}


def test_on_8_november_2021_the_register_still_said_the_monthly_report_binds(replayed):
    assert ("2016-01-12", "2") in in_force(replayed, ON_10_NOV_2021, at(date(2021, 11, 8)))


def test_on_8_november_2021_the_register_knew_nothing_of_the_new_resolution(replayed):
    assert ("2021-11-09", "1") not in in_force(replayed, ON_10_NOV_2021, at(date(2021, 11, 8)))


def test_once_the_decision_is_recorded_the_monthly_report_is_out_of_force(replayed):
    found = in_force(replayed, ON_10_NOV_2021, at(date(2021, 11, 12)))
    assert ("2016-01-12", "2") not in found
    assert ("2021-11-09", "1") in found


def test_as_recorded_now_agrees_with_the_latest_moment(replayed):
    assert in_force(replayed, ON_10_NOV_2021, None) == in_force(
        replayed, ON_10_NOV_2021, at(date(2026, 1, 1)))


def test_before_anything_was_recorded_the_register_knew_of_no_obligation(replayed):
    assert in_force(replayed, date(2020, 6, 1), at(date(2015, 12, 31))) == set()


def test_the_2016_duty_appears_from_the_day_its_circular_was_recorded(replayed):
    assert ("2016-01-12", "2") in in_force(replayed, date(2016, 2, 1), at(date(2016, 1, 14), 23))


def test_clause_status_as_recorded_before_the_rescission_reads_in_force(replayed):
    then = {c.clause: c.status for c in resolutions.show(
        replayed, date(2016, 1, 12), on=ON_10_NOV_2021, as_recorded=at(date(2021, 11, 8))).clauses}
    now = {c.clause: c.status for c in resolutions.show(
        replayed, date(2016, 1, 12), on=ON_10_NOV_2021).clauses}
    assert then["2"] == "in force"
    assert now["2"] == "rescinded"


def test_the_rescission_is_recorded_on_the_day_of_the_decision(replayed):
    rescission = resolutions.history(replayed, date(2016, 1, 12)).events[-1]
    assert rescission.event == "ClausesRescinded"
    assert rescission.recorded_at.date() == date(2021, 11, 9)

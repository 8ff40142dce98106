"""Duties binding all agencies come from memory; the answer must not change for it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.register.records import ResolutionRecord
from projections import obligations
from projections.obligation_versions import told
from projections.sql import Cursor


def keys(rows) -> set[tuple[str, str, int]]:
    return {(r.resolution, r.clause, r.obligation) for r in rows}


def answers(system, on: date, agency: str, as_recorded=None):
    with system.reading() as cursor:
        shared = obligations.in_force(cursor, on, agency=agency, as_recorded=as_recorded)
        plain = Cursor(cursor.raw, cursor.dialect)  # no context: everything from SQL
        from_sql = obligations.in_force(plain, on, agency=agency, as_recorded=as_recorded)
    return shared, from_sql


def test_the_answer_with_shared_duties_in_memory_equals_the_answer_from_sql(case_system):
    for on in (date(2020, 6, 1), date(2021, 6, 1), date(2021, 11, 10)):
        for agency in ("OPDC", "MOI", "NESDC"):
            shared, from_sql = answers(case_system, on, agency)
            assert keys(shared) == keys(from_sql)
            assert sorted(shared) == sorted(from_sql)


def test_a_new_duty_for_all_agencies_is_in_the_next_answer(case_system, clock):
    before, _ = answers(case_system, date(2022, 3, 2), "MOI")
    clock.now = datetime(2026, 2, 1, tzinfo=UTC)
    case_system.register.record_resolution(ResolutionRecord.model_validate({
        "meeting_date": "2022-03-01", "subject": "a duty for everyone",
        "source": {"kind": "circular", "number": "นร 0505/ว 901", "date": "2022-03-03",
                   "issuer": "SOC"},
        "clauses": [{"number": "1", "summary": "report yearly",
                     "obligations": [{"bearer": "ALL", "summary": "a yearly report",
                                      "recurrence": {"kind": "annual", "quarter": 4}}]}],
    }))
    after, from_sql = answers(case_system, date(2022, 3, 2), "MOI")
    assert ("2022-03-01", "1", 1) not in keys(before)
    assert ("2022-03-01", "1", 1) in keys(after)
    assert keys(after) == keys(from_sql)


def test_as_recorded_answers_also_agree(case_system):
    for moment in (datetime(2025, 12, 31, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)):
        shared, from_sql = answers(case_system, date(2021, 11, 10), "OPDC",
                                   as_recorded=moment)
        assert keys(shared) == keys(from_sql)
    assert len(shared) == 5  # recorded by then: the five duties binding OPDC that day


def test_told_answers_agree_with_rows_told_from_sql(case_system):
    """The shared duties are told once per state of the view; an answer told that way
    equals one whose every row is read and told from SQL (tests/projections/
    test_changes_over_time.py asks about duties binding all agencies that were cut and
    amended, where telling changes a row)."""
    for on, as_recorded in ((date(2020, 6, 1), None), (date(2021, 11, 10), None),
                            (date(2021, 11, 10), datetime(2026, 6, 1, tzinfo=UTC))):
        for agency in ("OPDC", "MOI", "NESDC"):
            with case_system.reading() as cursor:
                shared = obligations.in_force(cursor, on, agency=agency,
                                              as_recorded=as_recorded, tell=told)
                plain = Cursor(cursor.raw, cursor.dialect)
                from_sql = told(plain, obligations.in_force(plain, on, agency=agency,
                                                            as_recorded=as_recorded))
            assert sorted(shared) == sorted(from_sql)

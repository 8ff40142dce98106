"""The reference case's answers, through the query layer on a real store.

Each test is one row of CASE.md's "Obligations in force" table or one of its
due-date answers; the register has the whole case imported from
examples/emenscr-2021.yaml.
"""

from __future__ import annotations

from datetime import date

from projections.due import DueRow
from projections.obligation_rows import ObligationRow
from projections.queries import due, obligations, resolutions
from workers.bootstrap import RegisterSystem

MONTHLY_2016 = ("2016-01-12", "2")
COMPILATION_2018 = ("2018-02-20", "1")
M1_M5 = ("2021-05-18", "1")
M6 = ("2021-05-18", "2")
EMENSCR_MAIN = ("2021-11-09", "1")
OPDC_USES_EMENSCR = ("2021-11-09", "4")


def in_force(system: RegisterSystem, on: date, agency: str | None = None
             ) -> list[ObligationRow]:
    return obligations.in_force(system, on, agency=agency).obligations


def keys(rows: list[ObligationRow]) -> set[tuple[str, str]]:
    return {(r.resolution, r.clause) for r in rows}


def test_on_1_june_2020_the_monthly_report_and_opdcs_compilation_bind(case_system):
    assert keys(in_force(case_system, date(2020, 6, 1))) == {MONTHLY_2016, COMPILATION_2018}


def test_on_1_june_2020_nothing_from_2021_is_in_force(case_system):
    rows = in_force(case_system, date(2020, 6, 1))
    assert rows
    assert all(r.resolution < "2021" for r in rows)


def test_on_1_june_2021_the_old_duties_and_the_eMENSCR_reporting_duties_bind(case_system):
    assert keys(in_force(case_system, date(2021, 6, 1))) == {
        MONTHLY_2016, COMPILATION_2018, M1_M5, M6}


def test_on_1_june_2021_eMENSCR_is_not_yet_the_main_system(case_system):
    assert EMENSCR_MAIN not in keys(in_force(case_system, date(2021, 6, 1)))


def test_on_10_november_2021_the_new_regime_binds(case_system):
    found = keys(in_force(case_system, date(2021, 11, 10)))
    assert {EMENSCR_MAIN, M1_M5, M6, OPDC_USES_EMENSCR} <= found


def test_on_10_november_2021_both_rescinded_clauses_are_out_of_force(case_system):
    found = keys(in_force(case_system, date(2021, 11, 10)))
    assert MONTHLY_2016 not in found
    assert COMPILATION_2018 not in found


def test_the_rescinded_duties_end_on_the_meeting_day_of_the_rescinding_resolution(case_system):
    rows = {(r.resolution, r.clause): r for r in in_force(case_system, date(2021, 11, 8))}
    assert rows[MONTHLY_2016].in_force_until == "2021-11-09"
    assert rows[MONTHLY_2016].ended_by == "resolution of 2021-11-09, item 2"
    assert rows[COMPILATION_2018].ended_by == "resolution of 2021-11-09, item 3"


def test_opdcs_own_duty_and_the_duties_binding_all_agencies_are_opdcs(case_system):
    rows = in_force(case_system, date(2021, 11, 10), agency="OPDC")
    assert {r.bearer for r in rows} == {"OPDC", "ALL"}
    assert OPDC_USES_EMENSCR in keys(rows)


def test_an_agency_does_not_see_another_agencys_own_duty(case_system):
    rows = in_force(case_system, date(2020, 6, 1), agency="MOI")
    assert keys(rows) == {MONTHLY_2016}


def test_each_obligation_names_its_source_document_as_written(case_system):
    rows = {(r.resolution, r.clause): r for r in in_force(case_system, date(2020, 6, 1))}
    assert rows[MONTHLY_2016].source == "นร ๐๕๐๕/ว ๘"
    assert rows[COMPILATION_2018].source == "นร ๐๕๐๗/ว ๑๐๖"


def test_the_2021_resolution_cites_its_notifying_circular(case_system):
    rows = {(r.resolution, r.clause): r for r in in_force(case_system, date(2021, 11, 10))}
    assert rows[EMENSCR_MAIN].source == "นร ๐๕๐๕/ว ๓๔๐๗"


def _due(system: RegisterSystem, on: date, agency: str) -> dict[str, DueRow]:
    return {r.summary: r for r in due.due(system, on, agency=agency).due}


def test_as_of_1_june_2020_the_monthly_report_is_due_on_friday_5_june(case_system):
    monthly = next(r for r in _due(case_system, date(2020, 6, 1), "MOI").values()
                   if r.resolution == "2016-01-12")
    assert (monthly.due, monthly.deadline) == ("2020-06-05", "2020-06-05")
    assert "moved_by" not in monthly.model_dump()


def test_as_of_15_december_2021_m6_for_q1_fy2565_is_due_30_january_by_the_count(case_system):
    m6 = next(r for r in _due(case_system, date(2021, 12, 15), "MOI").values()
              if (r.resolution, r.clause) == M6)
    assert m6.period.startswith("Q1 FY2565")
    assert m6.due == "2022-01-30"


def test_as_of_15_december_2021_the_holiday_rule_moves_m6_to_monday_31_january(case_system):
    m6 = next(r for r in _due(case_system, date(2021, 12, 15), "MOI").values()
              if (r.resolution, r.clause) == M6)
    assert m6.deadline == "2022-01-31"
    assert "193/8" in m6.moved_by
    assert "Sunday" in m6.moved_by


def test_as_of_15_december_2021_the_monthly_report_is_no_longer_due(case_system):
    rows = _due(case_system, date(2021, 12, 15), "MOI").values()
    assert M6 in {(r.resolution, r.clause) for r in rows}
    assert all(r.resolution != "2016-01-12" for r in rows)


def test_a_declared_special_holiday_moves_a_deadline(case_system):
    from domain.permissions import Actor
    from domain.register.records import HolidayRecord

    case_system.register.declare_holiday(HolidayRecord.model_validate({
        "date": "2020-06-05", "name": "special holiday",
        "source": {"kind": "circular", "number": "นร 0505/ว 99", "date": "2020-05-20",
                   "issuer": "SOC"}}), Actor(agency="SOC"))
    monthly = next(r for r in _due(case_system, date(2020, 6, 1), "MOI").values()
                   if r.resolution == "2016-01-12")
    assert monthly.deadline == "2020-06-08"
    assert "special holiday" in monthly.moved_by


def test_clause_status_names_the_rescinding_resolution_and_item(case_system):
    answer = resolutions.show(case_system, date(2016, 1, 12), on=date(2021, 11, 10))
    status = {c.clause: c for c in answer.clauses}
    assert status["1"].status == "in force"
    assert status["2"].status == "rescinded"
    assert status["2"].ended_by == "resolution of 2021-11-09, item 2"
    # Each clause with its full text as the resolution recorded it.
    assert status["1"].text == "ให้ทุกส่วนราชการดำเนินนโยบายต่าง ๆ โดยใช้กลไกประชารัฐในการขับเคลื่อน"
    assert status["2"].text is not None and "ภายในวันที่ ๕ ของทุกเดือน" in status["2"].text


def test_clause_status_before_the_rescission_is_in_force(case_system):
    answer = resolutions.show(case_system, date(2016, 1, 12), on=date(2021, 11, 8))
    status = {c.clause: c for c in answer.clauses}
    assert status["2"].status == "in force"


def test_diff_across_the_meeting_shows_what_came_and_went(case_system):
    change = obligations.diff(case_system, date(2021, 11, 8), date(2021, 11, 10))
    assert keys(change.went_out_of_force) == {MONTHLY_2016, COMPILATION_2018}
    assert {EMENSCR_MAIN, OPDC_USES_EMENSCR} <= keys(change.came_into_force)

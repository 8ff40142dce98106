"""Corrections of the directories, never overwrites: revoke or move a holiday, rename an agency.

Each correction is an event with its own document, actor and reason; history
shows it beside what it corrects, and every answer uses the corrected state,
while an answer as recorded before the correction still sees the old one.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.errors import HolidayNotDeclared, UnknownAgency
from domain.permissions import Actor
from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from domain.register.records import HolidayRecord
from domain.values import SourceDocument
from projections import holidays
from projections.queries import directories
from tests.support.in_memory import log_length

SOC = Actor.parse("SOC:staff")


def circular(number: int, dated: str = "2026-11-02") -> SourceDocument:
    return SourceDocument.model_validate({"kind": "circular", "number": f"นร 0505/ว {number}",
                                          "date": dated, "issuer": "SOC"})


@pytest.fixture
def declared(case_system, clock):
    clock.now = datetime.fromisoformat("2026-11-02T03:00:00+00:00")
    case_system.register.declare_holiday(HolidayRecord(
        date=date(2026, 11, 23), name="special holiday", source=circular(700)), SOC)
    clock.now = datetime.fromisoformat("2026-11-05T03:00:00+00:00")
    return case_system


def listed(system) -> dict[str, tuple[str, str]]:
    return {row.day: (row.name, row.source)
            for row in directories.declared_holidays(system).holidays}


def test_a_declared_holiday_is_listed_with_its_document(declared):
    assert listed(declared) == {"2026-11-23": ("special holiday", "นร 0505/ว 700")}


def test_a_revoked_holiday_leaves_every_answer_but_stays_in_history(declared):
    declared.register.revoke_holiday(HolidayRevocation(
        date=date(2026, 11, 23), reason="declared by mistake", source=circular(701)), SOC)
    assert listed(declared) == {}
    with declared.view.reading() as cursor:
        assert holidays.declared(cursor) == {}
        as_before = holidays.declared(cursor, datetime.fromisoformat("2026-11-03T00:00:00+00:00"))
    assert as_before == {date(2026, 11, 23): "special holiday"}
    events = directories.holiday_history(declared).events
    assert [e.event for e in events][-2:] == ["HolidayDeclared", "HolidayRevoked"]
    revoked = events[-1]
    assert (revoked.actor, revoked.document, revoked.reason) == (
        "SOC:staff", "นร 0505/ว 701 of 2026-11-02 (SOC)", "declared by mistake")
    assert "2026-11-23" in revoked.detail


def test_a_moved_holiday_keeps_its_name_on_its_new_day(declared):
    declared.register.move_holiday(HolidayMove(
        date=date(2026, 11, 23), to=date(2026, 11, 27), reason="the wrong Monday",
        source=circular(702)), SOC)
    assert listed(declared) == {"2026-11-27": ("special holiday", "นร 0505/ว 702")}
    moved = directories.holiday_history(declared).events[-1]
    assert moved.event == "HolidayMoved"
    assert "2026-11-23" in moved.detail and "2026-11-27" in moved.detail
    assert moved.reason == "the wrong Monday"


def test_a_correction_retried_records_nothing_more(declared):
    revocation = HolidayRevocation(date=date(2026, 11, 23), reason="declared by mistake",
                                   source=circular(701))
    declared.register.revoke_holiday(revocation, SOC)
    before = log_length(declared)
    declared.register.revoke_holiday(revocation, SOC)
    assert log_length(declared) == before


def test_revoking_a_day_never_declared_is_refused(declared):
    before = log_length(declared)
    with pytest.raises(HolidayNotDeclared) as caught:
        declared.register.revoke_holiday(HolidayRevocation(
            date=date(2026, 11, 24), reason="typo", source=circular(703)), SOC)
    assert caught.value.field == "date"
    assert "2026-11-23" in caught.value.message
    assert log_length(declared) == before


def test_an_agency_s_names_are_corrected_with_a_reason(case_system):
    case_system.register.rename_agency(AgencyRename(
        code="OPDC", name_th="สำนักงานคณะกรรมการพัฒนาระบบราชการ",
        name_en="Office of the Public Sector Development Commission",
        reason="the full Thai name", source=circular(704)), SOC)
    names = {row.code: (row.name_th, row.source) for row in
             directories.agencies(case_system).directory}
    assert names["OPDC"] == ("สำนักงานคณะกรรมการพัฒนาระบบราชการ", "นร 0505/ว 704")
    renamed = directories.agency_history(case_system).events[-1]
    assert (renamed.event, renamed.reason) == ("AgencyRenamed", "the full Thai name")
    assert "OPDC" in renamed.detail


def test_renaming_an_agency_the_register_does_not_know_is_refused(case_system):
    with pytest.raises(UnknownAgency) as caught:
        case_system.register.rename_agency(AgencyRename(
            code="MOJX", name_th="x", name_en="x", reason="r", source=circular(705)), SOC)
    assert caught.value.field == "code"


def test_a_year_lists_official_and_declared_days_with_where_each_comes_from(declared):
    answer = directories.declared_holidays(declared, year=2026)
    days = {(d.day, d.comes_from) for d in answer.days}
    assert ("2026-11-23", "declared by นร 0505/ว 700") in days
    songkran = [d for d in answer.days if d.day == "2026-04-13"]
    assert songkran and songkran[0].comes_from.startswith("the holidays package ")
    assert all(d.day.startswith("2026-") for d in answer.days)
    assert [d.day for d in answer.days] == sorted(d.day for d in answer.days)

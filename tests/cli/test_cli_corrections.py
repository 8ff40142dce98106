"""Corrections of the directories from the ``cabinet`` command, and a year's holidays.

The Secretariat's staff, signed in to a real server, declare, move and revoke
holidays and rename an agency; the history names the signed-in actor. The
module's tests share one server, so each declares a day of its own.
"""

from __future__ import annotations

import json
from itertools import count

import pytest

NUMBERS = count(700)


@pytest.fixture
def soc(desks):
    return desks.as_("SOC:staff")


@pytest.fixture
def declare(soc):
    def declared(day: str) -> str:
        number = f"นร 0505/ว {next(NUMBERS)}"
        code, _, err = soc("holiday", "add", day, "special holiday", "--source-number",
                           number, "--source-date", "2026-11-02")
        assert code == 0, err
        return number
    return declared


def test_a_holiday_moved_then_revoked_with_documents_and_reasons(soc, declare):
    declare("2026-11-23")
    code, out, err = soc("holiday", "move", "2026-11-23", "--to", "2026-11-27",
                         "--reason", "the wrong Monday", "--source-number",
                         "นร 0505/ว 801", "--source-date", "2026-11-03")
    assert code == 0, err
    assert "2026-11-27" in out
    code, out, _ = soc("holiday", "list", "--json")
    days = [h["day"] for h in json.loads(out)["holidays"]]
    assert "2026-11-27" in days and "2026-11-23" not in days
    code, out, err = soc("holiday", "revoke", "2026-11-27", "--reason", "not needed",
                         "--source-number", "นร 0505/ว 802", "--source-date", "2026-11-04")
    assert code == 0, err
    code, out, _ = soc("holiday", "history", "--json")
    events = json.loads(out)["events"]
    assert [e["event"] for e in events][-3:] == [
        "HolidayDeclared", "HolidayMoved", "HolidayRevoked"]
    assert events[-1]["reason"] == "not needed"
    assert {e["actor"] for e in events[-3:]} == {"SOC:staff"}
    code, out, _ = soc("holiday", "history")
    assert "not needed" in out


def test_revoking_a_day_never_declared_names_the_date(soc, declare):
    declare("2026-12-07")
    code, _, err = soc("holiday", "revoke", "2026-12-08", "--reason", "typo",
                       "--source-number", "นร 0505/ว 803", "--source-date", "2026-11-04")
    assert code != 0
    assert "2026-12-08" in err and "Traceback" not in err


def test_a_year_lists_official_days_and_declared_ones_with_their_source(soc, declare):
    number = declare("2026-12-14")
    code, out, err = soc("holiday", "list", "--year", "2026", "--json")
    assert code == 0, err
    days = {d["day"]: d["comes_from"] for d in json.loads(out)["days"]}
    assert days["2026-12-14"] == f"declared by {number}"
    assert days["2026-04-13"].startswith("the holidays package ")
    code, out, _ = soc("holiday", "list", "--year", "2026")
    assert "the holidays package" in out and f"declared by {number}" in out


def test_an_agency_renamed_shows_its_new_names(soc):
    code, _, err = soc("agency", "rename", "OPDC", "--name-th", "สำนักงาน ก.พ.ร. (แก้ไข)",
                       "--name-en", "OPDC, corrected", "--reason", "a slip",
                       "--source-number", "นร 0505/ว 804", "--source-date", "2026-11-04")
    assert code == 0, err
    code, out, _ = soc("agency", "list", "--json")
    opdc = next(a for a in json.loads(out)["directory"] if a["code"] == "OPDC")
    assert (opdc["name_en"], opdc["source"]) == ("OPDC, corrected", "นร 0505/ว 804")
    code, out, _ = soc("agency", "history", "--json")
    last = json.loads(out)["events"][-1]
    assert (last["reason"], last["actor"]) == ("a slip", "SOC:staff")


def test_a_correction_by_another_agency_is_refused_and_changes_nothing(desks, declare):
    declare("2026-12-21")
    code, _, err = desks.as_("MOI:head")("holiday", "revoke", "2026-12-21", "--reason", "x",
                                         "--source-date", "2026-11-04")
    assert code == 2
    assert "MOI:head" in err and "Traceback" not in err
    code, out, _ = desks.as_("SOC:staff")("holiday", "list", "--json")
    assert "2026-12-21" in [h["day"] for h in json.loads(out)["holidays"]]

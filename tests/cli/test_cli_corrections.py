"""Corrections of the directories from the ``cabinet`` command, and a year's holidays."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def declared(cabinet):
    code, _, err = cabinet("holiday", "add", "2026-11-23", "special holiday",
                           "--source-number", "นร 0505/ว 700", "--source-date", "2026-11-02",
                           "--as", "SOC:staff")
    assert code == 0, err
    return cabinet


def test_a_holiday_moved_then_revoked_with_documents_and_reasons(declared):
    code, out, err = declared("holiday", "move", "2026-11-23", "--to", "2026-11-27",
                              "--reason", "the wrong Monday", "--source-number",
                              "นร 0505/ว 701", "--source-date", "2026-11-03",
                              "--as", "SOC:staff")
    assert code == 0, err
    assert "2026-11-27" in out
    code, out, _ = declared("holiday", "list", "--json")
    assert [h["day"] for h in json.loads(out)["holidays"]] == ["2026-11-27"]
    code, out, err = declared("holiday", "revoke", "2026-11-27", "--reason", "not needed",
                              "--source-number", "นร 0505/ว 702", "--source-date",
                              "2026-11-04", "--as", "SOC:staff")
    assert code == 0, err
    code, out, _ = declared("holiday", "history", "--json")
    events = json.loads(out)["events"]
    assert [e["event"] for e in events] == [
        "Opened", "HolidayDeclared", "HolidayMoved", "HolidayRevoked"]
    assert events[-1]["reason"] == "not needed"
    code, out, _ = declared("holiday", "history")
    assert "not needed" in out


def test_revoking_a_day_never_declared_names_the_date(declared):
    code, _, err = declared("holiday", "revoke", "2026-11-24", "--reason", "typo",
                            "--source-number", "นร 0505/ว 703", "--source-date", "2026-11-04",
                            "--as", "SOC:staff")
    assert code != 0
    assert "2026-11-24" in err and "Traceback" not in err


def test_a_year_lists_official_days_and_declared_ones_with_their_source(declared):
    code, out, err = declared("holiday", "list", "--year", "2026", "--json")
    assert code == 0, err
    days = {d["day"]: d["comes_from"] for d in json.loads(out)["days"]}
    assert days["2026-11-23"] == "declared by นร 0505/ว 700"
    assert days["2026-04-13"].startswith("the holidays package ")
    code, out, _ = declared("holiday", "list", "--year", "2026")
    assert "the holidays package" in out and "declared by นร 0505/ว 700" in out


def test_an_agency_renamed_shows_its_new_names(cabinet):
    code, _, err = cabinet("agency", "rename", "OPDC", "--name-th", "สำนักงาน ก.พ.ร. (แก้ไข)",
                           "--name-en", "OPDC, corrected", "--reason", "a slip",
                           "--source-number", "นร 0505/ว 704", "--source-date", "2026-11-04",
                           "--as", "SOC:staff")
    assert code == 0, err
    code, out, _ = cabinet("agency", "list", "--json")
    opdc = next(a for a in json.loads(out)["directory"] if a["code"] == "OPDC")
    assert (opdc["name_en"], opdc["source"]) == ("OPDC, corrected", "นร 0505/ว 704")
    code, out, _ = cabinet("agency", "history", "--json")
    assert json.loads(out)["events"][-1]["reason"] == "a slip"

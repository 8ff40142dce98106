"""The official holidays deadlines move over, pinned: an upgrade that changes one fails here.

The table was written once from the pinned ``holidays`` package (see pyproject.toml)
and checked against known facts (below); it is data, not generated at test time.
A deadline the register has already given moves only if the table is changed on
purpose, with the reason in the commit.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest

from domain.paperwork.calendar import HolidayCalendar, _office_holidays

TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "thai_office_holidays_2016_2026.csv"
YEARS = range(2016, 2027)


def _table() -> dict[int, dict[date, tuple[str, str]]]:
    by_year: dict[int, dict[date, tuple[str, str]]] = {year: {} for year in YEARS}
    with TABLE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            day = date.fromisoformat(row["date"])
            by_year[day.year][day] = (row["name"], row["kind"])
    return by_year


def test_the_holidays_package_is_pinned_exactly():
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert f'"holidays=={version("holidays")}"' in pyproject


@pytest.mark.parametrize("year", YEARS)
def test_office_holidays_are_those_of_the_table(year):
    assert dict(_office_holidays(year)) == _table()[year]


def test_2020s_postponed_songkran():
    # Songkran 2020 was postponed for COVID-19: 13-15 April were working days, and
    # the days were given in lieu on 27 July, 4 September and 7 September.
    calendar = HolidayCalendar()
    assert all(calendar.is_working_day(date(2020, 4, d)) for d in (13, 14, 15))
    for day in (date(2020, 7, 27), date(2020, 9, 4), date(2020, 9, 7)):
        assert "Songkran" in (calendar.holiday_name(day) or "")


def test_officials_work_on_labour_day_and_rest_on_the_ploughing_ceremony():
    table = _table()
    assert all(date(year, 5, 1) not in table[year] for year in YEARS)
    ploughing = [d for days in table.values() for d, (name, kind) in days.items()
                 if name == "Royal Ploughing Ceremony"]
    assert len(ploughing) == len(YEARS)
    assert all(table[d.year][d][1] == "government holiday" for d in ploughing)


@pytest.mark.parametrize("year", YEARS)
def test_every_year_has_new_year_songkran_or_its_days_in_lieu_and_constitution_day(year):
    days = _table()[year]
    assert days[date(year, 1, 1)][0].startswith("New Year's Day")
    assert days[date(year, 12, 10)][0].startswith("Constitution Day")
    assert sum("Songkran" in name for name, _ in days.values()) >= 3

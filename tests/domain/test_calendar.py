"""Government working days and the fiscal year (domain.paperwork.calendar, .fiscal)."""

from datetime import date, datetime

import holidays
import pytest

from domain.errors import InvalidInput
from domain.paperwork.calendar import HolidayCalendar
from domain.paperwork.fiscal import (
    fiscal_quarter,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    format_date,
    quarter_bounds,
    quarter_label,
)

CALENDAR = HolidayCalendar()
SPECIAL = "Special holiday to stimulate tourism"
DECLARED = HolidayCalendar({date(2020, 6, 5): SPECIAL})


# --- fiscal year -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 10, 1), 2565),
        (date(2021, 9, 30), 2564),
        (date(2022, 1, 15), 2565),
        (date(2022, 9, 30), 2565),
    ],
)
def test_fiscal_year_is_named_by_its_be_end_year(day, expected):
    assert fiscal_year(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 10, 1), (2565, 1)),
        (date(2021, 12, 31), (2565, 1)),
        (date(2022, 1, 1), (2565, 2)),
        (date(2022, 3, 31), (2565, 2)),
        (date(2022, 4, 1), (2565, 3)),
        (date(2022, 6, 30), (2565, 3)),
        (date(2022, 7, 1), (2565, 4)),
        (date(2022, 9, 30), (2565, 4)),
    ],
)
def test_fiscal_quarter(day, expected):
    assert fiscal_quarter(day) == expected


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (1, (date(2021, 10, 1), date(2021, 12, 31))),
        (2, (date(2022, 1, 1), date(2022, 3, 31))),
        (3, (date(2022, 4, 1), date(2022, 6, 30))),
        (4, (date(2022, 7, 1), date(2022, 9, 30))),
    ],
)
def test_quarter_bounds_of_fy2565(quarter, expected):
    assert quarter_bounds(2565, quarter) == expected


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2565) == (date(2021, 10, 1), date(2022, 9, 30))


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (1, "Q1 FY2565 (1 Oct – 31 Dec 2021)"),
        (4, "Q4 FY2565 (1 Jul – 30 Sep 2022)"),
    ],
)
def test_quarter_label(quarter, expected):
    assert quarter_label(2565, quarter) == expected


def test_fiscal_year_label():
    assert fiscal_year_label(2565) == "FY2565 (1 Oct 2021 – 30 Sep 2022)"


def test_format_date():
    assert format_date(date(2022, 1, 30)) == "30 Jan 2022"


@pytest.mark.parametrize("quarter", [0, 5, True])
def test_quarter_outside_1_to_4_is_refused(quarter):
    with pytest.raises(InvalidInput) as refused:
        quarter_bounds(2565, quarter)
    assert refused.value.field == "quarter"


@pytest.mark.parametrize("fy_be", [65, 2022.0, 20000])
def test_fiscal_year_that_is_no_be_year_is_refused(fy_be):
    with pytest.raises(InvalidInput) as refused:
        fiscal_year_bounds(fy_be)
    assert refused.value.field == "fiscal_year"


# --- official holidays -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 12, 31), "New Year's Eve"),
        (date(2022, 1, 1), "New Year's Day"),
        (date(2022, 1, 3), "New Year's Day (in lieu)"),
        (date(2020, 6, 3), "HM Queen Suthida's Birthday"),
        (date(2022, 5, 13), "Royal Ploughing Ceremony"),
        (date(2020, 6, 5), None),
        (date(2022, 1, 30), None),
    ],
    ids=str,
)
def test_holiday_name(day, expected):
    assert CALENDAR.holiday_name(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 6, 5), True),
        (date(2022, 1, 31), True),
        (date(2021, 12, 31), False),
        (date(2022, 1, 3), False),
        (date(2022, 1, 29), False),
        (date(2022, 1, 30), False),
        (date(2022, 5, 13), False),
    ],
    ids=str,
)
def test_is_working_day(day, expected):
    assert CALENDAR.is_working_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 1, 29), "Saturday"),
        (date(2022, 1, 30), "Sunday"),
        (date(2021, 12, 31), "New Year's Eve (public holiday)"),
        (date(2022, 1, 1), "New Year's Day (public holiday)"),
        (date(2022, 5, 13), "Royal Ploughing Ceremony (government holiday)"),
        (date(2020, 6, 5), None),
    ],
    ids=str,
)
def test_why_not_working(day, expected):
    assert CALENDAR.why_not_working(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 6, 5), date(2020, 6, 5)),
        (date(2022, 1, 30), date(2022, 1, 31)),
        (date(2021, 12, 31), date(2022, 1, 4)),
        (date(2022, 5, 13), date(2022, 5, 17)),
    ],
    ids=str,
)
def test_next_working_day(day, expected):
    assert CALENDAR.next_working_day(day) == expected


# --- National Labour Day: a public holiday in `holidays`, but offices open ---


def test_holidays_package_lists_labour_day_in_lieu_as_public():
    public = holidays.Thailand(years=2022, categories="public", language="en_US")
    assert public.get(date(2022, 5, 2)) == "National Labor Day (in lieu)"


@pytest.mark.parametrize("day", [date(2020, 5, 1), date(2022, 5, 2)], ids=str)
def test_labour_day_and_its_in_lieu_day_are_working_days(day):
    assert CALENDAR.is_working_day(day)


# --- holidays the cabinet declares -----------------------------------------


def test_declared_holiday_has_its_name():
    assert DECLARED.holiday_name(date(2020, 6, 5)) == SPECIAL


def test_declared_holiday_is_not_a_working_day():
    assert not DECLARED.is_working_day(date(2020, 6, 5))


def test_declared_holiday_explains_who_declared_it():
    assert DECLARED.why_not_working(date(2020, 6, 5)) == f"{SPECIAL} (declared by the cabinet)"


def test_declared_name_wins_over_the_official_one():
    calendar = HolidayCalendar({date(2021, 12, 31): SPECIAL})
    assert calendar.holiday_name(date(2021, 12, 31)) == SPECIAL


def test_declared_holiday_on_a_weekend_is_named():
    calendar = HolidayCalendar({date(2022, 1, 29): SPECIAL})
    assert calendar.holiday_name(date(2022, 1, 29)) == SPECIAL


def test_with_extra_adds_to_the_new_calendar():
    assert not CALENDAR.with_extra({date(2020, 6, 5): SPECIAL}).is_working_day(date(2020, 6, 5))


def test_with_extra_leaves_the_original_calendar_alone():
    CALENDAR.with_extra({date(2020, 6, 5): SPECIAL})
    assert CALENDAR.is_working_day(date(2020, 6, 5))


def test_with_extra_keeps_earlier_declarations():
    later = DECLARED.with_extra({date(2020, 6, 4): "Another day"})
    assert later.holiday_name(date(2020, 6, 5)) == SPECIAL


def test_with_extra_redeclared_date_takes_the_new_name():
    later = DECLARED.with_extra({date(2020, 6, 5): "Renamed"})
    assert later.holiday_name(date(2020, 6, 5)) == "Renamed"


def test_calendars_with_the_same_declarations_are_equal():
    assert HolidayCalendar({date(2020, 6, 5): SPECIAL}) == DECLARED


def test_equal_calendars_hash_alike():
    assert hash(HolidayCalendar({date(2020, 6, 5): SPECIAL})) == hash(DECLARED)


def test_calendar_cannot_be_changed():
    with pytest.raises(AttributeError):
        CALENDAR._extra = {}


def test_declared_holidays_cannot_be_changed_through_extra():
    with pytest.raises(TypeError):
        DECLARED.extra[date(2020, 6, 8)] = "Sneaked in"


def test_changing_the_source_mapping_does_not_change_the_calendar():
    source = {date(2020, 6, 5): SPECIAL}
    calendar = HolidayCalendar(source)
    source[date(2020, 6, 8)] = "Added later"
    assert calendar.is_working_day(date(2020, 6, 8))


# --- refusals ---------------------------------------------------------------


@pytest.mark.parametrize("value", [datetime(2020, 6, 5, 9, 0), "2020-06-05"], ids=repr)
def test_a_value_that_is_not_a_date_is_refused(value):
    with pytest.raises(InvalidInput) as refused:
        CALENDAR.is_working_day(value)
    assert refused.value.field == "date"


@pytest.mark.parametrize("name", ["", "   ", None], ids=repr)
def test_declared_holiday_without_a_name_is_refused(name):
    with pytest.raises(InvalidInput) as refused:
        HolidayCalendar({date(2020, 6, 5): name})
    assert refused.value.field == "extra.2020-06-05"


def test_declared_holiday_on_a_datetime_is_refused():
    with pytest.raises(InvalidInput) as refused:
        HolidayCalendar({datetime(2020, 6, 5, 0, 0): SPECIAL})
    assert refused.value.field == "extra.2020-06-05 00:00:00"

"""Every form of date staff write, read by one rule wherever a date is taken (issue 7)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import BaseModel, ValidationError

from domain.errors import InvalidDate
from domain.paperwork.fields import ThaiDate
from domain.paperwork.thai_dates import be_year, format_thai_date, parse_date, parse_datetime
from domain.process.steps import Schedule
from domain.register.recurrence import RecurrenceAdapter
from domain.values import SourceDocument

NINE_NOVEMBER_2021 = date(2021, 11, 9)  # a Tuesday


@pytest.mark.parametrize("text", [
    "๙ พฤศจิกายน พุทธศักราช ๒๕๖๔",
    "วันที่ 9 เดือนพฤศจิกายน พ.ศ. 2564",
    "วันที่ ๙ เดือน พฤศจิกายน พ.ศ. ๒๕๖๔",
    "วันอังคารที่ ๙ พฤศจิกายน ๒๕๖๔",
    "วันอังคาร ที่ 9 พ.ย. 64",
    "วันอังคาร ๙ พฤศจิกายน ๒๕๖๔",
    "9/11/2564",
    "๙/๑๑/๒๕๖๔",
    "09/11/64",
    "9 พฤศจิกายน ค.ศ. 2021",
])
def test_the_forms_staff_write(text):
    assert parse_date(text) == NINE_NOVEMBER_2021


def test_a_weekday_that_does_not_fit_the_date_is_refused():
    with pytest.raises(InvalidDate, match="อังคาร"):
        parse_date("วันพุธที่ ๙ พฤศจิกายน ๒๕๖๔", field="date")


def test_an_unknown_weekday_is_refused():
    with pytest.raises(InvalidDate, match="weekday"):
        parse_date("วันหยุดที่ ๙ พฤศจิกายน ๒๕๖๔")


def test_a_christian_year_after_slashes_is_refused_as_possibly_month_first():
    with pytest.raises(InvalidDate, match=r"B\.E\."):
        parse_date("11/9/2021")


class _Dated(BaseModel):
    day: ThaiDate


@pytest.mark.parametrize("value", [86400, 1636416000.0, "1636416000", True,
                                   date(2563, 7, 14), "2563-07-14",
                                   datetime(2021, 11, 9, 10, 0)])
def test_the_date_type_refuses_numbers_and_buddhist_years_in_iso_form(value):
    with pytest.raises(ValidationError) as caught:
        _Dated(day=value)
    assert caught.value.errors()[-1]["type"] == "value_error"


def test_the_date_type_reads_stored_iso_and_every_thai_form():
    assert _Dated.model_validate_json('{"day": "2021-11-09"}').day == NINE_NOVEMBER_2021
    assert _Dated(day=NINE_NOVEMBER_2021).day == NINE_NOVEMBER_2021
    assert _Dated(day="๙/๑๑/๒๕๖๔").day == NINE_NOVEMBER_2021
    with pytest.raises(ValidationError):
        _Dated.model_validate_json('{"day": 86400}')


def test_every_date_field_takes_the_same_type():
    once = RecurrenceAdapter.validate_python({"kind": "once", "by": "๓๐ ก.ย. ๒๕๖๕"})
    assert once.by == date(2022, 9, 30)  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="Buddhist Era"):
        RecurrenceAdapter.validate_python({"kind": "once", "by": "2565-09-30"})
    with pytest.raises(ValidationError, match="Buddhist Era"):
        Schedule(meeting_date="2563-07-14")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not a date"):
        SourceDocument(kind="letter", date=86400, issuer="SOC")  # type: ignore[arg-type]


# Before B.E. 2484 the year began on 1 April.
@pytest.mark.parametrize(("text", "expected"), [
    ("1 มกราคม 2480", date(1938, 1, 1)),
    ("31 มีนาคม 2480", date(1938, 3, 31)),
    ("1 เมษายน 2480", date(1937, 4, 1)),
    ("31 ธันวาคม 2480", date(1937, 12, 31)),
    ("24 มิถุนายน 2475", date(1932, 6, 24)),
    ("1 เมษายน 2483", date(1940, 4, 1)),
    ("31 ธันวาคม 2483", date(1940, 12, 31)),
    ("1 มกราคม 2484", date(1941, 1, 1)),
    ("15/2/2482", date(1940, 2, 15)),
])
def test_dates_before_1941_follow_the_reckoning_of_their_day(text, expected):
    assert parse_date(text) == expected
    assert parse_date(format_thai_date(expected)) == expected


@pytest.mark.parametrize("text", ["1 มกราคม 2483", "31 มีนาคม 2483", "15/2/2483"])
def test_january_to_march_2483_never_existed(text):
    with pytest.raises(InvalidDate, match="2483"):
        parse_date(text)


@pytest.mark.parametrize(("d", "year"), [
    (date(1938, 1, 1), 2480), (date(1937, 12, 31), 2480), (date(1940, 3, 31), 2482),
    (date(1940, 4, 1), 2483), (date(1940, 12, 31), 2483), (date(1941, 1, 1), 2484),
    (date(2021, 1, 1), 2564),
])
def test_be_year_by_the_reckoning_of_the_day(d, year):
    assert be_year(d) == year


@pytest.mark.parametrize("text", ["0001-01-01", "1800-01-01", "2400-01-01",
                                  "1 มกราคม 9999", "1 มกราคม 1800"])
def test_days_outside_the_register_are_refused(text):
    with pytest.raises(InvalidDate):
        parse_date(text, field="--at")


@pytest.mark.parametrize("text", ["0001-01-01", "0001-01-01T00:00:00+07:00",
                                  "9999-12-31T23:59:59-07:00", "2399-12-31T23:00:00-07:00"])
def test_moments_outside_the_register_are_refused(text):
    with pytest.raises(InvalidDate) as caught:
        parse_datetime(text, field="--as-recorded")
    assert caught.value.field == "--as-recorded"

from datetime import UTC, date, datetime

import pytest

from domain.errors import InvalidDate
from domain.paperwork.thai_dates import (
    BANGKOK,
    THAI_DIGITS,
    be_year,
    format_thai_date,
    parse_date,
    parse_datetime,
    to_arabic_digits,
    to_thai_digits,
)


def test_digits_convert_both_ways_and_leave_other_text_alone():
    assert THAI_DIGITS == "๐๑๒๓๔๕๖๗๘๙"
    assert to_arabic_digits("นร ๐๕๐๕/ว ๓๔๐๗") == "นร 0505/ว 3407"
    assert to_thai_digits("นร 0505/ว 3407") == "นร ๐๕๐๕/ว ๓๔๐๗"
    assert to_thai_digits(to_arabic_digits(THAI_DIGITS)) == THAI_DIGITS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Dates of the case the register was built for.
        ("๒๔ ส.ค. ๒๕๖๔", date(2021, 8, 24)),
        ("๑๑ พฤศจิกายน ๒๕๖๔", date(2021, 11, 11)),
        ("๑๒ มกราคม ๒๕๕๙", date(2016, 1, 12)),
        ("๒๐ กุมภาพันธ์ ๒๕๖๑", date(2018, 2, 20)),
        ("๑๘ พฤษภาคม ๒๕๖๔", date(2021, 5, 18)),
        # ISO, with Arabic or Thai digits.
        ("2021-11-10", date(2021, 11, 10)),
        ("๒๐๒๑-๑๑-๑๐", date(2021, 11, 10)),
        # Thai day-month-year in the spellings staff use.
        ("๑๐ พฤศจิกายน ๒๕๖๔", date(2021, 11, 10)),
        ("10 พฤศจิกายน 2564", date(2021, 11, 10)),
        ("๙ พ.ย. ๒๕๖๔", date(2021, 11, 9)),
        ("๙ พ.ย.๒๕๖๔", date(2021, 11, 9)),
        ("18 ต.ค. 64", date(2021, 10, 18)),
        ("1 พ.ย. 2564", date(2021, 11, 1)),
        ("1 พย 2564", date(2021, 11, 1)),
        ("วันที่ ๑๐ พฤศจิกายน ๒๕๖๔", date(2021, 11, 10)),
        ("๑๑ พฤศจิกายน พ.ศ. ๒๕๖๔", date(2021, 11, 11)),
        ("วันที่ ๙ พ.ย. พ.ศ.๒๕๖๔", date(2021, 11, 9)),
        ("10 พ.ย. 2021", date(2021, 11, 10)),
        ("  ๑๐   พฤศจิกายน\t๒๕๖๔ ", date(2021, 11, 10)),
        ("๒๙ กุมภาพันธ์ ๒๕๖๓", date(2020, 2, 29)),
    ],
)
def test_parse_date_reads_iso_and_thai_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("number", "full", "short"),
    [
        (1, "มกราคม", "ม.ค."),
        (2, "กุมภาพันธ์", "ก.พ."),
        (3, "มีนาคม", "มี.ค."),
        (4, "เมษายน", "เม.ย."),
        (5, "พฤษภาคม", "พ.ค."),
        (6, "มิถุนายน", "มิ.ย."),
        (7, "กรกฎาคม", "ก.ค."),
        (8, "สิงหาคม", "ส.ค."),
        (9, "กันยายน", "ก.ย."),
        (10, "ตุลาคม", "ต.ค."),
        (11, "พฤศจิกายน", "พ.ย."),
        (12, "ธันวาคม", "ธ.ค."),
    ],
)
def test_every_month_name_is_recognized_full_short_and_without_dots(number, full, short):
    expected = date(2021, number, 5)
    assert parse_date(f"5 {full} 2564") == expected
    assert parse_date(f"5 {short} 2564") == expected
    assert parse_date(f"5 {short.replace('.', '')} 2564") == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["empty"]),
        ("   ", ["empty"]),
        ("๑๐ พฤศจิกา ๒๕๖๔", ["month", "พฤศจิกา"]),
        ("10 November 2564", ["month", "November"]),
        ("๓๑ กุมภาพันธ์ ๒๕๖๔", ["day 31", "out of range", "๓๑ กุมภาพันธ์ ๒๕๖๔"]),
        ("๓๑ เมษายน ๒๕๖๔", ["day 31", "out of range"]),
        ("0 มกราคม 2564", ["day 0", "out of range"]),
        ("2021-02-30", ["day 30", "out of range", "2021-02-30"]),
        ("2021-13-01", ["month 13", "2021-13-01"]),
        ("2564-11-10", ["Buddhist Era", "2564-11-10"]),
        ("10 พ.ย. 256", ["year", "256"]),
        ("yesterday", ["cannot read", "yesterday"]),
        # Day/month/year is read with a B.E. year only (issue 7): a C.E. year
        # there may be a month/day date from another country.
        ("10/11/2021", ["B.E.", "10/11/2021"]),
        ("พฤศจิกายน ๒๕๖๔", ["cannot read"]),
    ],
)
def test_parse_date_refuses_with_a_message_naming_the_problem(text, words):
    with pytest.raises(InvalidDate) as caught:
        parse_date(text)
    message = str(caught.value)
    for word in words:
        assert word in message


def test_parse_date_passes_the_field_to_the_error():
    with pytest.raises(InvalidDate) as caught:
        parse_date("๓๑ กุมภาพันธ์ ๒๕๖๔", field="resolved_on")
    assert caught.value.field == "resolved_on"
    assert str(caught.value).startswith("resolved_on: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-11-10T09:30:00+07:00", datetime(2021, 11, 10, 9, 30, tzinfo=BANGKOK)),
        ("2021-11-10T02:30:00Z", datetime(2021, 11, 10, 2, 30, tzinfo=UTC)),
        ("2021-11-10T02:30:00z", datetime(2021, 11, 10, 2, 30, tzinfo=UTC)),
        ("2021-11-10 09:30", datetime(2021, 11, 10, 9, 30, tzinfo=BANGKOK)),
        ("2021-11-10T09:30:15.250", datetime(2021, 11, 10, 9, 30, 15, 250000, tzinfo=BANGKOK)),
        ("2021-11-10", datetime(2021, 11, 10, tzinfo=BANGKOK)),
        ("๑๐ พฤศจิกายน ๒๕๖๔", datetime(2021, 11, 10, tzinfo=BANGKOK)),
    ],
)
def test_parse_datetime_is_aware_and_defaults_to_bangkok(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_parse_datetime_compares_instants_across_offsets():
    assert parse_datetime("2021-11-10T02:30:00Z") == parse_datetime("2021-11-10T09:30:00")


@pytest.mark.parametrize("text", ["2021-11-10T25:00", "2021-02-30T10:00", "10 พ.ย. 2564 เวลา 10"])
def test_parse_datetime_refuses_bad_input_and_keeps_the_field(text):
    with pytest.raises(InvalidDate) as caught:
        parse_datetime(text, field="received_at")
    assert caught.value.field == "received_at"
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("digits", "month", "expected"),
    [
        ("thai", "full", "๑๐ พฤศจิกายน ๒๕๖๔"),
        ("thai", "short", "๑๐ พ.ย. ๒๕๖๔"),
        ("arabic", "full", "10 พฤศจิกายน 2564"),
        ("arabic", "short", "10 พ.ย. 2564"),
    ],
)
def test_format_thai_date(digits, month, expected):
    assert format_thai_date(date(2021, 11, 10), digits=digits, month=month) == expected


def test_format_thai_date_defaults_to_thai_digits_and_full_month():
    assert format_thai_date(date(2021, 8, 24)) == "๒๔ สิงหาคม ๒๕๖๔"


@pytest.mark.parametrize(
    "d",
    [date(2021, 8, 24), date(2021, 11, 11), date(2016, 1, 12), date(2018, 2, 20),
     date(2021, 5, 18), date(2020, 2, 29), date(2021, 12, 31)],
)  # fmt: skip
@pytest.mark.parametrize("digits", ["thai", "arabic"])
@pytest.mark.parametrize("month", ["full", "short"])
def test_format_then_parse_round_trips(d, digits, month):
    assert parse_date(format_thai_date(d, digits=digits, month=month)) == d


def test_format_thai_date_rejects_unknown_options():
    with pytest.raises(ValueError, match="digits"):
        format_thai_date(date(2021, 11, 10), digits="roman")  # type: ignore[arg-type]


def test_be_year():
    assert be_year(date(2021, 11, 10)) == 2564
    assert be_year(date(2016, 1, 12)) == 2559

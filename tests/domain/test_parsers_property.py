"""Property: the date and letter-number parsers either read a value that survives
being written out and read again, or refuse with the register's own error.

Nothing else may escape them: no ValueError, IndexError or OverflowError from
inside, whatever staff (or a corrupted file) hand over.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidDate, InvalidDocumentNumber
from domain.paperwork.letter_numbers import document_key, parse_document_number
from domain.paperwork.thai_dates import (
    EARLIEST,
    LATEST,
    MONTHS_FULL,
    MONTHS_SHORT,
    format_thai_date,
    parse_date,
    parse_datetime,
    to_thai_digits,
)

_DIGITS = st.sampled_from("0123456789๐๑๒๓๔๕๖๗๘๙")
_PIECES = st.sampled_from([
    *MONTHS_FULL, *MONTHS_SHORT, "วันที่", "วัน", "ที่", "เดือน", "พ.ศ.", "พุทธศักราช", "ค.ศ.",
    "อังคาร", "พฤหัส", "/", "-", " ", ".", "T", ":", "+07:00", "Z", "\u200b", "(", ")",
    "ด่วนที่สุด", "ลับ", "นร", "มท", "กค", "ว", "ว(ล)", "วล", "ล",
])
# Text built from the pieces real input is made of, so most draws come near
# the grammar, plus any text at all.
_NEAR_MISS = st.lists(st.one_of(_PIECES, st.text(_DIGITS, min_size=1, max_size=5)),
                      max_size=9).map("".join)
_ANY_INPUT = st.one_of(_NEAR_MISS, st.text(max_size=40))


@settings(max_examples=1500, deadline=None)
@given(_ANY_INPUT)
def test_a_date_reads_back_to_itself_or_is_refused(text):
    try:
        day = parse_date(text)
    except InvalidDate:
        return
    assert EARLIEST <= day <= LATEST
    for digits in ("thai", "arabic"):
        for month in ("full", "short"):
            assert parse_date(format_thai_date(day, digits=digits, month=month)) == day
    assert parse_date(day.isoformat()) == day


@settings(max_examples=500, deadline=None)
@given(_ANY_INPUT)
def test_a_moment_reads_back_to_itself_or_is_refused(text):
    try:
        moment = parse_datetime(text)
    except InvalidDate:
        return
    assert parse_datetime(moment.isoformat()) == moment


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=EARLIEST, max_value=LATEST))
def test_every_day_the_register_holds_is_written_and_read_back(day: date):
    assert parse_date(format_thai_date(day)) == day
    assert parse_date(format_thai_date(day, digits="arabic", month="short")) == day


_NUMBER_PIECES = st.sampled_from([
    "นร", "มท", "กค", "ศธ", "ที่", "ด่วน", "ด่วนที่สุด", "ว", "ว(ล)", "วล", "(", ")", "/",
    ".", " ", "สลก", "\u200b",
])
_LETTER_INPUT = st.one_of(
    st.lists(st.one_of(_NUMBER_PIECES, st.text(_DIGITS, min_size=1, max_size=5)),
             max_size=10).map("".join),
    st.text(max_size=30))


@settings(max_examples=1500, deadline=None)
@given(_LETTER_INPUT)
def test_a_letter_number_reads_back_to_its_key_or_is_refused(text):
    try:
        number = parse_document_number(text)
    except InvalidDocumentNumber:
        return
    assert parse_document_number(number.key).key == number.key
    assert parse_document_number(to_thai_digits(number.key)).key == number.key
    assert document_key(text) == number.key

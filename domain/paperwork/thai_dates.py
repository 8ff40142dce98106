"""Thai digits and dates as they appear in Thai government documents.

Letters and resolutions date themselves in the Buddhist Era (B.E. = C.E. + 543),
usually with Thai digits and a full or abbreviated month name; staff retyping
them mix in Arabic digits, dropped dots and odd spacing. Everything here turns
those spellings into plain ``date``/``datetime`` values and back.

Until B.E. 2483 the Thai year began on 1 April, so January to March of B.E.
year N fell in C.E. year N - 542, not N - 543 (1 มกราคม 2480 is 1 Jan 1938).
B.E. 2483 was cut short at 31 December 1940 and 2484 began on 1 January 1941,
so January to March 2483 never existed. Dates are read and written by the
reckoning in force on the day, and the nonexistent months are refused.

The register holds days from 1 April 1857 (B.E. 2400, the first year a
four-digit year is read as B.E.) to 31 December 2399 C.E. (the last year an ISO
date can name, since a later ISO year would look like a B.E. year).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from domain.errors import InvalidDate

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ARABIC_DIGITS = "0123456789"
_TO_ARABIC = str.maketrans(THAI_DIGITS, _ARABIC_DIGITS)
_TO_THAI = str.maketrans(_ARABIC_DIGITS, THAI_DIGITS)

BE_OFFSET = 543
# A fixed offset rather than a tz database: Thailand has kept +07:00 without
# daylight saving since 1920, so nothing the register holds needs more.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

# Below this a four-digit year cannot be B.E. for any document we hold
# (2400 B.E. is 1857 C.E.), so it is a C.E. year typed by mistake.
_FIRST_BE_YEAR = 2400
# The first B.E. year that began on 1 January (1 January 1941).
_FIRST_JANUARY_YEAR = 2484
EARLIEST = date(1857, 4, 1)
LATEST = date(_FIRST_BE_YEAR - 1, 12, 31)

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip


def _month_key(token: str) -> str:
    # Abbreviations are retyped with and without their dots, and sometimes
    # with a space after a dot; dropping both gives one spelling to look up.
    return token.replace(".", "").replace(" ", "")


_MONTH_NUMBERS = {
    _month_key(name): number
    for names in (MONTHS_FULL, MONTHS_SHORT)
    for number, name in enumerate(names, start=1)
}

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_SLASHED = re.compile(r"(\d{1,2}) ?/ ?(\d{1,2}) ?/ ?(\d+)")
# "วันที่ 9", "วันอังคารที่ 9", "วันอังคาร 9": the weekday is optional, and checked.
_DAY_LABEL = re.compile(r"วัน(\D*?) ?ที่ ?|วัน(\D+?) (?=\d)")
_THAI_DATE = re.compile(r"(\d{1,2}) ?(?:เดือน ?)?(\D+?) ?(\d+)")
# The era sits between the month and the year: "พ.ศ.", "พุทธศักราช", or "ค.ศ." for C.E.
_ERA_MARK = re.compile(r" ?(พ\.? ?ศ\.?|พุทธศักราช|ค\.? ?ศ\.?|คริสต์ศักราช)$")
_WEEKDAYS = {"จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3, "ศุกร์": 4,
             "เสาร์": 5, "อาทิตย์": 6}
_WEEKDAY_NAMES = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def be_year(d: date) -> int:
    """The Buddhist Era year of ``d``, by the reckoning in force on ``d``."""
    if d.month <= 3 and d.year + BE_OFFSET < _FIRST_JANUARY_YEAR:
        return d.year + BE_OFFSET - 1
    return d.year + BE_OFFSET


def _normalize(text: str) -> str:
    # Text pasted from PDFs carries zero-width spaces between Thai words.
    return " ".join(to_arabic_digits(text.replace("\u200b", "")).split())


def parse_date(text: str, *, field: str | None = None) -> date:
    """Read a date as staff write it.

    ISO (``2021-11-09``, C.E. only), day/month/B.E. year (``9/11/2564``), or a
    Thai day, month and year (``๙ พ.ย. ๖๔``, ``วันอังคารที่ ๙ พฤศจิกายน พ.ศ. ๒๕๖๔``);
    a weekday written with the date must be the date's weekday.
    """
    if not isinstance(text, str):
        raise InvalidDate(f"{text!r} is not a date", field=field)
    s = _normalize(text)
    if not s:
        raise InvalidDate("date is empty", field=field)
    if m := _ISO_DATE.fullmatch(s):
        year, month, day = (int(g) for g in m.groups())
        if year >= _FIRST_BE_YEAR:
            raise InvalidDate(
                f"year {year} in ISO date {text!r} looks like a Buddhist Era year;"
                " ISO dates must use the Christian Era",
                field=field,
            )
        return _make_date(year, month, day, text, field)
    if m := _SLASHED.fullmatch(s):
        day_digits, month_digits, year_digits = m.groups()
        if len(year_digits) == 4 and int(year_digits) < _FIRST_BE_YEAR:
            raise InvalidDate(
                f"{text!r} is read as day/month/B.E. year, and {year_digits} is not a B.E."
                " year; write the B.E. year or an ISO date (YYYY-MM-DD)", field=field)
        month = int(month_digits)
        year = _ce_year(year_digits, month, text, field)
        return _make_date(year, month, int(day_digits), text, field)
    weekday = None
    if label := _DAY_LABEL.match(s):
        weekday = (label.group(1) or label.group(2) or "").strip() or None
        s = s[label.end():]
    if m := _THAI_DATE.fullmatch(s):
        day_digits, month_token, year_digits = m.groups()
        era = _ERA_MARK.search(month_token)
        month_token = month_token[: era.start()] if era else month_token
        thai_month = _MONTH_NUMBERS.get(_month_key(month_token))
        if thai_month is None:
            raise InvalidDate(f"unknown month {month_token!r} in date {text!r}", field=field)
        if era and era.group(1).startswith("ค"):
            year = _christian_year(year_digits, text, field)
        else:
            year = _ce_year(year_digits, thai_month, text, field)
        found = _make_date(year, thai_month, int(day_digits), text, field)
        if weekday is not None:
            _check_weekday(found, weekday, text, field)
        return found
    raise InvalidDate(
        f"cannot read date {text!r}: expected YYYY-MM-DD, day/month/B.E. year, or day,"
        " Thai month and year such as '10 พฤศจิกายน 2564'",
        field=field,
    )


def _check_weekday(found: date, weekday: str, text: str, field: str | None) -> None:
    expected = _WEEKDAYS.get(weekday)
    if expected is None:
        raise InvalidDate(f"unknown weekday {weekday!r} in date {text!r}", field=field)
    if expected != found.weekday():
        raise InvalidDate(
            f"{text!r} says วัน{weekday}, but {found.isoformat()} was"
            f" วัน{_WEEKDAY_NAMES[found.weekday()]}", field=field)


def _christian_year(digits: str, text: str, field: str | None) -> int:
    if len(digits) != 4:
        raise InvalidDate(f"year {digits!r} in date {text!r} must have 4 digits", field=field)
    return int(digits)


def _ce_year(digits: str, month: int, text: str, field: str | None) -> int:
    if len(digits) == 2:
        # Two-digit years in Thai documents abbreviate B.E. 25xx ("ต.ค. 64").
        return 2500 + int(digits) - BE_OFFSET
    if len(digits) != 4:
        raise InvalidDate(f"year {digits!r} in date {text!r} must have 2 or 4 digits",
                          field=field)
    year = int(digits)
    if year < _FIRST_BE_YEAR:
        return year
    if year >= _FIRST_JANUARY_YEAR or month > 3:
        return year - BE_OFFSET
    if year == _FIRST_JANUARY_YEAR - 1:
        raise InvalidDate(
            f"{text!r} did not exist: B.E. 2483 began on 1 April 1940 and ended on"
            " 31 December 1940, when the year was moved to begin on 1 January", field=field)
    # Before B.E. 2484 the year began on 1 April: January to March came at its end.
    return year - BE_OFFSET + 1


def _make_date(year: int, month: int, day: int, text: str, field: str | None) -> date:
    if not 1 <= month <= 12:
        raise InvalidDate(f"month {month} in date {text!r} is not between 1 and 12", field=field)
    if not 1 <= year <= 9999:
        raise InvalidDate(f"year {year} in date {text!r} is out of range", field=field)
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise InvalidDate(
            f"day {day} in date {text!r} is out of range: {MONTHS_FULL[month - 1]}"
            f" {be_year(date(year, month, 1))} has {last_day} days",
            field=field,
        )
    return check_in_range(date(year, month, day), field, text)


def check_in_range(d: date, field: str | None = None, text: str | None = None) -> date:
    """``d`` itself when the register can hold it; refused (naming ``field``) otherwise."""
    if EARLIEST <= d <= LATEST:
        return d
    raise InvalidDate(
        f"{text or d.isoformat()!r} is outside the days the register holds"
        f" ({EARLIEST.isoformat()} to {LATEST.isoformat()})", field=field)


def parse_datetime(text: str, *, field: str | None = None) -> datetime:
    """Read an ISO 8601 date-time or a bare date; anything without an offset is Bangkok time."""
    s = _normalize(text)
    if _ISO_DATETIME.fullmatch(s):
        try:
            value = datetime.fromisoformat(s.upper())
        except ValueError as exc:
            raise InvalidDate(f"invalid date-time {text!r}: {exc}", field=field) from None
        value = value if value.tzinfo else value.replace(tzinfo=BANGKOK)
        # Both the moment as written and as UTC must be days the register holds,
        # or comparing it with stored (UTC) times overflows.
        check_in_range(value.date(), field, text)
        check_in_range(value.astimezone(BANGKOK).date(), field, text)
        return value
    return datetime.combine(parse_date(text, field=field), time(0), tzinfo=BANGKOK)


def format_thai_date(
    d: date,
    *,
    digits: Literal["thai", "arabic"] = "thai",
    month: Literal["full", "short"] = "full",
) -> str:
    """``d`` as a Thai document prints it, e.g. ``๑๐ พฤศจิกายน ๒๕๖๔`` or ``10 พ.ย. 2564``."""
    if digits not in ("thai", "arabic"):
        raise ValueError(f"digits must be 'thai' or 'arabic', not {digits!r}")
    if month not in ("full", "short"):
        raise ValueError(f"month must be 'full' or 'short', not {month!r}")
    names = MONTHS_FULL if month == "full" else MONTHS_SHORT
    text = f"{d.day} {names[d.month - 1]} {be_year(d)}"
    return to_thai_digits(text) if digits == "thai" else text

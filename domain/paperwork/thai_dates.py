"""Thai digits and dates as they appear in Thai government documents.

Letters and resolutions date themselves in the Buddhist Era (B.E. = C.E. + 543),
usually with Thai digits and a full or abbreviated month name; staff retyping
them mix in Arabic digits, dropped dots and odd spacing. Everything here turns
those spellings into plain ``date``/``datetime`` values and back.
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
_THAI_DATE = re.compile(r"(?:วันที่\s*)?(\d{1,2})\s*(\D+?)\s*(\d+)")
# "พ.ศ." sits between the month and the year when it is written out in full.
_ERA_MARK = re.compile(r"\s*พ\.?\s*ศ\.?$")


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def be_year(d: date) -> int:
    """The Buddhist Era year of ``d``."""
    return d.year + BE_OFFSET


def _normalize(text: str) -> str:
    # Text pasted from PDFs carries zero-width spaces between Thai words.
    return " ".join(to_arabic_digits(text.replace("\u200b", "")).split())


def parse_date(text: str, *, field: str | None = None) -> date:
    """Read an ISO date or a Thai day-month-year date such as ``๑๐ พฤศจิกายน ๒๕๖๔``."""
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
    if m := _THAI_DATE.fullmatch(s):
        day_digits, month_token, year_digits = m.groups()
        month_token = _ERA_MARK.sub("", month_token)
        thai_month = _MONTH_NUMBERS.get(_month_key(month_token))
        if thai_month is None:
            raise InvalidDate(f"unknown month {month_token!r} in date {text!r}", field=field)
        year = _ce_year(year_digits, text, field)
        return _make_date(year, thai_month, int(day_digits), text, field)
    raise InvalidDate(
        f"cannot read date {text!r}: expected YYYY-MM-DD or day, Thai month and year"
        " such as '10 พฤศจิกายน 2564'",
        field=field,
    )


def _ce_year(digits: str, text: str, field: str | None) -> int:
    if len(digits) == 2:
        # Two-digit years in Thai documents abbreviate B.E. 25xx ("ต.ค. 64").
        return 2500 + int(digits) - BE_OFFSET
    if len(digits) == 4:
        year = int(digits)
        return year - BE_OFFSET if year >= _FIRST_BE_YEAR else year
    raise InvalidDate(f"year {digits!r} in date {text!r} must have 2 or 4 digits", field=field)


def _make_date(year: int, month: int, day: int, text: str, field: str | None) -> date:
    if not 1 <= month <= 12:
        raise InvalidDate(f"month {month} in date {text!r} is not between 1 and 12", field=field)
    if not 1 <= year <= 9999:
        raise InvalidDate(f"year {year} in date {text!r} is out of range", field=field)
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise InvalidDate(
            f"day {day} in date {text!r} is out of range: {MONTHS_FULL[month - 1]}"
            f" {year + BE_OFFSET} has {last_day} days",
            field=field,
        )
    return date(year, month, day)


def parse_datetime(text: str, *, field: str | None = None) -> datetime:
    """Read an ISO 8601 date-time or a bare date; anything without an offset is Bangkok time."""
    s = _normalize(text)
    if _ISO_DATETIME.fullmatch(s):
        try:
            value = datetime.fromisoformat(s.upper())
        except ValueError as exc:
            raise InvalidDate(f"invalid date-time {text!r}: {exc}", field=field) from None
        return value if value.tzinfo else value.replace(tzinfo=BANGKOK)
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

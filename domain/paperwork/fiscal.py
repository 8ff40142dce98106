"""The Thai government fiscal year and its quarters.

A fiscal year starts on 1 October and is named by the Buddhist Era year in
which it ends: FY2565 runs from 1 Oct 2021 to 30 Sep 2022. Quarter 1 is
October to December, quarter 4 is July to September.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.errors import InvalidInput

BE_OFFSET = 543
FIRST_MONTH = 10

# date() accepts C.E. years 1..9999; a fiscal year named by B.E. year N starts
# in C.E. year N - 544, so only these names can be turned into dates.
_FIRST_FY = 1 + BE_OFFSET + 1
_LAST_FY = 9999 + BE_OFFSET

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")  # fmt: skip


def format_date(d: date) -> str:
    """``30 Jan 2022``: the form used in labels and explanations.

    Spelled out by hand so the text does not depend on the process locale.
    """
    return f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def fiscal_year(d: date) -> int:
    """The B.E. name of the fiscal year that contains ``d``."""
    return d.year + BE_OFFSET + (1 if d.month >= FIRST_MONTH else 0)


def fiscal_quarter(d: date) -> tuple[int, int]:
    """``(fiscal year, quarter)`` for ``d``; the quarter is 1 to 4."""
    months_into_year = (d.month - FIRST_MONTH) % 12
    return fiscal_year(d), months_into_year // 3 + 1


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy_be``."""
    _check_fiscal_year(fy_be)
    end_year = fy_be - BE_OFFSET
    return date(end_year - 1, FIRST_MONTH, 1), date(end_year, FIRST_MONTH - 1, 30)


def quarter_bounds(fy_be: int, quarter: int) -> tuple[date, date]:
    """First and last day of ``quarter`` of fiscal year ``fy_be``."""
    _check_quarter(quarter)
    fy_start, _ = fiscal_year_bounds(fy_be)
    first = _add_months(fy_start, 3 * (quarter - 1))
    last = _add_months(first, 3) - timedelta(days=1)
    return first, last


def quarter_label(fy_be: int, quarter: int) -> str:
    """``Q1 FY2565 (1 Oct – 31 Dec 2021)``."""
    first, last = quarter_bounds(fy_be, quarter)
    span = f"{first.day} {_MONTH_ABBR[first.month - 1]} – {format_date(last)}"
    return f"Q{quarter} FY{fy_be} ({span})"


def fiscal_year_label(fy_be: int) -> str:
    """``FY2565 (1 Oct 2021 – 30 Sep 2022)``."""
    first, last = fiscal_year_bounds(fy_be)
    return f"FY{fy_be} ({format_date(first)} – {format_date(last)})"


def next_quarter(fy_be: int, quarter: int) -> tuple[int, int]:
    """The quarter after ``quarter`` of ``fy_be``."""
    _check_quarter(quarter)
    return (fy_be, quarter + 1) if quarter < 4 else (fy_be + 1, 1)


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _check_fiscal_year(fy_be: int) -> None:
    # bool is an int; True must not pass for a year.
    if isinstance(fy_be, bool) or not isinstance(fy_be, int):
        raise InvalidInput("a fiscal year is a whole B.E. year, e.g. 2565", field="fiscal_year")
    if not _FIRST_FY <= fy_be <= _LAST_FY:
        raise InvalidInput(
            f"fiscal year {fy_be} is outside {_FIRST_FY}–{_LAST_FY}; "
            "fiscal years are named by their B.E. end year, e.g. 2565",
            field="fiscal_year",
        )


def _check_quarter(quarter: int) -> None:
    if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        raise InvalidInput(f"a fiscal quarter is 1, 2, 3 or 4, not {quarter!r}", field="quarter")

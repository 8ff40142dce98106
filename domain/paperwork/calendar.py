"""Which days Thai government offices are open.

Civil and Commercial Code s. 193/8 moves the end of a period that falls on an
official holiday to the next working day. Offices close on Saturdays and
Sundays, on the holidays the ``holidays`` package knows for Thailand, and on
special holidays the cabinet declares, which staff add as ``extra`` dates.

Which ``holidays`` categories count: ``public`` (national holidays, their
in-lieu days and the bridge holidays the cabinet has already declared) and
``government`` (the Royal Ploughing Ceremony, a day off for officials only).
``bank``, ``armed_forces`` and ``school`` close single sectors, and ``workday``
lists observances on which offices stay open. National Labour Day sits in
``public`` but, as the package itself notes, only banks and private employers
close for it; officials work that day and its in-lieu day, so both are left out.

The package is exact only for years whose holidays were announced when it was
released; later years lack bridge holidays until staff declare them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any, NoReturn

from domain.errors import InvalidInput

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SATURDAY = 5

# holidays category (the package's PUBLIC and GOVERNMENT) -> how the closure is
# described to the reader. Named here rather than imported: the package loads
# slowly, and only a question about due dates needs it.
_OFFICE_CATEGORIES = {"public": "public holiday", "government": "government holiday"}
_OPEN_FOR_OFFICIALS = frozenset({"National Labor Day"})
_IN_LIEU_SUFFIX = " (in lieu)"


class HolidayCalendar:
    """Working days of Thai government offices; immutable once built.

    ``extra`` maps dates to the names of special holidays the cabinet declared.
    """

    __slots__ = ("_extra",)

    _extra: Mapping[date, str]

    def __init__(self, extra: Mapping[date, str] | None = None) -> None:
        object.__setattr__(self, "_extra", MappingProxyType(_checked_extra(extra or {})))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable; use with_extra()")

    @property
    def extra(self) -> Mapping[date, str]:
        """The declared special holidays, read-only."""
        return self._extra

    def with_extra(self, extra: Mapping[date, str]) -> HolidayCalendar:
        """A calendar that also has ``extra``; a date declared again takes the new name."""
        return HolidayCalendar({**self._extra, **_checked_extra(extra)})

    def holiday_name(self, d: date) -> str | None:
        """The holiday on ``d``, declared days first; None for a plain weekend or working day."""
        reason = self._holiday(_checked_date(d))
        return reason[0] if reason else None

    def is_working_day(self, d: date) -> bool:
        return self.why_not_working(d) is None

    def why_not_working(self, d: date) -> str | None:
        """Why offices are closed on ``d``, or None when they are open.

        A holiday is named even when it falls on a weekend, because that is
        what gives rise to the in-lieu day that follows.
        """
        d = _checked_date(d)
        holiday = self._holiday(d)
        if holiday:
            name, kind = holiday
            return f"{name} ({kind})"
        if d.weekday() >= _SATURDAY:
            return _WEEKDAY_NAMES[d.weekday()]
        return None

    def next_working_day(self, d: date) -> date:
        """``d`` itself when offices are open, otherwise the next day they are."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def _holiday(self, d: date) -> tuple[str, str] | None:
        declared = self._extra.get(d)
        if declared is not None:
            return declared, "declared by the cabinet"
        return _office_holidays(d.year).get(d)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HolidayCalendar):
            return NotImplemented
        return dict(self._extra) == dict(other._extra)

    def __hash__(self) -> int:
        return hash(frozenset(self._extra.items()))

    def __repr__(self) -> str:
        return f"HolidayCalendar(extra={dict(self._extra)!r})"


def calendar_package() -> str:
    """Where the official days come from, as answers name it (the package is pinned exactly)."""
    import importlib.metadata  # loads the email and zip packages: only when asked

    return f"the holidays package {importlib.metadata.version('holidays')}"


def official_holidays(year: int) -> Mapping[date, tuple[str, str]]:
    """``{date: (name, kind)}``: the days offices close in ``year`` by the maintained calendar.

    Declared special holidays are not among them (they are the register's own).
    """
    return _office_holidays(year)


@cache
def _office_holidays(year: int) -> Mapping[date, tuple[str, str]]:
    """``{date: (name, kind)}`` for one year; shared by every calendar.

    Building a ``holidays`` object is the slow part, so it is done once per
    year, and only for years somebody asks about.
    """
    import holidays

    table: dict[date, tuple[str, str]] = {}
    for category, kind in _OFFICE_CATEGORIES.items():
        source = holidays.country_holidays("TH", years=year, categories=category,
                                           language="en_US")
        for d in source:
            names = [n for n in source.get_list(d) if not _open_for_officials(n)]
            if names and d not in table:
                table[d] = ("; ".join(names), kind)
    return MappingProxyType(table)


def _open_for_officials(name: str) -> bool:
    return name.removesuffix(_IN_LIEU_SUFFIX) in _OPEN_FOR_OFFICIALS


def _checked_date(d: object, field: str = "date") -> date:
    # A datetime is a date subclass but never equals a date, so holiday look-ups
    # would silently miss; refuse it rather than guess the time zone.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise InvalidInput(f"expected a calendar date, got {d!r}", field=field)
    return d


def _checked_extra(extra: Mapping[date, str]) -> dict[date, str]:
    checked: dict[date, str] = {}
    for d, name in extra.items():
        field = f"extra.{d}"
        _checked_date(d, field)
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("a declared holiday needs a name", field=field)
        checked[d] = name.strip()
    return checked

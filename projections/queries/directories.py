"""Answers from the directories: declared holidays and known agencies."""

from __future__ import annotations

from domain.paperwork.agencies import require_known
from projections import holidays
from projections.holidays import HolidayRow
from projections.queries.reading import Answer, Source, current


class HolidaysAnswer(Answer):
    """``cabinet holiday list --json``: special holidays declared, by date."""

    holidays: list[HolidayRow]


class AgenciesAnswer(Answer):
    """``cabinet agency list --json``: every agency code the register knows."""

    agencies: list[str]


def declared_holidays(source: Source) -> HolidaysAnswer:
    with current(source) as cursor:
        return HolidaysAnswer(holidays=holidays.listing(cursor))


def agencies(source: Source) -> AgenciesAnswer:
    return AgenciesAnswer(agencies=sorted(source.register.known_agencies()))


def require_agency(source: Source, code: str, *, field: str = "agency") -> str:
    """``code``, normalised, if the register knows it; else a refusal naming ``field``."""
    return str(require_known(code, source.register.known_agencies(), field=field))

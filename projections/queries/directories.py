"""Answers from the directories: holidays (official and declared), agencies, their history."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from domain.ids import AGENCY_DIRECTORY_ID, HOLIDAY_BOOK_ID
from domain.paperwork.agencies import BUILTIN_AGENCIES, require_known
from domain.paperwork.calendar import calendar_package, official_holidays
from projections import holidays
from projections.holidays import HolidayRow
from projections.jsontypes import IsoDate, absent_if_none
from projections.queries.reading import Answer, Moment, Source, current

DECLARED = "declared by the cabinet"


class HolidayDay(Answer):
    """A day offices close, and where the register has it from."""

    day: IsoDate
    name: str
    kind: str
    """``public holiday``, ``government holiday`` (the package) or ``declared by the cabinet``."""
    comes_from: str
    """The maintained calendar (the package and its pinned version), or the declaring document."""


class HolidaysAnswer(Answer):
    """``cabinet holiday list --json``: special holidays declared, by date; with ``--year``,
    every day offices close that year and where each comes from."""

    holidays: list[HolidayRow]
    year: int | None = Field(default=None, exclude_if=absent_if_none)
    days: list[HolidayDay] | None = Field(default=None, exclude_if=absent_if_none)


class AgencyRow(Answer):
    code: str
    name_th: str
    name_en: str
    source: str
    """``built in``, ``registered``, or the document that last corrected the names."""


class AgenciesAnswer(Answer):
    """``cabinet agency list --json``: every agency code the register knows, and their names."""

    agencies: list[str]
    directory: list[AgencyRow]


class DirectoryEvent(Answer):
    version: int
    event: str
    recorded_at: Moment
    actor: str
    document: str
    reason: str | None = Field(default=None, exclude_if=absent_if_none)
    """Why a correction was made (corrections only)."""
    detail: str


class DirectoryHistory(Answer):
    """``cabinet holiday history --json`` / ``cabinet agency history --json``: oldest first."""

    directory: str
    events: list[DirectoryEvent]


def declared_holidays(source: Source, *, year: int | None = None) -> HolidaysAnswer:
    with current(source) as cursor:
        rows = holidays.listing(cursor, year)
    if year is None:
        return HolidaysAnswer(holidays=rows)
    days = [HolidayDay(day=d.isoformat(), name=name, kind=kind, comes_from=calendar_package())
            for d, (name, kind) in official_holidays(year).items()]
    days += [HolidayDay(day=row.day, name=row.name, kind=DECLARED,
                        comes_from=_declared_by(row)) for row in rows]
    days.sort(key=lambda d: (d.day, d.kind != DECLARED))
    return HolidaysAnswer(holidays=rows, year=year, days=days)


def _declared_by(row: HolidayRow) -> str:
    if row.moved_from is not None:
        return f"moved from {row.moved_from} by {row.source}"
    return f"declared by {row.source}"


def agencies(source: Source) -> AgenciesAnswer:
    from domain.register.directories import AgencyDirectory  # see _detail

    codes = sorted(source.register.known_agencies())
    where = {code: "built in" for code in BUILTIN_AGENCIES}
    for event in source.register.history(AGENCY_DIRECTORY_ID):
        if isinstance(event, AgencyDirectory.AgencyRegistered):
            where[event.code] = "registered"
        elif isinstance(event, AgencyDirectory.AgencyRenamed):
            where[event.code] = event.source.number or event.source.describe()
    directory = source.register.agency_directory()
    rows = []
    for code in codes:
        names = directory.names(code) if directory else None
        if names is None:
            builtin = BUILTIN_AGENCIES[code]
            names = (builtin.name_th, builtin.name_en)
        rows.append(AgencyRow(code=code, name_th=names[0], name_en=names[1],
                              source=where.get(code, "registered")))
    return AgenciesAnswer(agencies=codes, directory=rows)


def require_agency(source: Source, code: str, *, field: str = "agency") -> str:
    """``code``, normalised, if the register knows it; else a refusal naming ``field``."""
    return str(require_known(code, source.known_agencies(), field=field))


def holiday_history(source: Source) -> DirectoryHistory:
    """Every declaration and correction of the holiday book, oldest first."""
    return DirectoryHistory(directory="holidays", events=[
        _event(e) for e in source.register.history(HOLIDAY_BOOK_ID)])


def agency_history(source: Source) -> DirectoryHistory:
    """Every agency registered and every correction of names, oldest first."""
    return DirectoryHistory(directory="agencies", events=[
        _event(e) for e in source.register.history(AGENCY_DIRECTORY_ID)])


def _event(event: Any) -> DirectoryEvent:
    reason = getattr(event, "reason", None)
    document = event.source.describe() if hasattr(event, "source") else ""
    return DirectoryEvent(version=event.originator_version, event=type(event).__name__,
                          recorded_at=event.timestamp, actor=str(getattr(event, "actor", "")),
                          document=document, reason=reason, detail=_detail(event))


def _detail(event: Any) -> str:
    # The directories' events, loaded for their history: a question about
    # obligations (which checks an agency's code here) does without them.
    from domain.register.directories import AgencyDirectory
    from domain.register.holiday_book import HolidayBook

    if isinstance(event, HolidayBook.HolidayDeclared):
        return f"{_day(event.day)} declared a holiday: {event.name}"
    if isinstance(event, HolidayBook.HolidayRevoked):
        return f"the holiday of {_day(event.day)} revoked"
    if isinstance(event, HolidayBook.HolidayMoved):
        return f"the holiday of {_day(event.day)} moved to {_day(event.to)}"
    if isinstance(event, AgencyDirectory.AgencyRegistered):
        return f"{event.code} registered: {event.name_th} / {event.name_en}"
    if isinstance(event, AgencyDirectory.AgencyRenamed):
        return f"{event.code} renamed: {event.name_th} / {event.name_en}"
    return "opened"


def _day(day: date) -> str:
    return day.isoformat()

"""Corrections of the directories: each an event with its document, actor and reason.

Nothing the register recorded is overwritten. A declared holiday revoked or
moved, an agency's names corrected: each is recorded beside what it corrects,
so history shows both, and every view answers from the corrected state.
Who may correct is checked by the caller (the register's verb).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.errors import HolidayNotDeclared, UnknownAgency
from domain.ids import AGENCY_DIRECTORY_ID, HOLIDAY_BOOK_ID
from domain.paperwork.agencies import BUILTIN_AGENCIES
from domain.paperwork.fields import Line, ThaiDate
from domain.permissions import Actor
from domain.register.agency_check import check_agencies
from domain.register.directories import AgencyDirectory
from domain.register.holiday_book import HolidayBook
from domain.register.recording import claim
from domain.register.unit_of_work import UnitOfWork
from domain.values import AgencyCode, SourceDocument


class _Correction(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    reason: Line
    source: SourceDocument
    """The document that makes the correction (a cabinet resolution, a circular)."""


class HolidayRevocation(_Correction):
    date: ThaiDate


class HolidayMove(_Correction):
    date: ThaiDate
    to: ThaiDate


class AgencyRename(_Correction):
    code: AgencyCode
    name_th: Line
    name_en: Line


def revoke_holiday(uow: UnitOfWork, record: HolidayRevocation, actor: Actor) -> None:
    book = _holiday_book(uow, record)
    book.revoke(record.date, record.source, record.reason, actor, uow.at)


def move_holiday(uow: UnitOfWork, record: HolidayMove, actor: Actor) -> None:
    book = _holiday_book(uow, record)
    book.move(record.date, record.to, record.source, record.reason, actor, uow.at)


def rename_agency(uow: UnitOfWork, record: AgencyRename, actor: Actor) -> None:
    check_agencies(record, uow.known_agencies())
    directory = uow.get(AGENCY_DIRECTORY_ID, AgencyDirectory)
    if directory is None:
        if record.code not in BUILTIN_AGENCIES:
            raise UnknownAgency(f"the register knows no agency {record.code!r} to rename",
                                field="code")
        directory = uow.add(AgencyDirectory.open(uow.at))
    claim(uow, record.source, "source")
    directory.rename(record.code, record.name_th, record.name_en, record.source,
                     record.reason, actor, uow.at)
    uow.forget_known_agencies()


def _holiday_book(uow: UnitOfWork, record: HolidayRevocation | HolidayMove) -> HolidayBook:
    check_agencies(record, uow.known_agencies())
    book = uow.get(HOLIDAY_BOOK_ID, HolidayBook)
    if book is None:
        raise HolidayNotDeclared("the register holds no declared holidays", field="date")
    claim(uow, record.source, "source")
    return book

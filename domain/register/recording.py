"""Commands that record the register's own records in a unit of work.

A resolution (with what its clauses rescind and amend), its notices, the
documents they rest on, an agency, a special holiday. Each is a function of
the unit of work, so a verb, an import and a proposal's decision record them
the same way. ``where`` is the record's place in a file ("resolutions[3]"),
put in front of the field a refusal names; empty for a single command.
Who may record them is checked by the caller (the verb or the import).
"""

from __future__ import annotations

from uuid import UUID

from domain.errors import InvalidInput, RegisterError, ResolutionConflict, ResolutionNotFound
from domain.ids import (
    AGENCY_DIRECTORY_ID,
    HOLIDAY_BOOK_ID,
    document_id,
    legacy_document_id,
    meeting_day_id,
    resolution_id,
)
from domain.permissions import Actor
from domain.register.agency_check import check_agencies, check_resolution_agencies
from domain.register.directories import AgencyDirectory, MeetingDay, RecordedDocument
from domain.register.holiday_book import HolidayBook
from domain.register.records import AgencyRecord, HolidayRecord, NoticeRecord, ResolutionRecord
from domain.register.resolution import Resolution
from domain.register.unit_of_work import UnitOfWork, join, located
from domain.values import ResolutionRef, SourceDocument


def record_resolution(uow: UnitOfWork, record: ResolutionRecord, where: str) -> UUID:
    """Record a resolution and what it rescinds and amends; its id.

    Recording the same resolution again records only notices it did not have;
    the same key with other content is refused (changes are later resolutions).
    """
    try:
        check_resolution_agencies(record, uow.known_agencies())
    except RegisterError as error:
        raise located(error, where) from None
    rid = resolution_id(record.meeting_date, record.subject)
    effective = record.effective_from or record.meeting_date
    existing = uow.get_new(rid, Resolution)
    if existing is not None:
        if not existing.same_record(source=record.source, clauses=record.clauses,
                                    effective_from=effective):
            raise ResolutionConflict(
                f"a resolution of {record.meeting_date.isoformat()} on {record.subject!r} "
                "is already recorded with other content; record changes as an amendment "
                "by a later resolution", field=where or None)
        record_notices(uow, existing, record, where)
        return rid
    claim(uow, record.source, join(where, "source"))
    resolution = uow.add(Resolution.record(
        meeting_date=record.meeting_date, subject=record.subject, source=record.source,
        clauses=record.clauses, actor=record.actor, at=uow.at, effective_from=effective,
        aggregate_id=rid))
    day = uow.get(meeting_day_id(record.meeting_date), MeetingDay) or uow.add(
        MeetingDay.open(record.meeting_date, uow.at))
    day.list_resolution(rid, record.subject, uow.at)
    for i, clause in enumerate(record.clauses):
        for j, target in enumerate(clause.rescinds):
            field = join(where, f"clauses[{i}].rescinds[{j}]")
            rescinded = find_resolution(uow, target.resolution, f"{field}.resolution")
            _refuse_self_reference(rescinded, rid, field)
            try:
                rescinded.rescind(
                    clauses=target.clauses, whole=target.whole,
                    effective_on=target.effective_on or effective,
                    by=resolution.item_ref(clause.number), source=record.source,
                    actor=record.actor, at=uow.at)
            except RegisterError as error:
                raise located(error, field) from None
        for j, amendment in enumerate(clause.amends):
            field = join(where, f"clauses[{i}].amends[{j}]")
            amended = find_resolution(uow, amendment.resolution, f"{field}.resolution")
            _refuse_self_reference(amended, rid, field)
            try:
                amended.amend(
                    clause=amendment.clause, text=amendment.text, summary=amendment.summary,
                    obligations=amendment.obligations,
                    effective_from=amendment.effective_from or effective,
                    by=resolution.item_ref(clause.number), source=record.source,
                    actor=record.actor, at=uow.at)
            except RegisterError as error:
                raise located(error, field) from None
    record_notices(uow, resolution, record, where)
    return rid


def record_notice(uow: UnitOfWork, ref: ResolutionRef, notice: NoticeRecord, actor: Actor) -> UUID:
    """Record a notice (a circular) of a resolution already in the register; its id."""
    check_agencies(notice, uow.known_agencies())
    resolution = find_resolution(uow, ref, "resolution")
    claim(uow, notice.circular, "circular")
    resolution.record_notice(notice=notice.circular, recipients=notice.recipients,
                             actor=actor, at=uow.at)
    return resolution.id


def record_notices(uow: UnitOfWork, resolution: Resolution, record: ResolutionRecord,
                   where: str) -> None:
    for i, notice in enumerate(record.notices):
        claim(uow, notice.circular, join(where, f"notices[{i}].circular"))
        resolution.record_notice(notice=notice.circular, recipients=notice.recipients,
                                 actor=record.actor, at=uow.at)


def _refuse_self_reference(target: Resolution, rid: UUID, field: str) -> None:
    if target.id == rid:
        raise InvalidInput("a resolution cannot rescind or amend itself",
                           field=f"{field}.resolution")


def find_resolution(uow: UnitOfWork, ref: ResolutionRef, field: str) -> Resolution:
    """The resolution a reference names (by date, and subject where the date has several)."""
    if ref.subject is not None:
        found = uow.get(resolution_id(ref.date, ref.subject), Resolution)
        if found is not None:
            return found
    day = uow.get(meeting_day_id(ref.date), MeetingDay)
    if day is None:
        raise ResolutionNotFound(
            f"the register has no resolution of {ref.date.isoformat()}", field=field)
    found = uow.get(day.find(ref.subject, field=field), Resolution)
    assert found is not None
    return found


def claim(uow: UnitOfWork, document: SourceDocument, field: str) -> None:
    """Claim the document's number for its issuer and year, or check it names this document."""
    key = document.number_key
    if key is None:
        return
    aggregate_id = document_id(document.issuer, key, document.date.year)
    existing = uow.get_new(aggregate_id, RecordedDocument) or _legacy_claim(uow, document, key)
    if existing is not None:
        existing.check_same(document, field=f"{field}.number")
    else:
        uow.add(RecordedDocument.claim(document, uow.at, aggregate_id=aggregate_id))


def _legacy_claim(uow: UnitOfWork, document: SourceDocument, key: str) -> RecordedDocument | None:
    """A claim earlier code made on this number, if it is for the same issuer and year.

    Read even when the command expects new records: the new claim's id
    differs from the old one, so no conflict on saving would reveal it. Only
    stores that hold such claims pay the read.
    """
    if not uow.store.has_legacy_claims():
        return None
    old = uow.get(legacy_document_id(key), RecordedDocument)
    return old if old is not None and old.same_series(document) else None


def register_agency(uow: UnitOfWork, record: AgencyRecord, actor: Actor) -> None:
    directory = uow.get(AGENCY_DIRECTORY_ID, AgencyDirectory) or uow.add(
        AgencyDirectory.open(uow.at))
    directory.register(record.code, record.name_th, record.name_en, actor, uow.at)
    uow.forget_known_agencies()


def declare_holiday(uow: UnitOfWork, record: HolidayRecord, actor: Actor, where: str) -> None:
    try:
        check_agencies(record, uow.known_agencies())
    except RegisterError as error:
        raise located(error, where) from None
    claim(uow, record.source, join(where, "source"))
    book = uow.get(HOLIDAY_BOOK_ID, HolidayBook) or uow.add(HolidayBook.open(uow.at))
    book.declare(record.date, record.name, record.source, actor, uow.at)

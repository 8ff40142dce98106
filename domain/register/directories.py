"""Small aggregates that let the register check facts across resolutions.

Each is keyed by a natural key, so the check and the record it guards are
saved in the same transaction: a document number is claimed by the first
document that uses it, a meeting day lists its resolutions, the agency
directory knows which codes exist (the holiday book is in ``holiday_book``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import (
    DocumentNumberReused,
    ResolutionNotFound,
    UnknownAgency,
)
from domain.events import RegisterAggregate, stored_as
from domain.ids import (
    AGENCY_DIRECTORY_ID,
    document_id,
    meeting_day_id,
    normalize_subject,
)
from domain.paperwork.agencies import BUILTIN_AGENCIES
from domain.permissions import Actor
from domain.values import SourceDocument


@stored_as("domain.directories")
class RecordedDocument(RegisterAggregate):
    """Claims a letter number for one document (its issuer and date).

    Offices number their letters afresh each calendar year, so a claim holds
    for its issuer and the year of its document's date (``Claimed``). Earlier
    code claimed a number for every year (``Registered``, by the number
    alone); such a claim now counts only for its own issuer and year.
    """

    if TYPE_CHECKING:
        document: SourceDocument
        key: str

    class Registered(RegisterAggregate.Created):
        """A claim by the number alone, as earlier code recorded it (no longer written)."""

        document: SourceDocument
        key: str

        def apply(self, aggregate: RecordedDocument) -> None:
            aggregate.document = self.document
            aggregate.key = self.key

    class Claimed(RegisterAggregate.Created):
        """A claim on a number for its issuer and the year of its document's date."""

        document: SourceDocument
        key: str
        year: int

        def apply(self, aggregate: RecordedDocument) -> None:
            aggregate.document = self.document
            aggregate.key = self.key

    @classmethod
    def claim(cls, document: SourceDocument, at: datetime, *,
              aggregate_id: UUID | None = None) -> RecordedDocument:
        key = document.number_key
        assert key is not None
        year = document.date.year
        return cls._create(cls.Claimed,
                           id=aggregate_id or document_id(document.issuer, key, year),
                           timestamp=at, document=document, key=key, year=year)

    def same_series(self, document: SourceDocument) -> bool:
        """Whether ``document``'s number falls in this claim's series (issuer and year)."""
        mine = self.document
        return (mine.issuer, mine.date.year) == (document.issuer, document.date.year)

    def check_same(self, document: SourceDocument, *, field: str | None = None) -> None:
        mine = self.document
        if (mine.issuer, mine.date) != (document.issuer, document.date):
            raise DocumentNumberReused(
                f"document number {document.number!r} already names {mine.kind.value} "
                f"{mine.number!r} of {mine.date.isoformat()} from {mine.issuer}; "
                f"this one is dated {document.date.isoformat()} from {document.issuer}",
                field=field)


@stored_as("domain.directories")
class MeetingDay(RegisterAggregate):
    """The resolutions recorded for one cabinet meeting date."""

    if TYPE_CHECKING:
        day: date
        resolutions: dict[str, UUID]
        listed: set[UUID]

    class Opened(RegisterAggregate.Created):
        day: date

        def apply(self, aggregate: MeetingDay) -> None:
            aggregate.day = self.day
            aggregate.resolutions = {}
            aggregate.listed = set()

    class ResolutionListed(RegisterAggregate.Event):
        resolution_id: UUID
        subject: str

        def apply(self, aggregate: MeetingDay) -> None:
            aggregate.resolutions[self.subject] = self.resolution_id
            aggregate.listed.add(self.resolution_id)

    @classmethod
    def open(cls, day: date, at: datetime) -> MeetingDay:
        return cls._create(cls.Opened, id=meeting_day_id(day), timestamp=at, day=day)

    def list_resolution(self, resolution_id: UUID, subject: str, at: datetime) -> None:
        if resolution_id not in self.listed:
            self.trigger_event(self.ResolutionListed, timestamp=at,
                               resolution_id=resolution_id, subject=subject)

    def find(self, subject: str | None, *, field: str | None = None) -> UUID:
        if subject is not None:
            wanted = normalize_subject(subject)
            for listed, rid in self.resolutions.items():
                if normalize_subject(listed) == wanted:
                    return rid
        elif len(self.resolutions) == 1:
            return next(iter(self.resolutions.values()))
        subjects = "; ".join(self.resolutions) or "none"
        if subject is None:
            raise ResolutionNotFound(
                f"the cabinet made several resolutions on {self.day.isoformat()}; name the "
                f"subject (one of: {subjects})", field=field)
        raise ResolutionNotFound(
            f"no resolution of {self.day.isoformat()} has the subject {subject!r}; "
            f"that day's subjects: {subjects}", field=field)


@stored_as("domain.directories")
class AgencyDirectory(RegisterAggregate):
    """Agency codes the register knows beyond the built-in ones."""

    if TYPE_CHECKING:
        agencies: dict[str, tuple[str, str]]

    class Opened(RegisterAggregate.Created):
        def apply(self, aggregate: AgencyDirectory) -> None:
            aggregate.agencies = {}

    class AgencyRegistered(RegisterAggregate.Event):
        code: str
        name_th: str
        name_en: str
        actor: Actor

        def apply(self, aggregate: AgencyDirectory) -> None:
            aggregate.agencies[self.code] = (self.name_th, self.name_en)

    class AgencyRenamed(RegisterAggregate.Event):
        """A correction of an agency's names, on a document, for a reason."""

        code: str
        name_th: str
        name_en: str
        source: SourceDocument
        reason: str
        actor: Actor

        def apply(self, aggregate: AgencyDirectory) -> None:
            aggregate.agencies[self.code] = (self.name_th, self.name_en)

    @classmethod
    def open(cls, at: datetime) -> AgencyDirectory:
        return cls._create(cls.Opened, id=AGENCY_DIRECTORY_ID, timestamp=at)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.agencies) | frozenset(BUILTIN_AGENCIES)

    def register(self, code: str, name_th: str, name_en: str, actor: Actor,
                 at: datetime) -> None:
        if code in BUILTIN_AGENCIES or self.agencies.get(code) == (name_th, name_en):
            return
        self.trigger_event(self.AgencyRegistered, timestamp=at, code=code, name_th=name_th,
                           name_en=name_en, actor=actor)

    def names(self, code: str) -> tuple[str, str] | None:
        """The agency's Thai and English names as corrected, if the register knows it."""
        if code in self.agencies:
            return self.agencies[code]
        builtin = BUILTIN_AGENCIES.get(code)
        return (builtin.name_th, builtin.name_en) if builtin else None

    def rename(self, code: str, name_th: str, name_en: str, source: SourceDocument,
               reason: str, actor: Actor, at: datetime) -> None:
        """Correct an agency's names; the same names again (a retry) record nothing."""
        current = self.names(code)
        if current is None:
            raise UnknownAgency(f"the register knows no agency {code!r} to rename",
                                field="code")
        if current == (name_th, name_en):
            return
        self.trigger_event(self.AgencyRenamed, timestamp=at, code=code, name_th=name_th,
                           name_en=name_en, source=source, reason=reason, actor=actor)

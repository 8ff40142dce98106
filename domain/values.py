"""Value objects carried by the register's events.

They are frozen pydantic models so that events validate what they carry. The
parsing validators accept what staff write (Thai digits, B.E. dates, Thai
letter numbers) and store one canonical form, so decoding a stored event
(already canonical) takes the fast path of each validator.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    model_validator,
)

from domain.errors import InvalidInput
from domain.paperwork.agencies import check_code_syntax
from domain.paperwork.fields import LEFT_FIRST, Line, Text, ThaiDate
from domain.paperwork.letter_numbers import document_key, parse_document_number, split_heading
from domain.paperwork.thai_dates import to_arabic_digits
from domain.register.recurrence import Recurrence, Standing

_CLAUSE_NO = re.compile(r"^[0-9]+(?:\.[0-9]+)*[a-z]?$")  # [0-9]: \d also matches Thai digits
_CODE = r"^[A-Z][A-Z0-9_-]{1,15}$"
_CANONICAL_LETTER = (
    r"^[ก-ฮ]{1,4}\.? ?[0-9๐-๙]+(?:\.[0-9๐-๙]+)*(?: ?\([ก-ฮ0-9๐-๙ ]+\))? ?/ ?"
    r"(?:[ก-ฮ]{1,3}(?:\([ก-ฮ]\))? ?)?[0-9๐-๙]+(?:/[0-9๐-๙]+)?$"
)


@lru_cache(maxsize=65536)
def number_key(number: str) -> str:
    """The canonical key of a letter number (cached: the same letters recur)."""
    return document_key(number)


def _clause_no(value: object) -> str:
    if isinstance(value, bool):
        # YAML reads yes, no, on, off, true and false as booleans.
        raise InvalidInput(f"{value!r} is not a clause number: write the number in quotes,"
                           " e.g. \"1\"")
    if isinstance(value, float):
        raise InvalidInput(f"{value!r} is not a clause number: a number with a point must be"
                           " written in quotes, e.g. \"4.10\"")
    if not isinstance(value, str | int):
        raise InvalidInput(f"{value!r} is not a clause number (e.g. 2, 4.1)")
    text = to_arabic_digits(str(value).strip()).lower()
    if not _CLAUSE_NO.match(text):
        raise InvalidInput(f"{text!r} is not a clause number (e.g. 2, 4.1)")
    return text


def _agency_code(value: str) -> str:
    return check_code_syntax(value)


def _letter_number(value: str) -> str:
    parse_document_number(value)  # refuses a malformed number; keeps it as written
    return value.strip()


_HEADING_START = re.compile(r"\s*(?:ด่วน|ลับ|ปกปิด|ที่)")


class AgencyField:
    """Marks a field holding an agency code, so one walk can check every code in a record."""

    def __init__(self, *, allow_all: bool = False) -> None:
        self.allow_all = allow_all


# Each type below is a left-to-right union: the first member is the form the
# register stores (canonical codes and numbers), checked inside pydantic's core
# without calling Python; anything else staff write (Thai digits, loose
# spacing) falls to the second member, the parser that accepts it or says
# exactly what is wrong. Decoding a stored event only ever takes the first
# path. ThaiDate, Line and Text (domain.paperwork.fields) are built the same way.

if TYPE_CHECKING:
    ClauseNo = str
    LetterNumber = str
    AgencyCode = str
    BearerCode = str
else:
    ClauseNo = Annotated[
        Annotated[str, StringConstraints(pattern=_CLAUSE_NO.pattern)]
        | Annotated[Any, PlainValidator(_clause_no)], LEFT_FIRST]
    LetterNumber = Annotated[
        Annotated[str, StringConstraints(pattern=_CANONICAL_LETTER)]
        | Annotated[str, AfterValidator(_letter_number)], LEFT_FIRST]
    _CODE_TYPE = (Annotated[str, StringConstraints(pattern=_CODE)]
                  | Annotated[str, AfterValidator(_agency_code)])
    AgencyCode = Annotated[_CODE_TYPE, LEFT_FIRST, AgencyField()]
    BearerCode = Annotated[_CODE_TYPE, LEFT_FIRST, AgencyField(allow_all=True)]
"""ThaiDate: a date in ISO or Thai (see domain.paperwork.fields).
BearerCode: an agency code, or ``ALL`` for a duty that binds every agency."""


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DocumentKind(StrEnum):
    LETTER = "letter"
    MEMO = "memo"
    CIRCULAR = "circular"
    MEETING = "meeting"
    ANNOTATION = "annotation"
    STAMP = "stamp"


class MediaType(StrEnum):
    """What a scanned document may be: a PDF or an image (checked by its first bytes)."""

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    TIFF = "image/tiff"


class Attachment(BaseModel):
    """A scanned copy of a document, named by its content.

    The event holds the name (the SHA-256 of the bytes); the attachment store
    holds the bytes under it, so a swapped or lost file no longer matches the
    record (``audit verify`` checks every one).
    """

    model_config = _frozen()

    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    media_type: MediaType
    size: int = Field(gt=0)
    """In bytes."""


def _absent(value: object) -> bool:
    return value is None


class SourceDocument(BaseModel):
    """The document an event rests on: a letter, memo, circular, or the meeting itself."""

    model_config = _frozen()

    kind: DocumentKind
    date: ThaiDate
    issuer: AgencyCode
    number: LetterNumber | None = None
    title: Line | None = None
    note: Text | None = None
    attachment: Attachment | None = Field(default=None, exclude_if=_absent)
    """Its scan, if one was attached. Left out of the stored JSON when there is none, so
    documents recorded before attachments existed are stored and read as they were."""

    @model_validator(mode="after")
    def _urgency_into_note(self) -> SourceDocument:
        # "ด่วนที่สุด ที่ นร ..." heads the letter, not its number: the number is
        # kept without it, and the urgency (real information) goes to the note.
        # A stored number never has a heading, so decoding stops at the match.
        if self.number is None or not _HEADING_START.match(self.number):
            return self
        heading, number = split_heading(self.number)
        object.__setattr__(self, "number", number)
        urgency = heading.removesuffix("ที่").strip()
        if urgency:
            object.__setattr__(self, "note", f"{urgency}; {self.note}" if self.note else urgency)
        return self

    @property
    def number_key(self) -> str | None:
        return number_key(self.number) if self.number else None

    def describe(self) -> str:
        what = self.number or (
            "cabinet meeting" if self.kind is DocumentKind.MEETING else self.kind.value
        )
        return f"{what} of {self.date.isoformat()} ({self.issuer})"


class Obligation(BaseModel):
    """A duty a clause places on a bearer: what to do, for whom, and how often."""

    model_config = _frozen()

    bearer: BearerCode
    summary: Text
    action: Text | None = None
    recipient: AgencyCode | None = None
    system: Line | None = None
    recurrence: Recurrence = Field(default_factory=Standing)


class ResolutionRef(BaseModel):
    """How input names a resolution: its meeting date, and the subject where the date is shared."""

    model_config = _frozen()

    date: ThaiDate
    subject: Line | None = None


class RescissionTarget(BaseModel):
    """Clauses (or a whole resolution) that a clause of a later resolution rescinds."""

    model_config = _frozen()

    resolution: ResolutionRef
    clauses: tuple[ClauseNo, ...] = ()
    whole: bool = False
    effective_on: ThaiDate | None = None


class AmendmentTarget(BaseModel):
    """A clause of an earlier resolution that a later clause amends from a date."""

    model_config = _frozen()

    resolution: ResolutionRef
    clause: ClauseNo
    text: Text | None = None
    summary: Text | None = None
    obligations: tuple[Obligation, ...] | None = None
    effective_from: ThaiDate | None = None


class Clause(BaseModel):
    """A numbered item of a resolution and the obligations it places."""

    model_config = _frozen()

    number: ClauseNo
    summary: Text
    text: Text | None = None
    obligations: tuple[Obligation, ...] = ()
    rescinds: tuple[RescissionTarget, ...] = ()
    amends: tuple[AmendmentTarget, ...] = ()


class ResolutionItemRef(BaseModel):
    """Which resolution and item did something (rescinded, amended) to a clause."""

    model_config = _frozen()

    resolution_id: UUID
    meeting_date: date
    subject: str
    item: str

    def describe(self) -> str:
        return f"resolution of {self.meeting_date.isoformat()}, item {self.item}"

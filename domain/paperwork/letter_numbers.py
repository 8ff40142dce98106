"""Thai official letter numbers such as ``นร ๐๕๐๕/ว ๓๔๐๗``.

A number reads: prefix (the ministry's letters), office code (dotted for a
division: ``มท ๐๘๑๐.๔``), optionally a unit in parentheses, a slash, optionally
a series (``ว`` marks a circular; ``ว(ล)``, ``ว (ล)`` and ``วล`` are one series),
the running number, and optionally ``/sub``. The same number is retyped with
Arabic digits and loose spacing, so the register compares numbers by ``key``.

Copied from the head of a letter, a number may come after its label ``ที่``
and the letter's urgency or secrecy (``ด่วนที่สุด ที่ นร ...``): that heading
is not part of the number; ``split_heading`` separates it.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import InvalidDocumentNumber
from domain.paperwork.thai_dates import to_arabic_digits

_CONSONANTS = "ก-ฮ"
# Series may carry vowels and tone marks (not just consonants); Thai digits
# are converted before matching, so the range stops short of them.
_THAI_LETTERS = "\u0e01-\u0e4e"

_HEADING = re.compile(
    r"\s*((?:(?:ด่วนที่สุด|ด่วนมาก|ด่วน|ลับที่สุด|ลับมาก|ลับ|ปกปิด)\s*)*(?:ที่\s*)?)")
# Spellings of one series, each mapped to the one the register keeps.
_SERIES_SPELLINGS = {"วล": "ว(ล)"}
_PREFIX = re.compile(rf"([{_CONSONANTS}]+)(\.?)\s*")
_OFFICE = re.compile(r"(\d+(?:\.\d+)*)\s*")
_UNIT = re.compile(r"\(([^()]*)\)\s*")
_SLASH = re.compile(r"/\s*")
_SERIES = re.compile(rf"([{_THAI_LETTERS}]+(?:\s*\(\s*[{_THAI_LETTERS}]+\s*\))?)\s*")
_NUMBER = re.compile(r"(\d+)\s*")
_LETTER_DIGIT_BOUNDARY = re.compile(rf"(?<=[{_THAI_LETTERS}.])(?=\d)|(?<=\d)(?=[{_THAI_LETTERS}])")

_MAX_PREFIX_LETTERS = 4


class DocumentNumber(BaseModel):
    """A parsed letter number; ``as_written`` keeps the original spelling for display."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    as_written: str
    prefix: str = Field(pattern=rf"^[{_CONSONANTS}]{{1,{_MAX_PREFIX_LETTERS}}}$")
    office: str = Field(pattern=r"^\d+(?:\.\d+)*$")
    unit: str | None = None
    series: str | None = None
    number: int = Field(ge=0)
    sub: int | None = Field(default=None, ge=0)
    heading: str | None = None
    """Urgency, secrecy and the label ``ที่`` written before the number, if any."""

    @property
    def key(self) -> str:
        """One spelling per number: Arabic digits, single spaces, no trailing prefix dot."""
        head = f"{self.prefix} {self.office}"
        if self.unit:
            head += f" ({self.unit})"
        tail = f"{self.series} {self.number}" if self.series else str(self.number)
        if self.sub is not None:
            tail += f"/{self.sub}"
        return f"{head}/{tail}"

    @classmethod
    def of(cls, text: str) -> DocumentNumber:
        return parse_document_number(text)

    def __str__(self) -> str:
        return self.as_written


class _Reader:
    """Walks the normalized text left to right so each failure can say what was missing."""

    def __init__(self, text: str, field: str | None) -> None:
        self.original = text.strip()
        self.text = " ".join(to_arabic_digits(self.original).split())
        self.pos = 0
        self.field = field

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.match(self.text, self.pos)
        if m:
            self.pos = m.end()
        return m

    def rest(self) -> str:
        return self.text[self.pos :]

    def fail(self, problem: str) -> InvalidDocumentNumber:
        return InvalidDocumentNumber(
            f"{problem} in document number {self.original!r}", field=self.field
        )


def split_heading(text: str) -> tuple[str, str]:
    """``(heading, number)``: ``("ด่วนที่สุด ที่", "นร 0505/ว 3407")``; heading "" if none."""
    m = _HEADING.match(text)
    assert m is not None  # every part of the pattern is optional
    return " ".join(m.group(1).split()), text[m.end():].strip()


def parse_document_number(text: str, *, field: str | None = None) -> DocumentNumber:
    """Read a letter number such as ``นร ๐๕๐๕/ว ๓๔๐๗`` or ``ด่วน ที่ นร 0505/ว 3407``."""
    r = _Reader(text, field)
    if not r.text:
        raise InvalidDocumentNumber("document number is empty", field=field)
    heading = r.take(_HEADING)

    prefix = r.take(_PREFIX)
    if prefix is None:
        raise r.fail("no Thai prefix (such as 'นร') at the start")
    if len(prefix.group(1)) > _MAX_PREFIX_LETTERS:
        raise r.fail(f"prefix {prefix.group(1)!r} is longer than {_MAX_PREFIX_LETTERS} letters")

    office = r.take(_OFFICE)
    if office is None:
        raise r.fail(f"no office code (digits) after prefix {prefix.group(1)!r}")

    unit = None
    if r.rest().startswith("("):
        m = r.take(_UNIT)
        if m is None:
            raise r.fail("unclosed '(' after the office code")
        unit = _LETTER_DIGIT_BOUNDARY.sub(" ", " ".join(m.group(1).split()))
        if not unit:
            raise r.fail("empty unit '()' after the office code")

    if r.take(_SLASH) is None:
        raise r.fail(f"missing '/' after office code {office.group(1)!r}")

    series_match = r.take(_SERIES)
    series = "".join(series_match.group(1).split()) if series_match else None
    series = _SERIES_SPELLINGS.get(series, series) if series else None

    number = r.take(_NUMBER)
    if number is None:
        after = f"series {series!r}" if series else "'/'"
        raise r.fail(f"missing number after {after}")

    sub = None
    if r.take(_SLASH):
        m = r.take(_NUMBER)
        if m is None:
            raise r.fail(f"missing sub-number after {number.group(1)}/")
        sub = int(m.group(1))

    if r.rest():
        raise r.fail(f"unexpected trailing text {r.rest()!r}")

    return DocumentNumber(
        as_written=r.original,
        prefix=prefix.group(1),
        office=office.group(1),
        unit=unit,
        series=series,
        number=int(number.group(1)),
        sub=sub,
        heading=" ".join(heading.group(1).split()) or None if heading else None,
    )


# The everyday shape (no unit, no label), read in one match; anything else
# goes through the step-by-step reader, which also explains what is wrong.
_EVERYDAY = re.compile(
    r"([ก-ฮ]{1,4})\.? ?([0-9]+(?:\.[0-9]+)*) ?/ ?(?:([ก-ฮ]{1,3}(?:\([ก-ฮ]\))?) ?)?([0-9]+)"
    r"(?:/([0-9]+))?")


def document_key(text: str) -> str:
    """``parse_document_number(text).key``, quickly for the everyday shape."""
    m = _EVERYDAY.fullmatch(" ".join(to_arabic_digits(text).split()))
    if m is None:
        return parse_document_number(text).key
    prefix, office, series, number, sub = m.groups()
    series = _SERIES_SPELLINGS.get(series, series)
    tail = f"{series} {int(number)}" if series else str(int(number))
    if sub is not None:
        tail += f"/{int(sub)}"
    return f"{prefix} {office}/{tail}"

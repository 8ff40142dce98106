"""Field types for what staff write: dates, one-line names and free text.

Every model that takes a date, a name or a passage of text from staff uses
these, so one rule reads them everywhere: an import file, a step's options,
a declared holiday, a recurrence's ``once.by``.

Each type is a left-to-right union. The first member is the canonical form the
register stores, checked inside pydantic's core without calling Python, so
decoding a stored event stays fast; anything else falls to the second member,
which reads what staff wrote or says exactly what is wrong.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    ValidationInfo,
)

from domain.errors import InvalidDate, InvalidInput
from domain.paperwork.thai_dates import EARLIEST, LATEST, check_in_range, parse_date

MAX_LINE = 1_000
"""Characters in a name, subject, title or summary."""
MAX_TEXT = 50_000
"""Characters in a passage: a clause's full text, a note, remarks, reasons."""

# C0 and C1 control characters and DEL: NUL ends strings in other tools, and
# escape sequences repaint the terminal of whoever reads the register. Text may
# keep tabs and line breaks; a line keeps neither.
_LINE_FORBIDDEN = r"\x00-\x1f\x7f-\x9f"
_TEXT_FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LINE_BAD = re.compile(f"[{_LINE_FORBIDDEN}]")
_TEXT_BAD = re.compile(f"[{_TEXT_FORBIDDEN}]")

LEFT_FIRST = Field(union_mode="left_to_right")
"""A union tried in order: the stored canonical form first, then what staff wrote."""

STORED = "stored"
"""Validation context of an event read back from the store (``{STORED: True}``).

The limits here are on what staff type now. An event is the legal record as
it was accepted when it was recorded, possibly under older, looser rules: it
must always decode, so a stored value outside today's limits is taken as it is.
"""


def _from_store(info: ValidationInfo | None) -> bool:
    return bool(info is not None and isinstance(info.context, dict) and info.context.get(STORED))


def read_date(value: Any, info: ValidationInfo | None = None) -> date:
    """A date from what an input holds: a ``date``, or text in any form staff write.

    Numbers are refused, not read as Unix times; a ``date`` whose year can only
    be B.E. (a YAML reader turns ``2563-07-14`` into one) is refused as such.
    """
    if _from_store(info) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, datetime):
        raise InvalidDate(f"{value.isoformat()!r} is a date and time; write the day only")
    if isinstance(value, date):
        if value.year >= LATEST.year + 1:
            raise InvalidDate(
                f"year {value.year} in ISO date {value.isoformat()!r} looks like a Buddhist"
                " Era year; ISO dates must use the Christian Era")
        return check_in_range(value)
    if isinstance(value, str):
        return parse_date(value)
    raise InvalidDate(f"{value!r} is not a date: write YYYY-MM-DD or a Thai date such as"
                      " '9 พฤศจิกายน 2564' (numbers are not read as dates)")


def _explain(value: str, *, limit: int, bad: re.Pattern[str], what: str) -> str:
    # Reached only when the fast member refused the value: say why.
    if not value.strip():
        raise InvalidInput(f"{what} is empty")
    if len(value) > limit:
        raise InvalidInput(f"{what} has {len(value):,} characters; at most {limit:,} are kept")
    if found := bad.search(value):
        if found.group() in "\r\n":
            raise InvalidInput(f"{what} has a line break at position {found.start() + 1};"
                               " write it on one line")
        raise InvalidInput(f"{what} holds the control character U+{ord(found.group()):04X}"
                           f" at position {found.start() + 1}; remove it")
    return value


def _explain_line(value: str, info: ValidationInfo) -> str:
    if _from_store(info):
        return value
    return _explain(value, limit=MAX_LINE, bad=_LINE_BAD, what="the line")


def _explain_text(value: str, info: ValidationInfo) -> str:
    if _from_store(info):
        return value
    return _explain(value, limit=MAX_TEXT, bad=_TEXT_BAD, what="the text")


if TYPE_CHECKING:
    ThaiDate = date
    Line = str
    Text = str
else:
    ThaiDate = Annotated[
        Annotated[date, Strict(), Field(ge=EARLIEST, le=LATEST)]
        | Annotated[Any, PlainValidator(read_date)], LEFT_FIRST]
    Line = Annotated[
        Annotated[str, StringConstraints(min_length=1, max_length=MAX_LINE,
                                         pattern=f"^[^{_LINE_FORBIDDEN}]*[^\\s{_LINE_FORBIDDEN}]"
                                                 f"[^{_LINE_FORBIDDEN}]*$")]
        | Annotated[str, AfterValidator(_explain_line)], LEFT_FIRST]
    Text = Annotated[
        Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT,
                                         pattern=f"^[^{_TEXT_FORBIDDEN}]*$")]
        | Annotated[str, AfterValidator(_explain_text)], LEFT_FIRST]
"""ThaiDate: a day in ISO (C.E.) or any Thai form parse_date reads.
Line: one line of text, not blank, without control characters, at most MAX_LINE characters.
Text: text that may have line breaks and tabs, at most MAX_TEXT characters."""

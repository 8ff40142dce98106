"""Search: resolutions, clauses and circulars whose text holds what was typed.

By substring, which is how Thai must be searched (no spaces between words),
with digits and spacing made alike on both sides; a whole letter number is
found however its digits and spaces were typed (``domain.paperwork.search_text``).
"""

from __future__ import annotations

from pydantic import Field

from domain.errors import InvalidInput
from domain.paperwork.search_text import needle, snippet
from projections import search
from projections.jsontypes import IsoDate, absent_if_none
from projections.queries.reading import (
    EMPTY_DOC,
    NEXT_DOC,
    Answer,
    Source,
    after_key,
    check_limit,
    current,
    nothing_recorded,
    page_cursor,
)

DEFAULT_LIMIT = 50
"""Hits on a page when the caller does not say: a common word can match most clauses."""


class SearchHit(Answer):
    kind: search.Kind
    """``resolution`` (its subject or source matched), ``clause`` (its summary or text),
    or ``document`` (the circular that notified it)."""
    resolution_id: str
    resolution: IsoDate
    """The resolution's meeting date."""
    subject: str
    clause: str | None
    """The clause's number, for a clause."""
    letter_number: str | None
    """The letter's number as written, for a resolution's source or a circular."""
    snippet: str
    """The matched text as written, cut around the match."""


class SearchAnswer(Answer):
    """``cabinet search --json``: newest meeting first, then resolution, clause, circular."""

    text: str
    """What was typed."""
    looked_for: str
    """The text searched for after normalising (a letter number in its one spelling)."""
    hits: list[SearchHit]
    next: str | None = Field(default=None, exclude_if=absent_if_none, description=NEXT_DOC)
    empty_because: str | None = Field(default=None, exclude_if=absent_if_none,
                                      description=EMPTY_DOC)


def find(source: Source, text: str, *, limit: int | None = DEFAULT_LIMIT,
         after: str | None = None) -> SearchAnswer:
    """Everything whose text holds ``text`` (at least 3 characters), a page at a time."""
    looked_for = needle(text, field="text")
    check_limit(limit)
    start = _after(after) if after is not None else None
    with current(source) as cursor:
        rows = search.find(cursor, looked_for, after=start,
                           limit=None if limit is None else limit + 1)
        empty = None if rows else nothing_recorded(cursor)
    following = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        following = page_cursor([rows[-1].meeting_date, rows[-1].hit_key])
    hits = [SearchHit(kind=r.kind, resolution_id=r.resolution_id, resolution=r.meeting_date,
                      subject=r.subject, clause=r.clause, letter_number=r.letter_number,
                      snippet=snippet(r.shown, looked_for)) for r in rows]
    return SearchAnswer(text=text, looked_for=looked_for, hits=hits, next=following,
                        empty_because=empty)


def _after(cursor: str) -> tuple[str, str]:
    key = after_key(cursor)
    if len(key) != 2 or not all(isinstance(part, str) for part in key):
        raise InvalidInput(f"{cursor!r} is not a cursor this answer gave", field="after")
    return (key[0], key[1])

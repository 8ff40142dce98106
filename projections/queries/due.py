"""Answers about what falls due: each obligation's next period and its deadline."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from projections.due import DueRow, next_due
from projections.jsontypes import absent_if_none
from projections.queries.reading import EMPTY_DOC, Answer, Moment, Source, current, nothing_recorded


class DueAnswer(Answer):
    """``cabinet due --json``: by deadline, then resolution and clause."""

    at: date
    agency: str | None
    as_recorded: Moment | None
    due: list[DueRow]
    empty_because: str | None = Field(default=None, exclude_if=absent_if_none,
                                      description=EMPTY_DOC)


def due(source: Source, on: date, *, agency: str | None = None,
        as_recorded: datetime | None = None) -> DueAnswer:
    """For each obligation in force on ``on``, its next period, by the count and after holidays."""
    with current(source) as cursor:
        rows = next_due(cursor, on, agency=agency, as_recorded=as_recorded)
        empty = None if rows else nothing_recorded(cursor, as_recorded)
    return DueAnswer(at=on, agency=agency, as_recorded=as_recorded, due=rows,
                     empty_because=empty)

"""Answers about what falls due: each obligation's next period and its deadline."""

from __future__ import annotations

from datetime import date, datetime

from projections.due import DueRow, next_due
from projections.queries.reading import Answer, Moment, Source, current


class DueAnswer(Answer):
    """``cabinet due --json``: by deadline, then resolution and clause."""

    at: date
    agency: str | None
    as_recorded: Moment | None
    due: list[DueRow]


def due(source: Source, on: date, *, agency: str | None = None,
        as_recorded: datetime | None = None) -> DueAnswer:
    """For each obligation in force on ``on``, its next period, by the count and after holidays."""
    with current(source) as cursor:
        rows = next_due(cursor, on, agency=agency, as_recorded=as_recorded)
    return DueAnswer(at=on, agency=agency, as_recorded=as_recorded, due=rows)

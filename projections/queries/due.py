"""Answers about what falls due: each obligation's next period and its deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field

from domain.errors import InvalidInput
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


class DueCalendar(Answer):
    """Every deadline from ``start`` to ``end`` (both included), by deadline: a calendar's
    worth of ``due`` answers (the month view and the ICS feed read it)."""

    start: date
    end: date
    agency: str | None
    due: list[DueRow]
    """One row per obligation and period, including a rescinded duty's last period (not
    owed)."""


MOST_DAYS = 800
"""The longest span a calendar is asked for: two years and a little."""


def due_between(source: Source, start: date, end: date, *, agency: str | None = None
                ) -> DueCalendar:
    """The periods falling due from ``start`` to ``end``, each once.

    Walks ``next_due`` forward: asked on a day, each obligation gives its next
    period; asked again the day after the earliest deadline, that obligation gives
    its following one while the others repeat theirs (kept once).
    """
    if end < start:
        raise InvalidInput(f"the span ends ({end.isoformat()}) before it starts "
                           f"({start.isoformat()})", field="end")
    if (end - start).days > MOST_DAYS:
        raise InvalidInput(f"a span of at most {MOST_DAYS} days", field="end")
    found: dict[tuple[str, ...], DueRow] = {}
    on = start
    with current(source) as cursor:
        while on <= end:
            rows = [r for r in next_due(cursor, on, agency=agency) if r.deadline <= end.isoformat()]
            if not rows:
                break
            for row in rows:
                found.setdefault(period_key(row), row)
            on = date.fromisoformat(min(r.deadline for r in rows)) + timedelta(days=1)
    ordered = sorted(found.values(), key=lambda d: (*d.order, d.bearer, d.summary))
    return DueCalendar(start=start, end=end, agency=agency, due=ordered)


def period_key(row: DueRow) -> tuple[str, str, str, str, str]:
    """One obligation's one period: what a calendar entry stands for."""
    return (row.resolution, row.clause, row.bearer, row.summary, row.period)

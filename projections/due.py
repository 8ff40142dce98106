"""Reading what is due next: per obligation in force, its next period and both deadline dates."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.paperwork.calendar import HolidayCalendar
from domain.register.recurrence import RecurrenceAdapter, next_deadline
from projections import holidays
from projections.jsontypes import IsoDate, Row, absent_if_none
from projections.obligation_rows import in_force
from projections.sql import Cursor


class DueRow(Row):
    """One obligation's next period (``cabinet due --json``)."""

    summary: str
    bearer: str
    recipient: str | None
    system: str | None
    resolution: IsoDate
    clause: str
    source: str
    recurrence: str
    """The recurrence in words."""
    period: str
    due: IsoDate
    """The last day by the count (CCC s. 193/3)."""
    deadline: IsoDate
    """After the holiday rule (CCC s. 193/8)."""
    moved_by: str | None = Field(default=None, exclude_if=absent_if_none)
    """Present where ``deadline`` differs from ``due``: which rule moved it, and why."""

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.deadline, self.resolution, self.clause)


def next_due(cursor: Cursor, on: date, *, agency: str | None = None,
             as_recorded: datetime | None = None) -> list[DueRow]:
    """By deadline, then resolution and clause."""
    calendar = HolidayCalendar(holidays.declared(cursor, as_recorded))
    due = []
    for row in in_force(cursor, on, agency=agency, as_recorded=as_recorded):
        details = row.details
        recurrence = RecurrenceAdapter.validate_python(details["recurrence"])
        deadline = next_deadline(recurrence, on, calendar)
        if deadline is None:
            continue
        until = row.in_force_until
        if until is not None and deadline.due.isoformat() >= until:
            continue  # the duty ends before this period's report falls due
        due.append(DueRow(
            summary=details["summary"], bearer=row.bearer, recipient=details["recipient"],
            system=details["system"], resolution=row.resolution, clause=row.clause,
            source=row.source, recurrence=recurrence.describe(), period=deadline.period,
            due=deadline.due.isoformat(), deadline=deadline.deadline.isoformat(),
            moved_by=deadline.moved_by or None))
    due.sort(key=lambda d: d.order)
    return due
